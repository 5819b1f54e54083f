/*
 * mlscope-stats.c: `mlscope stats`, the Model Activity Aggregation table of
 * a recording: per span kind (and model), how many, how long in total, on
 * average, at least, typically, at most, how spread, and which share of
 * its lane's time. Printed as an aligned table for people, or as CSV / JSON
 * for scripts. The numbers come from the store (mls_store_query_stats()).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-c/json.h>

#include "mls-store.h"
#include "mlscope.h"

#define SHARE_MEANING \
  "a row's total time over the total time of all rows in its lane"

typedef enum {
  SORT_CATALOGUE,           /* span_kind.sort_order, then model name */
  SORT_COUNT,
  SORT_TOTAL,
  SORT_AVG,
  SORT_MIN,
  SORT_MEDIAN,
  SORT_MAX,
  SORT_NAME,
} SortKey;

static const char *const sort_names[] = {
  [SORT_CATALOGUE] = "catalogue", [SORT_COUNT] = "count",
  [SORT_TOTAL] = "total", [SORT_AVG] = "avg", [SORT_MIN] = "min",
  [SORT_MEDIAN] = "median", [SORT_MAX] = "max", [SORT_NAME] = "name",
};

typedef struct {
  const char *path;
  int by_model;
  SortKey sort;
  const char *format;
  char *format_arg;         /* GOption's strings, freed at the end */
  char *range_text;
  MlsStatsQuery query;
  int64_t trace_start_ns;
  int64_t duration_ns;
} StatsOptions;

/* A row and where the store put it (the catalogue order ties sorts). */
typedef struct {
  const MlsStatsRow *row;
  size_t index;
} SortedRow;

/* ---- parsing ---- */

/* "1.5s", "20ms", "300us", "300µs", "42ns" or "42" (ns) -> ns. */
static int
parse_time (const char *text, int64_t *ns)
{
  static const struct { const char *suffix; double scale; } units[] = {
    { "ns", 1 }, { "us", 1e3 }, { "\u00b5s", 1e3 }, { "ms", 1e6 },
    { "s", 1e9 }, { "", 1 },
  };
  char *end = NULL;
  double value;

  errno = 0;
  value = g_ascii_strtod (text, &end);
  if (end == text || errno != 0 || value < 0 || !isfinite (value))
    return -1;
  for (size_t i = 0; i < G_N_ELEMENTS (units); i++)
    if (strcmp (end, units[i].suffix) == 0)
      {
        *ns = (int64_t) llround (value * units[i].scale);
        return 0;
      }
  return -1;
}

/* START:END relative to the trace start; an empty side is the trace's
 * start or end. */
static int
parse_range (StatsOptions *options)
{
  const char *colon = strchr (options->range_text, ':');
  int64_t start = 0, end = options->duration_ns;
  char *first;
  int ok;

  if (colon == NULL)
    return -1;
  first = g_strndup (options->range_text, colon - options->range_text);
  ok = (first[0] == '\0' || parse_time (first, &start) == 0)
       && (colon[1] == '\0' || parse_time (colon + 1, &end) == 0)
       && end > start;
  g_free (first);
  if (!ok)
    return -1;
  options->query.has_range = 1;
  options->query.range_start_ns = options->trace_start_ns + start;
  options->query.range_end_ns = options->trace_start_ns + end;
  return 0;
}

static int
parse_sort (const char *text, SortKey *key)
{
  for (size_t i = SORT_COUNT; i < G_N_ELEMENTS (sort_names); i++)
    if (strcmp (text, sort_names[i]) == 0)
      {
        *key = (SortKey) i;
        return 0;
      }
  return -1;
}

/* ---- sorting ---- */

static SortKey compare_key;

static int
compare_int (int64_t a, int64_t b)
{
  return a < b ? -1 : a > b;
}

static int
compare_rows (const void *pa, const void *pb)
{
  const SortedRow *a = pa, *b = pb;
  int c = 0;

  switch (compare_key)
    {
    case SORT_COUNT: c = -compare_int (a->row->count, b->row->count); break;
    case SORT_TOTAL: c = -compare_int (a->row->total_ns, b->row->total_ns); break;
    case SORT_AVG: c = -(a->row->avg_ns > b->row->avg_ns)
                       + (a->row->avg_ns < b->row->avg_ns); break;
    case SORT_MIN: c = -compare_int (a->row->min_ns, b->row->min_ns); break;
    case SORT_MEDIAN: c = -compare_int (a->row->median_ns, b->row->median_ns); break;
    case SORT_MAX: c = -compare_int (a->row->max_ns, b->row->max_ns); break;
    case SORT_NAME:
      c = g_strcmp0 (a->row->label, b->row->label);
      if (c == 0)
        c = g_strcmp0 (a->row->model, b->row->model);
      break;
    case SORT_CATALOGUE: default: break;
    }
  return c ? c : compare_int ((int64_t) a->index, (int64_t) b->index);
}

/* Numbers sort biggest first, names alphabetically. */
static SortedRow *
sort_rows (const MlsStatsRow *rows, size_t n_rows, SortKey key)
{
  SortedRow *sorted = g_new (SortedRow, n_rows ? n_rows : 1);

  for (size_t i = 0; i < n_rows; i++)
    sorted[i] = (SortedRow) { &rows[i], i };
  compare_key = key;
  qsort (sorted, n_rows, sizeof *sorted, compare_rows);
  return sorted;
}

/* ---- table ---- */

static char *
human_duration (double ns)
{
  if (ns < 1e3)
    return g_strdup_printf ("%.0f ns", ns);
  if (ns < 1e6)
    return g_strdup_printf ("%.2f \u00b5s", ns / 1e3);
  if (ns < 1e9)
    return g_strdup_printf ("%.2f ms", ns / 1e6);
  return g_strdup_printf ("%.3f s", ns / 1e9);
}

/* printf's widths count bytes; "µ" is two. */
static void
print_cell (const char *text, int width, int right)
{
  int pad = width - (int) g_utf8_strlen (text, -1);

  if (right)
    printf ("%*s%s", pad > 0 ? pad : 0, "", text);
  else
    printf ("%s%*s", text, pad > 0 ? pad : 0, "");
}

static void
print_duration_cell (double ns)
{
  char *text = human_duration (ns);
  print_cell (text, 11, 1);
  g_free (text);
}

static char *
lane_title (const char *lane)
{
  if (g_strcmp0 (lane, "npu") == 0)
    return g_strdup ("Neural Engine");
  if (g_strcmp0 (lane, "gpu") == 0)
    return g_strdup ("GPU");
  char *title = g_strdup (lane ? lane : "?");
  title[0] = g_ascii_toupper (title[0]);
  return title;
}

static void
print_table_header (const StatsOptions *options, MlsStore *store,
                    const MlsStatsRow *rows, size_t n_rows)
{
  int64_t spans = 0, lost = 0, lost_packets = 0;
  char *duration = human_duration ((double) options->duration_ns);

  for (size_t i = 0; i < n_rows; i++)
    spans += rows[i].count;
  printf ("%s: %s recorded, %" G_GINT64_FORMAT " spans%s", options->path,
          duration, spans, options->query.has_range ? " in range" : "");
  if (mls_store_get_meta_int (store, "lost_events", &lost) == 0 && lost > 0)
    printf (", %" G_GINT64_FORMAT " events lost", lost);
  if (mls_store_get_meta_int (store, "lost_packets", &lost_packets) == 0
      && lost_packets > 0)
    printf (", %" G_GINT64_FORMAT " packets lost", lost_packets);
  printf ("\n");
  g_free (duration);
  if (options->query.has_range)
    {
      char *a = human_duration ((double) (options->query.range_start_ns
                                          - options->trace_start_ns));
      char *b = human_duration ((double) (options->query.range_end_ns
                                          - options->trace_start_ns));
      printf ("range: %s to %s from the trace start; spans overlapping it, "
              "with their whole durations\n", a, b);
      g_free (a);
      g_free (b);
    }
  printf ("share: %s\n\n", SHARE_MEANING);
}

static void
print_table_row (const MlsStatsRow *row, int by_model)
{
  char count[32], share[32];

  printf ("  ");
  print_cell (row->label, 30, 0);
  if (by_model)
    print_cell (row->model ? row->model : "(no model)", 20, 0);
  g_snprintf (count, sizeof count, "%" G_GINT64_FORMAT, row->count);
  print_cell (count, 9, 1);
  print_duration_cell ((double) row->total_ns);
  print_duration_cell (row->avg_ns);
  print_duration_cell ((double) row->min_ns);
  print_duration_cell ((double) row->median_ns);
  print_duration_cell ((double) row->max_ns);
  print_duration_cell (row->stddev_ns);
  g_snprintf (share, sizeof share, "%.1f%%", 100 * row->share);
  print_cell (share, 8, 1);
  printf ("\n");
}

/* Lanes in catalogue order (the store's order), rows sorted within each. */
static void
print_table (const StatsOptions *options, MlsStore *store,
             const MlsStatsRow *rows, size_t n_rows, const SortedRow *sorted)
{
  static const char *const columns[] = {
    "Count", "Total", "Avg", "Min", "Median", "Max", "Std Dev", "Share",
  };

  print_table_header (options, store, rows, n_rows);
  print_cell ("Kind", 32, 0);
  if (options->by_model)
    print_cell ("Model", 20, 0);
  for (size_t c = 0; c < G_N_ELEMENTS (columns); c++)
    print_cell (columns[c], c == 0 ? 9 : c == 7 ? 8 : 11, 1);
  printf ("\n");
  for (size_t i = 0; i < n_rows; i++)
    {
      if (i > 0 && g_strcmp0 (rows[i].lane, rows[i - 1].lane) == 0)
        continue;
      char *title = lane_title (rows[i].lane);
      printf ("%s\n", title);
      g_free (title);
      for (size_t j = 0; j < n_rows; j++)
        if (g_strcmp0 (sorted[j].row->lane, rows[i].lane) == 0)
          print_table_row (sorted[j].row, options->by_model);
    }
  if (n_rows == 0)
    printf ("(no spans)\n");
}

/* ---- csv ---- */

static void
print_csv_text (const char *text)
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

static void
print_csv (const StatsOptions *options, const SortedRow *sorted,
           size_t n_rows)
{
  printf ("kind,%scount,total_ns,avg_ns,min_ns,median_ns,max_ns,"
          "stddev_ns,share\n", options->by_model ? "model," : "");
  for (size_t i = 0; i < n_rows; i++)
    {
      const MlsStatsRow *row = sorted[i].row;
      print_csv_text (row->label);
      putchar (',');
      if (options->by_model)
        {
          print_csv_text (row->model);
          putchar (',');
        }
      printf ("%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%.1f,%"
              G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
              ",%.1f,%.6f\n", row->count, row->total_ns, row->avg_ns,
              row->min_ns, row->median_ns, row->max_ns, row->stddev_ns,
              row->share);
    }
}

/* ---- json ---- */

/* The recording's facts, numbers as numbers. */
static json_object *
meta_object (MlsStore *store)
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

static json_object *
row_object (const MlsStatsRow *row, int by_model)
{
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "lane", json_object_new_string (row->lane));
  json_object_object_add (o, "kind", json_object_new_string (row->label));
  if (by_model)
    json_object_object_add (o, "model", row->model
                            ? json_object_new_string (row->model) : NULL);
  json_object_object_add (o, "count", json_object_new_int64 (row->count));
  json_object_object_add (o, "total_ns",
                          json_object_new_int64 (row->total_ns));
  json_object_object_add (o, "avg_ns", json_object_new_double (row->avg_ns));
  json_object_object_add (o, "min_ns", json_object_new_int64 (row->min_ns));
  json_object_object_add (o, "median_ns",
                          json_object_new_int64 (row->median_ns));
  json_object_object_add (o, "max_ns", json_object_new_int64 (row->max_ns));
  json_object_object_add (o, "stddev_ns",
                          json_object_new_double (row->stddev_ns));
  json_object_object_add (o, "share", json_object_new_double (row->share));
  return o;
}

static void
print_json (const StatsOptions *options, MlsStore *store,
            const SortedRow *sorted, size_t n_rows)
{
  json_object *root = json_object_new_object ();
  json_object *rows = json_object_new_array ();
  json_object *range = NULL;

  if (options->query.has_range)
    {
      range = json_object_new_object ();
      json_object_object_add (range, "start_ns", json_object_new_int64 (
        options->query.range_start_ns - options->trace_start_ns));
      json_object_object_add (range, "end_ns", json_object_new_int64 (
        options->query.range_end_ns - options->trace_start_ns));
    }
  for (size_t i = 0; i < n_rows; i++)
    json_object_array_add (rows, row_object (sorted[i].row,
                                             options->by_model));
  json_object_object_add (root, "file",
                          json_object_new_string (options->path));
  json_object_object_add (root, "meta", meta_object (store));
  json_object_object_add (root, "by_model",
                          json_object_new_boolean (options->by_model));
  json_object_object_add (root, "sort",
                          json_object_new_string (sort_names[options->sort]));
  json_object_object_add (root, "range", range);
  json_object_object_add (root, "share_means",
                          json_object_new_string (SHARE_MEANING));
  json_object_object_add (root, "rows", rows);
  puts (json_object_to_json_string_ext (root, JSON_C_TO_STRING_PRETTY
                                              | JSON_C_TO_STRING_NOSLASHESCAPE));
  json_object_put (root);
}

/* ---- the command ---- */

static int
parse_options (int argc, char **argv, StatsOptions *options)
{
  char *sort = NULL, *format = NULL, *range = NULL;
  gboolean by_model = FALSE;
  GOptionEntry entries[] = {
    { "by-model", 'm', 0, G_OPTION_ARG_NONE, &by_model,
      "One row per span kind and model", NULL },
    { "sort", 's', 0, G_OPTION_ARG_STRING, &sort,
      "Sort rows by count, total, avg, min, median, max (biggest first) or "
      "name", "KEY" },
    { "range", 'r', 0, G_OPTION_ARG_STRING, &range,
      "Only spans overlapping START:END from the trace start (ns, or with "
      "a unit: 1.5s:2s, 10ms:20ms, 300us:)", "START:END" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format,
      "table (default), csv or json", "FORMAT" },
    { NULL },
  };
  GOptionContext *context = g_option_context_new ("FILE.mlscope");
  GError *error = NULL;
  int ok;

  g_set_prgname ("mlscope stats");
  g_option_context_set_summary (context, "Prints the Model Activity "
                                "Aggregation table of a recording.\n"
                                "Share: " SHARE_MEANING ".");
  g_option_context_add_main_entries (context, entries, NULL);
  ok = g_option_context_parse (context, &argc, &argv, &error);
  if (!ok)
    fprintf (stderr, "mlscope stats: %s\n", error->message);
  else if (argc != 2)
    {
      fprintf (stderr, "mlscope stats: %s\nUsage: mlscope stats FILE.mlscope "
               "[OPTIONS...]\n", argc < 2 ? "no FILE given"
                                          : "more than one FILE given");
      ok = 0;
    }
  g_clear_error (&error);
  g_option_context_free (context);
  options->path = ok ? argv[1] : NULL;
  options->by_model = by_model;
  options->query.by_model = by_model;
  options->format_arg = format;
  options->format = format ? format : "table";
  options->range_text = range;
  if (ok && sort && parse_sort (sort, &options->sort) != 0)
    {
      fprintf (stderr, "mlscope stats: unknown --sort key '%s' (use count, "
               "total, avg, min, median, max or name)\n", sort);
      ok = 0;
    }
  if (ok && strcmp (options->format, "table") != 0
      && strcmp (options->format, "csv") != 0
      && strcmp (options->format, "json") != 0)
    {
      fprintf (stderr, "mlscope stats: unknown --format '%s' (use table, "
               "csv or json)\n", options->format);
      ok = 0;
    }
  g_free (sort);
  return ok ? 0 : -1;
}

static int
query (StatsOptions *options, MlsStore *store)
{
  MlsStatsRow *rows = NULL;
  size_t n_rows = 0;
  SortedRow *sorted;
  MlsError error = { 0 };

  if (mls_store_query_stats (store, &options->query, &rows, &n_rows,
                             &error) != 0)
    {
      fprintf (stderr, "mlscope stats: %s\n", error.message);
      return 1;
    }
  sorted = sort_rows (rows, n_rows, options->sort);
  if (strcmp (options->format, "csv") == 0)
    print_csv (options, sorted, n_rows);
  else if (strcmp (options->format, "json") == 0)
    print_json (options, store, sorted, n_rows);
  else
    print_table (options, store, rows, n_rows, sorted);
  g_free (sorted);
  mls_stats_rows_free (rows, n_rows);
  return 0;
}

static int
run (StatsOptions *options, MlsStore *store)
{
  mls_store_get_meta_int (store, "start_ns", &options->trace_start_ns);
  mls_store_get_meta_int (store, "duration_ns", &options->duration_ns);
  if (options->range_text && parse_range (options) != 0)
    {
      fprintf (stderr, "mlscope stats: bad --range '%s': use START:END with "
               "START < END, in ns or with a unit (ns, us, ms, s), e.g. "
               "1.5s:2s\n", options->range_text);
      return 2;
    }
  return query (options, store);
}

int
mlscope_stats (int argc, char **argv)
{
  StatsOptions options = { 0 };
  MlsError error = { 0 };
  MlsStore *store;
  int status;

  if (parse_options (argc, argv, &options) != 0)
    status = 2;
  else if ((store = mls_store_open (options.path, &error)) == NULL)
    {
      fprintf (stderr, "mlscope stats: %s\n", error.message);
      status = 2;
    }
  else
    {
      status = run (&options, store);
      mls_store_close (store);
    }
  g_free (options.format_arg);
  g_free (options.range_text);
  return status;
}
