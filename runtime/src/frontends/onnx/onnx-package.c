/*
 * onnx-package.c: writes a converted package to disk as a whole or not
 * at all. The files go into a fresh directory beside the target, which is
 * renamed into place once both are complete (an existing package is
 * swapped out atomically, then removed), so neither a failed conversion
 * nor a crash leaves a partial NAME.mlpackage behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "onnx-convert.h"

static MlrtStatus
write_all (const char *path, const void *data, size_t size, MlrtError *error)
{
  int fd = open (path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  const uint8_t *p = data;
  size_t done = 0;

  if (fd < 0)
    return mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot create: %s",
                           path, strerror (errno));
  while (done < size)
    {
      ssize_t n = write (fd, p + done, size - done);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        {
          int e = errno;
          close (fd);
          return mlrt_set_error (error, MLRT_ERROR_IO, "%s: write failed: %s",
                                 path, strerror (e));
        }
      done += (size_t) n;
    }
  if (fsync (fd) != 0 || close (fd) != 0)
    return mlrt_set_error (error, MLRT_ERROR_IO, "%s: write failed: %s",
                           path, strerror (errno));
  return MLRT_OK;
}

/* Removes a package directory this writer made (its two files). */
static void
remove_package (const char *dir)
{
  char *json = mlrt_strdup_printf ("%s/model.json", dir);
  char *weights = mlrt_strdup_printf ("%s/weights.bin", dir);

  if (json)
    unlink (json);
  if (weights)
    unlink (weights);
  rmdir (dir);
  free (json);
  free (weights);
}

/* Puts `tmp` at `dir`, swapping out whatever package is there. */
static MlrtStatus
put_in_place (const char *tmp, const char *dir, MlrtError *error)
{
  struct stat st;

  if (stat (dir, &st) != 0)
    {
      if (rename (tmp, dir) == 0)
        return MLRT_OK;
    }
  else if (!S_ISDIR (st.st_mode))
    {
      errno = ENOTDIR;
    }
  else if (renameat2 (AT_FDCWD, tmp, AT_FDCWD, dir, RENAME_EXCHANGE) == 0)
    {
      remove_package (tmp);     /* now the old package */
      return MLRT_OK;
    }
  return mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot put the package "
                         "in place: %s", dir, strerror (errno));
}

MlrtStatus
mlrt_onnx_package_write (const MlrtOnnxPackage *package, const char *dir,
                         MlrtError *error)
{
  size_t len = strlen (dir);
  char *base, *tmp, *json = NULL, *weights = NULL;
  MlrtStatus st;

  while (len > 1 && dir[len - 1] == '/')
    len--;
  base = strndup (dir, len);
  tmp = base ? mlrt_strdup_printf ("%s.partial-XXXXXX", base) : NULL;
  if (tmp == NULL)
    {
      free (base);
      return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
    }
  if (mkdtemp (tmp) == NULL)
    {
      st = mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot create a "
                           "directory beside it: %s", base, strerror (errno));
      free (tmp);
      free (base);
      return st;
    }
  json = mlrt_strdup_printf ("%s/model.json", tmp);
  weights = mlrt_strdup_printf ("%s/weights.bin", tmp);
  if (json == NULL || weights == NULL)
    st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  else
    st = write_all (json, package->model_json, strlen (package->model_json),
                    error);
  if (st == MLRT_OK)
    st = write_all (weights, package->weights, package->weights_size, error);
  if (st == MLRT_OK && chmod (tmp, 0755) != 0)
    st = mlrt_set_error (error, MLRT_ERROR_IO, "%s: %s", tmp,
                         strerror (errno));
  if (st == MLRT_OK)
    st = put_in_place (tmp, base, error);
  if (st != MLRT_OK)
    remove_package (tmp);
  free (json);
  free (weights);
  free (tmp);
  free (base);
  return st;
}
