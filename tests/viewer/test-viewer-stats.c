/*
 * test-viewer-stats.c: the aggregation table's model without a display:
 * rows from the store, per-column sorters ordering raw numbers (10 after
 * 9, not before), grouping by model, the tree of rows under their lane or
 * model with the sums that hold, and a selected range restricting the
 * rows to the spans overlapping it.
 */
#include <glib/gstdio.h>

#include "mls-stats-model.h"
#include "mls-test-trace.h"

#define MS G_GINT64_CONSTANT (1000000)
#define US G_GINT64_CONSTANT (1000)
#define T0 G_GINT64_CONSTANT (1000000000)

static char *db_path;
static MlsStore *store;

static void
write_db (void)
{
  MlsError err = { 0 };
  MlsStore *w = mls_store_create (db_path, &err);
  gint64 a, b;

  g_assert_nonnull (w);
  a = mls_store_intern_model (w, "model-a", &err);
  b = mls_store_intern_model (w, "model-b", &err);
  /* 9 predictions of 2 ms every 10 ms from T0: total 18 ms. */
  for (int i = 0; i < 9; i++)
    mls_test_add_span (w, MLS_KIND_PREDICTION, a, 0, 0, T0 + i * 10 * MS,
                       T0 + i * 10 * MS + 2 * MS, TRUE);
  /* 10 loads of 1 ms from T0 + 100 ms: total 10 ms. */
  for (int i = 0; i < 10; i++)
    mls_test_add_span (w, MLS_KIND_MODEL_LOAD, b, 0, 0,
                       T0 + 100 * MS + i * 5 * MS,
                       T0 + 100 * MS + i * 5 * MS + MS, TRUE);
  /* 2 conversions of 100 us and 300 us, one per model. */
  mls_test_add_span (w, MLS_KIND_INPUT_CONVERSION, a, 0, 1, T0 + 5 * MS,
                     T0 + 5 * MS + 100 * US, TRUE);
  mls_test_add_span (w, MLS_KIND_INPUT_CONVERSION, b, 0, 1, T0 + 6 * MS,
                     T0 + 6 * MS + 300 * US, TRUE);
  g_assert_cmpint (mls_store_finish (w, &err), ==, 0);
  mls_store_close (w);
}

static GListModel *
query (gboolean by_model, gboolean has_range, gint64 a, gint64 b)
{
  MlsStatsOptions o = { by_model, has_range, a, b };
  g_autoptr (GError) error = NULL;
  GListModel *list = mls_stats_model_query (store, &o, &error);

  g_assert_no_error (error);
  return list;
}

static const MlsStatsRow *
row_at (GListModel *list, guint i)
{
  g_autoptr (MlsStatsItem) item = g_list_model_get_item (list, i);

  /* The list keeps the item alive. */
  return mls_stats_item_get_row (item);
}

static const MlsStatsRow *
find_kind (GListModel *list, int kind_id, const char *model)
{
  for (guint i = 0; i < g_list_model_get_n_items (list); i++)
    {
      const MlsStatsRow *row = row_at (list, i);

      if (row->kind_id == kind_id && (!model || !g_strcmp0 (row->model, model)))
        return row;
    }
  return NULL;
}

static void
test_rows_and_cells (void)
{
  g_autoptr (GListModel) list = query (FALSE, FALSE, 0, 0);
  const MlsStatsRow *pred = find_kind (list, MLS_KIND_PREDICTION, NULL);
  g_autoptr (MlsStatsItem) item = NULL;
  g_autofree char *total = NULL, *count = NULL, *avg = NULL;

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 3);
  g_assert_nonnull (pred);
  g_assert_cmpint (pred->count, ==, 9);
  g_assert_cmpint (pred->total_ns, ==, 18 * MS);
  g_assert_cmpint (find_kind (list, MLS_KIND_MODEL_LOAD, NULL)->count, ==, 10);
  g_assert_cmpint (find_kind (list, MLS_KIND_INPUT_CONVERSION, NULL)->max_ns,
                   ==, 300 * US);

  for (guint i = 0; i < 3; i++)
    {
      g_autoptr (MlsStatsItem) it = g_list_model_get_item (list, i);
      if (mls_stats_item_get_row (it)->kind_id == MLS_KIND_INPUT_CONVERSION)
        item = g_object_ref (it);
    }
  count = mls_stats_item_format (item, MLS_STATS_COLUMN_COUNT);
  total = mls_stats_item_format (item, MLS_STATS_COLUMN_TOTAL);
  avg = mls_stats_item_format (item, MLS_STATS_COLUMN_AVERAGE);
  g_assert_cmpstr (count, ==, "2");
  g_assert_cmpstr (total, ==, "400 µs");
  g_assert_cmpstr (avg, ==, "200 µs");
}

/* Sorts list by column and returns the kind ids in order. */
static GArray *
sorted_kinds (GListModel *list, MlsStatsColumn column)
{
  g_autoptr (GtkSortListModel) sorted =
    gtk_sort_list_model_new (g_object_ref (list),
                             mls_stats_sorter_new (column));
  GArray *kinds = g_array_new (FALSE, FALSE, sizeof (int));

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (sorted)); i++)
    {
      g_autoptr (MlsStatsItem) item =
        g_list_model_get_item (G_LIST_MODEL (sorted), i);
      g_array_append_val (kinds, mls_stats_item_get_row (item)->kind_id);
    }
  return kinds;
}

static void
assert_order (GListModel *list, MlsStatsColumn column, int k0, int k1, int k2)
{
  g_autoptr (GArray) kinds = sorted_kinds (list, column);

  g_assert_cmpuint (kinds->len, ==, 3);
  g_assert_cmpint (g_array_index (kinds, int, 0), ==, k0);
  g_assert_cmpint (g_array_index (kinds, int, 1), ==, k1);
  g_assert_cmpint (g_array_index (kinds, int, 2), ==, k2);
}

static void
test_sorting_is_numeric (void)
{
  g_autoptr (GListModel) list = query (FALSE, FALSE, 0, 0);
  const int pred = MLS_KIND_PREDICTION, load = MLS_KIND_MODEL_LOAD;
  const int conv = MLS_KIND_INPUT_CONVERSION;

  /* Numbers largest first (a column's first click): counts 10, 9, 2,
   * where as text "9" would come first. */
  assert_order (list, MLS_STATS_COLUMN_COUNT, load, pred, conv);
  /* Totals 18 ms, 10 ms, 400 us; averages 2 ms, 1 ms, 200 us. */
  assert_order (list, MLS_STATS_COLUMN_TOTAL, pred, load, conv);
  assert_order (list, MLS_STATS_COLUMN_AVERAGE, pred, load, conv);
  assert_order (list, MLS_STATS_COLUMN_MIN, pred, load, conv);
  assert_order (list, MLS_STATS_COLUMN_MEDIAN, pred, load, conv);
  assert_order (list, MLS_STATS_COLUMN_MAX, pred, load, conv);
  /* Only the conversions vary. */
  {
    g_autoptr (GArray) kinds = sorted_kinds (list, MLS_STATS_COLUMN_STDDEV);
    g_assert_cmpint (g_array_index (kinds, int, 0), ==, conv);
  }
  /* Alphabetical: Input Conversion, Model Load, Prediction. */
  assert_order (list, MLS_STATS_COLUMN_KIND, conv, load, pred);
}

static void
test_by_model (void)
{
  g_autoptr (GListModel) list = query (TRUE, FALSE, 0, 0);

  g_assert_cmpuint (g_list_model_get_n_items (list), ==, 4);
  g_assert_cmpstr (row_at (list, 0)->model, ==, "model-a");
  g_assert_cmpstr (row_at (list, 3)->model, ==, "model-b");
  g_assert_cmpint (find_kind (list, MLS_KIND_INPUT_CONVERSION,
                              "model-b")->max_ns, ==, 300 * US);
  g_assert_cmpint (find_kind (list, MLS_KIND_INPUT_CONVERSION,
                              "model-a")->count, ==, 1);
}

static MlsStatsItem *
group_at (GListModel *groups, guint i)
{
  MlsStatsItem *item = g_list_model_get_item (groups, i);

  g_object_unref (item);    /* groups keeps it */
  return item;
}

static void
test_tree (void)
{
  g_autoptr (GListModel) flat = query (FALSE, FALSE, 0, 0);
  g_autoptr (GListModel) lanes = mls_stats_model_group (flat, FALSE);
  g_autoptr (GListModel) by_model = query (TRUE, FALSE, 0, 0);
  g_autoptr (GListModel) models = mls_stats_model_group (by_model, TRUE);
  g_autofree char *median = NULL, *csv = NULL;
  MlsStatsItem *activity, *data, *b;
  const MlsStatsRow *r;

  /* Activity (loads and predictions), then Data (the conversions). */
  g_assert_cmpuint (g_list_model_get_n_items (lanes), ==, 2);
  activity = group_at (lanes, 0);
  data = group_at (lanes, 1);
  g_assert_true (mls_stats_item_is_group (activity));
  g_assert_cmpuint (g_list_model_get_n_items (
    mls_stats_item_get_children (activity)), ==, 2);
  r = mls_stats_item_get_row (activity);
  g_assert_cmpstr (r->label, ==, "Activity");
  g_assert_cmpint (r->kind_id, ==, 0);
  g_assert_cmpint (r->count, ==, 19);
  g_assert_cmpint (r->total_ns, ==, 28 * MS);
  g_assert_cmpint (r->min_ns, ==, MS);
  g_assert_cmpint (r->max_ns, ==, 2 * MS);
  g_assert_cmpint (mls_stats_item_get_row (data)->total_ns, ==, 400 * US);
  /* No median of the whole from the rows' medians. */
  median = mls_stats_item_format (activity, MLS_STATS_COLUMN_MEDIAN);
  g_assert_cmpstr (median, ==, "");

  /* By model: model-a's prediction and conversion, model-b's load and
   * conversion. */
  g_assert_cmpuint (g_list_model_get_n_items (models), ==, 2);
  b = group_at (models, 1);
  g_assert_cmpstr (mls_stats_item_get_row (b)->label, ==, "model-b");
  g_assert_cmpint (mls_stats_item_get_row (b)->count, ==, 11);

  /* The CSV of the tree's roots: every row in its group's place, never a
   * group. */
  csv = mls_stats_model_to_csv (lanes, FALSE);
  g_assert_null (strstr (csv, "Activity"));
  g_assert_nonnull (strstr (csv, "\nModel Load,10,10000000,"));
  g_assert_nonnull (strstr (csv, "\nInput Conversion,2,400000,"));
}

static void
test_range_filter (void)
{
  /* [T0 + 1 ms, T0 + 35 ms) overlaps predictions 0..3 and both
   * conversions, no load. */
  g_autoptr (GListModel) list = query (FALSE, TRUE, T0 + MS, T0 + 35 * MS);
  g_autoptr (GListModel) loads = query (FALSE, TRUE, T0 + 100 * MS + 500 * US,
                                        T0 + 111 * MS);

  g_assert_cmpint (find_kind (list, MLS_KIND_PREDICTION, NULL)->count, ==, 4);
  g_assert_cmpint (find_kind (list, MLS_KIND_INPUT_CONVERSION, NULL)->count,
                   ==, 2);
  g_assert_null (find_kind (list, MLS_KIND_MODEL_LOAD, NULL));
  /* Loads at 100, 105, 110 ms (the first overlaps by its tail). */
  g_assert_cmpuint (g_list_model_get_n_items (loads), ==, 1);
  g_assert_cmpint (find_kind (loads, MLS_KIND_MODEL_LOAD, NULL)->count, ==, 3);
}

/* Loads that missed and found the compile cache: the Model Load row's
 * parts sit in the Activity group beside it, and the group's sums count
 * each load once. */
static void
test_load_parts (void)
{
  g_autofree char *dir = g_path_get_dirname (db_path);
  g_autofree char *path = g_build_filename (dir, "parts.mlscope", NULL);
  MlsError err = { 0 };
  MlsStore *w = mls_store_create (path, &err);
  MlsStore *r;

  g_assert_nonnull (w);
  for (int i = 0; i < 10; i++)
    {
      MlsSpan load = { .kind_id = MLS_KIND_MODEL_LOAD, .pid = 1, .tid = 1,
                       .start_ns = T0 + i * 5 * MS,
                       .end_ns = T0 + i * 5 * MS + (i < 4 ? 3 : 1) * MS,
                       .complete = TRUE,
                       .args.cache = i < 4 ? "miss" : "hit" };

      g_assert_cmpint (mls_store_add_span (w, &load, &err), >, 0);
    }
  g_assert_cmpint (mls_store_finish (w, &err), ==, 0);
  mls_store_close (w);
  r = mls_store_open (path, &err);
  g_assert_nonnull (r);
  {
    MlsStatsOptions o = { 0 };
    g_autoptr (GListModel) flat = mls_stats_model_query (r, &o, NULL);
    g_autoptr (GListModel) lanes = mls_stats_model_group (flat, FALSE);
    MlsStatsItem *activity = group_at (lanes, 0);
    const MlsStatsRow *g = mls_stats_item_get_row (activity);
    g_autofree char *csv = mls_stats_model_to_csv (lanes, FALSE);

    g_assert_cmpuint (g_list_model_get_n_items (flat), ==, 3);
    g_assert_cmpuint (g_list_model_get_n_items (
      mls_stats_item_get_children (activity)), ==, 3);
    g_assert_cmpint (g->count, ==, 10);
    g_assert_cmpint (g->total_ns, ==, 18 * MS);
    g_assert_cmpint (g->min_ns, ==, MS);
    g_assert_cmpint (g->max_ns, ==, 3 * MS);
    g_assert_nonnull (strstr (csv, "\nModel Load,10,18000000,"));
    g_assert_nonnull (strstr (csv, "\n\"Model Load, cached\",6,6000000,"));
    g_assert_nonnull (strstr (csv,
                              "\n\"Model Load, uncached\",4,12000000,"));
  }
  mls_store_close (r);
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;
  MlsError err = { 0 };
  int status;

  g_test_init (&argc, &argv, NULL);
  dir = g_dir_make_tmp ("mls-viewer-stats-XXXXXX", NULL);
  db_path = g_build_filename (dir, "stats.mlscope", NULL);
  write_db ();
  store = mls_store_open (db_path, &err);
  g_assert_nonnull (store);
  g_test_add_func ("/viewer/stats/rows-and-cells", test_rows_and_cells);
  g_test_add_func ("/viewer/stats/numeric-sorting", test_sorting_is_numeric);
  g_test_add_func ("/viewer/stats/by-model", test_by_model);
  g_test_add_func ("/viewer/stats/tree", test_tree);
  g_test_add_func ("/viewer/stats/range", test_range_filter);
  g_test_add_func ("/viewer/stats/load-parts", test_load_parts);
  status = g_test_run ();
  mls_store_close (store);
  g_unlink (db_path);
  g_rmdir (dir);
  g_free (db_path);
  return status;
}
