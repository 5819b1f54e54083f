/*
 * activation.c: the element-wise ops of one or two same-shape tensors on
 * the CPU: standalone activations, the clamp of hard_sigmoid and clip,
 * and the same-shape add (with a fused activation) and mul that the
 * broadcasting kernels (broadcast.c) hand their common case to. Each is a
 * pass over memory, cut into ranges for the pool (cpu-split.c).
 */
#include <string.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "cpu-pool.h"
#include "kernels.h"

/* Below this many values per task a pass stays on the calling thread. */
#define ELEMENT_MIN_TASK 32768

/* The operands of one element-wise pass. */
typedef struct {
  MlrtActivation act;
  float alpha;
  const float *a, *b;
  float *out;
  float k0, k1, lo, hi;         /* clamp_affine's constants */
} Element;

static void
activation_range (void *ctx, size_t lo, size_t hi)
{
  const Element *e = ctx;
  mlrt_act_affine (e->act, e->alpha, hi - lo, e->a + lo, 0.0f, 1.0f, 0.0f,
                   e->out + lo);
}

void
mlrt_cpu_activation (MlrtActivation act, float alpha, size_t n,
                     const float *in, float *out)
{
  Element e = { act, alpha, in, NULL, out, 0, 0, 0, 0 };

  if (act == MLRT_ACT_NONE)
    {
      if (in != out)
        memmove (out, in, sizeof (float) * n);
      return;
    }
  mlrt_cpu_parallel_range (n, ELEMENT_MIN_TASK, activation_range, &e);
}

static void
clamp_range (void *ctx, size_t lo, size_t hi)
{
  const Element *e = ctx;

  for (size_t i = lo; i < hi; i++)
    {
      float v = e->k0 * e->a[i] + e->k1;
      e->out[i] = v < e->lo ? e->lo : v > e->hi ? e->hi : v;
    }
}

void
mlrt_cpu_clamp_affine (size_t n, float a, float b, float lo, float hi,
                       const float *in, float *out)
{
  Element e = { MLRT_ACT_NONE, 0, in, NULL, out, a, b, lo, hi };
  mlrt_cpu_parallel_range (n, ELEMENT_MIN_TASK, clamp_range, &e);
}

static void
add_range (void *ctx, size_t lo, size_t hi)
{
  const Element *e = ctx;
  const float *a = e->a, *b = e->b;
  float *out = e->out;
  size_t i;

  switch (e->act)
    {
    case MLRT_ACT_NONE:
      for (i = lo; i < hi; i++)
        out[i] = a[i] + b[i];
      break;
    case MLRT_ACT_RELU:
      for (i = lo; i < hi; i++)
        {
          float v = a[i] + b[i];
          out[i] = v > 0.0f ? v : 0.0f;
        }
      break;
    case MLRT_ACT_LEAKY_RELU:
    case MLRT_ACT_SIGMOID:
    case MLRT_ACT_TANH:
    case MLRT_ACT_GELU:
    case MLRT_ACT_HARD_SWISH:
    case MLRT_ACT_RELU6:
    default:
      for (i = lo; i < hi; i++)
        out[i] = mlrt_act_apply (e->act, e->alpha, a[i] + b[i]);
      break;
    }
}

void
mlrt_cpu_add (size_t n, const float *a, const float *b, MlrtActivation act,
              float alpha, float *out)
{
  Element e = { act, alpha, a, b, out, 0, 0, 0, 0 };
  mlrt_cpu_parallel_range (n, ELEMENT_MIN_TASK, add_range, &e);
}

static void
mul_range (void *ctx, size_t lo, size_t hi)
{
  const Element *e = ctx;

  for (size_t i = lo; i < hi; i++)
    e->out[i] = e->a[i] * e->b[i];
}

void
mlrt_cpu_mul (size_t n, const float *a, const float *b, float *out)
{
  Element e = { MLRT_ACT_NONE, 0, a, b, out, 0, 0, 0, 0 };
  mlrt_cpu_parallel_range (n, ELEMENT_MIN_TASK, mul_range, &e);
}
