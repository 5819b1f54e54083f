/*
 * mlrt-gen-models: writes the example model packages (docs/model-format.md)
 * that the example apps and the tests run: six fast style-transfer networks
 * (one per weight encoding), a sharpen filter in an 8-bit and a Float16
 * variant, and a small image classifier ("detector").
 *
 * Weights come from fixed seeds, so every run writes the same bytes; nothing
 * is downloaded. The build runs it once into the build tree (see
 * runtime/tools/meson.build).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "gen-models.h"
#include "gen-net.h"

#define STYLE_SIZE 128
#define SHARPEN_SIZE 256
#define DETECTOR_SIZE 64

typedef struct {
  const char *name;
  const char *look;         /* for the description */
  uint64_t seed;
  GenEncoding enc;
  int transpose_decoder;    /* conv_transpose2d instead of upsample + conv */
} StyleRecipe;

static const StyleRecipe styles[] = {
  { "style-candy", "candy", 101, { GEN_ENC_FLOAT16, 0 }, 0 },
  { "style-mosaic", "mosaic", 202, { GEN_ENC_INT8, 0 }, 1 },
  { "style-udnie", "udnie", 303, { GEN_ENC_PALETTE, 6 }, 0 },
  { "style-rain", "rain princess", 404, { GEN_ENC_SPARSE, 0 }, 1 },
  { "style-wave", "great wave", 505, { GEN_ENC_FLOAT32, 0 }, 0 },
  { "style-scream", "scream", 606, { GEN_ENC_PALETTE, 4 }, 1 },
};

#define N_STYLES (sizeof styles / sizeof styles[0])

static void
decoder_stage (GenNet *net, const StyleRecipe *r, int stage, int out_c)
{
  char name[32];
  if (r->transpose_decoder)
    {
      snprintf (name, sizeof name, "dec%d_deconv", stage);
      gen_net_conv_transpose_x2 (net, name, out_c);
    }
  else
    {
      snprintf (name, sizeof name, "dec%d_up", stage);
      gen_net_upsample_x2 (net, name);
      snprintf (name, sizeof name, "dec%d_conv", stage);
      gen_net_conv (net, name, out_c, 3, 1, 1, 1.0);
    }
  snprintf (name, sizeof name, "dec%d_norm", stage);
  gen_net_instance_norm (net, name);
  snprintf (name, sizeof name, "dec%d_relu", stage);
  gen_net_unary (net, name, "relu");
}

/* Johnson et al.'s fast style transfer, narrowed to run in milliseconds. */
static GenPackage *
build_style (const StyleRecipe *r)
{
  char desc[128], enc_buf[16];
  const char *enc_name = gen_encoding_name (r->enc, enc_buf, sizeof enc_buf);
  snprintf (desc, sizeof desc, "Fast style transfer, %s style", r->look);
  GenPackage *pkg = gen_package_new (r->name, desc, "float32", enc_name);
  gen_package_add_image_input (pkg, "image", "bgra8", STYLE_SIZE, STYLE_SIZE,
                               "frame to stylise");
  gen_package_add_image_output (pkg, "stylized", "bgra8", STYLE_SIZE,
                                STYLE_SIZE, "the frame in the style");

  GenNet net;
  gen_net_init (&net, pkg, "image", 3, STYLE_SIZE, STYLE_SIZE, r->seed,
                r->enc);
  gen_net_conv (&net, "enc1", 8, 9, 1, 1, 1.0);
  gen_net_instance_norm (&net, "enc1_norm");
  gen_net_unary (&net, "enc1_relu", "relu");
  gen_net_conv (&net, "enc2", 16, 3, 2, 1, 1.0);
  gen_net_instance_norm (&net, "enc2_norm");
  gen_net_unary (&net, "enc2_relu", "relu");
  gen_net_conv (&net, "enc3", 32, 3, 2, 1, 1.0);
  gen_net_instance_norm (&net, "enc3_norm");
  gen_net_unary (&net, "enc3_relu", "relu");
  gen_net_residual (&net, "res1");
  gen_net_residual (&net, "res2");
  gen_net_residual (&net, "res3");
  decoder_stage (&net, r, 1, 16);
  decoder_stage (&net, r, 2, 8);
  gen_net_conv (&net, "out", 3, 9, 1, 1, 1.2);
  gen_net_unary (&net, "stylized", "sigmoid");
  return pkg;
}

/* One 3x3 convolution with the classic sharpen kernel. */
static GenPackage *
build_sharpen (int fp16)
{
  static const float kernel[9] = { 0, -1, 0, -1, 5, -1, 0, -1, 0 };
  static const float bias[1] = { 0 };
  const char *name = fp16 ? "sharpen-fp16" : "sharpen-gray8";
  const char *type = fp16 ? "gray16_half" : "gray8";
  const char *precision = fp16 ? "float16" : "float32";
  GenPackage *pkg = gen_package_new (
      name, fp16 ? "3x3 sharpen filter, Float16 in, out and inside"
                 : "3x3 sharpen filter on 8-bit grayscale",
      precision, precision);
  gen_package_add_image_input (pkg, "image", type, SHARPEN_SIZE, SHARPEN_SIZE,
                               "grayscale frame");
  gen_package_add_image_output (pkg, "sharpened", type, SHARPEN_SIZE,
                                SHARPEN_SIZE, "the frame, sharpened");

  GenEncoding enc = { fp16 ? GEN_ENC_FLOAT16 : GEN_ENC_FLOAT32, 0 };
  GenNet net;
  gen_net_init (&net, pkg, "image", 1, SHARPEN_SIZE, SHARPEN_SIZE, 0, enc);
  net.vec_enc = enc;
  gen_net_conv_fixed (&net, "sharpened", 1, 3, kernel, bias);
  return pkg;
}

/* Builds model `index` of the catalogue; NULL past its end. */
static GenPackage *
build_model (size_t index)
{
  if (index < N_STYLES)
    return build_style (&styles[index]);
  switch (index - N_STYLES)
    {
    case 0: return build_sharpen (0);
    case 1: return build_sharpen (1);
    case 2: return gen_build_detector ();
    default: return NULL;
    }
}

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: mlrt-gen-models [OPTION...] OUTDIR\n"
           "Writes the example model packages, OUTDIR/NAME.mlpackage/, the\n"
           "same bytes on every run.\n\n"
           "  --stamp FILE   after success, write FILE (for the build)\n"
           "  --list         print the package names and exit\n"
           "  -h, --help     show this help\n");
}

int
main (int argc, char **argv)
{
  static const struct option options[] = {
    { "stamp", required_argument, NULL, 's' },
    { "list", no_argument, NULL, 'l' },
    { "help", no_argument, NULL, 'h' },
    { NULL, 0, NULL, 0 },
  };
  const char *stamp = NULL;
  int list = 0, opt;

  while ((opt = getopt_long (argc, argv, "h", options, NULL)) != -1)
    switch (opt)
      {
      case 's': stamp = optarg; break;
      case 'l': list = 1; break;
      case 'h': usage (stdout); return 0;
      default: usage (stderr); return 2;
      }

  if (list)
    {
      GenPackage *pkg;
      for (size_t i = 0; (pkg = build_model (i)); i++)
        {
          printf ("%s\n", gen_package_name (pkg));
          gen_package_free (pkg);
        }
      return 0;
    }
  if (optind != argc - 1)
    {
      fprintf (stderr, "mlrt-gen-models: expected one OUTDIR argument\n");
      usage (stderr);
      return 2;
    }
  const char *outdir = argv[optind];
  if (mkdir (outdir, 0755) != 0 && errno != EEXIST)
    {
      fprintf (stderr, "mlrt-gen-models: cannot create directory %s: %s\n",
               outdir, strerror (errno));
      return 1;
    }

  GenPackage *pkg;
  for (size_t i = 0; (pkg = build_model (i)); i++)
    {
      int failed = gen_package_write (pkg, outdir) != 0;
      gen_package_free (pkg);
      if (failed)
        return 1;
    }
  if (stamp && gen_write_file_atomic (stamp, "ok\n", 3) != 0)
    return 1;
  return 0;
}
