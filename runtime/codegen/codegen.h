/*
 * codegen.h: the parts of mlrt-codegen, which writes a typed C interface
 * for one model (a header and a source named after it) from the model's
 * description (model-info.h): the names it gives things, the header, the
 * source, and the compiled model the interface loads.
 */
#ifndef MLRT_CODEGEN_H
#define MLRT_CODEGEN_H

#include <stdio.h>

#include "model-info.h"

typedef struct {
  char *name;               /* `prefix` in every name: style_candy */
  char *upper;              /* in macros: STYLE_CANDY */
  char *base;               /* the files': style-candy.h, .c, .mlmodelc */
  char **input_fields;      /* a C name per input, per output */
  char **output_fields;
  const char *const *search_dirs;   /* relative to the program's folder */
  size_t n_search_dirs;
  const char *source;       /* the model it was generated from */
} CodegenNames;

/* Names everything after `name` (NULL: the model's name). */
int codegen_names_init (CodegenNames *names, const MlrtModelInfo *info,
                        const char *name);
void codegen_names_clear (CodegenNames *names);
/* `s` in upper case, newly allocated: a macro's name. */
char *codegen_upper (const char *s);

/* The C type of one element of a feature, and how many of them a value
 * holds (a BGRA8 pixel is 4 uint8_t). */
const char *codegen_c_type (MlrtFeatureType type);
size_t codegen_c_count (const MlrtFeatureDescription *d);

/* "MLRT_TYPE_BGRA8", ... */
const char *codegen_type_enum (MlrtFeatureType type);

/* Writes `s` as the inside of a C string literal, or of a comment. */
void codegen_put_string (FILE *out, const char *s);
void codegen_put_comment (FILE *out, const char *s);

/* A function's head: RET NAME (PARAMS...)END, RET on its own line when
 * `own_line` (a definition), the parameters wrapped under the first. */
void codegen_put_signature (FILE *out, const char *ret, int own_line,
                            const char *name, const char *const *params,
                            size_t n_params, const char *end);

typedef enum {
  CODEGEN_CALL_LOAD,
  CODEGEN_CALL_LOAD_FILE,
  CODEGEN_CALL_PREDICT,
  CODEGEN_CALL_FREE,
  CODEGEN_CALL_OUTPUT_ALLOC,
  CODEGEN_CALL_OUTPUT_FREE,
} CodegenCall;

/* One of the generated calls' heads, a declaration (`own_line` 0, `end`
 * ";\n") or a definition's. */
void codegen_put_call (FILE *out, const CodegenNames *n, CodegenCall call,
                       int own_line, const char *end);

void codegen_write_header (FILE *out, const MlrtModelInfo *info,
                           const CodegenNames *names);
void codegen_write_source (FILE *out, const MlrtModelInfo *info,
                           const CodegenNames *names);

/* Compiles the model into `path` (a compiled model, what NAME_load
 * finds): a package or an .onnx file compiled, a compiled model copied. */
MlrtStatus codegen_compile (const MlrtModelInfo *info, const char *path,
                            MlrtError *error);

#endif /* MLRT_CODEGEN_H */
