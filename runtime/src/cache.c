/*
 * cache.c: the compiled-model cache's file handling: where the cache lives,
 * the content hash that keys it (xxHash's XXH3: a load from the cache
 * hashes the whole package, 10 MiB for PaddleOCR's recogniser, which
 * byte-at-a-time FNV-1a took 16% of an mlrt-report run to do), whole-file
 * reads, and atomic
 * writes (a temporary file in the same directory, then rename()), so a
 * reader never sees a half-written compiled model, even with several
 * processes compiling the same package at once.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define XXH_INLINE_ALL          /* static functions only: nothing to link */
#include <xxhash.h>

#include "mlrt-internal.h"

char *
mlrt_cache_dir_default (void)
{
  const char *env = getenv ("MLRT_CACHE_DIR");
  const char *xdg = getenv ("XDG_CACHE_HOME");
  const char *home = getenv ("HOME");

  if (env && *env)
    return strdup (env);
  if (xdg && *xdg)
    return mlrt_strdup_printf ("%s/mlrt", xdg);
  return mlrt_strdup_printf ("%s/.cache/mlrt", home && *home ? home : "/tmp");
}

uint64_t
mlrt_hash64 (uint64_t hash, const void *data, size_t len)
{
  return XXH3_64bits_withSeed (data, len, hash);
}

MlrtStatus
mlrt_read_file (const char *path, uint8_t **data, size_t *size,
                MlrtError *error)
{
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  struct stat st;
  uint8_t *buf;
  size_t got = 0;

  if (fd < 0)
    return mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot open: %s", path,
                           strerror (errno));
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      close (fd);
      return mlrt_set_error (error, MLRT_ERROR_IO, "%s: not a regular file",
                             path);
    }
  buf = malloc ((size_t) st.st_size + 1);
  if (buf == NULL)
    {
      close (fd);
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                             "%s: out of memory reading %lld bytes", path,
                             (long long) st.st_size);
    }
  while (got < (size_t) st.st_size)
    {
      ssize_t n = read (fd, buf + got, (size_t) st.st_size - got);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int err = n < 0 ? errno : EIO;
          free (buf);
          close (fd);
          return mlrt_set_error (error, MLRT_ERROR_IO, "%s: read failed: %s",
                                 path, strerror (err));
        }
      got += (size_t) n;
    }
  close (fd);
  buf[got] = 0;               /* lets JSON text be used as a C string */
  *data = buf;
  *size = got;
  return MLRT_OK;
}

MlrtStatus
mlrt_mkdir_p (const char *path, MlrtError *error)
{
  char *copy = strdup (path);

  if (copy == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  for (char *p = copy + 1; ; p++)
    {
      if (*p == '/' || *p == '\0')
        {
          char c = *p;
          *p = '\0';
          if (mkdir (copy, 0755) != 0 && errno != EEXIST)
            {
              mlrt_set_error (error, MLRT_ERROR_IO,
                              "%s: cannot create directory: %s", copy,
                              strerror (errno));
              free (copy);
              return MLRT_ERROR_IO;
            }
          *p = c;
          if (c == '\0')
            break;
        }
    }
  free (copy);
  return MLRT_OK;
}

static int
write_all (int fd, const void *data, size_t len)
{
  const uint8_t *p = data;
  while (len > 0)
    {
      ssize_t n = write (fd, p, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return -1;
      p += n;
      len -= (size_t) n;
    }
  return 0;
}

MlrtStatus
mlrt_write_file_atomic (const char *path, const void *const *parts,
                        const size_t *sizes, int n, MlrtError *error)
{
  char *tmp = mlrt_strdup_printf ("%s.tmp.%d.%lx", path, (int) getpid (),
                                  (unsigned long) pthread_self ());
  int fd, err = 0;

  if (tmp == NULL)
    return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  fd = open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0)
    err = errno;
  for (int i = 0; fd >= 0 && !err && i < n; i++)
    if (write_all (fd, parts[i], sizes[i]) != 0)
      err = errno ? errno : EIO;
  if (fd >= 0 && close (fd) != 0 && !err)
    err = errno;
  if (!err && rename (tmp, path) != 0)
    err = errno;
  if (err)
    {
      unlink (tmp);
      free (tmp);
      return mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot write: %s",
                             path, strerror (err));
    }
  free (tmp);
  return MLRT_OK;
}
