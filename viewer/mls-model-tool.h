/*
 * mls-model-tool.h: the viewer's model window learns about a model from
 * mlrt's own commands, `mlrt-info` and `mlrt-report`, run as child
 * processes whose JSON it reads (docs/info-json.md, docs/report-json.md):
 * the viewer never links the runtime's internals, and a slow report never
 * blocks the window.
 *
 * A tool is found beside the running viewer (installed, both sit in
 * bindir), else in the build tree (viewer/../runtime/info/mlrt-info), else
 * in PATH: the way `mlscope record --view` finds the viewer.
 */
#ifndef MLS_MODEL_TOOL_H
#define MLS_MODEL_TOOL_H

#include <gio/gio.h>
#include <json-c/json.h>

G_BEGIN_DECLS

/* The program's path (name is "mlrt-info" or "mlrt-report"), or NULL
 * with an error saying where it was looked for. */
char *mls_model_tool_find (const char *name, GError **error);

/* Starts the tool with argv (argv[0] its name), its stdout and stderr
 * read in full, TMPDIR set to tmpdir unless NULL; callback runs when it
 * exited. Returns the process (ref held by the caller) so it can be
 * ended, it alone, by its pid, or NULL with error. */
GSubprocess *mls_model_tool_run (const char *const *argv, const char *tmpdir,
                                 GCancellable *cancellable,
                                 GAsyncReadyCallback callback,
                                 gpointer data, GError **error);
/* The JSON the tool printed, checked to be an object whose "schema" is
 * schema, and its text in *text when text is not NULL; NULL with an error
 * holding the tool's own message when it failed. */
json_object *mls_model_tool_finish (GSubprocess *process, GAsyncResult *res,
                                    const char *schema, char **text,
                                    GError **error);

/* Removes path and all under it (a killed tool's temporary files). */
void mls_model_tool_remove_tree (const char *path);

/* What the tool printed, or NULL with an error holding its message when
 * it failed. */
char *mls_model_tool_finish_text (GSubprocess *process, GAsyncResult *res,
                                  GError **error);

/* text parsed as JSON of the given schema; what names it in errors. */
json_object *mls_model_json_parse (const char *text, const char *schema,
                                   const char *what, GError **error);

/* Members of a JSON object, with defaults when absent or null. */
const char *mls_json_str (json_object *o, const char *key);
gint64 mls_json_int (json_object *o, const char *key);
double mls_json_double (json_object *o, const char *key, double fallback);
json_object *mls_json_get (json_object *o, const char *key);

/* Whether path is a model rather than a recording: a directory (a
 * package), a compiled model or package archive (their magic,
 * docs/model-format.md) or an .onnx file. */
gboolean mls_model_file_is_model (const char *path);

/* A duration the way the window shows it (µs, ms or s). */
char *mls_format_us (double us);

G_END_DECLS

#endif /* MLS_MODEL_TOOL_H */
