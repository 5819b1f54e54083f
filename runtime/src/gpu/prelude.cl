/*
 * prelude.cl: definitions shared by every OpenCL C kernel of the GPU unit:
 * the parameter blocks (laid out exactly like their host mirrors in
 * gpu-ops.c: ints and floats only, so host and device agree on offsets)
 * and the activation functions, which follow runtime/src/cpu/kernels.h
 * (GELU is the tanh approximation, leaky ReLU uses alpha).
 */

/* Values of MlrtActivation. */
#define ACT_NONE 0
#define ACT_RELU 1
#define ACT_LEAKY_RELU 2
#define ACT_SIGMOID 3
#define ACT_TANH 4
#define ACT_GELU 5
#define ACT_HARD_SWISH 6
#define ACT_RELU6 7

/* Values of MlrtBinaryOp, MlrtUnaryOp and MlrtReduceOp. */
#define BIN_ADD 0
#define BIN_SUB 1
#define BIN_MUL 2
#define BIN_DIV 3
#define BIN_POW 4
#define BIN_MAX 5
#define BIN_MIN 6

#define UN_SQRT 0
#define UN_EXP 1
#define UN_LOG 2
#define UN_ABS 3
#define UN_RECIPROCAL 4
#define UN_FLOOR 5
#define UN_CEIL 6
#define UN_ROUND 7
#define UN_ERF 8
#define UN_SIN 9
#define UN_COS 10
#define UN_SOFTPLUS 11
#define UN_SOFTSIGN 12

#define RED_MEAN 0
#define RED_SUM 1
#define RED_MAX 2
#define RED_MIN 3
#define RED_PROD 4
#define RED_L1 5
#define RED_L2 6
#define RED_SUM_SQUARE 7
#define RED_LOG_SUM_EXP 8

#define MAX_RANK 5

#define GELU_K 0.7978845608028654f

typedef struct {
  int in_c, in_h, in_w;
  int out_c, out_h, out_w;
  int kh, kw, sh, sw, ph, pw, dh, dw;
  int groups, act;
  float alpha;
  int has_bias;
  /* conv2d only: after the activation, out_scale * v + out_shift (the
   * scalar affine fuse-output-scale.c moved into the layer) */
  int has_out_affine;
  float out_scale, out_shift;
} ConvP;

typedef struct {
  int c, in_h, in_w, out_h, out_w;
  int kh, kw, sh, sw, ph, pw;
  int is_max, count_pad;
} PoolP;

/* MlrtBroadcast, MlrtGather, MlrtReduce and MlrtMatmul with int sizes
 * (a tensor holds at most 2^30 values). */
typedef struct {
  int rank;
  int shape[MAX_RANK];
  int stride[3][MAX_RANK];
} BcastP;

typedef struct {
  int rank;
  int shape[MAX_RANK];
  int stride[MAX_RANK];
  int offset;
} GatherP;

typedef struct {
  int op;
  int kept_rank;
  int kept[MAX_RANK], kept_stride[MAX_RANK];
  int red_rank;
  int red[MAX_RANK], red_stride[MAX_RANK];
} ReduceP;

typedef struct {
  int m, k, n;
  BcastP batch;
} MatmulP;

/* Operand o's offset at the output's flat index i. */
static inline int
bcast_offset (const BcastP *p, int o, int i)
{
  int off = 0;

  for (int d = p->rank - 1; d >= 0; d--)
    {
      off += (i % p->shape[d]) * p->stride[o][d];
      i /= p->shape[d];
    }
  return off;
}

static inline float
act_apply (int act, float alpha, float x)
{
  switch (act)
    {
    case ACT_RELU:
      return x > 0.0f ? x : 0.0f;
    case ACT_LEAKY_RELU:
      return x > 0.0f ? x : alpha * x;
    case ACT_SIGMOID:
      return 1.0f / (1.0f + exp (-x));
    case ACT_TANH:
      return tanh (x);
    case ACT_GELU:
      return 0.5f * x * (1.0f + tanh (GELU_K * (x + 0.044715f * x * x * x)));
    case ACT_HARD_SWISH:
      return x * clamp (x + 3.0f, 0.0f, 6.0f) / 6.0f;
    case ACT_RELU6:
      return clamp (x, 0.0f, 6.0f);
    default:
      return x;
    }
}
