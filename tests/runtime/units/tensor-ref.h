/*
 * tensor-ref.h: plain references of the ops on tensors of any rank
 * (broadcasting element-wise ops, scale, math functions, transpose,
 * slice, concat, reductions, matmul, softmax along an axis), for
 * test-tensor-ops.c to hold every unit's kernels against.
 */
#ifndef MLRT_TEST_TENSOR_REF_H
#define MLRT_TEST_TENSOR_REF_H

#include <stddef.h>
#include <stdint.h>

#define REF_MAX_RANK 5

typedef struct {
  int rank;
  int64_t dims[REF_MAX_RANK];
} RefShape;

size_t ref_count (const RefShape *s);

/* op is the mlrt op name: "add", "sub", ... */
double ref_binary_fn (const char *op, double x, double y);
void ref_binary (const char *op, const RefShape *a, const float *x,
                 const RefShape *b, const float *y, const RefShape *out,
                 float *z);
/* s or b may be NULL. */
void ref_scale (const RefShape *xs, const float *x, const RefShape *ss,
                const float *s, const RefShape *bs, const float *b,
                const RefShape *out, float *z);
/* "sqrt", ..., and the activations "hard_swish", "relu6". */
double ref_unary_fn (const char *op, double x);
void ref_transpose (const RefShape *in, const float *x, const int64_t *perm,
                    float *z);
void ref_slice (const RefShape *in, const float *x, const int64_t *starts,
                const int64_t *steps, const RefShape *out, float *z);
void ref_concat (int n, const RefShape *const *in, const float *const *x,
                 int axis, const RefShape *out, float *z);
/* Over the dims set in axes_mask, dims kept or not alike (same values);
 * at most 4096 outputs. */
void ref_reduce (const char *op, const RefShape *in, const float *x,
                 int axes_mask, float *z);
/* a, b of rank >= 2 (batch dims broadcast); bias [n] or NULL. */
void ref_matmul (const RefShape *as, const float *a, const RefShape *bs,
                 const float *b, const float *bias, const RefShape *out,
                 float *z);
/* avg_pool of [1, C, H, W], square k x k windows stride s, padding pad
 * on every side; the divisor the real pixels, or with count_pad the
 * window inside the padded input. */
void ref_avg_pool (const RefShape *in, const float *x, int k, int s, int pad,
                   int count_pad, const RefShape *out, float *z);
void ref_softmax_axis (const RefShape *in, const float *x, int axis,
                       int log_form, float *z);

#endif /* MLRT_TEST_TENSOR_REF_H */
