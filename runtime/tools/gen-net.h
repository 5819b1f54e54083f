/*
 * gen-net.h: a tiny network builder for the model generator. It follows the
 * current tensor and its shape, so each call appends one layer to the
 * package with weights of the right shape, drawn from the net's seeded
 * generator (He-scaled, so activations stay in range) and stored in the
 * net's encoding.
 */
#ifndef GEN_NET_H
#define GEN_NET_H

#include "gen-package.h"

typedef struct {
  GenPackage *pkg;
  GenRng rng;
  GenEncoding enc;          /* conv and inner-product weights */
  GenEncoding vec_enc;      /* biases and norm parameters */
  char cur[64];             /* the current tensor */
  int c, h, w;              /* its shape: [c, h, w], or [c] when h == 0 */
} GenNet;

void gen_net_init (GenNet *net, GenPackage *pkg, const char *input,
                   int c, int h, int w, uint64_t seed, GenEncoding enc);

/* Square kernel k, "same" padding k / 2. `gain` scales the He init. */
void gen_net_conv (GenNet *net, const char *name, int out_c, int k,
                   int stride, int with_bias, double gain);
/* A conv with the given weights, [out_c, c, k, k] row-major. */
void gen_net_conv_fixed (GenNet *net, const char *name, int out_c, int k,
                         const float *weight, const float *bias);
/* Doubles h and w: kernel 3, stride 2, padding 1, output_padding 1. */
void gen_net_conv_transpose_x2 (GenNet *net, const char *name, int out_c);
void gen_net_upsample_x2 (GenNet *net, const char *name);
void gen_net_instance_norm (GenNet *net, const char *name);
/* Batch norm with given statistics and affine parameters, [c] each. */
void gen_net_batch_norm_fixed (GenNet *net, const char *name,
                               const float *mean, const float *variance,
                               const float *gamma, const float *beta);
/* relu, sigmoid, softmax: ops without params (softmax over the last axis) */
void gen_net_unary (GenNet *net, const char *name, const char *op);
void gen_net_add (GenNet *net, const char *name, const char *other);
void gen_net_max_pool (GenNet *net, const char *name, int k, int stride);
void gen_net_global_avg_pool (GenNet *net, const char *name);
/* An inner product with given weight [out, c] and bias [out]. */
void gen_net_inner_product_fixed (GenNet *net, const char *name,
                                  int out_features, const float *weight,
                                  const float *bias);
/* conv + instance_norm + relu, conv + instance_norm, add the block input. */
void gen_net_residual (GenNet *net, const char *prefix);

#endif /* GEN_NET_H */
