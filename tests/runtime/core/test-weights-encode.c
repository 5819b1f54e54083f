/*
 * test-weights-encode.c: the runtime's weight encoder
 * (runtime/src/weights-encode.c) against its decoder (weights.c), on
 * values drawn at random: float16 rounds each value to the nearest half;
 * int8 is off by at most half a step of its row's scale and keeps zeros
 * zero; a palette decodes every value to one of 2^N centroids, the one
 * nearest it, and k-means ends with less error than its start;
 * magnitude pruning zeroes exactly the fraction asked, the smallest ones,
 * and sparse storage keeps the rest exactly.
 */
#include <glib.h>
#include <math.h>
#include <string.h>

#include "mlrt-internal.h"

#define ROWS 16
#define PER 300
#define N (ROWS * PER)

static float values[N];

/* Encodes `values` and decodes them back into a new array. */
static float *
round_trip (MlrtEncoding enc, int bits, const float *v, size_t *size)
{
  MlrtWeight w = { .rank = 2, .shape = { ROWS, PER }, .encoding = enc,
                   .bits = bits };
  MlrtError error = { 0 };
  uint8_t *blob;
  float *out;

  *size = mlrt_weight_encoded_size (enc, bits, v, N, ROWS);
  blob = g_malloc (*size);
  g_assert_cmpint (mlrt_weight_encode (enc, bits, v, N, ROWS, blob, &error),
                   ==, MLRT_OK);
  w.size = *size;
  g_assert_cmpint (mlrt_weight_check (&w, blob, *size, "w", &error), ==,
                   MLRT_OK);
  g_assert_cmpint (mlrt_weight_decode (&w, blob, &error), ==, MLRT_OK);
  out = w.data;
  g_free (blob);
  return out;
}

static void
test_float16 (void)
{
  size_t size;
  float *got = round_trip (MLRT_ENC_FLOAT16, 0, values, &size);

  g_assert_cmpuint (size, ==, 2 * N);
  for (size_t i = 0; i < N; i++)
    g_assert_cmpfloat (got[i], ==,
                       mlrt_half_to_float (mlrt_float_to_half (values[i])));
  free (got);
}

static void
test_int8 (void)
{
  size_t size;
  float *got = round_trip (MLRT_ENC_INT8, 0, values, &size);

  g_assert_cmpuint (size, ==, 8 * ROWS + N);
  for (size_t r = 0; r < ROWS; r++)
    {
      float lo = 0, hi = 0;

      for (size_t i = 0; i < PER; i++)
        {
          lo = fminf (lo, values[r * PER + i]);
          hi = fmaxf (hi, values[r * PER + i]);
        }
      for (size_t i = 0; i < PER; i++)
        {
          size_t k = r * PER + i;
          g_assert_cmpfloat (fabsf (got[k] - values[k]), <=,
                             (hi - lo) / 255.0f * 0.5001f);
          if (values[k] == 0.0f)
            g_assert_cmpfloat (got[k], ==, 0.0f);
        }
    }
  free (got);
}

static int
compare_float (gconstpointer a, gconstpointer b)
{
  float x = *(const float *) a, y = *(const float *) b;

  return (x > y) - (x < y);
}

/* The squared error of the values against their nearest of `k` points. */
static double
nearest_error (const float *points, size_t k)
{
  double err = 0;

  for (size_t i = 0; i < N; i++)
    {
      float best = INFINITY;

      for (size_t j = 0; j < k; j++)
        best = fminf (best, fabsf (points[j] - values[i]));
      err += (double) best * best;
    }
  return err;
}

static void
test_palette (gconstpointer data)
{
  int bits = GPOINTER_TO_INT (data);
  size_t k = (size_t) 1 << bits, size, used = 0;
  float *got = round_trip (MLRT_ENC_PALETTE, bits, values, &size);
  float centroids[256], start[256], sorted[N];
  double err = 0;

  g_assert_cmpuint (size, ==, 4 * k + (N * (size_t) bits + 7) / 8);
  for (size_t i = 0; i < N; i++)
    {
      size_t j;

      for (j = 0; j < used && centroids[j] != got[i]; j++)
        ;
      if (j == used)
        {
          g_assert_cmpuint (used, <, k);
          centroids[used++] = got[i];
        }
      err += (double) (got[i] - values[i]) * (got[i] - values[i]);
    }
  /* every value went to its nearest centroid */
  g_assert_cmpfloat (fabs (err - nearest_error (centroids, used)), <=,
                     1e-9 * N);
  /* k-means improves on where it starts, the values' quantiles */
  memcpy (sorted, values, sizeof sorted);
  qsort (sorted, N, sizeof *sorted, compare_float);
  for (size_t j = 0; j < k; j++)
    start[j] = sorted[((2 * j + 1) * N) / (2 * k)];
  g_test_message ("palette%d: %zu centroids used, mean square error %.3g "
                  "(quantiles %.3g)", bits, used, err / N,
                  nearest_error (start, k) / N);
  g_assert_cmpfloat (err, <=, nearest_error (start, k));
  free (got);
}

static void
test_prune_sparse (void)
{
  float pruned[N];
  MlrtError error = { 0 };
  size_t size, zeros = 0;
  float *got;
  float kept_min = INFINITY, dropped_max = 0;

  memcpy (pruned, values, sizeof pruned);
  g_assert_cmpint (mlrt_weight_prune (pruned, N, 0.75, &error), ==, MLRT_OK);
  for (size_t i = 0; i < N; i++)
    if (pruned[i] == 0.0f)
      {
        zeros++;
        dropped_max = fmaxf (dropped_max, fabsf (values[i]));
      }
    else
      {
        g_assert_cmpfloat (pruned[i], ==, values[i]);
        kept_min = fminf (kept_min, fabsf (values[i]));
      }
  g_assert_cmpuint (zeros, ==, (size_t) (0.75 * N));
  g_assert_cmpfloat (dropped_max, <=, kept_min);
  got = round_trip (MLRT_ENC_SPARSE, 0, pruned, &size);
  g_assert_cmpuint (size, ==, (N + 7) / 8 + 4 * (N - zeros));
  g_assert_cmpmem (got, sizeof pruned, pruned, sizeof pruned);
  free (got);
}

int
main (int argc, char **argv)
{
  GRand *rng;

  g_test_init (&argc, &argv, NULL);
  rng = g_rand_new_with_seed (13);
  for (size_t i = 0; i < N; i++)
    values[i] = i % 7 == 0 ? 0.0f
                : (float) g_rand_double_range (rng, -1, 1)
                  * (float) (1 + i / PER);
  for (size_t i = 0; i < N; i++)
    values[i] /= (float) ROWS;
  g_rand_free (rng);
  g_test_add_func ("/core/weights-encode/float16", test_float16);
  g_test_add_func ("/core/weights-encode/int8", test_int8);
  for (int bits = 1; bits <= 8; bits++)
    {
      char *path = g_strdup_printf ("/core/weights-encode/palette%d", bits);
      g_test_add_data_func (path, GINT_TO_POINTER (bits), test_palette);
      g_free (path);
    }
  g_test_add_func ("/core/weights-encode/prune-sparse", test_prune_sparse);
  return g_test_run ();
}
