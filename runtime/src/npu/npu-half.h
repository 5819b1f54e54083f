/*
 * npu-half.h: IEEE half <-> single conversion for the emulated NPU, inline
 * because every value the NPU loads or stores goes through it. Round to
 * nearest even, subnormals kept, overflow to infinity, NaN kept a NaN.
 */
#ifndef MLRT_NPU_HALF_H
#define MLRT_NPU_HALF_H

#include <stdint.h>
#include <string.h>

static inline uint16_t
mlrt_npu_half_from_float (float f)
{
  uint32_t x, ax, sign;

  memcpy (&x, &f, sizeof x);
  sign = (x >> 16) & 0x8000u;
  ax = x & 0x7fffffffu;
  if (ax >= 0x7f800000u)                  /* inf, NaN */
    return (uint16_t) (sign | 0x7c00u | (ax > 0x7f800000u ? 0x200u : 0));
  if (ax >= 0x477ff000u)                  /* rounds past 65504 */
    return (uint16_t) (sign | 0x7c00u);
  if (ax < 0x38800000u)                   /* below 2^-14: subnormal half */
    {
      /* Adding 0.5 puts the float's ulp at 2^-24, the subnormal half's
       * ulp, so the FPU's own rounding is round-to-nearest-even. */
      float v;
      uint32_t b;

      memcpy (&v, &ax, sizeof v);
      v += 0.5f;
      memcpy (&b, &v, sizeof b);
      return (uint16_t) (sign | (b - 0x3f000000u));
    }
  /* Rebias the exponent (127 -> 15) and round the 13 dropped bits to
   * nearest even in one add; a carry into the exponent is correct. */
  ax += 0xc8000fffu + ((ax >> 13) & 1u);
  return (uint16_t) (sign | (ax >> 13));
}

static inline float
mlrt_npu_half_to_float (uint16_t h)
{
  uint32_t sign = (uint32_t) (h & 0x8000u) << 16;
  uint32_t em = h & 0x7fffu, bits;
  float f;

  if (em >= 0x7c00u)
    bits = sign | 0x7f800000u | ((em & 0x3ffu) << 13);
  else if (em >= 0x400u)
    bits = sign | ((em << 13) + 0x38000000u);
  else
    {
      f = (float) em * 5.9604644775390625e-8f;   /* em * 2^-24 */
      return sign ? -f : f;
    }
  memcpy (&f, &bits, sizeof f);
  return f;
}

/* Rounds a float to the nearest half and back: what storing it costs. */
static inline float
mlrt_npu_round (float f)
{
  return mlrt_npu_half_to_float (mlrt_npu_half_from_float (f));
}

#endif /* MLRT_NPU_HALF_H */
