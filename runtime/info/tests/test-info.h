/*
 * test-info.h: helpers mlrt-info's tests share (test-info-common.c).
 */
#ifndef TEST_INFO_H
#define TEST_INFO_H

#include <glib.h>
#include <json-c/json.h>
#include <stdint.h>

extern char *tmp_dir;

/* Runs the command $EXE_ENV with `args` (NULL-terminated); its exit
 * status, output in *out and *err. */
int run (const char *exe_env, const char *const *args, char **out,
         char **err);
/* mlrt-info ARGS, which must succeed: its output, or its JSON. */
char *info_ok (const char *const *args);
json_object *info_json (const char *const *args);

/* Members that must be there. */
json_object *get (json_object *o, const char *key);
const char *get_str (json_object *o, const char *key);
int64_t get_int (json_object *o, const char *key);
/* Member `i` of the array `list` of `info`. */
json_object *feature (json_object *info, const char *list, size_t i);

/* An example model package in the build tree. */
char *model_path (const char *name);
json_object *read_model_json (const char *package);
int64_t file_size (const char *path);

/* PaddleOCR's classifier, or NULL (the test skipped) when the npm package
 * is not installed; and the package mlrt-convert makes of it, pinned to
 * [1, 3, 48, 192]. */
char *paddle_cls (void);
char *convert_cls (const char *onnx);

void info_predict_tests_add (void);

#endif /* TEST_INFO_H */
