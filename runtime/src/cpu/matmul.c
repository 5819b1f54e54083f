/*
 * matmul.c: matrix products on the CPU, one OpenBLAS sgemm per batch item
 * (a stored weight is one sgemm over all the input's rows), the bias
 * copied in first as GEMM's C term, then the fused activation.
 */
#include <cblas.h>
#include <string.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "kernels.h"

void
mlrt_cpu_matmul (const MlrtMatmul *p, const float *a, const float *b,
                 const float *bias, MlrtActivation act, float alpha,
                 float *out)
{
  int64_t items = 1, mn = p->m * p->n;

  for (int d = 0; d < p->batch.rank; d++)
    items *= p->batch.shape[d];
  for (int64_t i = 0; i < items; i++)
    {
      const float *ai = a + mlrt_broadcast_offset (&p->batch, 0, i)
                            * p->m * p->k;
      const float *bi = b + mlrt_broadcast_offset (&p->batch, 1, i)
                            * p->k * p->n;
      float *oi = out + i * mn;

      if (bias)
        for (int64_t r = 0; r < p->m; r++)
          memcpy (oi + r * p->n, bias, (size_t) p->n * sizeof (float));
      cblas_sgemm (CblasRowMajor, CblasNoTrans, CblasNoTrans, (int) p->m,
                   (int) p->n, (int) p->k, 1.0f, ai, (int) p->k, bi,
                   (int) p->n, bias ? 1.0f : 0.0f, oi, (int) p->n);
    }
  if (act != MLRT_ACT_NONE)
    mlrt_act_affine (act, alpha, (size_t) (items * mn), out, 0.0f, 1.0f, 0.0f,
                     out);
}
