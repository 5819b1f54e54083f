/*
 * half.c: IEEE 754 binary16 <-> binary32 conversion, round to nearest even,
 * with subnormals, infinities and NaN kept. Done in integer arithmetic so the
 * result does not depend on the compiler's or CPU's half support.
 */
#include <pthread.h>
#include <string.h>

#include "mlrt-internal.h"

uint16_t
mlrt_float_to_half (float value)
{
  uint32_t f;
  uint32_t sign, exp, mant;

  memcpy (&f, &value, sizeof f);
  sign = (f >> 16) & 0x8000u;
  exp = (f >> 23) & 0xffu;
  mant = f & 0x7fffffu;

  if (exp == 0xff)              /* inf or NaN; keep NaN quiet and non-zero */
    return (uint16_t) (sign | 0x7c00u | (mant ? 0x200u | (mant >> 13) : 0));

  int e = (int) exp - 127 + 15;
  if (e >= 0x1f)                /* overflow to infinity */
    return (uint16_t) (sign | 0x7c00u);

  if (e <= 0)
    {
      /* Subnormal half, or zero: shift the mantissa (with its hidden bit)
       * right, rounding to nearest even on the bits shifted out. */
      if (e < -10)
        return (uint16_t) sign;
      mant |= 0x800000u;
      int shift = 14 - e;
      uint32_t h = mant >> shift;
      uint32_t rem = mant & ((1u << shift) - 1);
      uint32_t halfway = 1u << (shift - 1);
      if (rem > halfway || (rem == halfway && (h & 1u)))
        h++;
      return (uint16_t) (sign | h);
    }

  uint32_t h = ((uint32_t) e << 10) | (mant >> 13);
  uint32_t rem = mant & 0x1fffu;
  /* A carry out of the mantissa correctly bumps the exponent, up to inf. */
  if (rem > 0x1000u || (rem == 0x1000u && (h & 1u)))
    h++;
  return (uint16_t) (sign | h);
}

float
mlrt_half_to_float (uint16_t half)
{
  uint32_t sign = ((uint32_t) half & 0x8000u) << 16;
  uint32_t exp = (half >> 10) & 0x1fu;
  uint32_t mant = half & 0x3ffu;
  uint32_t f;
  float out;

  if (exp == 0x1f)
    f = sign | 0x7f800000u | (mant << 13);
  else if (exp != 0)
    f = sign | ((exp - 15 + 127) << 23) | (mant << 13);
  else if (mant == 0)
    f = sign;
  else
    {
      /* Subnormal: normalise into a float's wider exponent range. */
      int e = -1;
      do
        {
          mant <<= 1;
          e++;
        }
      while ((mant & 0x400u) == 0);
      f = sign | ((uint32_t) (127 - 15 - e) << 23) | ((mant & 0x3ffu) << 13);
    }
  memcpy (&out, &f, sizeof out);
  return out;
}

/* Widening whole tensors is on every float16 model's path: a table of all
 * 65536 halves (256 KiB, built once) makes it a load per element. */
static float half_table[65536];
static pthread_once_t half_table_once = PTHREAD_ONCE_INIT;

static void
half_table_init (void)
{
  for (uint32_t h = 0; h < 65536; h++)
    half_table[h] = mlrt_half_to_float ((uint16_t) h);
}

void
mlrt_half_to_float_n (const uint16_t *in, float *out, size_t n)
{
  pthread_once (&half_table_once, half_table_init);
  for (size_t i = 0; i < n; i++)
    out[i] = half_table[in[i]];
}

void
mlrt_float_to_half_n (const float *in, uint16_t *out, size_t n)
{
  for (size_t i = 0; i < n; i++)
    out[i] = mlrt_float_to_half (in[i]);
}
