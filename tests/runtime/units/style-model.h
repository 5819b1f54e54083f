/*
 * style-model.h: a small fast-style-transfer network written as a model
 * package by the units tests (encoder convolutions with instance norm, a
 * residual block, a decoder that upsamples, a sigmoid output), shaped like
 * the example style models so that the planner has real choices: heavy
 * convolutions, cheap normalisations, and a layer the NPU refuses.
 */
#ifndef MLRT_UNITS_STYLE_MODEL_H
#define MLRT_UNITS_STYLE_MODEL_H

#define STYLE_SIZE 32

typedef enum {
  STYLE_DECODER_TRANSPOSE,   /* conv_transpose2d: refused by the NPU */
  STYLE_DECODER_UPSAMPLE,    /* upsample nearest + conv2d: NPU-friendly */
} StyleDecoder;

/* Writes DIR/NAME.mlpackage; `precision` is "float32" or "float16".
 * Returns the path (g_free it). */
char *style_model_write (const char *dir, const char *name,
                         const char *precision, StyleDecoder decoder,
                         guint32 seed);
/* The same with input and output of type `io_type` ("float32" or
 * "float16" multi-arrays). */
char *style_model_write_io (const char *dir, const char *name,
                            const char *precision, const char *io_type,
                            StyleDecoder decoder, guint32 seed);

#endif /* MLRT_UNITS_STYLE_MODEL_H */
