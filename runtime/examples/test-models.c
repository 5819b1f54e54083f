/*
 * test-models.c: tests of mlrt-gen-models: it writes the same bytes on
 * every run (and the build tree holds exactly those), and every package it
 * writes follows docs/model-format.md: tensors chain, weights are aligned,
 * inside weights.bin and exactly the size their encoding needs, the style
 * models cover every encoding, and the sharpen models hold the sharpen
 * kernel.
 */
#include "test-examples.h"

#include <json-c/json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* The package names, from `mlrt-gen-models --list`. */
static char **
package_names (void)
{
  const char *args[] = { "--list", NULL };
  TestRun run;
  test_run ("MLRT_GEN_MODELS", args, NULL, &run);
  g_assert_cmpint (run.exit_code, ==, 0);
  char **names = g_strsplit (g_strstrip (run.out), "\n", -1);
  test_run_clear (&run);
  g_assert_cmpint (g_strv_length (names), >=, 8);
  return names;
}

static void
assert_same_file (const char *a, const char *b)
{
  char *da, *db;
  gsize la, lb;
  GError *error = NULL;
  g_file_get_contents (a, &da, &la, &error);
  g_assert_no_error (error);
  g_file_get_contents (b, &db, &lb, &error);
  g_assert_no_error (error);
  if (la != lb || memcmp (da, db, la) != 0)
    g_error ("%s and %s differ", a, b);
  g_free (da);
  g_free (db);
}

static void
test_deterministic (void)
{
  char *dirs[2] = { test_tmpdir_new ("mlrt-examples"),
                    test_tmpdir_new ("mlrt-examples") };
  for (int i = 0; i < 2; i++)
    {
      const char *args[] = { dirs[i], NULL };
      TestRun run;
      test_run ("MLRT_GEN_MODELS", args, NULL, &run);
      g_assert_cmpint (run.exit_code, ==, 0);
      test_run_clear (&run);
    }
  char **names = package_names ();
  const char *built = g_getenv ("MLRT_MODELS_DIR");
  g_assert_nonnull (built);
  for (int i = 0; names[i]; i++)
    for (int f = 0; f < 2; f++)
      {
        const char *file = f ? "weights.bin" : "model.json";
        char *pkg = g_strconcat (names[i], ".mlpackage", NULL);
        char *a = g_build_filename (dirs[0], pkg, file, NULL);
        char *b = g_build_filename (dirs[1], pkg, file, NULL);
        char *c = g_build_filename (built, pkg, file, NULL);
        assert_same_file (a, b);
        assert_same_file (a, c);
        g_free (a);
        g_free (b);
        g_free (c);
        g_free (pkg);
      }
  g_strfreev (names);
  test_tmpdir_remove (dirs[0]);
  g_free (dirs[0]);
  test_tmpdir_remove (dirs[1]);
  g_free (dirs[1]);
}

static float
half_to_float (guint16 h)
{
  int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  float v = exp == 0 ? ldexpf ((float) mant, -24)
                     : ldexpf ((float) (mant | 0x400), exp - 25);
  return (h & 0x8000) ? -v : v;
}

static gsize
count_bits (const guint8 *mask, gsize n)
{
  gsize count = 0;
  for (gsize i = 0; i < n; i++)
    count += (mask[i / 8] >> (i % 8)) & 1;
  return count;
}

/* Checks one weight entry; returns its encoding name. */
static const char *
check_weight (const char *where, json_object *w, const guint8 *blob,
              gsize blob_len)
{
  json_object *shape = json_object_object_get (w, "shape");
  const char *enc =
      json_object_get_string (json_object_object_get (w, "encoding"));
  gint64 offset = json_object_get_int64 (json_object_object_get (w, "offset"));
  gint64 size = json_object_get_int64 (json_object_object_get (w, "size"));
  g_assert_nonnull (shape);
  g_assert_nonnull (enc);
  gsize n = 1, rank = json_object_array_length (shape);
  g_assert_cmpuint (rank, >=, 1);
  for (gsize i = 0; i < rank; i++)
    n *= json_object_get_int (json_object_array_get_idx (shape, i));
  gsize channels = json_object_get_int (json_object_array_get_idx (shape, 0));

  if (offset % 64 != 0 || offset < 0 || size <= 0
      || (gsize) (offset + size) > blob_len)
    g_error ("%s: offset %" G_GINT64_FORMAT " size %" G_GINT64_FORMAT
             " not aligned or outside weights.bin (%zu bytes)", where,
             offset, size, (size_t) blob_len);
  gsize expect;
  if (strcmp (enc, "float32") == 0)
    expect = 4 * n;
  else if (strcmp (enc, "float16") == 0)
    expect = 2 * n;
  else if (strcmp (enc, "int8") == 0)
    expect = 8 * channels + n;
  else if (strcmp (enc, "sparse") == 0)
    expect = (n + 7) / 8 + 4 * count_bits (blob + offset, n);
  else if (g_str_has_prefix (enc, "palette") && atoi (enc + 7) >= 1
           && atoi (enc + 7) <= 8)
    expect = 4 * ((gsize) 1 << atoi (enc + 7)) + (n * atoi (enc + 7) + 7) / 8;
  else
    g_error ("%s: unknown encoding %s", where, enc);
  if ((gsize) size != expect)
    g_error ("%s: %s of %zu values is %zu bytes, not %" G_GINT64_FORMAT,
             where, enc, (size_t) n, (size_t) expect, size);
  return enc;
}

/* Checks one package; adds the encodings it uses to `encodings`. */
static void
check_package (const char *dir, const char *name, GHashTable *encodings)
{
  char *pkg = g_strconcat (name, ".mlpackage", NULL);
  char *json_path = g_build_filename (dir, pkg, "model.json", NULL);
  char *bin_path = g_build_filename (dir, pkg, "weights.bin", NULL);
  char *blob;
  gsize blob_len;
  GError *error = NULL;
  g_file_get_contents (bin_path, &blob, &blob_len, &error);
  g_assert_no_error (error);
  json_object *root = json_object_from_file (json_path);
  if (!root)
    g_error ("%s: %s", json_path, json_util_get_last_err ());
  g_assert_cmpint (json_object_get_int (json_object_object_get (root,
                   "format_version")), ==, 1);
  g_assert_cmpstr (json_object_get_string (json_object_object_get (root,
                   "name")), ==, name);

  /* every layer reads known tensors; the outputs name produced ones */
  GHashTable *tensors = g_hash_table_new (g_str_hash, g_str_equal);
  json_object *ins = json_object_object_get (root, "inputs");
  for (gsize i = 0; i < json_object_array_length (ins); i++)
    g_hash_table_add (tensors, (char *) json_object_get_string (
        json_object_object_get (json_object_array_get_idx (ins, i), "name")));
  json_object *layers = json_object_object_get (root, "layers");
  g_assert_cmpuint (json_object_array_length (layers), >=, 1);
  for (gsize l = 0; l < json_object_array_length (layers); l++)
    {
      json_object *layer = json_object_array_get_idx (layers, l);
      const char *lname = json_object_get_string (
          json_object_object_get (layer, "name"));
      json_object *li = json_object_object_get (layer, "inputs");
      for (gsize i = 0; i < json_object_array_length (li); i++)
        if (!g_hash_table_contains (tensors, json_object_get_string (
                json_object_array_get_idx (li, i))))
          g_error ("%s: layer %s reads an unknown tensor", json_path, lname);
      json_object *lo = json_object_object_get (layer, "outputs");
      for (gsize i = 0; i < json_object_array_length (lo); i++)
        g_hash_table_add (tensors, (char *) json_object_get_string (
            json_object_array_get_idx (lo, i)));
      json_object *weights = json_object_object_get (layer, "weights");
      if (!weights)
        continue;
      json_object_object_foreach (weights, key, w)
        {
          char *where = g_strdup_printf ("%s: layer %s, %s", json_path,
                                         lname, key);
          g_hash_table_add (encodings, g_strdup (
              check_weight (where, w, (guint8 *) blob, blob_len)));
          g_free (where);
        }
    }
  json_object *outs = json_object_object_get (root, "outputs");
  for (gsize i = 0; i < json_object_array_length (outs); i++)
    g_assert_true (g_hash_table_contains (tensors, json_object_get_string (
        json_object_object_get (json_object_array_get_idx (outs, i),
                                "name"))));
  g_hash_table_unref (tensors);
  json_object_put (root);
  g_free (blob);
  g_free (json_path);
  g_free (bin_path);
  g_free (pkg);
}

/* The sharpen models' only weight must decode to the sharpen kernel. */
static void
check_sharpen_kernel (const char *dir, const char *name, gboolean half)
{
  static const float kernel[9] = { 0, -1, 0, -1, 5, -1, 0, -1, 0 };
  char *path = g_build_filename (dir, name, "weights.bin", NULL);
  char *blob;
  gsize len;
  GError *error = NULL;
  g_file_get_contents (path, &blob, &len, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (len, >=, half ? 18 : 36);
  for (int i = 0; i < 9; i++)
    {
      float v;
      if (half)
        v = half_to_float ((guint8) blob[2 * i]
                           | (guint16) ((guint8) blob[2 * i + 1] << 8));
      else
        memcpy (&v, blob + 4 * i, 4);
      g_assert_cmpfloat (v, ==, kernel[i]);
    }
  g_free (blob);
  g_free (path);
}

static void
test_contract (void)
{
  const char *dir = g_getenv ("MLRT_MODELS_DIR");
  char **names = package_names ();
  GHashTable *style_encodings = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                       g_free, NULL);
  GHashTable *other = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                             NULL);
  int styles = 0;
  for (int i = 0; names[i]; i++)
    {
      gboolean style = strstr (names[i], "style") != NULL;
      styles += style;
      check_package (dir, names[i], style ? style_encodings : other);
    }
  g_assert_cmpint (styles, >=, 5);
  const char *wanted[] = { "float32", "float16", "int8", "sparse",
                           "palette6" };
  for (guint i = 0; i < G_N_ELEMENTS (wanted); i++)
    if (!g_hash_table_contains (style_encodings, wanted[i]))
      g_error ("no style model stores weights as %s", wanted[i]);
  check_sharpen_kernel (dir, "sharpen-gray8.mlpackage", FALSE);
  check_sharpen_kernel (dir, "sharpen-fp16.mlpackage", TRUE);
  g_hash_table_unref (style_encodings);
  g_hash_table_unref (other);
  g_strfreev (names);
}

void
test_models_add (void)
{
  g_test_add_func ("/examples/generator/deterministic", test_deterministic);
  g_test_add_func ("/examples/generator/contract", test_contract);
}
