/*
 * inner-product.c: the fully connected layer on the CPU, one sgemv
 * (weight [out, in] times the input vector) with the bias folded in as
 * GEMV's y term, then the fused activation.
 */
#include <cblas.h>
#include <string.h>

#include "vectorize.h"
#include "activation-inline.h"
#include "kernels.h"

void
mlrt_cpu_inner_product (int in_features, int out_features,
                        const float *in, const float *weight,
                        const float *bias, MlrtActivation act,
                        float alpha, float *out)
{
  if (bias)
    memcpy (out, bias, sizeof (float) * out_features);
  cblas_sgemv (CblasRowMajor, CblasNoTrans, out_features, in_features, 1.0f,
               weight, in_features, in, 1, bias ? 1.0f : 0.0f, out, 1);
  if (act != MLRT_ACT_NONE)
    mlrt_act_affine (act, alpha, out_features, out, 0.0f, 1.0f, 0.0f, out);
}
