/*
 * gen-net.c: appends layers to a package while tracking tensor shapes, and
 * draws their weights.
 */
#include "gen-net.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void
gen_net_init (GenNet *net, GenPackage *pkg, const char *input, int c, int h,
              int w, uint64_t seed, GenEncoding enc)
{
  memset (net, 0, sizeof *net);
  net->pkg = pkg;
  gen_rng_init (&net->rng, seed);
  net->enc = enc;
  net->vec_enc.kind = GEN_ENC_FLOAT32;
  snprintf (net->cur, sizeof net->cur, "%s", input);
  net->c = c;
  net->h = h;
  net->w = w;
}

static json_object *
pair (int a, int b)
{
  json_object *array = json_object_new_array ();
  json_object_array_add (array, json_object_new_int (a));
  json_object_array_add (array, json_object_new_int (b));
  return array;
}

static json_object *
layer (GenNet *net, const char *name, const char *op, const char *input2)
{
  json_object *params = gen_package_add_layer (net->pkg, name, op, net->cur,
                                               input2, name);
  snprintf (net->cur, sizeof net->cur, "%s", name);
  return params;
}

static int
compare_abs (const void *a, const void *b)
{
  float x = fabsf (*(const float *) a), y = fabsf (*(const float *) b);
  return (x > y) - (x < y);
}

/* Magnitude pruning: zero the smaller half, as a sparse model would be. */
static void
prune_half (float *values, size_t n)
{
  float *sorted = malloc (n * sizeof *sorted);
  memcpy (sorted, values, n * sizeof *sorted);
  qsort (sorted, n, sizeof *sorted, compare_abs);
  float threshold = fabsf (sorted[n / 2]);
  for (size_t i = 0; i < n; i++)
    if (fabsf (values[i]) < threshold)
      values[i] = 0.0f;
  free (sorted);
}

/* Draws a He-scaled weight tensor and stores it in the net's encoding. */
static void
add_random_weight (GenNet *net, const char *key, int rank, const int *shape,
                   int fan_in, double gain)
{
  size_t n = 1;
  for (int i = 0; i < rank; i++)
    n *= (size_t) shape[i];
  float *values = malloc (n * sizeof *values);
  double std = gain * sqrt (2.0 / fan_in);
  for (size_t i = 0; i < n; i++)
    values[i] = (float) (std * gen_rng_normal (&net->rng));
  if (net->enc.kind == GEN_ENC_SPARSE)
    {
      prune_half (values, n);
      /* the survivors carry most of the variance; make up the rest */
      for (size_t i = 0; i < n; i++)
        values[i] *= 0.83f;
    }
  gen_package_add_weight (net->pkg, key, net->enc, rank, shape, values);
  free (values);
}

/* A vector of n values around `centre` with spread `spread`. */
static void
add_vector (GenNet *net, const char *key, int n, double centre, double spread)
{
  float *values = malloc ((size_t) n * sizeof *values);
  for (int i = 0; i < n; i++)
    values[i] = (float) (centre + spread * gen_rng_normal (&net->rng));
  gen_package_add_weight (net->pkg, key, net->vec_enc, 1, &n, values);
  free (values);
}

static void
conv_params (json_object *params, int out_c, int k, int stride)
{
  json_object_object_add (params, "out_channels", json_object_new_int (out_c));
  json_object_object_add (params, "kernel", pair (k, k));
  json_object_object_add (params, "stride", pair (stride, stride));
  json_object_object_add (params, "padding", pair (k / 2, k / 2));
  json_object_object_add (params, "dilation", pair (1, 1));
  json_object_object_add (params, "groups", json_object_new_int (1));
}

void
gen_net_conv (GenNet *net, const char *name, int out_c, int k, int stride,
              int with_bias, double gain)
{
  int in_c = net->c;
  conv_params (layer (net, name, "conv2d", NULL), out_c, k, stride);
  int shape[4] = { out_c, in_c, k, k };
  add_random_weight (net, "weight", 4, shape, in_c * k * k, gain);
  if (with_bias)
    add_vector (net, "bias", out_c, 0.0, 0.05);
  net->c = out_c;
  net->h = (net->h + 2 * (k / 2) - k) / stride + 1;
  net->w = (net->w + 2 * (k / 2) - k) / stride + 1;
}

void
gen_net_conv_fixed (GenNet *net, const char *name, int out_c, int k,
                    const float *weight, const float *bias)
{
  int in_c = net->c;
  conv_params (layer (net, name, "conv2d", NULL), out_c, k, 1);
  int shape[4] = { out_c, in_c, k, k };
  gen_package_add_weight (net->pkg, "weight", net->enc, 4, shape, weight);
  if (bias)
    gen_package_add_weight (net->pkg, "bias", net->vec_enc, 1, &out_c, bias);
  net->c = out_c;
}

void
gen_net_conv_transpose_x2 (GenNet *net, const char *name, int out_c)
{
  int in_c = net->c;
  json_object *params = layer (net, name, "conv_transpose2d", NULL);
  json_object_object_add (params, "out_channels", json_object_new_int (out_c));
  json_object_object_add (params, "kernel", pair (3, 3));
  json_object_object_add (params, "stride", pair (2, 2));
  json_object_object_add (params, "padding", pair (1, 1));
  json_object_object_add (params, "output_padding", pair (1, 1));
  int shape[4] = { in_c, out_c, 3, 3 };
  /* each output sees about in_c * 9 / 4 inputs with stride 2 */
  add_random_weight (net, "weight", 4, shape, in_c * 9 / 4, 1.0);
  add_vector (net, "bias", out_c, 0.0, 0.05);
  net->c = out_c;
  net->h *= 2;
  net->w *= 2;
}

void
gen_net_upsample_x2 (GenNet *net, const char *name)
{
  json_object *params = layer (net, name, "upsample", NULL);
  json_object_object_add (params, "scale", pair (2, 2));
  json_object_object_add (params, "mode", json_object_new_string ("nearest"));
  net->h *= 2;
  net->w *= 2;
}

void
gen_net_instance_norm (GenNet *net, const char *name)
{
  json_object *params = layer (net, name, "instance_norm", NULL);
  json_object_object_add (params, "epsilon",
                          json_object_new_double_s (1e-5, "1e-05"));
  add_vector (net, "gamma", net->c, 1.0, 0.1);
  add_vector (net, "beta", net->c, 0.0, 0.1);
}

void
gen_net_batch_norm_fixed (GenNet *net, const char *name, const float *mean,
                          const float *variance, const float *gamma,
                          const float *beta)
{
  json_object *params = layer (net, name, "batch_norm", NULL);
  json_object_object_add (params, "epsilon",
                          json_object_new_double_s (1e-3, "0.001"));
  gen_package_add_weight (net->pkg, "mean", net->vec_enc, 1, &net->c, mean);
  gen_package_add_weight (net->pkg, "variance", net->vec_enc, 1, &net->c,
                          variance);
  gen_package_add_weight (net->pkg, "gamma", net->vec_enc, 1, &net->c, gamma);
  gen_package_add_weight (net->pkg, "beta", net->vec_enc, 1, &net->c, beta);
}

void
gen_net_unary (GenNet *net, const char *name, const char *op)
{
  layer (net, name, op, NULL);
}

void
gen_net_add (GenNet *net, const char *name, const char *other)
{
  layer (net, name, "add", other);
}

void
gen_net_max_pool (GenNet *net, const char *name, int k, int stride)
{
  json_object *params = layer (net, name, "max_pool", NULL);
  json_object_object_add (params, "kernel", pair (k, k));
  json_object_object_add (params, "stride", pair (stride, stride));
  json_object_object_add (params, "padding", pair (0, 0));
  net->h = (net->h - k) / stride + 1;
  net->w = (net->w - k) / stride + 1;
}

void
gen_net_global_avg_pool (GenNet *net, const char *name)
{
  layer (net, name, "global_avg_pool", NULL);
  net->h = net->w = 0;
}

void
gen_net_inner_product_fixed (GenNet *net, const char *name, int out_features,
                             const float *weight, const float *bias)
{
  int in = net->c;
  json_object *params = layer (net, name, "inner_product", NULL);
  json_object_object_add (params, "out_features",
                          json_object_new_int (out_features));
  int shape[2] = { out_features, in };
  gen_package_add_weight (net->pkg, "weight", net->enc, 2, shape, weight);
  gen_package_add_weight (net->pkg, "bias", net->vec_enc, 1, &out_features,
                          bias);
  net->c = out_features;
}

void
gen_net_residual (GenNet *net, const char *prefix)
{
  char block_in[64], name[64];
  snprintf (block_in, sizeof block_in, "%s", net->cur);
  snprintf (name, sizeof name, "%s_conv1", prefix);
  gen_net_conv (net, name, net->c, 3, 1, 0, 1.0);
  snprintf (name, sizeof name, "%s_norm1", prefix);
  gen_net_instance_norm (net, name);
  snprintf (name, sizeof name, "%s_relu", prefix);
  gen_net_unary (net, name, "relu");
  snprintf (name, sizeof name, "%s_conv2", prefix);
  gen_net_conv (net, name, net->c, 3, 1, 0, 1.0);
  snprintf (name, sizeof name, "%s_norm2", prefix);
  gen_net_instance_norm (net, name);
  snprintf (name, sizeof name, "%s_add", prefix);
  gen_net_add (net, name, block_in);
}
