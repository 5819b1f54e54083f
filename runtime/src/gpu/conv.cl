/*
 * conv.cl: the GEMM-shaped kernels of the GPU unit: 2-D convolution,
 * transposed convolution and inner product. One work-item computes one
 * output element; the NDRange is (out_w, out_h, out_c) so neighbouring
 * work-items read neighbouring input pixels.
 */

/* weight [out_c, in_c / groups, kh, kw]; bias [out_c] when has_bias; the
 * output affine, if any, after the activation as the CPU's epilogue. */
__kernel void
conv2d (ConvP p, __global const float *in, __global const float *weight,
        __global const float *bias, __global float *out)
{
  int ox = get_global_id (0), oy = get_global_id (1), oc = get_global_id (2);
  int icg = p.in_c / p.groups, ocg = p.out_c / p.groups;
  int g = oc / ocg;
  int iy0 = oy * p.sh - p.ph, ix0 = ox * p.sw - p.pw;
  __global const float *w = weight + (size_t) oc * icg * p.kh * p.kw;
  float acc = p.has_bias ? bias[oc] : 0.0f;

  if (ox >= p.out_w || oy >= p.out_h)
    return;
  for (int c = 0; c < icg; c++)
    {
      __global const float *plane
        = in + (size_t) (g * icg + c) * p.in_h * p.in_w;
      for (int ky = 0; ky < p.kh; ky++)
        {
          int iy = iy0 + ky * p.dh;
          if (iy < 0 || iy >= p.in_h)
            continue;
          for (int kx = 0; kx < p.kw; kx++)
            {
              int ix = ix0 + kx * p.dw;
              if (ix >= 0 && ix < p.in_w)
                acc += plane[iy * p.in_w + ix]
                       * w[(c * p.kh + ky) * p.kw + kx];
            }
        }
    }
  acc = act_apply (p.act, p.alpha, acc);
  if (p.has_out_affine)
    acc = acc * p.out_scale + p.out_shift;
  out[((size_t) oc * p.out_h + oy) * p.out_w + ox] = acc;
}

/* weight [in_c, out_c, kh, kw]. Output pixel (oy, ox) gathers every input
 * pixel iy with iy * sh - ph + ky == oy for some tap ky. Only in_c, out_c,
 * kh, kw, sh, sw, ph, pw, act, alpha and has_bias of p are used. */
__kernel void
conv_transpose2d (ConvP p, __global const float *in,
                  __global const float *weight, __global const float *bias,
                  __global float *out)
{
  int ox = get_global_id (0), oy = get_global_id (1), oc = get_global_id (2);
  float acc = p.has_bias ? bias[oc] : 0.0f;

  if (ox >= p.out_w || oy >= p.out_h)
    return;
  for (int ky = 0; ky < p.kh; ky++)
    {
      int ty = oy + p.ph - ky;
      if (ty < 0 || ty % p.sh)
        continue;
      int iy = ty / p.sh;
      if (iy >= p.in_h)
        continue;
      for (int kx = 0; kx < p.kw; kx++)
        {
          int tx = ox + p.pw - kx;
          if (tx < 0 || tx % p.sw)
            continue;
          int ix = tx / p.sw;
          if (ix >= p.in_w)
            continue;
          for (int c = 0; c < p.in_c; c++)
            acc += in[((size_t) c * p.in_h + iy) * p.in_w + ix]
                   * weight[(((size_t) c * p.out_c + oc) * p.kh + ky) * p.kw
                            + kx];
        }
    }
  out[((size_t) oc * p.out_h + oy) * p.out_w + ox]
    = act_apply (p.act, p.alpha, acc);
}

/* out[o] = act(sum_i weight[o, i] * in[i] + bias[o]) */
__kernel void
inner_product (int in_features, __global const float *in,
               __global const float *weight, __global const float *bias,
               int has_bias, int act, float alpha, __global float *out)
{
  int o = get_global_id (0);
  __global const float *w = weight + (size_t) o * in_features;
  float acc = 0.0f;

  for (int i = 0; i < in_features; i++)
    acc += w[i] * in[i];
  if (has_bias)
    acc += bias[o];
  out[o] = act_apply (act, alpha, acc);
}
