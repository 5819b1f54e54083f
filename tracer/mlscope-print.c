/*
 * mlscope-print.c: the printing helpers the reports share
 * (mlscope-print.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include "mls-format.h"
#include "mlscope-print.h"

char *
mls_print_duration (double ns)
{
  char buf[MLS_DURATION_TEXT_MAX];

  return g_strdup (mls_format_duration (ns, buf, sizeof buf));
}

/* printf's widths count bytes; "µ" is two. */
void
mls_print_cell (const char *text, int width, int right)
{
  int pad = width - (int) g_utf8_strlen (text, -1);

  if (right)
    printf ("%*s%s", pad > 0 ? pad : 0, "", text);
  else
    printf ("%s%*s", text, pad > 0 ? pad : 0, "");
}

void
mls_print_csv_text (const char *text)
{
  if (text == NULL)
    return;
  if (strpbrk (text, ",\"\n\r") == NULL)
    {
      fputs (text, stdout);
      return;
    }
  putchar ('"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        putchar ('"');
      putchar (*p);
    }
  putchar ('"');
}

void
mls_print_csv_cell (const char *text)
{
  mls_print_csv_text (text);
  putchar (',');
}

void
mls_print_warn_lost (const char *command, const char *path, MlsStore *store)
{
  int64_t events = 0, packets = 0;

  mls_store_get_meta_int (store, "lost_events", &events);
  mls_store_get_meta_int (store, "lost_packets", &packets);
  if (events > 0 || packets > 0)
    fprintf (stderr, "mlscope %s: warning: %s: %" G_GINT64_FORMAT
             " events and %" G_GINT64_FORMAT " packets were lost (discarded "
             "by LTTng, damaged, or cut off when a relay daemon died); spans "
             "around them are missing or incomplete, and the figures may be "
             "low\n", command, path,
             events, packets);
}

char *
mls_print_json_text (json_object *root, int flags)
{
  /* Outside strings JSON is ASCII, so mending the whole text mends only
   * the strings. */
  return g_utf8_make_valid (json_object_to_json_string_ext (root, flags), -1);
}

/* The recording's facts, numbers as numbers. */
json_object *
mls_print_meta_object (MlsStore *store)
{
  static const char *const keys[] = {
    "schema_version", "host", "kernel", "command", "start_ns", "end_ns",
    "duration_ns", "clock_offset_ns", "lost_events", "lost_packets",
    "trace_path", "mlscope_version", "recorded_at",
  };
  json_object *meta = json_object_new_object ();

  for (size_t i = 0; i < G_N_ELEMENTS (keys); i++)
    {
      char *text = mls_store_get_meta_text (store, keys[i]);
      char *end = NULL;
      gint64 number;

      if (text == NULL)
        continue;
      number = g_ascii_strtoll (text, &end, 10);
      json_object_object_add (meta, keys[i],
                              end != text && *end == '\0'
                              ? json_object_new_int64 (number)
                              : json_object_new_string (text));
      free (text);
    }
  return meta;
}
