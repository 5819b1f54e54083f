/*
 * mlscope-stats-print.c: the Model Activity Aggregation table as people
 * read it (aligned columns grouped by lane, with what the figures mean),
 * and as scripts read it (CSV with a fixed header, JSON with the
 * recording's facts). A row without complete spans has no duration
 * figures: empty cells in the table and CSV, null in JSON, never a 0 that
 * reads as a measurement.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <json-c/json.h>

#include "mlscope-print.h"
#include "mlscope-stats.h"

/* ---- table ---- */

static void
print_duration_cell (const MlsStatsRow *row, double ns)
{
  char *text = row->count ? mls_print_duration (ns) : g_strdup ("");

  mls_print_cell (text, 11, 1);
  g_free (text);
}

static void
print_count_cell (int64_t count, int width)
{
  char text[32];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, count);
  mls_print_cell (text, width, 1);
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

static int64_t
total_incomplete (const MlsStatsReport *r)
{
  int64_t n = 0;

  for (int reason = MLS_CUT_PROCESS_DIED; reason <= MLS_CUT_UNKNOWN; reason++)
    n += r->cut[reason];
  return n;
}

/* "2 recording ended, 1 process died" */
static char *
reasons_text (const MlsStatsReport *r)
{
  GString *s = g_string_new (NULL);

  for (int reason = MLS_CUT_PROCESS_DIED; reason <= MLS_CUT_UNKNOWN; reason++)
    if (r->cut[reason])
      g_string_append_printf (s, "%s%" G_GINT64_FORMAT " %s",
                              s->len ? ", " : "", r->cut[reason],
                              mls_cut_reason_label ((MlsCutReason) reason));
  return g_string_free (s, FALSE);
}

static void
print_table_header (const MlsStatsReport *r)
{
  const MlsStatsQuery *q = r->query;
  int64_t spans = 0, lost = 0, lost_packets = 0;
  char *duration = mls_print_duration ((double) r->duration_ns);

  for (size_t i = 0; i < r->n_rows; i++)
    spans += r->rows[i].count;
  printf ("%s: %s recorded, %" G_GINT64_FORMAT " spans%s", r->path, duration,
          spans, q->has_range ? " in range" : "");
  if (mls_store_get_meta_int (r->store, "lost_events", &lost) == 0
      && lost > 0)
    printf (", %" G_GINT64_FORMAT " events lost", lost);
  if (mls_store_get_meta_int (r->store, "lost_packets", &lost_packets) == 0
      && lost_packets > 0)
    printf (", %" G_GINT64_FORMAT " packets lost", lost_packets);
  printf ("\n");
  g_free (duration);
  if (total_incomplete (r) > 0)
    {
      char *reasons = reasons_text (r);
      printf ("incomplete: %" G_GINT64_FORMAT " spans cut off (%s), counted "
              "apart and left out of the figures\n", total_incomplete (r),
              reasons);
      g_free (reasons);
    }
  if (q->n_pids > 0)
    {
      printf ("processes:");
      for (size_t i = 0; i < q->n_pids; i++)
        printf (" %" G_GINT64_FORMAT, q->pids[i]);
      printf ("\n");
    }
  if (q->has_range)
    {
      char *a = mls_print_duration ((double) (q->range_start_ns
                                              - r->trace_start_ns));
      char *b = mls_print_duration ((double) (q->range_end_ns
                                              - r->trace_start_ns));
      printf ("range: %s to %s from the trace start; spans overlapping it, "
              "with their whole durations\n", a, b);
      g_free (a);
      g_free (b);
    }
  printf ("share: %s\n\n", MLS_STATS_SHARE_MEANING);
}

static void
print_process_cell (const MlsStatsRow *row)
{
  char *text = g_strdup_printf ("%" G_GINT64_FORMAT " %s", row->pid,
                                row->process ? row->process : "?");
  mls_print_cell (text, 24, 0);
  g_free (text);
}

static void
print_table_row (const MlsStatsReport *r, const MlsStatsRow *row,
                 int incomplete)
{
  char share[32];

  printf ("  ");
  mls_print_cell (row->label, 30, 0);
  if (r->query->by_model)
    mls_print_cell (row->model ? row->model : "(no model)", 20, 0);
  if (r->query->by_process)
    print_process_cell (row);
  print_count_cell (row->count, 9);
  if (incomplete)
    print_count_cell (row->incomplete, 11);
  print_duration_cell (row, (double) row->total_ns);
  print_duration_cell (row, row->avg_ns);
  print_duration_cell (row, (double) row->min_ns);
  print_duration_cell (row, (double) row->median_ns);
  print_duration_cell (row, (double) row->max_ns);
  print_duration_cell (row, row->stddev_ns);
  g_snprintf (share, sizeof share, "%.1f%%", 100 * row->share);
  mls_print_cell (row->count ? share : "", 8, 1);
  printf ("\n");
}

static void
print_column_titles (const MlsStatsReport *r, int incomplete)
{
  static const char *const durations[] = {
    "Total", "Avg", "Min", "Median", "Max", "Std Dev",
  };

  mls_print_cell ("Kind", 32, 0);
  if (r->query->by_model)
    mls_print_cell ("Model", 20, 0);
  if (r->query->by_process)
    mls_print_cell ("Process", 24, 0);
  mls_print_cell ("Count", 9, 1);
  if (incomplete)
    mls_print_cell ("Incomplete", 11, 1);
  for (size_t c = 0; c < G_N_ELEMENTS (durations); c++)
    mls_print_cell (durations[c], 11, 1);
  mls_print_cell ("Share", 8, 1);
  printf ("\n");
}

/* Lanes in catalogue order (the store's order), rows sorted within each.
 * The Incomplete column is shown when some row has incomplete spans. */
void
mls_stats_print_table (const MlsStatsReport *r)
{
  int incomplete = total_incomplete (r) > 0;

  print_table_header (r);
  print_column_titles (r, incomplete);
  for (size_t i = 0; i < r->n_rows; i++)
    {
      if (i > 0 && g_strcmp0 (r->rows[i].lane, r->rows[i - 1].lane) == 0)
        continue;
      char *title = lane_title (r->rows[i].lane);
      printf ("%s\n", title);
      g_free (title);
      for (size_t j = 0; j < r->n_rows; j++)
        if (g_strcmp0 (r->sorted[j]->lane, r->rows[i].lane) == 0)
          print_table_row (r, r->sorted[j], incomplete);
    }
  if (r->n_rows == 0)
    printf ("(no spans)\n");
}

/* ---- csv ---- */

static void
print_csv_figures (const MlsStatsRow *row)
{
  printf ("%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",", row->count,
          row->total_ns);
  if (row->count)
    printf ("%.1f,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT ",%"
            G_GINT64_FORMAT ",%.1f,%.6f", row->avg_ns, row->min_ns,
            row->median_ns, row->max_ns, row->stddev_ns, row->share);
  else
    printf (",,,,,");
  printf (",%" G_GINT64_FORMAT "\n", row->incomplete);
}

/* DESIGN's columns keep their places; incomplete comes after share. */
void
mls_stats_print_csv (const MlsStatsReport *r)
{
  if (!r->no_header)
    printf ("%skind,%s%scount,total_ns,avg_ns,min_ns,median_ns,max_ns,"
            "stddev_ns,share,incomplete\n", r->host ? "host," : "",
            r->query->by_model ? "model," : "",
            r->query->by_process ? "pid,process," : "");
  for (size_t i = 0; i < r->n_rows; i++)
    {
      const MlsStatsRow *row = r->sorted[i];
      if (r->host)
        mls_print_csv_cell (r->host);
      mls_print_csv_cell (row->label);
      if (r->query->by_model)
        mls_print_csv_cell (row->model);
      if (r->query->by_process)
        {
          printf ("%" G_GINT64_FORMAT ",", row->pid);
          mls_print_csv_cell (row->process);
        }
      print_csv_figures (row);
    }
}

/* ---- json ---- */

static json_object *
figure (const MlsStatsRow *row, json_object *value)
{
  if (row->count)
    return value;
  json_object_put (value);
  return NULL;
}

static json_object *
row_object (const MlsStatsReport *r, const MlsStatsRow *row)
{
  json_object *o = json_object_new_object ();

  json_object_object_add (o, "lane", json_object_new_string (row->lane));
  json_object_object_add (o, "kind", json_object_new_string (row->label));
  if (r->query->by_model)
    json_object_object_add (o, "model", row->model
                            ? json_object_new_string (row->model) : NULL);
  if (r->query->by_process)
    {
      json_object_object_add (o, "pid", json_object_new_int64 (row->pid));
      json_object_object_add (o, "process", row->process
                              ? json_object_new_string (row->process)
                              : NULL);
    }
  json_object_object_add (o, "count", json_object_new_int64 (row->count));
  json_object_object_add (o, "incomplete",
                          json_object_new_int64 (row->incomplete));
  json_object_object_add (o, "total_ns",
                          json_object_new_int64 (row->total_ns));
  json_object_object_add (o, "avg_ns", figure (row, json_object_new_double (
                                                      row->avg_ns)));
  json_object_object_add (o, "min_ns", figure (row, json_object_new_int64 (
                                                      row->min_ns)));
  json_object_object_add (o, "median_ns", figure (row, json_object_new_int64 (
                                                         row->median_ns)));
  json_object_object_add (o, "max_ns", figure (row, json_object_new_int64 (
                                                      row->max_ns)));
  json_object_object_add (o, "stddev_ns", figure (row, json_object_new_double (
                                                         row->stddev_ns)));
  json_object_object_add (o, "share", figure (row, json_object_new_double (
                                                     row->share)));
  return o;
}

static json_object *
range_object (const MlsStatsReport *r)
{
  const MlsStatsQuery *q = r->query;
  json_object *range;

  if (!q->has_range)
    return NULL;
  range = json_object_new_object ();
  json_object_object_add (range, "start_ns", json_object_new_int64 (
    q->range_start_ns - r->trace_start_ns));
  json_object_object_add (range, "end_ns", json_object_new_int64 (
    q->range_end_ns - r->trace_start_ns));
  return range;
}

static json_object *
pids_array (const MlsStatsQuery *q)
{
  json_object *pids;

  if (q->n_pids == 0)
    return NULL;
  pids = json_object_new_array ();
  for (size_t i = 0; i < q->n_pids; i++)
    json_object_array_add (pids, json_object_new_int64 (q->pids[i]));
  return pids;
}

/* What the recording lost: {"events": N, "packets": M}. */
static json_object *
lost_object (MlsStore *store)
{
  json_object *lost = json_object_new_object ();
  int64_t events = 0, packets = 0;

  mls_store_get_meta_int (store, "lost_events", &events);
  mls_store_get_meta_int (store, "lost_packets", &packets);
  json_object_object_add (lost, "events", json_object_new_int64 (events));
  json_object_object_add (lost, "packets", json_object_new_int64 (packets));
  return lost;
}

/* Incomplete spans by reason: {"process_died": 3, ...}. */
static json_object *
incomplete_object (const MlsStatsReport *r)
{
  json_object *cut = json_object_new_object ();

  for (int reason = MLS_CUT_PROCESS_DIED; reason <= MLS_CUT_UNKNOWN; reason++)
    json_object_object_add (cut, mls_cut_reason_name ((MlsCutReason) reason),
                            json_object_new_int64 (r->cut[reason]));
  return cut;
}

void
mls_stats_print_json (const MlsStatsReport *r)
{
  json_object *root = json_object_new_object ();
  json_object *rows = json_object_new_array ();

  for (size_t i = 0; i < r->n_rows; i++)
    json_object_array_add (rows, row_object (r, r->sorted[i]));
  json_object_object_add (root, "file", json_object_new_string (r->path));
  json_object_object_add (root, "meta", mls_print_meta_object (r->store));
  json_object_object_add (root, "by_model",
                          json_object_new_boolean (r->query->by_model));
  json_object_object_add (root, "by_process",
                          json_object_new_boolean (r->query->by_process));
  json_object_object_add (root, "sort", json_object_new_string (r->sort));
  json_object_object_add (root, "range", range_object (r));
  json_object_object_add (root, "pids", pids_array (r->query));
  json_object_object_add (root, "incomplete", incomplete_object (r));
  json_object_object_add (root, "lost", lost_object (r->store));
  json_object_object_add (root, "share_means",
                          json_object_new_string (MLS_STATS_SHARE_MEANING));
  json_object_object_add (root, "figures_mean",
                          json_object_new_string (MLS_STATS_FIGURES_MEANING));
  json_object_object_add (root, "rows", rows);
  char *text = mls_print_json_text (root, JSON_C_TO_STRING_PRETTY
                                          | JSON_C_TO_STRING_NOSLASHESCAPE);
  puts (text);
  g_free (text);
  json_object_put (root);
}
