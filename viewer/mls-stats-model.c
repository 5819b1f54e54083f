/*
 * mls-stats-model.c: the aggregation table's data (see mls-stats-model.h).
 */
#include "mls-stats-model.h"

#include <string.h>

#include "mls-palette.h"

#define MLS_STATS_ERROR (g_quark_from_static_string ("mls-stats-error"))

gboolean
mls_stats_column_is_numeric (MlsStatsColumn column)
{
  return column >= MLS_STATS_COLUMN_COUNT;
}

static int
compare_default (gconstpointer a, gconstpointer b, gpointer data)
{
  const MlsStatsRow *ra = mls_stats_item_get_row ((MlsStatsItem *) a);
  const MlsStatsRow *rb = mls_stats_item_get_row ((MlsStatsItem *) b);
  int by_model = g_strcmp0 (ra->model, rb->model);

  if (by_model == 0 && ra->kind_id == rb->kind_id)
    return (int) ra->part - (int) rb->part;      /* a kind's parts after it */
  return by_model ? by_model : ra->kind_id - rb->kind_id;
}

GListModel *
mls_stats_model_query (MlsStore *store, const MlsStatsOptions *options,
                       GError **error)
{
  MlsStatsQuery query = { 0 };
  MlsError err = { 0 };
  MlsStatsRow *rows = NULL;
  size_t n_rows = 0;
  GListStore *list;

  query.by_model = options->by_model;
  query.has_range = options->has_range;
  query.range_start_ns = options->range_start_ns;
  query.range_end_ns = options->range_end_ns;
  query.clip = options->clip;
  query.pids = options->pids;
  query.n_pids = options->n_pids;
  query.tids = options->tids;
  query.n_tids = options->n_tids;
  if (mls_store_query_stats (store, &query, &rows, &n_rows, &err) < 0)
    {
      g_set_error (error, MLS_STATS_ERROR, 1, "%s", err.message);
      return NULL;
    }
  list = g_list_store_new (MLS_TYPE_STATS_ITEM);
  for (size_t i = 0; i < n_rows; i++)
    {
      g_autoptr (MlsStatsItem) item = mls_stats_item_new (&rows[i]);
      g_list_store_append (list, item);
    }
  mls_stats_rows_free (rows, n_rows);
  g_list_store_sort (list, compare_default, NULL);
  return G_LIST_MODEL (list);
}

/* The lane names people read (schema.sql's span_kind.lane). */
static const char *
lane_title (const char *lane)
{
  static const char *const names[][2] = {
    { "activity", "Activity" }, { "data", "Data" }, { "compute", "Compute" },
    { "gpu", "GPU" }, { "npu", "Neural Engine" }, { "layer", "Layers" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_strcmp0 (lane, names[i][0]) == 0)
      return names[i][1];
  return lane ? lane : "–";
}

GListModel *
mls_stats_model_group (GListModel *flat, gboolean by_model)
{
  GListStore *groups = g_list_store_new (MLS_TYPE_STATS_ITEM);
  g_autoptr (MlsStatsItem) group = NULL;

  /* flat is ordered by model then kind, kinds in lane order: a group's
   * rows are consecutive. */
  for (guint i = 0; flat && i < g_list_model_get_n_items (flat); i++)
    {
      g_autoptr (MlsStatsItem) item = g_list_model_get_item (flat, i);
      const MlsStatsRow *r = mls_stats_item_get_row (item);
      const MlsStatsRow *g = group ? mls_stats_item_get_row (group) : NULL;

      if (!g || (by_model ? g_strcmp0 (g->model, r->model) != 0
                          : g_strcmp0 (g->lane, r->lane) != 0))
        {
          g_clear_object (&group);
          group = by_model
            ? mls_stats_item_new_group (r->model ? r->model : "No model",
                                        NULL, r->model)
            : mls_stats_item_new_group (lane_title (r->lane), r->lane, NULL);
          g_list_store_append (groups, group);
        }
      mls_stats_item_add_child (group, item);
    }
  return G_LIST_MODEL (groups);
}

char *
mls_stats_item_format (MlsStatsItem *item, MlsStatsColumn column)
{
  const MlsStatsRow *row = mls_stats_item_get_row (item);

  if (row->count == 0 && column >= MLS_STATS_COLUMN_TOTAL
      && column <= MLS_STATS_COLUMN_SHARE)
    return g_strdup ("");
  if (mls_stats_item_is_group (item)
      && (column == MLS_STATS_COLUMN_MEDIAN
          || column == MLS_STATS_COLUMN_STDDEV
          || column == MLS_STATS_COLUMN_SHARE
          || column == MLS_STATS_COLUMN_MODEL))
    return g_strdup ("");
  switch (column)
    {
    case MLS_STATS_COLUMN_KIND:
      return g_strdup (row->label);
    case MLS_STATS_COLUMN_MODEL:
      return g_strdup (row->model ? row->model : "–");
    case MLS_STATS_COLUMN_COUNT:
      return g_strdup_printf ("%" G_GINT64_FORMAT, row->count);
    case MLS_STATS_COLUMN_TOTAL:
      return mls_duration_text (row->total_ns);
    case MLS_STATS_COLUMN_AVERAGE:
      return mls_duration_text ((gint64) row->avg_ns);
    case MLS_STATS_COLUMN_MIN:
      return mls_duration_text (row->min_ns);
    case MLS_STATS_COLUMN_MEDIAN:
      return mls_duration_text (row->median_ns);
    case MLS_STATS_COLUMN_MAX:
      return mls_duration_text (row->max_ns);
    case MLS_STATS_COLUMN_STDDEV:
      return mls_duration_text ((gint64) row->stddev_ns);
    case MLS_STATS_COLUMN_SHARE:
      return g_strdup_printf ("%.1f%%", 100 * row->share);
    case MLS_STATS_COLUMN_INCOMPLETE:
      return g_strdup_printf ("%" G_GINT64_FORMAT, row->incomplete);
    case MLS_STATS_N_COLUMNS: default:
      g_return_val_if_reached (NULL);
    }
}

/* Each column's property of MlsStatsItem. */
static const char *const properties[MLS_STATS_N_COLUMNS] = {
  "label", "model", "count", "total", "average", "min", "median", "max",
  "stddev", "share", "incomplete",
};

const char *
mls_stats_column_property (MlsStatsColumn column)
{
  return properties[column];
}

GtkSorter *
mls_stats_sorter_new (MlsStatsColumn column)
{
  GtkExpression *e = gtk_property_expression_new (MLS_TYPE_STATS_ITEM, NULL,
                                                  properties[column]);

  if (!mls_stats_column_is_numeric (column))
    return GTK_SORTER (gtk_string_sorter_new (e));
  /* Largest first: a column's first click shows the costliest rows. */
  return GTK_SORTER (g_object_new (GTK_TYPE_NUMERIC_SORTER, "expression", e,
                                   "sort-order", GTK_SORT_DESCENDING, NULL));
}

/* A CSV field: quoted when it holds a comma, a quote or a line break. */
static void
append_field (GString *out, const char *text)
{
  if (!text || !strpbrk (text, ",\"\n"))
    {
      g_string_append (out, text ? text : "");
      return;
    }
  g_string_append_c (out, '"');
  for (const char *p = text; *p; p++)
    {
      if (*p == '"')
        g_string_append_c (out, '"');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_row (GString *out, const MlsStatsRow *r, gboolean by_model)
{
  append_field (out, r->label);
  g_string_append_c (out, ',');
  if (by_model)
    {
      append_field (out, r->model);
      g_string_append_c (out, ',');
    }
  if (r->count > 0)
    g_string_append_printf (out, "%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                            ",%.0f,%" G_GINT64_FORMAT ",%" G_GINT64_FORMAT
                            ",%" G_GINT64_FORMAT ",%.0f,%.4f,%"
                            G_GINT64_FORMAT "\n", r->count, r->total_ns,
                            r->avg_ns, r->min_ns, r->median_ns, r->max_ns,
                            r->stddev_ns, r->share, r->incomplete);
  else
    g_string_append_printf (out, "0,,,,,,,,%" G_GINT64_FORMAT "\n",
                            r->incomplete);
}

/* The rows of list, a group's in its place: a group of the table's tree
 * when collapsed (expanded, its rows follow it in list), a group of the
 * tree's roots always. */
static void
append_rows (GString *out, GListModel *list, gboolean by_model)
{
  for (guint i = 0; list && i < g_list_model_get_n_items (list); i++)
    {
      g_autoptr (GObject) object = g_list_model_get_item (list, i);
      GtkTreeListRow *tree_row = GTK_IS_TREE_LIST_ROW (object)
                                 ? GTK_TREE_LIST_ROW (object) : NULL;
      g_autoptr (MlsStatsItem) item = tree_row
        ? gtk_tree_list_row_get_item (tree_row) : g_object_ref (object);

      if (!mls_stats_item_is_group (item))
        append_row (out, mls_stats_item_get_row (item), by_model);
      else if (!tree_row || !gtk_tree_list_row_get_expanded (tree_row))
        append_rows (out, mls_stats_item_get_children (item), by_model);
    }
}

char *
mls_stats_model_to_csv (GListModel *list, gboolean by_model)
{
  GString *out = g_string_new (NULL);

  g_string_append_printf (out, "kind,%scount,total_ns,avg_ns,min_ns,"
                          "median_ns,max_ns,stddev_ns,share,incomplete\n",
                          by_model ? "model," : "");
  append_rows (out, list, by_model);
  return g_string_free (out, FALSE);
}
