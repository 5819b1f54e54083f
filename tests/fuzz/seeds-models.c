/*
 * seeds-models.c: writes the seed corpora of fuzz-package.c and
 * fuzz-compiled.c: tiny networks built with the model generator's own
 * builder (runtime/tools/gen-net.h), one per weight encoding, that use
 * every kind of layer the example models use (convolutions, transposed
 * convolutions, upsampling, both norms, activations, pooling, residual
 * adds, an inner product, softmax) in float32 and float16, a model whose
 * weights make NaN, and a short chained model (tests/runtime/chain). Small, so the fuzzers mutate them
 * fast. Each package is written as the package harness reads it
 * (model.json, a NUL, weights.bin) and, compiled by mlrt_compile, as the
 * loader reads it.
 *
 *   fuzz-seeds-models OUTDIR   (writes OUTDIR/package/, OUTDIR/compiled/)
 */
#include <errno.h>
#include <math.h>
#include <mlrt/mlrt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "chain-model.h"
#include "gen-net.h"

static const struct {
  const char *name;
  GenEncoding enc;
} encodings[] = {
  { "float32", { GEN_ENC_FLOAT32, 0 } },
  { "float16", { GEN_ENC_FLOAT16, 0 } },
  { "int8", { GEN_ENC_INT8, 0 } },
  { "palette1", { GEN_ENC_PALETTE, 1 } },
  { "palette4", { GEN_ENC_PALETTE, 4 } },
  { "sparse", { GEN_ENC_SPARSE, 0 } },
};

static void fail (const char *what, const char *path)
  __attribute__ ((noreturn));

static void
fail (const char *what, const char *path)
{
  fprintf (stderr, "fuzz-seeds-models: %s %s: %s\n", what, path,
           strerror (errno));
  exit (1);
}

static void
make_dir (const char *path)
{
  if (mkdir (path, 0755) != 0 && errno != EEXIST)
    fail ("cannot create", path);
}

/* An image in, an image out: the style models' layers, 8x8 to 16x16. */
static GenPackage *
image_net (const char *name, GenEncoding enc, const char *precision)
{
  GenPackage *pkg = gen_package_new (name, "fuzz seed: image layers",
                                     precision, "mixed");
  GenNet net;

  gen_package_add_image_input (pkg, "image", "bgra8", 8, 8, NULL);
  gen_package_add_image_output (pkg, "out", "bgra8", 16, 16, NULL);
  gen_net_init (&net, pkg, "image", 3, 8, 8, 7, enc);
  gen_net_conv (&net, "conv1", 4, 3, 1, 1, 1.0);
  gen_net_instance_norm (&net, "norm1");
  gen_net_unary (&net, "relu1", "relu");
  gen_net_residual (&net, "res");
  gen_net_conv_transpose_x2 (&net, "up1", 4);
  gen_net_upsample_x2 (&net, "up2");
  gen_net_max_pool (&net, "pool", 2, 2);
  gen_net_conv (&net, "conv2", 3, 3, 1, 1, 1.0);
  gen_net_unary (&net, "out", "sigmoid");
  return pkg;
}

/* A gray image in, class probabilities out: the detector's layers. */
static GenPackage *
classifier (const char *name, GenEncoding enc, const char *precision)
{
  static const char *const labels[] = { "a", "b", "c" };
  static const float mean[4] = { 0.1f, 0.2f, 0.0f, -0.1f };
  static const float variance[4] = { 1.0f, 0.5f, 2.0f, 1.5f };
  static const float gamma[4] = { 1.0f, 0.9f, 1.1f, 1.0f };
  static const float beta[4] = { 0.0f, 0.1f, -0.1f, 0.2f };
  static const float weight[12] = { 0.5f, -0.5f, 0.25f, 1.0f, -1.0f, 0.0f,
                                    0.75f, 0.5f, -0.25f, 0.1f, 0.2f, 0.3f };
  static const float bias[3] = { 0.0f, 0.1f, -0.1f };
  GenPackage *pkg = gen_package_new (name, "fuzz seed: classifier layers",
                                     precision, "mixed");
  GenNet net;

  gen_package_add_image_input (pkg, "image", "gray8", 8, 8, NULL);
  gen_package_add_vector_output (pkg, "probabilities", "float32", 3, NULL);
  gen_package_set_class_labels (pkg, labels, 3);
  gen_net_init (&net, pkg, "image", 1, 8, 8, 11, enc);
  gen_net_conv (&net, "conv", 4, 3, 1, 0, 1.0);
  gen_net_batch_norm_fixed (&net, "bn", mean, variance, gamma, beta);
  gen_net_unary (&net, "relu", "relu");
  gen_net_max_pool (&net, "pool", 2, 2);
  gen_net_global_avg_pool (&net, "gap");
  gen_net_inner_product_fixed (&net, "fc", 3, weight, bias);
  gen_net_unary (&net, "probabilities", "softmax");
  return pkg;
}

/* Weights that make NaN, out through a gray8 image: the first input the
 * package fuzzer found undefined behaviour with (NaN to uint8_t). */
static GenPackage *
nan_image (void)
{
  const float weight[1] = { NAN };
  GenPackage *pkg = gen_package_new ("nan-image", "fuzz seed: NaN out",
                                     "float32", "float32");
  GenNet net;

  gen_package_add_image_input (pkg, "image", "gray8", 4, 4, NULL);
  gen_package_add_image_output (pkg, "out", "gray8", 4, 4, NULL);
  gen_net_init (&net, pkg, "image", 1, 4, 4, 13, encodings[0].enc);
  gen_net_conv_fixed (&net, "out", 1, 1, weight, NULL);
  return pkg;
}

static void *
read_all (const char *path, size_t *len)
{
  FILE *f = fopen (path, "rb");
  long size;
  void *data;

  if (f == NULL || fseek (f, 0, SEEK_END) != 0 || (size = ftell (f)) < 0
      || fseek (f, 0, SEEK_SET) != 0)
    fail ("cannot read", path);
  data = malloc ((size_t) size + 1);
  if (data == NULL || fread (data, 1, (size_t) size, f) != (size_t) size)
    fail ("cannot read", path);
  fclose (f);
  *len = (size_t) size;
  return data;
}

static void
write_parts (const char *path, const void *a, size_t a_len, const void *b,
             size_t b_len, int separate)
{
  FILE *f = fopen (path, "wb");

  if (f == NULL || fwrite (a, 1, a_len, f) != a_len
      || (separate && fputc ('\0', f) == EOF)
      || fwrite (b, 1, b_len, f) != b_len || fclose (f) != 0)
    fail ("cannot write", path);
}

/* Writes the seeds of package OUT/src/NAME.mlpackage. */
static void
write_seeds (const char *out, const char *name)
{
  char src[4096], path[4096], *compiled = NULL;
  size_t json_len, weights_len, compiled_len;
  void *json, *weights, *bytes;
  MlrtError error;

  snprintf (src, sizeof src, "%s/src/%s.mlpackage/model.json", out, name);
  json = read_all (src, &json_len);
  snprintf (src, sizeof src, "%s/src/%s.mlpackage/weights.bin", out, name);
  weights = read_all (src, &weights_len);
  snprintf (path, sizeof path, "%s/package/%s", out, name);
  write_parts (path, json, json_len, weights, weights_len, 1);
  snprintf (src, sizeof src, "%s/src/%s.mlpackage", out, name);
  snprintf (path, sizeof path, "%s/src/cache", out);
  if (mlrt_compile (src, path, &compiled, NULL, &error) != MLRT_OK)
    {
      fprintf (stderr, "fuzz-seeds-models: %s\n", error.message);
      exit (1);
    }
  bytes = read_all (compiled, &compiled_len);
  snprintf (path, sizeof path, "%s/compiled/%s", out, name);
  write_parts (path, bytes, compiled_len, "", 0, 0);
  free (bytes);
  free (compiled);
  free (json);
  free (weights);
}

int
main (int argc, char **argv)
{
  char path[4096];
  const char *out = argc == 2 ? argv[1] : NULL;
  ChainModel chain = { 3, 4, 2, 2, 0, 1, 1, 0 };
  GenPackage *pkg_nan;

  if (out == NULL)
    {
      fprintf (stderr, "usage: fuzz-seeds-models OUTDIR\n");
      return 2;
    }
  make_dir (out);
  snprintf (path, sizeof path, "%s/src", out);
  make_dir (path);
  snprintf (path, sizeof path, "%s/package", out);
  make_dir (path);
  snprintf (path, sizeof path, "%s/compiled", out);
  make_dir (path);
  snprintf (path, sizeof path, "%s/src", out);
  for (size_t i = 0; i < sizeof encodings / sizeof encodings[0]; i++)
    for (int half = 0; half <= 1; half++)
      {
        const char *precision = half ? "float16" : "float32";
        char name[64];
        GenPackage *pkg;

        snprintf (name, sizeof name, "image-%s-%s", encodings[i].name,
                  precision);
        pkg = image_net (name, encodings[i].enc, precision);
        if (gen_package_write (pkg, path) != 0)
          return 1;
        gen_package_free (pkg);
        write_seeds (out, name);
        snprintf (name, sizeof name, "classifier-%s-%s", encodings[i].name,
                  precision);
        pkg = classifier (name, encodings[i].enc, precision);
        if (gen_package_write (pkg, path) != 0)
          return 1;
        gen_package_free (pkg);
        write_seeds (out, name);
      }
  pkg_nan = nan_image ();
  if (gen_package_write (pkg_nan, path) != 0)
    return 1;
  gen_package_free (pkg_nan);
  write_seeds (out, "nan-image");
  if (chain_model_write (path, "chain", &chain) != 0)
    fail ("cannot write", path);
  write_seeds (out, "chain");
  return 0;
}
