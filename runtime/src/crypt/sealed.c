/*
 * sealed.c: encrypted models, the bytes `mlrt-encrypt encrypt` writes and
 * an app's decrypt callback opens with mlrt_decrypt (docs/encryption.md).
 * libsodium's XChaCha20-Poly1305 (IETF AEAD) does the cryptography: its
 * 192-bit nonces can be drawn at random for every file without a counter
 * to keep, and its tag authenticates the ciphertext and the header, so a
 * wrong key or a changed byte is refused instead of decrypted into
 * garbage. Layout:
 *
 *   offset  size  field
 *   0       8     magic, "MLRTENC1"
 *   8       8     key id: the first bytes of a BLAKE2b hash keyed with the
 *                 key, to tell "another key" from "altered"
 *   16      24    nonce, random
 *   40      n+16  the ciphertext of the n plain bytes, then the tag
 *
 * The first 40 bytes are the AEAD's additional data.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "crypt.h"

#define SEALED_MAGIC "MLRTENC1"
#define SEALED_MAGIC_SIZE 8
#define SEALED_KEY_ID_SIZE 8
#define SEALED_NONCE_SIZE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define SEALED_HEADER_SIZE \
  (SEALED_MAGIC_SIZE + SEALED_KEY_ID_SIZE + SEALED_NONCE_SIZE)
#define SEALED_TAG_SIZE crypto_aead_xchacha20poly1305_ietf_ABYTES

_Static_assert (sizeof SEALED_MAGIC - 1 == SEALED_MAGIC_SIZE,
                "the magic fills its field");
_Static_assert (MLRT_KEY_SIZE == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
                "an MlrtKey is an XChaCha20-Poly1305 key");
_Static_assert (SEALED_HEADER_SIZE + SEALED_TAG_SIZE == 56,
                "mlrt.h promises 56 bytes beyond the plain ones");

/* Separates the key id's hash from any other use of the key. */
static const char key_id_context[] = "mlrt-encrypt key id";

static void
key_id (const MlrtKey *key, uint8_t out[SEALED_KEY_ID_SIZE])
{
  uint8_t hash[crypto_generichash_BYTES_MIN];

  crypto_generichash (hash, sizeof hash, (const uint8_t *) key_id_context,
                      sizeof key_id_context - 1, key->bytes, MLRT_KEY_SIZE);
  memcpy (out, hash, SEALED_KEY_ID_SIZE);
}

MlrtStatus
mlrt_crypt_init (MlrtError *error)
{
  if (sodium_init () < 0)
    return mlrt_set_error (error, MLRT_ERROR_DEVICE, "libsodium could not "
                           "be initialised (no source of randomness?)");
  return MLRT_OK;
}

MlrtStatus
mlrt_encrypt (const void *data, size_t size, const MlrtKey *key,
              void **sealed, size_t *sealed_size, MlrtError *error)
{
  uint8_t *out;
  size_t total = SEALED_HEADER_SIZE + size + SEALED_TAG_SIZE;
  MlrtStatus st;

  if ((data == NULL && size > 0) || key == NULL || sealed == NULL
      || sealed_size == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_encrypt: NULL data, key or result");
  if (size > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX
      || total < size)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_encrypt: %zu bytes are too many", size);
  st = mlrt_crypt_init (error);
  if (st != MLRT_OK)
    return st;
  out = malloc (total);
  if (out == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory "
                           "encrypting %zu bytes", size);
  memcpy (out, SEALED_MAGIC, SEALED_MAGIC_SIZE);
  key_id (key, out + SEALED_MAGIC_SIZE);
  randombytes_buf (out + SEALED_MAGIC_SIZE + SEALED_KEY_ID_SIZE,
                   SEALED_NONCE_SIZE);
  crypto_aead_xchacha20poly1305_ietf_encrypt (
    out + SEALED_HEADER_SIZE, NULL, data, size, out, SEALED_HEADER_SIZE,
    NULL, out + SEALED_MAGIC_SIZE + SEALED_KEY_ID_SIZE, key->bytes);
  *sealed = out;
  *sealed_size = total;
  return MLRT_OK;
}

int
mlrt_decrypt (const void *data, size_t size, const MlrtKey *key,
              void **plain, size_t *plain_size)
{
  const uint8_t *in = data;
  uint8_t id[SEALED_KEY_ID_SIZE];
  uint8_t *out;
  size_t n;

  if (key == NULL || plain == NULL || plain_size == NULL)
    return MLRT_DECRYPT_FAILED;
  *plain = NULL;
  *plain_size = 0;
  if (in == NULL || size < SEALED_HEADER_SIZE + SEALED_TAG_SIZE
      || memcmp (in, SEALED_MAGIC, SEALED_MAGIC_SIZE) != 0)
    return MLRT_DECRYPT_NOT_ENCRYPTED;
  if (mlrt_crypt_init (NULL) != MLRT_OK)
    return MLRT_DECRYPT_FAILED;
  key_id (key, id);
  if (sodium_memcmp (id, in + SEALED_MAGIC_SIZE, SEALED_KEY_ID_SIZE) != 0)
    return MLRT_DECRYPT_OTHER_KEY;
  n = size - SEALED_HEADER_SIZE - SEALED_TAG_SIZE;
  out = malloc (n ? n : 1);
  if (out == NULL)
    return MLRT_DECRYPT_NO_MEMORY;
  if (crypto_aead_xchacha20poly1305_ietf_decrypt (
        out, NULL, NULL, in + SEALED_HEADER_SIZE, size - SEALED_HEADER_SIZE,
        in, SEALED_HEADER_SIZE, in + SEALED_MAGIC_SIZE + SEALED_KEY_ID_SIZE,
        key->bytes) != 0)
    {
      free (out);
      return MLRT_DECRYPT_ALTERED;
    }
  *plain = out;
  *plain_size = n;
  return MLRT_DECRYPT_OK;
}
