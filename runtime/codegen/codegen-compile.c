/*
 * codegen-compile.c: the compiled model a generated interface loads
 * (mlrt-codegen --compile), written where the build puts the app's files,
 * so an app ships a compiled model and never compiles at run time. A
 * package or an .onnx file is compiled as mlrt_model_load_from_memory
 * compiles a package archive; a compiled model is copied as it is.
 */
#include <stdlib.h>

#include "codegen.h"
#include "compiled.h"

MlrtStatus
codegen_compile (const MlrtModelInfo *info, const char *path,
                 MlrtError *error)
{
  uint8_t *data = NULL;
  void *archive = NULL;
  size_t size = 0;
  char *spec = NULL;
  const uint8_t *weights = NULL;
  size_t weights_size = 0;
  MlrtStatus st = MLRT_OK;

  switch (info->kind)
    {
    case MLRT_MODEL_FILE_PACKAGE:
      st = mlrt_package_archive (info->path, &archive, &size, error);
      data = archive;
      break;
    case MLRT_MODEL_FILE_ONNX:
      data = info->archive;
      size = info->archive_size;
      break;
    case MLRT_MODEL_FILE_COMPILED:
    case MLRT_MODEL_FILE_ARCHIVE:
    default:
      st = mlrt_read_file (info->path, &data, &size, error);
      archive = data;
      break;
    }
  if (st == MLRT_OK && info->kind == MLRT_MODEL_FILE_COMPILED)
    {
      const void *parts[] = { data };
      st = mlrt_write_file_atomic (path, parts, &size, 1, error);
    }
  else if (st == MLRT_OK)
    {
      st = mlrt_compile_archive (info->spec.name, data, size, 0, 0, &spec,
                                 &weights, &weights_size, error);
      if (st == MLRT_OK)
        st = mlrt_compiled_write (path, spec, weights, weights_size, error);
    }
  free (spec);
  free (archive);
  return st;
}
