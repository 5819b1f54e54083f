/*
 * key.c: key files, as `mlrt-encrypt keygen` makes them and apps read
 * them: the key's 32 bytes as 64 hexadecimal digits and a newline, in a
 * file only its owner may read. Text, so a key can be kept in a secret
 * store or an environment variable and written back out unchanged.
 * Buffers that held a key are wiped before they are freed.
 */
#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "crypt.h"

#define KEY_HEX_SIZE (2 * MLRT_KEY_SIZE)

static int
write_all (int fd, const char *data, size_t len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      data += n;
      len -= (size_t) n;
    }
  return 0;
}

MlrtStatus
mlrt_key_create (const char *path, MlrtError *error)
{
  MlrtKey key;
  char hex[KEY_HEX_SIZE + 2];
  int fd, err = 0;
  MlrtStatus st;

  if (path == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_key_create: NULL path");
  st = mlrt_crypt_init (error);
  if (st != MLRT_OK)
    return st;
  fd = open (path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot create the key "
                           "file: %s%s", path, strerror (errno),
                           errno == EEXIST ? " (a key file is never "
                           "replaced: remove it first if it is no longer "
                           "needed)" : "");
  randombytes_buf (key.bytes, sizeof key.bytes);
  sodium_bin2hex (hex, sizeof hex - 1, key.bytes, sizeof key.bytes);
  hex[KEY_HEX_SIZE] = '\n';
  hex[KEY_HEX_SIZE + 1] = '\0';
  if (write_all (fd, hex, KEY_HEX_SIZE + 1) != 0 || fsync (fd) != 0)
    err = errno ? errno : EIO;
  if (close (fd) != 0 && !err)
    err = errno;
  sodium_memzero (&key, sizeof key);
  sodium_memzero (hex, sizeof hex);
  if (err)
    {
      unlink (path);
      return mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot write the "
                             "key file: %s", path, strerror (err));
    }
  return MLRT_OK;
}

MlrtStatus
mlrt_key_read (const char *path, MlrtKey *key, MlrtError *error)
{
  uint8_t *text = NULL;
  size_t size = 0, len, bin_len = 0;
  const char *end = NULL;
  MlrtStatus st;

  if (path == NULL || key == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_key_read: NULL path or key");
  st = mlrt_crypt_init (error);
  if (st == MLRT_OK)
    st = mlrt_read_file (path, &text, &size, error);
  if (st != MLRT_OK)
    return st;
  len = size;
  while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'
                     || text[len - 1] == ' ' || text[len - 1] == '\t'))
    len--;
  if (len != KEY_HEX_SIZE
      || sodium_hex2bin (key->bytes, sizeof key->bytes, (const char *) text,
                         len, NULL, &bin_len, &end) != 0
      || bin_len != MLRT_KEY_SIZE || end != (const char *) text + len)
    st = mlrt_set_error (error, MLRT_ERROR_FORMAT, "%s: not an mlrt key file "
                         "(expected %d hexadecimal digits, as `mlrt-encrypt "
                         "keygen` writes; found %zu bytes)", path,
                         KEY_HEX_SIZE, len);
  sodium_memzero (text, size);
  free (text);
  if (st != MLRT_OK)
    sodium_memzero (key, sizeof *key);
  return st;
}
