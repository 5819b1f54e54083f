/*
 * crypt.h: what the encryption helpers (sealed.c, key.c) share. Their
 * public half is in mlrt.h (MlrtKey, mlrt_encrypt, mlrt_decrypt, key
 * files); docs/encryption.md says why libsodium and which cipher.
 */
#ifndef MLRT_CRYPT_H
#define MLRT_CRYPT_H

#include "mlrt-internal.h"

/* Starts libsodium (once per process; cheap after the first call). */
MlrtStatus mlrt_crypt_init (MlrtError *error);

#endif /* MLRT_CRYPT_H */
