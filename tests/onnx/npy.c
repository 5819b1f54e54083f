/*
 * npy.c: the .npy reader and writer of npy.h. The header is a Python dict
 * literal; only the three keys NumPy writes are read, and anything but a
 * little-endian C-order array of a type the frontend holds is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npy.h"

static const struct {
  const char *descr;
  MlrtOnnxType type;
} descrs[] = {
  { "<f4", MLRT_ONNX_FLOAT }, { "<f8", MLRT_ONNX_DOUBLE },
  { "<f2", MLRT_ONNX_FLOAT16 }, { "<i8", MLRT_ONNX_INT64 },
  { "<i4", MLRT_ONNX_INT32 }, { "<i2", MLRT_ONNX_INT16 },
  { "|i1", MLRT_ONNX_INT8 }, { "|u1", MLRT_ONNX_UINT8 },
  { "<u2", MLRT_ONNX_UINT16 }, { "<u4", MLRT_ONNX_UINT32 },
  { "<u8", MLRT_ONNX_UINT64 }, { "|b1", MLRT_ONNX_BOOL },
};

#define NPY_MAGIC "\x93NUMPY"

gboolean
npy_write (const char *path, const MlrtOnnxTensor *t, GError **error)
{
  const char *descr = NULL;
  GString *header = g_string_new (NULL);
  size_t size = mlrt_onnx_type_size (t->type);
  guint16 len;
  gboolean ok;
  FILE *f;

  for (size_t i = 0; i < G_N_ELEMENTS (descrs); i++)
    if (descrs[i].type == t->type)
      descr = descrs[i].descr;
  if (descr == NULL)
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: no .npy type for %s", path,
                   mlrt_onnx_type_name (t->type));
      g_string_free (header, TRUE);
      return FALSE;
    }
  g_string_printf (header, "{'descr': '%s', 'fortran_order': False, "
                   "'shape': (", descr);
  for (int d = 0; d < t->rank; d++)
    g_string_append_printf (header, "%s%" G_GINT64_FORMAT, d ? ", " : "",
                            t->dims[d]);
  g_string_append (header, t->rank == 1 ? ",), }" : "), }");
  /* pad so the data starts on a 64-byte boundary */
  while ((10 + header->len + 1) % 64)
    g_string_append_c (header, ' ');
  g_string_append_c (header, '\n');
  len = GUINT16_TO_LE ((guint16) header->len);
  f = fopen (path, "wb");
  ok = f != NULL
    && fwrite (NPY_MAGIC "\x01\x00", 1, 8, f) == 8
    && fwrite (&len, 1, 2, f) == 2
    && fwrite (header->str, 1, header->len, f) == header->len
    && fwrite (t->data, size, t->count, f) == t->count;
  if (f && fclose (f) != 0)
    ok = FALSE;
  if (!ok)
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_IO, "%s: cannot write",
                 path);
  g_string_free (header, TRUE);
  return ok;
}

/* The value text after 'key': in the header, or NULL. */
static const char *
header_value (const char *header, const char *key)
{
  char *quoted = g_strdup_printf ("'%s':", key);
  const char *at = strstr (header, quoted);

  if (at)
    at += strlen (quoted);
  g_free (quoted);
  while (at && *at == ' ')
    at++;
  return at;
}

static gboolean
parse_header (const char *header, MlrtOnnxType *type, int *rank,
              int64_t *dims)
{
  const char *descr = header_value (header, "descr");
  const char *order = header_value (header, "fortran_order");
  const char *shape = header_value (header, "shape");
  char *end;

  *type = MLRT_ONNX_UNDEFINED;
  for (size_t i = 0; descr && i < G_N_ELEMENTS (descrs); i++)
    if (strncmp (descr + 1, descrs[i].descr, 3) == 0 && descr[4] == '\'')
      *type = descrs[i].type;
  if (*type == MLRT_ONNX_UNDEFINED || order == NULL
      || strncmp (order, "False", 5) != 0 || shape == NULL || *shape != '(')
    return FALSE;
  *rank = 0;
  for (shape++; *shape != ')'; shape = end)
    {
      while (*shape == ' ' || *shape == ',')
        shape++;
      if (*shape == ')')
        break;
      if (*rank == MLRT_ONNX_MAX_RANK)
        return FALSE;
      dims[*rank] = g_ascii_strtoll (shape, &end, 10);
      if (end == shape || dims[(*rank)++] < 0)
        return FALSE;
    }
  return TRUE;
}

MlrtOnnxTensor *
npy_read (const char *path, GError **error)
{
  gchar *contents, *header;
  gsize length, header_len, start;
  int64_t dims[MLRT_ONNX_MAX_RANK];
  MlrtOnnxTensor *t = NULL;
  MlrtOnnxType type;
  int rank;

  if (!g_file_get_contents (path, &contents, &length, error))
    return NULL;
  if (length < 10 || memcmp (contents, NPY_MAGIC, 6) != 0
      || (contents[6] != 1 && contents[6] != 2))
    {
      g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                   "%s: not a .npy file", path);
      g_free (contents);
      return NULL;
    }
  header_len = (guchar) contents[8] | (gsize) (guchar) contents[9] << 8;
  if (contents[6] == 2)
    header_len |= (gsize) (guchar) contents[10] << 16
      | (gsize) (guchar) contents[11] << 24;
  start = contents[6] == 1 ? 10 : 12;
  header = start + header_len <= length
    ? g_strndup (contents + start, header_len) : NULL;
  if (header && parse_header (header, &type, &rank, dims)
      && (t = mlrt_onnx_tensor_new (type, rank, dims, NULL)) != NULL
      && length - start - header_len != t->count * mlrt_onnx_type_size (type))
    g_clear_pointer (&t, mlrt_onnx_tensor_free);
  if (t)
    memcpy (t->data, contents + start + header_len,
            t->count * mlrt_onnx_type_size (type));
  else
    g_set_error (error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                 "%s: a .npy header or data length the tests do not read "
                 "(%s)", path, header ? header : "truncated");
  g_free (header);
  g_free (contents);
  return t;
}
