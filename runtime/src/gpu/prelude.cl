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

#define GELU_K 0.7978845608028654f

typedef struct {
  int in_c, in_h, in_w;
  int out_c, out_h, out_w;
  int kh, kw, sh, sw, ph, pw, dh, dw;
  int groups, act;
  float alpha;
  int has_bias;
} ConvP;

typedef struct {
  int c, in_h, in_w, out_h, out_w;
  int kh, kw, sh, sw, ph, pw;
  int is_max;
} PoolP;

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
    default:
      return x;
    }
}
