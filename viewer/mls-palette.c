/*
 * mls-palette.c: kind colours and time formatting (see mls-palette.h).
 *
 * Colours come from the GNOME palette, one hue family per lane (activity in
 * blues and purples, data movement in yellows and oranges, compute in
 * greens, device overlays in teal and magenta) so a lane reads at a glance
 * and each kind stays distinct within it.
 */
#include "mls-palette.h"

typedef struct {
  int kind_id;
  guint32 rgb;
} KindColor;

static const KindColor kind_colors[] = {
  {  1, 0x9141ac },   /* Model Compile: purple */
  {  2, 0xe66100 },   /* Model Load: orange, stands out: loads are costly */
  {  3, 0x865e3c },   /* Model Unload: brown */
  {  4, 0x3584e4 },   /* Prediction: blue */
  {  5, 0x1a5fb4 },   /* Batch Prediction: dark blue */
  { 10, 0x98c1d9 },   /* Input Validation: pale blue */
  { 11, 0xf6d32d },   /* Input Conversion: yellow */
  { 12, 0xffa348 },   /* Output Conversion: light orange */
  { 13, 0xcd9309 },   /* Copy to Compute Unit: ochre */
  { 14, 0xb5835a },   /* Copy from Compute Unit: tan */
  { 15, 0xdc8add },   /* Output Backing Fill: pink */
  { 16, 0x986a44 },   /* Model Decryption: dark tan */
  { 20, 0x57e389 },   /* CPU Compute Request: green */
  { 21, 0x26a269 },   /* GPU Compute Request: dark green */
  { 22, 0x2190a4 },   /* Neural Engine Compute Request: teal */
  { 30, 0x33b8a5 },   /* GPU Busy: sea green */
  { 31, 0xc061cb },   /* Neural Engine Busy: magenta */
  { 40, 0x9a9996 },   /* Layer: grey */
};

guint32
mls_palette_kind_rgb (int kind_id)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kind_colors); i++)
    if (kind_colors[i].kind_id == kind_id)
      return kind_colors[i].rgb;
  return 0x77767b;
}

MlsColor
mls_palette_kind (int kind_id)
{
  guint32 rgb = mls_palette_kind_rgb (kind_id);
  MlsColor c = {
    ((rgb >> 16) & 0xff) / 255.0,
    ((rgb >> 8) & 0xff) / 255.0,
    (rgb & 0xff) / 255.0,
  };
  return c;
}

char *
mls_duration_text (gint64 ns)
{
  double v = (double) ns;

  if (ns < 0)
    return g_strdup ("–");
  if (ns < 1000)
    return g_strdup_printf ("%" G_GINT64_FORMAT " ns", ns);
  if (ns < 1000000)
    return g_strdup_printf ("%.*f µs", v < 1e4 ? 2 : v < 1e5 ? 1 : 0, v / 1e3);
  if (ns < G_GINT64_CONSTANT (1000000000))
    return g_strdup_printf ("%.*f ms", v < 1e7 ? 2 : v < 1e8 ? 1 : 0, v / 1e6);
  return g_strdup_printf ("%.*f s", v < 1e10 ? 2 : 1, v / 1e9);
}

static int
decimals_for (gint64 step, gint64 unit)
{
  int d = 0;

  while (step < unit && d < 6)
    {
      step *= 10;
      d++;
    }
  return d;
}

char *
mls_format_offset (gint64 offset_ns, gint64 step_ns, gint64 max_offset_ns)
{
  static const char *const suffixes[] = { "ns", "µs", "ms", "s" };
  gint64 unit = 1;
  int u = 0;

  /* The step's own unit (50 ms steps read 0 ms, 50 ms, 100 ms), or a
   * larger one with decimals once numbers grow past four digits
   * (100.1 s, not 100100 ms); one unit for the whole ruler. */
  step_ns = MAX (step_ns, 1);
  while (u < 3 && step_ns >= unit * 1000)
    unit *= 1000, u++;
  while (u < 3 && ABS (max_offset_ns) >= unit * 10000)
    unit *= 1000, u++;
  return g_strdup_printf ("%.*f %s", decimals_for (step_ns, unit),
                          (double) offset_ns / unit, suffixes[u]);
}
