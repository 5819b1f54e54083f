/*
 * test-e2e-ocr.c: `mlscope record` of ocr-demo (runtime/examples) on
 * PaddleOCR's models, with and without --batch, read back with `mlscope
 * stats` as a user reads a recording: the aggregation table must tell the
 * two apart at a glance. One by one, the classifier and the recogniser
 * each make one Prediction per line; batched, one Batch Prediction per
 * frame and no Prediction, the same CPU compute requests inside; the
 * detector one Prediction per frame either way. The totals of both are
 * printed for the README.
 */
#include <stdlib.h>
#include <string.h>

#include "mls-test-util.h"
#include "test-ocr-models.h"

#define OCR_FRAMES 4

typedef struct {
  gint64 count;
  gint64 total_ns;
} Row;

typedef struct {
  char *out;                    /* ocr-demo's stdout */
  char *csv;                    /* mlscope stats --by-model --format csv */
  int lines;                    /* lines ocr-demo drew */
} OcrRecording;

static OcrRecording
record_ocr (const char *models, gboolean batch)
{
  g_autofree char *dir = test_tmpdir_new ("mlscope-test");
  g_autofree char *db = g_build_filename (dir, "ocr.mlscope", NULL);
  g_autofree char *demo = mls_test_build_path ("runtime/examples/ocr-demo");
  g_autofree char *mlscope = mls_test_mlscope ();
  const char *record[] = { mlscope, "record", "-q", "-o", db, "--", demo,
                           "--models-dir", models, "--frames",
                           G_STRINGIFY (OCR_FRAMES), "--compute-units",
                           "cpu-only", batch ? "--batch" : NULL, NULL };
  const char *stats[] = { mlscope, "stats", db, "--by-model", "--format",
                          "csv", NULL };
  OcrRecording r = { 0 };

  MlsRun *run = mls_test_run (record);
  mls_test_assert_no_hang (run);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_nonnull (strstr (run->out, "check: passed"));
  const char *drawn = strstr (run->out, " lines drawn)");
  g_assert_nonnull (drawn);
  while (drawn > run->out && g_ascii_isdigit (drawn[-1]))
    drawn--;
  r.lines = atoi (drawn);
  g_assert_cmpint (r.lines, >=, 2 * OCR_FRAMES);
  r.out = g_steal_pointer (&run->out);
  mls_test_run_free (run);

  run = mls_test_run (stats);
  g_assert_cmpint (run->status, ==, 0);
  g_assert_true (g_str_has_prefix (run->out, "kind,model,count,total_ns,"));
  r.csv = g_steal_pointer (&run->out);
  mls_test_run_free (run);
  test_tmpdir_remove (dir);
  return r;
}

/* The row of `kind` and `model` in the stats CSV; count 0 when absent. */
static Row
row (const OcrRecording *r, const char *kind, const char *model)
{
  g_autofree char *prefix = g_strdup_printf ("%s,%s,", kind, model);
  g_auto (GStrv) lines = g_strsplit (r->csv, "\n", -1);
  Row found = { 0, 0 };

  for (int i = 0; lines[i]; i++)
    if (g_str_has_prefix (lines[i], prefix))
      {
        g_auto (GStrv) f = g_strsplit (lines[i], ",", -1);
        found.count = g_ascii_strtoll (f[2], NULL, 10);
        found.total_ns = g_ascii_strtoll (f[3], NULL, 10);
      }
  return found;
}

static void
test_ocr_batch (void)
{
  g_autofree char *models = test_ocr_models_dir ();
  if (!models)
    return;
  OcrRecording one = record_ocr (models, FALSE);
  OcrRecording batch = record_ocr (models, TRUE);

  /* the same frames, so the same lines */
  g_assert_cmpint (batch.lines, ==, one.lines);
  for (int b = 0; b < 2; b++)
    {
      const OcrRecording *r = b ? &batch : &one;
      Row det = row (r, "Prediction", "ocr-det");
      Row cls = row (r, "Prediction", "ocr-cls");
      Row cls_batch = row (r, "Batch Prediction", "ocr-cls");
      Row compute = row (r, "CPU Compute Request", "ocr-cls");
      Row rec = row (r, "Prediction", "ocr-rec");
      Row rec_batch = row (r, "Batch Prediction", "ocr-rec");

      g_assert_cmpint (row (r, "Model Load", "ocr-det").count, ==, 1);
      g_assert_cmpint (row (r, "Model Load", "ocr-cls").count, ==, 1);
      g_assert_cmpint (row (r, "Model Load", "ocr-rec").count, ==, 1);
      g_assert_cmpint (rec.count, ==, b ? 0 : r->lines);
      g_assert_cmpint (rec_batch.count, ==, b ? OCR_FRAMES : 0);
      g_assert_cmpint (det.count, ==, OCR_FRAMES);
      g_assert_cmpint (cls.count, ==, b ? 0 : r->lines);
      g_assert_cmpint (cls_batch.count, ==, b ? OCR_FRAMES : 0);
      /* a batch computes every line all the same */
      g_assert_cmpint (compute.count, ==, r->lines);
      Row *cls_row = b ? &cls_batch : &cls;
      g_assert_cmpint (cls_row->total_ns, >, 0);
      g_assert_cmpint (compute.total_ns, <=, cls_row->total_ns);
      Row *rec_row = b ? &rec_batch : &rec;
      g_assert_cmpint (rec_row->total_ns, >, 0);
      g_print ("# %s: detector %" G_GINT64_FORMAT " Predictions, %.1f ms; "
               "classifier %" G_GINT64_FORMAT " %s for %d lines, %.2f ms "
               "(compute requests %.2f ms); recogniser %" G_GINT64_FORMAT
               " %s, %.1f ms\n", b ? "--batch" : "one by one",
               det.count, det.total_ns / 1e6, cls_row->count,
               b ? "Batch Predictions" : "Predictions", r->lines,
               cls_row->total_ns / 1e6, compute.total_ns / 1e6,
               rec_row->count, b ? "Batch Predictions" : "Predictions",
               rec_row->total_ns / 1e6);
    }
  g_free (one.out);
  g_free (one.csv);
  g_free (batch.out);
  g_free (batch.csv);
  test_tmpdir_remove (models);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/e2e/ocr-demo/batch", test_ocr_batch);
  return g_test_run ();
}
