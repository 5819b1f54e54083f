/*
 * fuzz-model.h: what the model harnesses (fuzz-package.c, fuzz-compiled.c)
 * share: loading a compiled model from memory as an app would, and
 * predicting it on zeros when it is small enough to run on every input.
 */
#ifndef FUZZ_MODEL_H
#define FUZZ_MODEL_H

#include <stddef.h>
#include <stdint.h>

/* The libFuzzer entry point every harness defines. */
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

/* Loads the compiled model `data` on the CPU (estimated placement: no
 * measuring), predicts it on zeros when small, unloads it. */
void fuzz_model_run_compiled (const uint8_t *data, size_t size);

#endif /* FUZZ_MODEL_H */
