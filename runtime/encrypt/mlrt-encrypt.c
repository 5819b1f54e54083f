/*
 * mlrt-encrypt: keeps models encrypted at rest, as Xcode's "create
 * encryption key" and "encrypt model" do for Core ML. `keygen` writes a
 * new key file, `encrypt` turns a model package (into its package
 * archive) or a compiled model into an encrypted model, `decrypt` turns
 * one back. An app loads the encrypted file from memory with a decrypt
 * callback that calls mlrt_decrypt (mlrt.h, docs/encryption.md). Nothing
 * here knows the cipher: it is libmlrt's.
 *
 * Exit status: 0 on success, 1 when a file cannot be read, written,
 * encrypted or decrypted, 2 for a usage error.
 */
#include <errno.h>
#include <getopt.h>
#include <mlrt/mlrt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mls-version.h"

#define PROG "mlrt-encrypt"

/* The magics of the two forms of a model held in one file
 * (docs/model-format.md): what encrypt accepts besides a package. */
static const char *const model_magics[] = { "MLRTC001", "MLRTP001" };
#define MAGIC_SIZE 8

static void
usage (FILE *out)
{
  fputs ("Usage: " PROG " keygen KEYFILE\n"
         "       " PROG " encrypt --key KEYFILE INPUT OUTPUT\n"
         "       " PROG " decrypt --key KEYFILE INPUT OUTPUT\n"
         "\n"
         "Encrypts models for apps that keep them encrypted at rest and\n"
         "decrypt them in memory as they load them (mlrt_decrypt).\n"
         "\n"
         "  keygen    write a new random key to KEYFILE (readable by you only)\n"
         "  encrypt   encrypt INPUT, a model package (NAME.mlpackage) or a\n"
         "            compiled model (NAME.mlmodelc), into OUTPUT\n"
         "  decrypt   decrypt INPUT into OUTPUT (a package archive or a\n"
         "            compiled model, as it was encrypted)\n"
         "\n"
         "  -k, --key KEYFILE   the key, as keygen wrote it\n"
         "  -V, --version       print the version\n"
         "  -h, --help          show this help\n", out);
}

static int usage_error (const char *format, ...)
  __attribute__ ((format (printf, 1, 2)));

/* Prints "mlrt-encrypt: MESSAGE" and the hint; returns 2. */
static int
usage_error (const char *format, ...)
{
  va_list ap;

  fprintf (stderr, PROG ": ");
  va_start (ap, format);
  vfprintf (stderr, format, ap);
  va_end (ap);
  fprintf (stderr, "\nTry '" PROG " --help'.\n");
  return 2;
}

static int
read_file (const char *path, void **data, size_t *size)
{
  FILE *f = fopen (path, "rb");
  struct stat st;
  char *buf;

  if (f == NULL || fstat (fileno (f), &st) != 0 || !S_ISREG (st.st_mode))
    {
      fprintf (stderr, PROG ": %s: cannot read: %s\n", path,
               f == NULL ? strerror (errno) : "not a regular file");
      if (f)
        fclose (f);
      return -1;
    }
  buf = malloc ((size_t) st.st_size + 1);
  if (buf == NULL
      || fread (buf, 1, (size_t) st.st_size, f) != (size_t) st.st_size)
    {
      fprintf (stderr, PROG ": %s: cannot read %lld bytes\n", path,
               (long long) st.st_size);
      free (buf);
      fclose (f);
      return -1;
    }
  fclose (f);
  *data = buf;
  *size = (size_t) st.st_size;
  return 0;
}

/* Writes through OUTPUT.tmp and rename(), so a failure never leaves half
 * a file under the name asked for. */
static int
write_file (const char *path, const void *data, size_t size, mode_t mode)
{
  size_t len = strlen (path) + 5;
  char *tmp = malloc (len);
  FILE *f;
  int failed;

  snprintf (tmp, len, "%s.tmp", path);
  unlink (tmp);
  f = fopen (tmp, "wbx");
  failed = f == NULL || chmod (tmp, mode) != 0
           || fwrite (data, 1, size, f) != size;
  if (f && fclose (f) != 0)
    failed = 1;
  if (!failed && rename (tmp, path) != 0)
    failed = 1;
  if (failed)
    {
      fprintf (stderr, PROG ": %s: cannot write: %s\n", path,
               strerror (errno));
      unlink (tmp);
    }
  free (tmp);
  return failed ? -1 : 0;
}

/* The bytes to encrypt: a package's archive, or a compiled model or
 * package archive as it is. */
static int
read_model (const char *path, void **data, size_t *size)
{
  struct stat st;
  MlrtError error = { 0 };

  if (stat (path, &st) == 0 && S_ISDIR (st.st_mode))
    {
      if (mlrt_package_archive (path, data, size, &error) == MLRT_OK)
        return 0;
      fprintf (stderr, PROG ": %s\n", error.message);
      return -1;
    }
  if (read_file (path, data, size) != 0)
    return -1;
  for (size_t i = 0; i < sizeof model_magics / sizeof model_magics[0]; i++)
    if (*size >= MAGIC_SIZE && memcmp (*data, model_magics[i], MAGIC_SIZE) == 0)
      return 0;
  fprintf (stderr, PROG ": %s: not a model package, compiled model or "
           "package archive (no %s or %s magic)\n", path, model_magics[0],
           model_magics[1]);
  free (*data);
  return -1;
}

static int
encrypt_file (const MlrtKey *key, const char *in, const char *out)
{
  void *plain = NULL, *sealed = NULL;
  size_t plain_size = 0, sealed_size = 0;
  MlrtError error = { 0 };
  int ret = 1;

  if (read_model (in, &plain, &plain_size) != 0)
    return 1;
  if (mlrt_encrypt (plain, plain_size, key, &sealed, &sealed_size, &error)
      != MLRT_OK)
    fprintf (stderr, PROG ": %s: %s\n", in, error.message);
  else if (write_file (out, sealed, sealed_size, 0644) == 0)
    ret = 0;
  free (plain);
  free (sealed);
  return ret;
}

static const char *
decrypt_problem (int result)
{
  switch (result)
    {
    case MLRT_DECRYPT_NOT_ENCRYPTED:
      return "not an encrypted model (no mlrt-encrypt header, or cut short)";
    case MLRT_DECRYPT_OTHER_KEY:
      return "it was encrypted with another key";
    case MLRT_DECRYPT_ALTERED:
      return "authentication failed, its bytes were altered after "
             "encryption (damaged or tampered with)";
    case MLRT_DECRYPT_NO_MEMORY:
      return "out of memory";
    default:
      return "libsodium could not start";
    }
}

static int
decrypt_file (const MlrtKey *key, const char *key_path, const char *in,
              const char *out)
{
  void *sealed = NULL, *plain = NULL;
  size_t sealed_size = 0, plain_size = 0;
  int result, ret = 1;

  if (read_file (in, &sealed, &sealed_size) != 0)
    return 1;
  result = mlrt_decrypt (sealed, sealed_size, key, &plain, &plain_size);
  if (result != MLRT_DECRYPT_OK)
    fprintf (stderr, PROG ": %s: cannot decrypt with %s: %s\n", in, key_path,
             decrypt_problem (result));
  else if (write_file (out, plain, plain_size, 0600) == 0)
    ret = 0;
  free (sealed);
  free (plain);
  return ret;
}

int
main (int argc, char **argv)
{
  static const struct option options[] = {
    { "key", required_argument, NULL, 'k' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  const char *key_path = NULL, *command;
  MlrtError error = { 0 };
  MlrtKey key;
  int opt, ret;

  /* Options may come anywhere: getopt moves the command and its
   * arguments to the end, in order. */
  while ((opt = getopt_long (argc, argv, "k:hV", options, NULL)) != -1)
    switch (opt)
      {
      case 'k': key_path = optarg; break;
      case 'h': usage (stdout); return 0;
      case 'V': printf (PROG " %s\n", MLS_VERSION); return 0;
      default:
        fprintf (stderr, "Try '" PROG " --help'.\n");
        return 2;
      }
  if (optind >= argc)
    return usage_error ("a command is needed: keygen, encrypt or decrypt");
  command = argv[optind++];
  if (strcmp (command, "keygen") == 0)
    {
      if (argc - optind != 1)
        return usage_error ("keygen takes one argument, KEYFILE");
      if (mlrt_key_create (argv[optind], &error) != MLRT_OK)
        {
          fprintf (stderr, PROG ": %s\n", error.message);
          return 1;
        }
      return 0;
    }
  if (strcmp (command, "encrypt") != 0 && strcmp (command, "decrypt") != 0)
    return usage_error ("unknown command '%s' (keygen, encrypt or decrypt)",
                        command);
  if (key_path == NULL)
    return usage_error ("%s needs --key KEYFILE", command);
  if (argc - optind != 2)
    return usage_error ("%s takes two arguments, INPUT and OUTPUT", command);
  if (mlrt_key_read (key_path, &key, &error) != MLRT_OK)
    {
      fprintf (stderr, PROG ": %s\n", error.message);
      return 1;
    }
  if (command[0] == 'e')
    ret = encrypt_file (&key, argv[optind], argv[optind + 1]);
  else
    ret = decrypt_file (&key, key_path, argv[optind], argv[optind + 1]);
  explicit_bzero (&key, sizeof key);
  return ret;
}
