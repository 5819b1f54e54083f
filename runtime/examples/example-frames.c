/*
 * example-frames.c: the synthetic frame stream of the example apps, one
 * pixel at a time. No runtime dependency: the model generator calibrates
 * the detector on the same frames the demo classifies.
 */
#include "example-frames.h"

/* Intensity 0..1 of pixel (x, y) of frame `index` for colour channel `ch`
 * (each channel drifts at its own speed so BGRA frames are colourful). */
float
ex_frame_value (int x, int y, int width, int height, int index, int ch)
{
  float fx = (float) x / width, fy = (float) y / height;
  float drift = (float) ((index * (3 + ch)) % 64) / 64.0f;
  float v = 0.5f * (fx + fy) + drift;
  v = v - (int) v;              /* wraps: a sawtooth, so edges move too */
  v = 0.15f + 0.7f * v;

  /* a bright disc sweeping to and fro, a dark square sliding */
  float cx = 0.5f + 0.3f * (float) ((index * 5) % 40 - 20) / 20.0f;
  float cy = 0.4f;
  float dx = fx - cx, dy = fy - cy;
  if (dx * dx + dy * dy < 0.02f)
    v = 0.95f;
  float sx = (float) ((index * 7) % 50) / 50.0f;
  if (fx >= sx && fx < sx + 0.2f && fy >= 0.6f && fy < 0.8f)
    v = 0.05f;
  return v;
}
