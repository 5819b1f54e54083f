/*
 * convert-options.h: mlrt-convert's option values parsed into the
 * importer's options (onnx-convert.h): --image-input, --metadata and
 * --compute-precision, each refused with a message saying what was
 * expected. A library of its own so the tests parse as the command does.
 */
#ifndef MLRT_CONVERT_OPTIONS_H
#define MLRT_CONVERT_OPTIONS_H

#include "onnx-convert.h"

/* NAME:TYPE[:scale=S|S,S,S][:bias=B,G,R][:bgr], TYPE bgra8, gray8 or
 * gray16half. */
MlrtStatus mlrt_convert_parse_image (const char *arg,
                                     MlrtOnnxImageInput *image,
                                     MlrtError *error);
void mlrt_convert_image_clear (MlrtOnnxImageInput *image);
/* KEY=VALUE */
MlrtStatus mlrt_convert_parse_metadata (const char *arg, MlrtOnnxProp *prop,
                                        MlrtError *error);
/* float32 or float16: sets *half. */
MlrtStatus mlrt_convert_parse_precision (const char *arg, int *half,
                                         MlrtError *error);
/* fp16, int8, palette:N or sparse:R: sets o->weights, weight_bits and
 * weight_sparsity. */
MlrtStatus mlrt_convert_parse_weights (const char *arg,
                                       MlrtOnnxConvertOptions *o,
                                       MlrtError *error);

#endif /* MLRT_CONVERT_OPTIONS_H */
