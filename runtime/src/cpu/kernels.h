/*
 * kernels.h: the CPU compute unit's kernels, float32, on dense row-major
 * tensors: image-like ones of shape [C, H, W] (or [N] for vectors), and,
 * for the element-wise, layout, reduction and matrix ops, of any rank
 * through the plans of ops/ops.h (MlrtBroadcast, MlrtGather, MlrtReduce,
 * MlrtMatmul). Batch is handled by the caller, one item at a time.
 *
 * GEMM-shaped work (convolution via im2col, transposed convolution, inner
 * product) goes through OpenBLAS. Kernels never allocate: callers pass
 * scratch memory of the size the matching *_scratch_size() function asks
 * for, in bytes (0 means no scratch is touched; NULL is then fine). Each
 * kernel is checked against a plain reference implementation in
 * tests/runtime/kernels/. The parameter blocks are the op header's
 * (ops/ops.h), shared with the other units.
 */
#ifndef MLRT_CPU_KERNELS_H
#define MLRT_CPU_KERNELS_H

#include <stddef.h>

#include "ops/ops.h"

/* Output extent of a convolution / pooling along one axis; 0 when the
 * (dilated) kernel does not fit in the padded input or an argument is
 * out of range. */
int mlrt_conv_output_size (int in, int kernel, int stride, int pad,
                           int dilation);

/* weight [out_c, in_c / groups, kh, kw]; bias [out_c] or NULL. Some
 * shapes take their weights rearranged once per layer (Winograd's
 * transformed kernels, the direct path's taps packed by output channel
 * blocks): packed_floats says how many floats (0: none, then `packed`
 * may be NULL), pack fills them, and conv2d reads them. */
size_t mlrt_cpu_conv2d_scratch_size (const MlrtConvParams *p);
size_t mlrt_cpu_conv2d_packed_floats (const MlrtConvParams *p);
void mlrt_cpu_conv2d_pack (const MlrtConvParams *p, const float *weight,
                           float *packed);
void mlrt_cpu_conv2d (const MlrtConvParams *p, const float *in,
                      const float *weight, const float *packed,
                      const float *bias, float *out, float *scratch);

/* weight [in_c, out_c, kh, kw]; bias [out_c] or NULL. */
size_t mlrt_cpu_conv_transpose2d_scratch_size (const MlrtConvTransposeParams *p);
void mlrt_cpu_conv_transpose2d (const MlrtConvTransposeParams *p,
                                const float *in, const float *weight,
                                const float *bias, float *out,
                                float *scratch);

/* [c, h, w] -> [c, h * sh, w * sw]; bilinear uses half-pixel centres
 * (align_corners = false), edges clamped. */
void mlrt_cpu_upsample (int c, int h, int w, int sh, int sw,
                        MlrtUpsampleMode mode, const float *in, float *out);

/* y = gamma * (x - mean) / sqrt(var + eps) + beta, per channel. */
void mlrt_cpu_batch_norm (int c, int hw, const float *mean, const float *var,
                          const float *gamma, const float *beta, float eps,
                          MlrtActivation act, float alpha,
                          const float *in, float *out);

/* Normalises each channel over its own h * w values. */
void mlrt_cpu_instance_norm (int c, int hw, const float *gamma,
                             const float *beta, float eps,
                             MlrtActivation act, float alpha,
                             const float *in, float *out);

/* In place is allowed (in == out). */
void mlrt_cpu_activation (MlrtActivation act, float alpha, size_t n,
                          const float *in, float *out);

/* out = clamp (a * in + b, lo, hi): hard_sigmoid and clip. In place is
 * allowed. */
void mlrt_cpu_clamp_affine (size_t n, float a, float b, float lo, float hi,
                            const float *in, float *out);

/* Same-shape add and mul, the element-wise ops' common case. */
void mlrt_cpu_add (size_t n, const float *a, const float *b,
                   MlrtActivation act, float alpha, float *out);
void mlrt_cpu_mul (size_t n, const float *a, const float *b, float *out);

/* out = act (a OP b), a and b operands 0 and 1 of `bc`. */
void mlrt_cpu_binary (MlrtBinaryOp op, const MlrtBroadcast *bc,
                      const float *a, const float *b, MlrtActivation act,
                      float alpha, float *out);
/* out = act (x * scale + bias), operands 0, 1, 2 of `bc`; scale or bias
 * may be NULL (1, 0). In place is allowed. */
void mlrt_cpu_scale (const MlrtBroadcast *bc, const float *x,
                     const float *scale, const float *bias,
                     MlrtActivation act, float alpha, float *out);
/* In place is allowed. */
void mlrt_cpu_unary (MlrtUnaryOp op, size_t n, const float *in, float *out);

/* Concatenation: `outer` rows, of chunk[i] values from input i each. */
void mlrt_cpu_concat (int n_inputs, size_t outer, const size_t *chunk,
                      const float *const *inputs, float *out);
/* Transpose and slice (MlrtGather). */
void mlrt_cpu_gather (const MlrtGather *g, const float *in, float *out);
void mlrt_cpu_reduce (const MlrtReduce *r, const float *in, float *out);

/* a [.., m, k] x b [.., k, n] (+ bias [n]), act fused. */
void mlrt_cpu_matmul (const MlrtMatmul *p, const float *a, const float *b,
                      const float *bias, MlrtActivation act, float alpha,
                      float *out);

void mlrt_cpu_pool2d (const MlrtPoolParams *p, const float *in, float *out);
/* [c, hw] -> [c] */
void mlrt_cpu_global_pool (MlrtPoolKind kind, int c, int hw, const float *in,
                           float *out);

/* out[o] = sum_i weight[o, i] * in[i] + bias[o]; bias may be NULL. */
void mlrt_cpu_inner_product (int in_features, int out_features,
                             const float *in, const float *weight,
                             const float *bias, MlrtActivation act,
                             float alpha, float *out);

/* Softmax (its log when `log`) along the middle axis of [outer, n,
 * inner]. In place is allowed. */
void mlrt_cpu_softmax (size_t outer, size_t n, size_t inner, int log,
                       const float *in, float *out);

#endif /* MLRT_CPU_KERNELS_H */
