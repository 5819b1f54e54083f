/*
 * mlscope-print.h: what the reports of `mlscope` (stats, diff, advise)
 * share when they print for people (durations in their natural unit,
 * aligned cells) and for scripts (CSV cells, the recording's facts as
 * JSON).
 */
#ifndef MLSCOPE_PRINT_H
#define MLSCOPE_PRINT_H

#include <json-c/json.h>

#include "mls-store.h"

/* "12 ns", "3.40 µs", "1.25 ms", "2.500 s" (g_free() it). */
char *mls_print_duration (double ns);
/* TEXT padded to WIDTH characters (not bytes: "µ" is one), on the right
 * when RIGHT. */
void mls_print_cell (const char *text, int width, int right);
/* TEXT as one CSV cell, quoted when it must be; nothing for NULL. */
void mls_print_csv_text (const char *text);
/* The same followed by the comma that ends the cell. */
void mls_print_csv_cell (const char *text);
/* Warns on stderr, as `mlscope COMMAND`, when the recording lost events
 * or packets: every format gets the warning (figures from a recording
 * that lost data may be low, and a script reading CSV must hear of it
 * too). */
void mls_print_warn_lost (const char *command, const char *path,
                          MlsStore *store);
/* The JSON text of ROOT (json-c's FLAGS), made valid UTF-8: json-c copies
 * a string's bytes as they are, and names in a recording come from apps
 * and files that need not be UTF-8; such bytes become U+FFFD (g_free()
 * it). Every JSON mlscope prints goes through here. */
char *mls_print_json_text (json_object *root, int flags);
/* The recording's meta table as a JSON object, numbers as numbers. */
json_object *mls_print_meta_object (MlsStore *store);

#endif /* MLSCOPE_PRINT_H */
