/*
 * test-advise-rules.c: the advise engine in the store, on recordings
 * written through the store API with known spans:
 *  - every rule is well formed: a unique name, its messages, a query that
 *    runs on any recording and returns the columns the engine and its
 *    messages need, and a fix that cites what to call or run;
 *  - the message templates: values, durations, shares, times from the
 *    trace start, sections kept or dropped, a missing column refused;
 *  - model-reloaded's figures to the nanosecond, and a process that loads
 *    each model once left alone.
 */
#include <sqlite3.h>
#include <string.h>

#include "mls-advise.h"
#include "test-store-common.h"

typedef struct {
  int kind_id;
  int64_t start_ns, dur_ns;
} Span;

/* One process (pid 7) of model "alpha": the spans given, in order. */
static char *
write_spans (const char *dir, const char *name, const Span *spans, int n)
{
  char *path = g_build_filename (dir, name, NULL);
  MlsError error = { 0 };
  MlsStore *store = mls_store_create (path, &error);
  int64_t model;

  g_assert_nonnull (store);
  model = mls_store_intern_model (store, "alpha", &error);
  g_assert_cmpint (mls_store_intern_process (store, 7, "app", &error), >, 0);
  g_assert_cmpint (mls_store_set_meta_int (store, "start_ns", TEST_T0,
                                           &error), ==, 0);
  for (int i = 0; i < n; i++)
    {
      MlsSpan span = {
        .kind_id = spans[i].kind_id, .model_id = model, .pid = 7, .tid = 7,
        .start_ns = TEST_T0 + spans[i].start_ns,
        .end_ns = TEST_T0 + spans[i].start_ns + spans[i].dur_ns,
        .complete = 1,
      };
      g_assert_cmpint (mls_store_add_span (store, &span, &error), ==, i + 1);
    }
  if (mls_store_finish (store, &error) != 0)
    g_error ("finish: %s", error.message);
  mls_store_close (store);
  return path;
}

static void
test_rules_well_formed (void)
{
  static const Span spans[] = { { MLS_KIND_PREDICTION, 0, 100 } };
  char *dir = test_dir_new ();
  char *path = write_spans (dir, "one.mlscope", spans, 1);
  MlsStore *store = test_open_store (path);

  g_assert_cmpuint (mls_n_rules, >=, 8);
  g_assert_cmpstr (mls_rules[0].name, ==, "lost-events");
  for (size_t i = 0; i < mls_n_rules; i++)
    {
      const MlsRule *r = &mls_rules[i];
      MlsFinding *findings = NULL;
      size_t n = 0;
      MlsError error = { 0 };

      g_assert_true (mls_rule_find (r->name) == r);
      g_assert_cmpuint (strlen (r->title), >, 10);
      g_assert_cmpuint (strlen (r->what), >, 10);
      g_assert_cmpuint (strlen (r->why), >, 5);
      /* The fix cites the API to use, or the command to run. */
      if (!strstr (r->fix, "mlrt_") && !strstr (r->fix, "Mlrt")
          && !strstr (r->fix, "{fix_text}") && !strstr (r->fix, "mlscope "))
        g_error ("rule %s: its fix cites nothing to call: %s", r->name,
                 r->fix);
      if (mls_advise_run (store, r, &findings, &n, &error) != 0)
        g_error ("%s", error.message);
      g_assert_cmpuint (n, ==, 0);
      mls_findings_free (findings, n);
    }
  g_assert_null (mls_rule_find ("no-such-rule"));
  mls_store_close (store);
  g_free (path);
  test_dir_free (dir);
}

/* The template filled from one row of SQL. */
static char *
fill (const char *template_text, const char *select, char *missing)
{
  sqlite3 *db;
  sqlite3_stmt *stmt;
  char *text;

  g_assert_cmpint (sqlite3_open (":memory:", &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, select, -1, &stmt, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  text = mls_advise_fill (template_text, stmt, 1000, missing, 64);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return text;
}

static void
assert_fill (const char *template_text, const char *select,
             const char *expected)
{
  char missing[64];
  char *text = fill (template_text, select, missing);

  g_assert_cmpstr (text, ==, expected);
  g_free (text);
}

static void
test_templates (void)
{
  const char *row = "SELECT 3 AS n, 2.5e9 AS t, 0.1234 AS share, "
                    "1000 + 1500000 AS at, 'gray8' AS type, NULL AS none, "
                    "0 AS zero, 1234.5 AS big";
  char missing[64];

  assert_fill ("{n} spans of {type}", row, "3 spans of gray8");
  assert_fill ("took {t:ns}, {share:%}", row, "took 2.500 s, 12.3%");
  assert_fill ("at {at:time}", row, "at 1.50 ms");
  assert_fill ("{big} and {share}", row, "1234 and 0.123");
  assert_fill ("a{?n} with {n}{/}{!n} without{/}.", row, "a with 3.");
  assert_fill ("a{?zero} with{/}{!zero} without{/}.", row, "a without.");
  assert_fill ("a{?none} with{/}{!none} without {none}{/}.", row,
               "a without ?.");
  assert_fill ("{ not a placeholder", row, "{ not a placeholder");
  g_assert_null (fill ("{n} and {nope}", row, missing));
  g_assert_cmpstr (missing, ==, "nope");
}

static int64_t
span_start (MlsStore *store, int64_t id)
{
  sqlite3_stmt *stmt;
  int64_t start = -1;

  g_assert_cmpint (sqlite3_prepare_v2 (mls_store_db (store),
                   "SELECT start_ns FROM span WHERE id = ?", -1, &stmt,
                   NULL), ==, SQLITE_OK);
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    start = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return start;
}

/* Two loads, predictions, a third load, more predictions: two extra loads
 * after predictions; a second recording loads once. */
static void
test_reload_figures (void)
{
  static const Span reload[] = {
    { MLS_KIND_MODEL_LOAD, 0, 1000 },
    { MLS_KIND_PREDICTION, 2000, 50 },
    { MLS_KIND_MODEL_LOAD, 3000, 700 },
    { MLS_KIND_PREDICTION, 4000, 60 },
    { MLS_KIND_PREDICTION, 4100, 70 },
    { MLS_KIND_MODEL_LOAD, 5000, 800 },
    { MLS_KIND_PREDICTION, 6000, 40 },
  };
  static const Span once[] = {
    { MLS_KIND_MODEL_LOAD, 0, 1000 },
    { MLS_KIND_PREDICTION, 2000, 50 },
    { MLS_KIND_PREDICTION, 4000, 60 },
  };
  char *dir = test_dir_new ();
  char *a = write_spans (dir, "reload.mlscope", reload, G_N_ELEMENTS (reload));
  char *b = write_spans (dir, "once.mlscope", once, G_N_ELEMENTS (once));
  MlsStore *store = test_open_store (a);
  const MlsRule *rule = mls_rule_find ("model-reloaded");
  MlsFinding *findings = NULL;
  size_t n = 0;
  MlsError error = { 0 };

  g_assert_cmpint (mls_advise_run (store, rule, &findings, &n, &error), ==, 0);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (findings[0].model, ==, "alpha");
  g_assert_cmpstr (findings[0].process, ==, "app");
  g_assert_cmpint (findings[0].pid, ==, 7);
  g_assert_true (findings[0].has_range);
  g_assert_cmpint (findings[0].start_ns, ==, TEST_T0 + 3000);
  g_assert_cmpint (findings[0].end_ns, ==, TEST_T0 + 5800);
  g_assert_cmpint (findings[0].cost_ns, ==, 1500);
  g_assert_cmpuint (findings[0].n_span_ids, ==, 2);
  /* The examples are the second and third loads (the store numbers
   * spans its own way: asked by start time). */
  g_assert_cmpint (span_start (store, findings[0].span_ids[0]), ==,
                   TEST_T0 + 3000);
  g_assert_cmpint (span_start (store, findings[0].span_ids[1]), ==,
                   TEST_T0 + 5000);
  g_assert_cmpstr (findings[0].what, ==, "In app (pid 7), alpha was loaded "
                   "again after predictions had run (alpha: 3 loads for 4 "
                   "predictions). The 2 loads after each model's first took "
                   "1.50 \u00b5s, 6.8 times the 220 ns of the 4 "
                   "predictions.");
  mls_findings_free (findings, n);
  mls_store_close (store);

  store = test_open_store (b);
  findings = NULL;
  n = 0;
  g_assert_cmpint (mls_advise_run (store, rule, &findings, &n, &error), ==, 0);
  g_assert_cmpuint (n, ==, 0);
  mls_store_close (store);
  g_free (a);
  g_free (b);
  test_dir_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/advise/rules-well-formed", test_rules_well_formed);
  g_test_add_func ("/advise/templates", test_templates);
  g_test_add_func ("/advise/reload-figures", test_reload_figures);
  return g_test_run ();
}
