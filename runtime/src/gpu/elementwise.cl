/*
 * elementwise.cl: the element-wise kernels of the GPU unit: activations,
 * the per-channel affine step of batch and instance normalisation, and
 * instance normalisation's per-channel moments. The broadcasting ops and
 * softmax are tensor.cl's.
 */

__kernel void
activation (int act, float alpha, __global const float *in,
            __global float *out)
{
  size_t i = get_global_id (0);
  out[i] = act_apply (act, alpha, in[i]);
}

/* Batch norm folded to one scale and shift per channel, computed by the
 * work-item itself (c is small, the fold is a few flops). */
__kernel void
batch_norm (int hw, __global const float *mean, __global const float *var,
            __global const float *gamma, __global const float *beta,
            float eps, int act, float alpha, __global const float *in,
            __global float *out)
{
  size_t i = get_global_id (0);
  int c = (int) (i / (size_t) hw);
  float scale = gamma[c] / sqrt (var[c] + eps);
  float shift = beta[c] - mean[c] * scale;
  out[i] = act_apply (act, alpha, in[i] * scale + shift);
}

/* One work-group of `get_local_size (0)` work-items per channel: each sums
 * a strided part of the plane, then a tree reduction in local memory.
 * Two passes (mean, then squared deviations) as on the CPU, since
 * E[x^2] - E[x]^2 cancels badly on planes with a large mean. Writes the
 * channel's scale and shift to affine[2 c], affine[2 c + 1]. */
__kernel void
instance_norm_moments (int hw, __global const float *gamma,
                       __global const float *beta, float eps,
                       __global const float *in, __global float *affine,
                       __local float *part)
{
  int c = get_group_id (0);
  int l = get_local_id (0), n = get_local_size (0);
  __global const float *x = in + (size_t) c * hw;
  float s = 0.0f;

  for (int i = l; i < hw; i += n)
    s += x[i];
  part[l] = s;
  barrier (CLK_LOCAL_MEM_FENCE);
  for (int k = n / 2; k > 0; k /= 2)
    {
      if (l < k)
        part[l] += part[l + k];
      barrier (CLK_LOCAL_MEM_FENCE);
    }
  float mean = part[0] / (float) hw;
  barrier (CLK_LOCAL_MEM_FENCE);

  s = 0.0f;
  for (int i = l; i < hw; i += n)
    {
      float d = x[i] - mean;
      s += d * d;
    }
  part[l] = s;
  barrier (CLK_LOCAL_MEM_FENCE);
  for (int k = n / 2; k > 0; k /= 2)
    {
      if (l < k)
        part[l] += part[l + k];
      barrier (CLK_LOCAL_MEM_FENCE);
    }
  if (l == 0)
    {
      float var = part[0] / (float) hw;
      float scale = gamma[c] / sqrt (var + eps);
      affine[2 * c] = scale;
      affine[2 * c + 1] = beta[c] - mean * scale;
    }
}

__kernel void
channel_affine (int hw, __global const float *affine, int act, float alpha,
                __global const float *in, __global float *out)
{
  size_t i = get_global_id (0);
  int c = (int) (i / (size_t) hw);
  out[i] = act_apply (act, alpha, in[i] * affine[2 * c] + affine[2 * c + 1]);
}
