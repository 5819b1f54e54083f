/*
 * chain-model.c: the chained model package of chain-model.h, written with
 * stdio (a 100k-layer model.json is about 30 MB).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "chain-model.h"

int
chain_model_layers (const ChainModel *c)
{
  return 2 * c->blocks + (c->input_skip ? 1 : 0);
}

const char *
chain_model_layer_name (const ChainModel *c, int i, char *buf, int len)
{
  if (i == 2 * c->blocks)
    snprintf (buf, (size_t) len, "skip");
  else
    snprintf (buf, (size_t) len, "%s%d", i % 2 ? "add" : "conv", i);
  return buf;
}

/* The tensor after block k (k = 0: the model input). */
static void
block_tensor (const ChainModel *c, int k, char *buf, size_t len)
{
  if (k == 0)
    snprintf (buf, len, "x");
  else if (k == c->blocks && !c->input_skip)
    snprintf (buf, len, "y");
  else if (c->mid_output && k == c->blocks / 2)
    snprintf (buf, len, "mid");
  else
    snprintf (buf, len, "t%d", k);
}

static void
write_feature (FILE *f, const ChainModel *c, const char *name)
{
  fprintf (f, "{\"name\": \"%s\", \"type\": \"float32\", \"shape\": "
           "[%d, %d, %d]}", name, c->channels, c->height, c->width);
}

static void
write_layers (FILE *f, const ChainModel *c, long weight_end)
{
  size_t weight_size = (size_t) c->channels * (size_t) c->channels * 4;
  char in[32], out[32];

  for (int k = 0; k < c->blocks; k++)
    {
      long offset = c->bad_last_offset && k == c->blocks - 1
                    ? weight_end + 64 : 0;

      block_tensor (c, k, in, sizeof in);
      block_tensor (c, k + 1, out, sizeof out);
      fprintf (f, "%s{\"name\": \"conv%d\", \"op\": \"conv2d\", "
               "\"inputs\": [\"%s\"], \"outputs\": [\"c%d\"], "
               "\"params\": {\"out_channels\": %d, \"kernel\": [1, 1]}, "
               "\"weights\": {\"weight\": {\"shape\": [%d, %d, 1, 1], "
               "\"encoding\": \"float32\", \"offset\": %ld, \"size\": %zu}}},\n",
               k ? "" : "\n", 2 * k, in, k, c->channels, c->channels,
               c->channels, offset, weight_size);
      fprintf (f, "{\"name\": \"add%d\", \"op\": \"add\", \"inputs\": "
               "[\"c%d\", \"%s\"], \"outputs\": [\"%s\"]}%s\n", 2 * k + 1, k,
               in, out, k + 1 < c->blocks || c->input_skip ? "," : "");
    }
  if (c->input_skip)
    {
      block_tensor (c, c->blocks, in, sizeof in);
      fprintf (f, "{\"name\": \"skip\", \"op\": \"add\", \"inputs\": "
               "[\"%s\", \"x\"], \"outputs\": [\"y\"]}\n", in);
    }
}

static int
write_json (const char *path, const ChainModel *c, long weight_end)
{
  FILE *f = fopen (path, "w");

  if (f == NULL)
    return -1;
  fprintf (f, "{\"format_version\": 1, \"name\": \"chain\",\n"
           "\"metadata\": {\"author\": \"mlscope tests\", \"description\": "
           "\"a chain of %d layers\", \"compute_precision\": \"%s\"},\n"
           "\"inputs\": [", chain_model_layers (c),
           c->half ? "float16" : "float32");
  write_feature (f, c, "x");
  fprintf (f, "],\n\"outputs\": [");
  write_feature (f, c, "y");
  if (c->mid_output)
    {
      fprintf (f, ", ");
      write_feature (f, c, "mid");
    }
  fprintf (f, "],\n\"layers\": [");
  write_layers (f, c, weight_end);
  fprintf (f, "]}\n");
  return fclose (f) == 0 ? 0 : -1;
}

/* The rotation: out[o] = in[(o + 1) % C] - in[o]. */
static int
write_weights (const char *path, const ChainModel *c, long *end)
{
  FILE *f = fopen (path, "wb");
  int n = c->channels;

  if (f == NULL)
    return -1;
  for (int o = 0; o < n; o++)
    for (int i = 0; i < n; i++)
      {
        float v = (float) (i == (o + 1) % n) - (float) (i == o);
        fwrite (&v, sizeof v, 1, f);
      }
  *end = (long) n * n * 4;
  return fclose (f) == 0 ? 0 : -1;
}

int
chain_model_write (const char *dir, const char *name, const ChainModel *c)
{
  char path[4096];
  long end = 0;

  if (c->blocks < 1 || c->channels < 2)
    {
      errno = EINVAL;
      return -1;
    }
  snprintf (path, sizeof path, "%s/%s.mlpackage", dir, name);
  if (mkdir (path, 0755) != 0 && errno != EEXIST)
    return -1;
  snprintf (path, sizeof path, "%s/%s.mlpackage/weights.bin", dir, name);
  if (write_weights (path, c, &end) != 0)
    return -1;
  snprintf (path, sizeof path, "%s/%s.mlpackage/model.json", dir, name);
  return write_json (path, c, end);
}
