/*
 * test-span-kinds.c: the span kinds schema.sql inserts and the MlsKind
 * enum of mls-store.h (which the collector writes and the viewer reads)
 * are the same set of ids, each in the same lane. The switch below lists
 * every MlsKind: one added to the enum without a case here is a compile
 * error under -Wswitch-enum, one added to schema.sql alone fails the test.
 */
#include <glib.h>
#include <sqlite3.h>

#include "mls-store.h"
#include "test-tmpdir.h"

/* The lane schema.sql must give `kind`, or NULL for an id no MlsKind has. */
static const char *
expected_lane (MlsKind kind)
{
  switch (kind)
    {
    case MLS_KIND_MODEL_COMPILE:
    case MLS_KIND_MODEL_LOAD:
    case MLS_KIND_MODEL_UNLOAD:
    case MLS_KIND_PREDICTION:
    case MLS_KIND_BATCH_PREDICTION:
      return "activity";
    case MLS_KIND_INPUT_VALIDATION:
    case MLS_KIND_INPUT_CONVERSION:
    case MLS_KIND_OUTPUT_CONVERSION:
    case MLS_KIND_COPY_TO_UNIT:
    case MLS_KIND_COPY_FROM_UNIT:
    case MLS_KIND_OUTPUT_BACKING_FILL:
    case MLS_KIND_MODEL_DECRYPTION:
      return "data";
    case MLS_KIND_CPU_COMPUTE:
    case MLS_KIND_GPU_COMPUTE:
    case MLS_KIND_NPU_COMPUTE:
      return "compute";
    case MLS_KIND_GPU_BUSY:
      return "gpu";
    case MLS_KIND_NPU_BUSY:
      return "npu";
    case MLS_KIND_LAYER:
      return "layer";
    default:
      return NULL;
    }
}

static void
test_ids_match_enum (void)
{
  char *dir = test_tmpdir_new ("mls-span-kinds");
  char *path = g_build_filename (dir, "kinds.mlscope", NULL);
  MlsError error = { 0 };
  MlsStore *store;
  sqlite3_stmt *st = NULL;
  GHashTable *lanes = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  GHashTableIter iter;
  gpointer key;

  store = mls_store_create (path, &error);
  if (store == NULL)
    g_error ("%s", error.message);
  g_assert_cmpint (sqlite3_prepare_v2 (mls_store_db (store),
                                       "SELECT id, lane FROM span_kind", -1,
                                       &st, NULL), ==, SQLITE_OK);
  while (sqlite3_step (st) == SQLITE_ROW)
    g_hash_table_insert (lanes, GINT_TO_POINTER (sqlite3_column_int (st, 0)),
                         g_strdup ((const char *) sqlite3_column_text (st, 1)));
  sqlite3_finalize (st);
  g_assert_cmpuint (g_hash_table_size (lanes), >, 0);
  for (int id = 0; id < 256; id++)
    {
      const char *want = expected_lane ((MlsKind) id);
      const char *got = g_hash_table_lookup (lanes, GINT_TO_POINTER (id));

      if (g_strcmp0 (want, got) != 0)
        g_error ("span kind %d: schema.sql gives lane %s, mls-store.h's "
                 "MlsKind %s", id, got ? got : "(no row)",
                 want ? want : "has no such kind");
    }
  g_hash_table_iter_init (&iter, lanes);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (GPOINTER_TO_INT (key) >= 256)
      g_error ("span kind %d is beyond the ids this test checks",
               GPOINTER_TO_INT (key));
  mls_store_close (store);
  g_hash_table_unref (lanes);
  test_tmpdir_remove (dir);
  g_free (path);
  g_free (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/schema/span-kinds/ids-match-enum", test_ids_match_enum);
  return g_test_run ();
}
