/*
 * gen-detector.c: the example classifier ("detector"): three 3x3 conv +
 * batch_norm + relu stages with max pooling, global average pooling, an
 * inner product over 10 labels and a softmax.
 *
 * Its weights are random, but its statistics are not: as training would,
 * the generator runs the network over the frames detect-demo classifies
 * (a plain float forward pass here) and sets each batch_norm's mean and
 * variance, and the classifier's normalisation of the pooled features, from
 * what it sees. Without that, one class would win every frame.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "example-frames.h"
#include "gen-models.h"
#include "gen-net.h"

#define SIZE 64
#define N_CALIBRATION 32
#define N_CLASSES 10
#define BN_EPSILON 1e-3f

static const char *const labels[N_CLASSES] = {
  "person", "bicycle", "car", "dog", "cat",
  "bird", "tree", "house", "boat", "cup",
};

static const int stage_channels[3] = { 16, 32, 64 };

typedef struct {
  int c, h, w;
  float *data;
} Tensor;

static void
tensor_init (Tensor *t, int c, int h, int w)
{
  t->c = c;
  t->h = h;
  t->w = w;
  t->data = calloc ((size_t) c * h * w, sizeof (float));
}

/* 3x3 convolution, stride 1, zero padding 1, no bias. */
static void
conv3x3 (const Tensor *in, const float *weight, int out_c, Tensor *out)
{
  tensor_init (out, out_c, in->h, in->w);
  for (int o = 0; o < out_c; o++)
    for (int i = 0; i < in->c; i++)
      for (int ky = 0; ky < 3; ky++)
        for (int kx = 0; kx < 3; kx++)
          {
            float k = weight[((o * in->c + i) * 3 + ky) * 3 + kx];
            for (int y = 0; y < in->h; y++)
              {
                int sy = y + ky - 1;
                if (sy < 0 || sy >= in->h)
                  continue;
                const float *src = in->data + ((size_t) i * in->h + sy) * in->w;
                float *dst = out->data + ((size_t) o * in->h + y) * in->w;
                for (int x = 0; x < in->w; x++)
                  {
                    int sx = x + kx - 1;
                    if (sx >= 0 && sx < in->w)
                      dst[x] += k * src[sx];
                  }
              }
          }
}

/* Sets mean and variance per channel over every frame's pixels. */
static void
channel_statistics (const Tensor *t, int n, float *mean, float *variance)
{
  size_t hw = (size_t) t[0].h * t[0].w;
  for (int c = 0; c < t[0].c; c++)
    {
      double sum = 0, sum2 = 0;
      for (int f = 0; f < n; f++)
        for (size_t p = 0; p < hw; p++)
          {
            double v = t[f].data[c * hw + p];
            sum += v;
            sum2 += v * v;
          }
      double count = (double) n * hw, m = sum / count;
      mean[c] = (float) m;
      variance[c] = (float) fmax (sum2 / count - m * m, 1e-6);
    }
}

/* batch_norm + relu, then a 2x2 max pool unless `pool` is 0. */
static void
normalise (Tensor *t, const float *mean, const float *variance,
           const float *gamma, const float *beta, int pool)
{
  size_t hw = (size_t) t->h * t->w;
  for (int c = 0; c < t->c; c++)
    {
      float scale = gamma[c] / sqrtf (variance[c] + BN_EPSILON);
      for (size_t p = 0; p < hw; p++)
        {
          float v = (t->data[c * hw + p] - mean[c]) * scale + beta[c];
          t->data[c * hw + p] = v > 0 ? v : 0;
        }
    }
  if (!pool)
    return;
  Tensor out;
  tensor_init (&out, t->c, t->h / 2, t->w / 2);
  for (int c = 0; c < t->c; c++)
    for (int y = 0; y < out.h; y++)
      for (int x = 0; x < out.w; x++)
        {
          const float *s = t->data + ((size_t) c * t->h + 2 * y) * t->w + 2 * x;
          float m = fmaxf (fmaxf (s[0], s[1]), fmaxf (s[t->w], s[t->w + 1]));
          out.data[((size_t) c * out.h + y) * out.w + x] = m;
        }
  free (t->data);
  *t = out;
}

static float *
draw (GenRng *rng, size_t n, double centre, double spread)
{
  float *v = malloc (n * sizeof *v);
  for (size_t i = 0; i < n; i++)
    v[i] = (float) (centre + spread * gen_rng_normal (rng));
  return v;
}

/* The frames as the runtime sees a BGRA8 input: bytes / 255. */
static void
calibration_frames (Tensor *frames)
{
  for (int f = 0; f < N_CALIBRATION; f++)
    {
      tensor_init (&frames[f], 3, SIZE, SIZE);
      for (int c = 0; c < 3; c++)
        for (int y = 0; y < SIZE; y++)
          for (int x = 0; x < SIZE; x++)
            {
              float v = ex_frame_value (x, y, SIZE, SIZE, 2 * f, c);
              float byte = (float) (int) (255.0f * v + 0.5f);
              frames[f].data[((size_t) c * SIZE + y) * SIZE + x] = byte / 255;
            }
    }
}

/* Folds the pooled features' standardisation into the classifier. */
static void
classifier (GenRng *rng, Tensor *features, float *weight, float *bias)
{
  int in = features[0].c;
  float *raw = draw (rng, (size_t) N_CLASSES * in, 0.0, 2.0 / sqrt (in));
  float *mean = malloc (in * sizeof *mean);
  float *variance = malloc (in * sizeof *variance);
  channel_statistics (features, N_CALIBRATION, mean, variance);
  for (int o = 0; o < N_CLASSES; o++)
    {
      double b = 0.1 * gen_rng_normal (rng);
      for (int i = 0; i < in; i++)
        {
          float w = raw[o * in + i] / sqrtf (variance[i]);
          weight[o * in + i] = w;
          b -= (double) w * mean[i];
        }
      bias[o] = (float) b;
    }
  free (raw);
  free (mean);
  free (variance);
}

GenPackage *
gen_build_detector (void)
{
  GenPackage *pkg = gen_package_new (
      "detector", "Small convolutional classifier over 10 object labels",
      "float32", "float32");
  gen_package_add_image_input (pkg, "image", "bgra8", SIZE, SIZE,
                               "frame to classify");
  gen_package_add_vector_output (pkg, "probabilities", "float32", N_CLASSES,
                                 "probability of each class label");
  gen_package_set_class_labels (pkg, labels, N_CLASSES);

  GenEncoding enc = { GEN_ENC_FLOAT32, 0 };
  GenNet net;
  GenRng rng;
  gen_net_init (&net, pkg, "image", 3, SIZE, SIZE, 0, enc);
  gen_rng_init (&rng, 707);
  Tensor frames[N_CALIBRATION];
  calibration_frames (frames);

  for (int s = 0; s < 3; s++)
    {
      int in_c = net.c, out_c = stage_channels[s];
      char name[16];
      float *w = draw (&rng, (size_t) out_c * in_c * 9, 0.0,
                       sqrt (2.0 / (in_c * 9)));
      float *gamma = draw (&rng, out_c, 1.0, 0.1);
      float *beta = draw (&rng, out_c, 0.0, 0.1);
      float *mean = malloc (out_c * sizeof *mean);
      float *variance = malloc (out_c * sizeof *variance);
      for (int f = 0; f < N_CALIBRATION; f++)
        {
          Tensor out;
          conv3x3 (&frames[f], w, out_c, &out);
          free (frames[f].data);
          frames[f] = out;
        }
      channel_statistics (frames, N_CALIBRATION, mean, variance);
      for (int f = 0; f < N_CALIBRATION; f++)
        normalise (&frames[f], mean, variance, gamma, beta, s < 2);

      snprintf (name, sizeof name, "conv%d", s + 1);
      gen_net_conv_fixed (&net, name, out_c, 3, w, NULL);
      snprintf (name, sizeof name, "bn%d", s + 1);
      gen_net_batch_norm_fixed (&net, name, mean, variance, gamma, beta);
      snprintf (name, sizeof name, "relu%d", s + 1);
      gen_net_unary (&net, name, "relu");
      if (s < 2)
        {
          snprintf (name, sizeof name, "pool%d", s + 1);
          gen_net_max_pool (&net, name, 2, 2);
        }
      free (w);
      free (gamma);
      free (beta);
      free (mean);
      free (variance);
    }

  /* global average pooling of the calibration frames, as [c, 1, 1] */
  for (int f = 0; f < N_CALIBRATION; f++)
    {
      Tensor pooled;
      size_t hw = (size_t) frames[f].h * frames[f].w;
      tensor_init (&pooled, frames[f].c, 1, 1);
      for (int c = 0; c < frames[f].c; c++)
        {
          double sum = 0;
          for (size_t p = 0; p < hw; p++)
            sum += frames[f].data[c * hw + p];
          pooled.data[c] = (float) (sum / hw);
        }
      free (frames[f].data);
      frames[f] = pooled;
    }
  gen_net_global_avg_pool (&net, "gap");

  float weight[N_CLASSES * 64], bias[N_CLASSES];
  classifier (&rng, frames, weight, bias);
  gen_net_inner_product_fixed (&net, "logits", N_CLASSES, weight, bias);
  gen_net_unary (&net, "probabilities", "softmax");
  for (int f = 0; f < N_CALIBRATION; f++)
    free (frames[f].data);
  return pkg;
}
