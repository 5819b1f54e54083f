/*
 * example-common.h: what the example apps share: finding the models
 * directory, parsing numeric options, loading a model with a readable error,
 * timing, and the synthetic frames they feed their models.
 */
#ifndef EXAMPLE_COMMON_H
#define EXAMPLE_COMMON_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>

#include <mlrt/mlrt.h>

/* The models directory: `option` if given, else $MLRT_MODELS_DIR, else the
 * build tree's generated models (baked in at build time). */
const char *ex_models_dir (const char *option);

/* Prints an error naming `dir` and returns -1 unless it is a directory. */
int ex_check_models_dir (const char *prog, const char *dir);

/* A newly allocated DIR/NAME.mlpackage; prints an error naming the path and
 * returns NULL when it does not exist. */
char *ex_model_path (const char *prog, const char *dir, const char *name);

/* Parses a whole decimal number >= `min` for option `--opt`; prints an error
 * naming the option and returns -1 on bad input. */
int ex_parse_count (const char *prog, const char *opt, const char *arg,
                    int min, int *value);

/* Parses --threads: a whole number from 1 to 256 (threads an app starts);
 * prints an error naming the option and returns -1 on bad input. */
int ex_parse_threads (const char *prog, const char *arg, int *value);

/* The options every example app takes: --compute-units, --models-dir and
 * --help. */
typedef struct {
  MlrtComputeUnits units;   /* default all */
  const char *units_name;
  const char *models_dir;   /* resolved by ex_end_options */
} ExOptions;

/* The getopt_long entries of the shared options (values 'u', 'm', 'h'),
 * ending an app's option table. */
#define EX_SHARED_LONG_OPTIONS \
  { "compute-units", required_argument, NULL, 'u' }, \
  { "models-dir", required_argument, NULL, 'm' }, \
  { "help", no_argument, NULL, 'h' }, \
  { NULL, 0, NULL, 0 }

void ex_options_init (ExOptions *o);

/* Handles a getopt_long result the app does not parse itself: a shared
 * option, or an unknown one (hint printed, -1). --help prints `usage` to
 * stdout and exits. */
int ex_parse_shared_option (const char *prog, int opt, const char *arg,
                            ExOptions *o, void (*usage) (FILE *out));

/* After the getopt_long loop: refuses left-over arguments (-1, printed)
 * and resolves the models directory. */
int ex_end_options (const char *prog, int argc, char **argv, ExOptions *o);

/* The shared options' help lines, descriptions from column `column`. */
void ex_print_shared_usage (FILE *out, int column);

/* Loads `path` for `units`; on failure prints "PROG: cannot load PATH: ..."
 * and returns NULL. *ms, if given, receives the time the load took. */
MlrtModel *ex_load_model (const char *prog, const char *path,
                          MlrtComputeUnits units, double *ms);
/* The same with a whole configuration. */
MlrtModel *ex_load_model_config (const char *prog, const char *path,
                                 const MlrtConfiguration *config, double *ms);
/* Loads an encrypted model (`mlrt-encrypt encrypt`) the way an app that
 * keeps its models encrypted at rest does: reads the file into memory and
 * loads it from there, its decrypt callback calling mlrt_decrypt with
 * `key`. `name` names the model. Errors as for ex_load_model. */
MlrtModel *ex_load_encrypted_model (const char *prog, const char *path,
                                    const char *name, const MlrtKey *key,
                                    const MlrtConfiguration *config,
                                    double *ms);

/* Finds the input or output named `name`; prints an error and returns NULL
 * when the model has none. */
const MlrtFeatureDescription *ex_find_feature (const char *prog,
                                               const MlrtModel *model,
                                               const char *name, int output);

/* Milliseconds on the monotonic clock. */
double ex_now_ms (void);

/* Frame `index` of a synthetic stream: a diagonal gradient drifting over
 * time with a bright disc and a dark square moving across it. BGRA8 writes
 * 4 bytes per pixel (alpha 255); the gray variant writes IEEE halves in
 * 0..1. */
void ex_frame_bgra8 (uint8_t *pixels, int width, int height, int index);
void ex_frame_gray_half (uint16_t *pixels, int width, int height, int index);

#endif /* EXAMPLE_COMMON_H */
