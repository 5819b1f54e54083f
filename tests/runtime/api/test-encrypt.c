/*
 * test-encrypt.c: encrypted models. A package archive or a compiled model
 * encrypted with mlrt_encrypt (or by `mlrt-encrypt encrypt`) loads from
 * memory through a decrypt callback that calls mlrt_decrypt and predicts
 * exactly what the plain package does; another key, any changed byte and
 * a cut file are refused with a message that says which; key files are
 * made owner-only, never replaced, and bad ones are refused; the tool's
 * commands round-trip and fail with clear messages and exit statuses.
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>

#include "api-test.h"
#include "test-tmpdir.h"

static char *tmp;

/* What an app writes: its key is user_data. */
static int
decrypt_model (const void *data, size_t size, void **plain,
               size_t *plain_size, void *user_data)
{
  return mlrt_decrypt (data, size, user_data, plain, plain_size);
}

static void
new_key (const char *name, MlrtKey *key)
{
  char *path = g_build_filename (tmp, name, NULL);
  MlrtError error = { 0 };

  if (mlrt_key_create (path, &error) != MLRT_OK
      || mlrt_key_read (path, key, &error) != MLRT_OK)
    g_error ("%s", error.message);
  g_free (path);
}

static guint8 *
encrypt (const void *data, size_t size, const MlrtKey *key, size_t *out_size)
{
  void *sealed = NULL;
  MlrtError error = { 0 };

  if (mlrt_encrypt (data, size, key, &sealed, out_size, &error) != MLRT_OK)
    g_error ("%s", error.message);
  g_assert_cmpuint (*out_size, ==, size + 56);
  return sealed;
}

/* Loads `sealed` with `key`, predicts two frames and checks them against
 * the package loaded from its directory. */
static void
check_loads_as_package (const char *name, const guint8 *sealed, size_t size,
                        MlrtKey *key, const char *package,
                        MlrtComputeUnits units)
{
  char *cache = g_build_filename (tmp, "cache", NULL);
  MlrtConfiguration config;

  api_config (&config, units, cache);
  MlrtModel *model = api_load_memory (name, sealed, size, decrypt_model, key,
                                      &config);
  MlrtModel *plain = api_load (package, &config);
  for (guint32 seed = 7; seed < 9; seed++)
    {
      MlrtFeatures *in = api_input_new (seed);
      MlrtFeatures *want = api_predict (plain, in);
      MlrtFeatures *got = api_predict (model, in);
      api_assert_same (got, want, name);
      mlrt_features_free (got);
      mlrt_features_free (want);
      api_input_free (in);
    }
  mlrt_model_unload (plain);
  mlrt_model_unload (model);
  g_free (cache);
}

static void
test_round_trip (void)
{
  char *package = api_style_package (tmp, "sealed-style");
  char *cache = g_build_filename (tmp, "cache", NULL);
  char *compiled = NULL;
  gchar *compiled_bytes = NULL;
  size_t size, sealed_size;
  gsize compiled_size;
  MlrtKey key;
  void *archive = api_archive (package, &size);

  new_key ("round-trip.mlrtkey", &key);
  guint8 *sealed = encrypt (archive, size, &key, &sealed_size);
  /* Nothing of the plain text shows through. */
  g_assert_null (memmem (sealed, sealed_size, "conv2d", 6));
  check_loads_as_package ("sealed-style", sealed, sealed_size, &key, package,
                          MLRT_COMPUTE_CPU_ONLY);
  check_loads_as_package ("sealed-style", sealed, sealed_size, &key, package,
                          MLRT_COMPUTE_ALL);
  g_free (sealed);

  /* A compiled model encrypted the same way. */
  g_assert_cmpint (mlrt_compile (package, cache, &compiled, NULL, NULL), ==,
                   MLRT_OK);
  g_assert_true (g_file_get_contents (compiled, &compiled_bytes,
                                      &compiled_size, NULL));
  sealed = encrypt (compiled_bytes, compiled_size, &key, &sealed_size);
  check_loads_as_package ("sealed-compiled", sealed, sealed_size, &key,
                          package, MLRT_COMPUTE_CPU_ONLY);
  g_free (sealed);
  g_free (compiled_bytes);
  free (compiled);
  free (archive);
  g_free (cache);
  g_free (package);
}

/* Loading `data` with `key` fails, and the message names the model and
 * says `want`. */
static void
assert_refused (const guint8 *data, size_t size, MlrtKey *key,
                const char *want)
{
  MlrtModel *model = NULL;
  MlrtError error = { 0 };

  g_assert_cmpint (mlrt_model_load_from_memory ("refused", data, size,
                                                decrypt_model, key, NULL,
                                                &model, &error), ==,
                   MLRT_ERROR_FORMAT);
  g_assert_null (model);
  if (!g_str_has_prefix (error.message, "refused: ")
      || strstr (error.message, want) == NULL)
    g_error ("expected \"refused: ...%s...\", got \"%s\"", want,
             error.message);
}

#define HEADER 40           /* magic, key id, nonce */

/* The result mlrt_decrypt must give for a byte changed at `at`. */
static int
expected_for (size_t at)
{
  if (at < 8)
    return MLRT_DECRYPT_NOT_ENCRYPTED;
  if (at < 16)
    return MLRT_DECRYPT_OTHER_KEY;
  return MLRT_DECRYPT_ALTERED;
}

static void
test_refused (void)
{
  char *package = api_style_package (tmp, "refused-style");
  size_t size, sealed_size;
  MlrtKey key, other;
  void *archive = api_archive (package, &size);
  GRand *rand = g_rand_new_with_seed (99);

  new_key ("refused.mlrtkey", &key);
  new_key ("other.mlrtkey", &other);
  g_assert_cmpmem (key.bytes, MLRT_KEY_SIZE, key.bytes, MLRT_KEY_SIZE);
  g_assert_true (memcmp (key.bytes, other.bytes, MLRT_KEY_SIZE) != 0);
  guint8 *sealed = encrypt (archive, size, &key, &sealed_size);
  guint8 *copy = g_memdup2 (sealed, sealed_size);

  assert_refused (sealed, sealed_size, &other, "cannot decrypt: the model "
                  "was encrypted with another key");
  copy[HEADER + 100] ^= 0x01;
  assert_refused (copy, sealed_size, &key, "authentication failed");
  memcpy (copy, sealed, sealed_size);
  copy[20] ^= 0x80;         /* the nonce */
  assert_refused (copy, sealed_size, &key, "authentication failed");
  assert_refused (sealed, sealed_size - 1, &key, "authentication failed");
  assert_refused (sealed, 30, &key, "not an encrypted mlrt model");
  assert_refused (archive, size, &key, "not an encrypted mlrt model");

  /* Every byte of the header and the tag, and bytes all through the
   * ciphertext: any single change is refused, and refused as what it
   * is. */
  for (int round = 0; round < HEADER + 64 + 300; round++)
    {
      size_t at = round < HEADER + 64 ? (size_t) round
                  : (size_t) g_rand_int_range (rand, HEADER, (gint32) sealed_size);
      void *plain = (void *) 1;
      size_t plain_size = 1;

      if (round >= HEADER && round < HEADER + 64)
        at = sealed_size - 1 - (size_t) (round - HEADER);
      memcpy (copy, sealed, sealed_size);
      copy[at] ^= (guint8) (1u << (round % 8));
      int got = mlrt_decrypt (copy, sealed_size, &key, &plain, &plain_size);
      if (got != expected_for (at))
        g_error ("byte %zu of %zu changed: mlrt_decrypt returned %d, "
                 "expected %d", at, sealed_size, got, expected_for (at));
      g_assert_null (plain);
      g_assert_cmpuint (plain_size, ==, 0);
    }
  g_rand_free (rand);
  g_free (copy);
  g_free (sealed);
  free (archive);
  g_free (package);
}

static void
test_keys (void)
{
  char *path = g_build_filename (tmp, "keys.mlrtkey", NULL);
  char *bad = g_build_filename (tmp, "bad.mlrtkey", NULL);
  char *text = NULL;
  MlrtError error = { 0 };
  GStatBuf st;
  MlrtKey key;
  static const char *const bad_keys[] = {
    "",
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeef\n",
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeffa\n",
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeegg\n",
    "0011 2233445566778899aabbccddeeff00112233445566778899aabbccddeef\n",
  };

  g_assert_cmpint (mlrt_key_create (path, &error), ==, MLRT_OK);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  g_assert_cmpuint (strlen (text), ==, 65);
  g_assert_cmpint (text[64], ==, '\n');
  for (int i = 0; i < 64; i++)
    g_assert_true (g_ascii_isxdigit (text[i]));
  g_assert_cmpint (mlrt_key_read (path, &key, &error), ==, MLRT_OK);

  g_assert_cmpint (mlrt_key_create (path, &error), ==, MLRT_ERROR_IO);
  g_assert_nonnull (strstr (error.message, "never replaced"));
  g_assert_nonnull (strstr (error.message, "keys.mlrtkey"));
  /* The key file is as it was. */
  {
    char *again = NULL;
    g_assert_true (g_file_get_contents (path, &again, NULL, NULL));
    g_assert_cmpstr (again, ==, text);
    g_free (again);
  }
  for (guint i = 0; i < G_N_ELEMENTS (bad_keys); i++)
    {
      g_assert_true (g_file_set_contents (bad, bad_keys[i], -1, NULL));
      g_assert_cmpint (mlrt_key_read (bad, &key, &error), ==,
                       MLRT_ERROR_FORMAT);
      g_assert_nonnull (strstr (error.message, "bad.mlrtkey: not an mlrt "
                                "key file (expected 64 hexadecimal digits"));
    }
  g_assert_cmpint (mlrt_key_read ("/nonexistent/k.mlrtkey", &key, &error),
                   ==, MLRT_ERROR_IO);
  g_assert_nonnull (strstr (error.message, "/nonexistent/k.mlrtkey"));
  g_free (text);
  g_free (bad);
  g_free (path);
}

typedef struct {
  int status;
  char *out, *err;
} ToolRun;

/* Runs mlrt-encrypt with `args` (NULL-terminated). */
static void
tool (ToolRun *r, const char *first, ...)
{
  const char *root = g_getenv ("MLSCOPE_BUILD_ROOT");
  GPtrArray *argv = g_ptr_array_new_with_free_func (g_free);
  GError *error = NULL;
  va_list ap;

  g_assert_nonnull (root);
  g_ptr_array_add (argv, g_build_filename (root, "runtime", "encrypt",
                                           "mlrt-encrypt", NULL));
  va_start (ap, first);
  for (const char *a = first; a; a = va_arg (ap, const char *))
    g_ptr_array_add (argv, g_strdup (a));
  va_end (ap);
  g_ptr_array_add (argv, NULL);
  if (!g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL,
                     NULL, &r->out, &r->err, &r->status, &error))
    g_error ("mlrt-encrypt: %s", error->message);
  r->status = WIFEXITED (r->status) ? WEXITSTATUS (r->status) : 128;
  g_ptr_array_unref (argv);
}

static void
tool_clear (ToolRun *r)
{
  g_free (r->out);
  g_free (r->err);
}

static void
assert_tool_fails (ToolRun *r, int status, const char *want)
{
  if (r->status != status || strstr (r->err, want) == NULL)
    g_error ("mlrt-encrypt: expected status %d and \"%s\", got %d and "
             "\"%s\"", status, want, r->status, r->err);
  tool_clear (r);
}

static void
test_tool (void)
{
  char *package = api_style_package (tmp, "tool-style");
  char *key = g_build_filename (tmp, "tool.mlrtkey", NULL);
  char *other = g_build_filename (tmp, "tool-other.mlrtkey", NULL);
  char *sealed = g_build_filename (tmp, "tool-style.mlpackage.enc", NULL);
  char *plain = g_build_filename (tmp, "tool-style.plain", NULL);
  char *altered = g_build_filename (tmp, "altered.enc", NULL);
  gchar *bytes = NULL, *sealed_bytes = NULL;
  gsize len, sealed_len;
  size_t size;
  void *archive = api_archive (package, &size);
  MlrtKey k;
  ToolRun r;

  tool (&r, "keygen", key, NULL);
  g_assert_cmpint (r.status, ==, 0);
  tool_clear (&r);
  tool (&r, "keygen", other, NULL);
  tool_clear (&r);
  tool (&r, "encrypt", "--key", key, package, sealed, NULL);
  g_assert_cmpint (r.status, ==, 0);
  tool_clear (&r);
  tool (&r, "decrypt", sealed, plain, "--key", key, NULL);
  g_assert_cmpint (r.status, ==, 0);
  tool_clear (&r);
  /* The tool's encryption is the library's: decrypted, the package's
   * archive; loaded, the package. */
  g_assert_true (g_file_get_contents (plain, &bytes, &len, NULL));
  g_assert_cmpmem (bytes, len, archive, size);
  g_assert_true (g_file_get_contents (sealed, &sealed_bytes, &sealed_len,
                                      NULL));
  g_assert_cmpint (mlrt_key_read (key, &k, NULL), ==, MLRT_OK);
  check_loads_as_package ("tool-style", (guint8 *) sealed_bytes, sealed_len,
                          &k, package, MLRT_COMPUTE_CPU_ONLY);

  tool (&r, "decrypt", "--key", other, sealed, plain, NULL);
  assert_tool_fails (&r, 1, "tool-style.mlpackage.enc: cannot decrypt with ");
  tool (&r, "decrypt", "--key", other, sealed, plain, NULL);
  assert_tool_fails (&r, 1, "encrypted with another key");
  sealed_bytes[sealed_len / 2] ^= 0x10;
  g_assert_true (g_file_set_contents (altered, sealed_bytes,
                                      (gssize) sealed_len, NULL));
  tool (&r, "decrypt", "--key", key, altered, plain, NULL);
  assert_tool_fails (&r, 1, "authentication failed");
  tool (&r, "encrypt", "--key", key, key, plain, NULL);
  assert_tool_fails (&r, 1, "not a model package, compiled model or "
                     "package archive");
  tool (&r, "encrypt", "--key", key, "/nonexistent.mlpackage", plain, NULL);
  assert_tool_fails (&r, 1, "/nonexistent.mlpackage");
  tool (&r, "keygen", key, NULL);
  assert_tool_fails (&r, 1, "never replaced");
  tool (&r, "encrypt", package, plain, NULL);
  assert_tool_fails (&r, 2, "encrypt needs --key KEYFILE");
  tool (&r, "encrypt", "--key", key, package, NULL);
  assert_tool_fails (&r, 2, "encrypt takes two arguments");
  tool (&r, "seal", NULL);
  assert_tool_fails (&r, 2, "unknown command 'seal'");
  tool (&r, NULL, NULL);
  assert_tool_fails (&r, 2, "a command is needed");
  tool (&r, "--version", NULL);
  g_assert_cmpint (r.status, ==, 0);
  g_assert_true (g_str_has_prefix (r.out, "mlrt-encrypt "));
  tool_clear (&r);

  g_free (bytes);
  g_free (sealed_bytes);
  free (archive);
  g_free (altered);
  g_free (plain);
  g_free (sealed);
  g_free (other);
  g_free (key);
  g_free (package);
}

int
main (int argc, char **argv)
{
  int rc;

  g_test_init (&argc, &argv, NULL);
  tmp = test_tmpdir_new ("mlrt-api-test");
  g_test_add_func ("/api/encrypt/round-trip", test_round_trip);
  g_test_add_func ("/api/encrypt/refused", test_refused);
  g_test_add_func ("/api/encrypt/keys", test_keys);
  g_test_add_func ("/api/encrypt/tool", test_tool);
  rc = g_test_run ();
  test_tmpdir_remove (tmp);
  g_free (tmp);
  return rc;
}
