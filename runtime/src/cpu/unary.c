/*
 * unary.c: the element-wise functions of one tensor that are not
 * activations (sqrt, exp, log, ...), on the CPU, with libm's float
 * functions: a switch outside the loop, so each loop is one call per
 * value.
 */
#include <math.h>

#include "vectorize.h"
#include "kernels.h"

#define UNARY_LOOP(expr)                  \
  for (i = 0; i < n; i++)                 \
    {                                     \
      float x = in[i];                    \
      out[i] = (expr);                    \
    }

void
mlrt_cpu_unary (MlrtUnaryOp op, size_t n, const float *in, float *out)
{
  size_t i;

  switch (op)
    {
    case MLRT_UNARY_SQRT:
      UNARY_LOOP (sqrtf (x));
      break;
    case MLRT_UNARY_EXP:
      UNARY_LOOP (expf (x));
      break;
    case MLRT_UNARY_LOG:
      UNARY_LOOP (logf (x));
      break;
    case MLRT_UNARY_ABS:
      UNARY_LOOP (fabsf (x));
      break;
    case MLRT_UNARY_RECIPROCAL:
      UNARY_LOOP (1.0f / x);
      break;
    case MLRT_UNARY_FLOOR:
      UNARY_LOOP (floorf (x));
      break;
    case MLRT_UNARY_CEIL:
      UNARY_LOOP (ceilf (x));
      break;
    case MLRT_UNARY_ROUND:
      UNARY_LOOP (nearbyintf (x));
      break;
    case MLRT_UNARY_ERF:
      UNARY_LOOP (erff (x));
      break;
    case MLRT_UNARY_SIN:
      UNARY_LOOP (sinf (x));
      break;
    case MLRT_UNARY_COS:
      UNARY_LOOP (cosf (x));
      break;
    case MLRT_UNARY_SOFTPLUS:
      /* log (1 + e^x) without overflow for large x */
      UNARY_LOOP (x > 0.0f ? x + log1pf (expf (-x)) : log1pf (expf (x)));
      break;
    case MLRT_UNARY_SOFTSIGN:
      UNARY_LOOP (x / (1.0f + fabsf (x)));
      break;
    default:
      break;
    }
}
