/*
 * mlscope-stats.c: `mlscope stats`, the Model Activity Aggregation table of
 * a recording: per span kind (and model, and process), how many, how long
 * in total, on average, at least, typically, at most, how spread, which
 * share of its lane's time, and how many were cut off. The numbers come
 * from the store (mls_store_query_stats()); mlscope-stats-print.c prints
 * them for people or scripts.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "mlscope-parse.h"
#include "mlscope-print.h"
#include "mlscope-stats.h"
#include "mlscope.h"

typedef enum {
  SORT_CATALOGUE,           /* span_kind.sort_order, then model name */
  SORT_COUNT,
  SORT_INCOMPLETE,
  SORT_TOTAL,
  SORT_AVG,
  SORT_MIN,
  SORT_MEDIAN,
  SORT_MAX,
  SORT_NAME,
} SortKey;

static const char *const sort_names[] = {
  [SORT_CATALOGUE] = "catalogue", [SORT_COUNT] = "count",
  [SORT_INCOMPLETE] = "incomplete", [SORT_TOTAL] = "total",
  [SORT_AVG] = "avg", [SORT_MIN] = "min", [SORT_MEDIAN] = "median",
  [SORT_MAX] = "max", [SORT_NAME] = "name",
};

typedef struct {
  const char *path;
  SortKey sort;
  const char *format;
  char *format_arg;         /* GOption's strings, freed at the end */
  char *range_text;
  char **pid_texts;
  char **process_names;
  char **host_names;
  int by_host;
  int follow;
  GArray *pids;             /* gint64 */
  MlsStatsQuery query;
  int64_t trace_start_ns;
  int64_t duration_ns;
} StatsOptions;

/* ---- parsing ---- */

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
  ok = (first[0] == '\0' || mls_parse_duration (first, &start) == 0)
       && (colon[1] == '\0' || mls_parse_duration (colon + 1, &end) == 0)
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

typedef int (*FindPids) (MlsStore *store, const char *name, int64_t **pids,
                         size_t *n_pids, MlsError *error);

/* The pids of the processes (`what`: "process") or hosts ("host") named in
 * `names`, added to options->pids. */
static int
add_named (StatsOptions *options, MlsStore *store, char **names,
           FindPids find, const char *what)
{
  MlsError error = { 0 };

  for (int i = 0; names && names[i]; i++)
    {
      int64_t *pids;
      size_t n;
      if (find (store, names[i], &pids, &n, &error) != 0)
        {
          fprintf (stderr, "mlscope stats: %s\n", error.message);
          return -1;
        }
      if (n == 0)
        fprintf (stderr, "mlscope stats: %s: no %s named '%s' in the "
                 "recording\n", options->path, what, names[i]);
      g_array_append_vals (options->pids, pids, n);
      free (pids);
      if (n == 0)
        return -1;
    }
  return 0;
}

/* --pid, --process and --host, resolved into the query's list of pids: a name
 * that matches no process of the recording is an error, not an empty
 * table. */
static int
resolve_processes (StatsOptions *options, MlsStore *store)
{
  for (int i = 0; options->pid_texts && options->pid_texts[i]; i++)
    {
      char *end;
      gint64 pid = g_ascii_strtoll (options->pid_texts[i], &end, 10);
      if (*end != '\0' || end == options->pid_texts[i] || pid < 0)
        {
          fprintf (stderr, "mlscope stats: bad --pid '%s': not a process "
                   "id\n", options->pid_texts[i]);
          return -1;
        }
      g_array_append_val (options->pids, pid);
    }
  if (add_named (options, store, options->process_names,
                 mls_store_find_processes, "process")
      || add_named (options, store, options->host_names,
                    mls_store_find_host_processes, "host"))
    return -1;
  options->query.pids = (const int64_t *) (void *) options->pids->data;
  options->query.n_pids = options->pids->len;
  return 0;
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
  const MlsStatsRow *a = *(const MlsStatsRow *const *) pa;
  const MlsStatsRow *b = *(const MlsStatsRow *const *) pb;
  int c = 0;

  switch (compare_key)
    {
    case SORT_COUNT: c = -compare_int (a->count, b->count); break;
    case SORT_INCOMPLETE:
      c = -compare_int (a->incomplete, b->incomplete);
      break;
    case SORT_TOTAL: c = -compare_int (a->total_ns, b->total_ns); break;
    case SORT_AVG: c = -(a->avg_ns > b->avg_ns) + (a->avg_ns < b->avg_ns);
      break;
    case SORT_MIN: c = -compare_int (a->min_ns, b->min_ns); break;
    case SORT_MEDIAN: c = -compare_int (a->median_ns, b->median_ns); break;
    case SORT_MAX: c = -compare_int (a->max_ns, b->max_ns); break;
    case SORT_NAME:
      c = g_strcmp0 (a->label, b->label);
      if (c == 0)
        c = g_strcmp0 (a->model, b->model);
      break;
    case SORT_CATALOGUE: default: break;
    }
  /* Equal rows keep the store's order: the pointers are into one array. */
  return c ? c : (a > b) - (a < b);
}

/* Numbers sort biggest first, names alphabetically. */
static const MlsStatsRow **
sort_rows (const MlsStatsRow *rows, size_t n_rows, SortKey key)
{
  const MlsStatsRow **sorted = g_new (const MlsStatsRow *, n_rows + 1);

  for (size_t i = 0; i < n_rows; i++)
    sorted[i] = &rows[i];
  compare_key = key;
  qsort (sorted, n_rows, sizeof *sorted, compare_rows);
  return sorted;
}

/* ---- the command ---- */

static GOptionContext *
option_context (StatsOptions *options, char **sort, char **range,
                int *by_model, int *by_process)
{
  GOptionEntry entries[] = {
    { "by-model", 'm', 0, G_OPTION_ARG_NONE, by_model,
      "One row per span kind and model", NULL },
    { "by-process", 'P', 0, G_OPTION_ARG_NONE, by_process,
      "One row per span kind and process (with --by-model: and model)",
      NULL },
    { "pid", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &options->pid_texts,
      "Only the spans of process PID (repeat for more)", "PID" },
    { "process", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->process_names,
      "Only the spans of the processes named NAME (repeat for more)",
      "NAME" },
    { "host", 0, 0, G_OPTION_ARG_STRING_ARRAY, &options->host_names,
      "Only the spans of host NAME (a fleet's import; repeat for more)",
      "NAME" },
    { "by-host", 'H', 0, G_OPTION_ARG_NONE, &options->by_host,
      "One table per host (csv: a host column first)", NULL },
    { "follow", 0, 0, G_OPTION_ARG_NONE, &options->follow,
      "Reprint every 2 s while the recording grows (`mlscope record "
      "--live`), until it is finished or Ctrl-C", NULL },
    { "sort", 's', 0, G_OPTION_ARG_STRING, sort,
      "Sort rows by count, incomplete, total, avg, min, median, max "
      "(biggest first) or name", "KEY" },
    { "range", 'r', 0, G_OPTION_ARG_STRING, range,
      "Only spans overlapping START:END from the trace start (ns, or with "
      "a unit: 1.5s:2s, 10ms:20ms, 300us:)", "START:END" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &options->format_arg,
      "table (default), csv or json", "FORMAT" },
    { NULL },
  };
  GOptionContext *context = g_option_context_new ("FILE.mlscope");

  g_option_context_set_summary (context, "Prints the Model Activity "
                                "Aggregation table of a recording.\n"
                                "Figures: " MLS_STATS_FIGURES_MEANING ".\n"
                                "Share: " MLS_STATS_SHARE_MEANING ".");
  g_option_context_add_main_entries (context, entries, NULL);
  mlscope_option_context_finish (context);
  return context;
}

static int
check_choices (StatsOptions *options, const char *sort)
{
  if (sort && parse_sort (sort, &options->sort) != 0)
    {
      fprintf (stderr, "mlscope stats: unknown --sort key '%s' (use count, "
               "incomplete, total, avg, min, median, max or name)\n", sort);
      return -1;
    }
  if (strcmp (options->format, "table") != 0
      && strcmp (options->format, "csv") != 0
      && strcmp (options->format, "json") != 0)
    {
      fprintf (stderr, "mlscope stats: unknown --format '%s' (use table, "
               "csv or json)\n", options->format);
      return -1;
    }
  return 0;
}

static int
parse_options (int argc, char **argv, StatsOptions *options)
{
  char *sort = NULL;
  int by_model = 0, by_process = 0, ok;
  GOptionContext *context;
  GError *error = NULL;

  g_set_prgname ("mlscope stats");
  context = option_context (options, &sort, &options->range_text, &by_model,
                            &by_process);
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
  options->query.by_model = by_model;
  options->query.by_process = by_process;
  options->format = options->format_arg ? options->format_arg : "table";
  if (ok && check_choices (options, sort) != 0)
    ok = 0;
  if (ok && options->by_host && strcmp (options->format, "json") == 0)
    {
      fprintf (stderr, "mlscope stats: --by-host prints a table or csv "
               "(json: use --host NAME per host)\n");
      ok = 0;
    }
  g_free (sort);
  return ok ? 0 : -1;
}

static int
print_one (StatsOptions *options, MlsStore *store, const char *host,
           int no_header)
{
  MlsStatsReport report = {
    .path = options->path, .store = store, .query = &options->query,
    .sort = sort_names[options->sort],
    .trace_start_ns = options->trace_start_ns,
    .duration_ns = options->duration_ns,
    .host = host, .no_header = no_header,
  };
  MlsStatsRow *rows = NULL;
  MlsError error = { 0 };

  if (mls_store_query_stats (store, &options->query, &rows, &report.n_rows,
                             &error) != 0
      || mls_store_count_incomplete (store, &options->query, report.cut,
                                     &error) != 0)
    {
      fprintf (stderr, "mlscope stats: %s\n", error.message);
      mls_stats_rows_free (rows, report.n_rows);
      return MLS_EXIT_FAILED;
    }
  report.rows = rows;
  report.sorted = sort_rows (rows, report.n_rows, options->sort);
  if (!no_header)
    mls_print_warn_lost ("stats", options->path, store);
  if (host != NULL && strcmp (options->format, "table") == 0)
    printf ("%sHost %s\n", no_header ? "\n" : "", host);
  if (strcmp (options->format, "csv") == 0)
    mls_stats_print_csv (&report);
  else if (strcmp (options->format, "json") == 0)
    mls_stats_print_json (&report);
  else
    mls_stats_print_table (&report);
  g_free (report.sorted);
  mls_stats_rows_free (rows, report.n_rows);
  return MLS_EXIT_OK;
}

/* The pids of `host` among those asked for (all when none was). */
static GArray *
host_pids (StatsOptions *options, MlsStore *store, const char *host)
{
  GArray *pids = g_array_new (FALSE, FALSE, sizeof (int64_t));
  int64_t *all;
  size_t n;
  MlsError error = { 0 };

  if (mls_store_find_host_processes (store, host, &all, &n, &error) != 0)
    return pids;
  for (size_t i = 0; i < n; i++)
    {
      gboolean asked = options->pids->len == 0;
      for (guint j = 0; j < options->pids->len && !asked; j++)
        asked = g_array_index (options->pids, int64_t, j) == all[i];
      if (asked)
        g_array_append_val (pids, all[i]);
    }
  free (all);
  return pids;
}

/* --by-host: the table of each host's processes in turn. */
static int
print (StatsOptions *options, MlsStore *store)
{
  MlsError error = { 0 };
  char **hosts = NULL;
  size_t n = 0, printed = 0;
  int status = MLS_EXIT_OK;

  if (!options->by_host)
    return print_one (options, store, NULL, 0);
  if (mls_store_list_hosts (store, &hosts, &n, &error) != 0)
    {
      fprintf (stderr, "mlscope stats: %s\n", error.message);
      return MLS_EXIT_FAILED;
    }
  for (size_t h = 0; h < n && status == MLS_EXIT_OK; h++)
    {
      GArray *pids = host_pids (options, store, hosts[h]);
      if (pids->len > 0)
        {
          options->query.pids = (const int64_t *) (void *) pids->data;
          options->query.n_pids = pids->len;
          status = print_one (options, store, hosts[h], printed++ > 0);
        }
      g_array_free (pids, TRUE);
    }
  for (size_t h = 0; h < n; h++)
    free (hosts[h]);
  free (hosts);
  options->query.pids = (const int64_t *) (void *) options->pids->data;
  options->query.n_pids = options->pids->len;
  return status;
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
      return MLS_EXIT_USAGE;
    }
  if (resolve_processes (options, store) != 0)
    return MLS_EXIT_USAGE;
  return print (options, store);
}

static int
open_and_run (StatsOptions *options)
{
  MlsError error = { 0 };
  MlsStore *store = mls_store_open (options->path, &error);
  int status;

  if (store == NULL)
    {
      fprintf (stderr, "mlscope stats: %s\n", error.message);
      return MLS_EXIT_FAILED;
    }
  g_array_set_size (options->pids, 0);
  status = run (options, store);
  mls_store_close (store);
  return status;
}

/* Whether a recording is still being written (`record --live` says so in
 * meta until it finishes). */
static gboolean
recording (const char *path)
{
  MlsError error = { 0 };
  MlsStore *store = mls_store_open (path, &error);
  char *state = store ? mls_store_get_meta_text (store, "recording") : NULL;
  gboolean live = state != NULL;

  free (state);
  mls_store_close (store);
  return live;
}

/* --follow: the table again every FOLLOW_S seconds (the screen cleared
 * first on a terminal) until the recording is finished. */
#define FOLLOW_S 2

static int
follow (StatsOptions *options)
{
  gboolean terminal = isatty (1);
  int status;

  for (;;)
    {
      gboolean live = recording (options->path);

      if (terminal)
        printf ("\033[H\033[2J");
      status = open_and_run (options);
      fflush (stdout);
      if (status != MLS_EXIT_OK || !live)
        return status;
      g_usleep (FOLLOW_S * G_USEC_PER_SEC);
    }
}

int
mlscope_stats (int argc, char **argv)
{
  StatsOptions options = { 0 };
  int status;

  options.pids = g_array_new (FALSE, FALSE, sizeof (gint64));
  if (parse_options (argc, argv, &options) != 0)
    status = MLS_EXIT_USAGE;
  else
    status = options.follow ? follow (&options) : open_and_run (&options);
  g_free (options.format_arg);
  g_free (options.range_text);
  g_strfreev (options.pid_texts);
  g_strfreev (options.process_names);
  g_strfreev (options.host_names);
  g_array_free (options.pids, TRUE);
  return status;
}
