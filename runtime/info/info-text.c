/*
 * info-text.c: the model description for people, laid out as Xcode's
 * General and Predictions tabs are: what the model is, its metadata and
 * precision, then its inputs and outputs, then its layers by op.
 */
#include <inttypes.h>

#include "info.h"

#define LABELS_SHOWN 10

static const char *
or_dash (const char *s)
{
  return s && *s ? s : "-";
}

static void
print_size (FILE *out, uint64_t bytes)
{
  if (bytes >= 1024 * 1024)
    fprintf (out, "%.1f MB (%" PRIu64 " bytes)", bytes / (1024.0 * 1024.0),
             bytes);
  else if (bytes >= 1024)
    fprintf (out, "%.1f KB (%" PRIu64 " bytes)", bytes / 1024.0, bytes);
  else
    fprintf (out, "%" PRIu64 " bytes", bytes);
}

static void
print_feature (FILE *out, const MlrtFeatureDescription *d)
{
  fprintf (out, "  %s\n", d->name);
  if (d->description && *d->description)
    fprintf (out, "    Description        %s\n", d->description);
  if (mlrt_feature_type_is_image (d->type))
    fprintf (out, "    Type               Image (%s, %" PRId64 " x %" PRId64
             " pixels)\n", mlrt_feature_type_name (d->type), d->shape[1],
             d->shape[0]);
  else
    fprintf (out, "    Type               MultiArray (%s)\n",
             mlrt_feature_scalar_type (d->type));
  fprintf (out, "    Scalar type        %s\n",
           mlrt_feature_scalar_type (d->type));
  fprintf (out, "    Shape              [");
  for (int i = 0; i < d->rank; i++)
    fprintf (out, "%s%" PRId64, i ? ", " : "", d->shape[i]);
  fprintf (out, "]\n    Size               ");
  print_size (out, mlrt_feature_byte_size (d));
  fprintf (out, "\n");
}

static void
print_general (FILE *out, const MlrtModelInfo *info)
{
  const MlrtSpec *s = &info->spec;

  fprintf (out, "%s\n\nGeneral\n", or_dash (s->name));
  fprintf (out, "  Type                 %s\n", mlrt_model_info_type (info));
  fprintf (out, "  File                 %s (%s)\n", info->path,
           mlrt_model_file_kind_name (info->kind));
  fprintf (out, "  Size on disk         ");
  print_size (out, info->size_on_disk);
  fprintf (out, "\n  Needs                mlrt %s or later (model format "
           "%d)\n", info->needs_mlrt, info->format_version);
  fprintf (out, "  Author               %s\n", or_dash (s->author));
  fprintf (out, "  Description          %s\n", or_dash (s->description));
  fprintf (out, "  Version              %s\n", or_dash (s->version));
  fprintf (out, "  License              %s\n", or_dash (s->license));
  for (size_t i = 0; i < s->n_user_metadata; i++)
    fprintf (out, "  %-20s %s\n", s->user_metadata_keys[i],
             s->user_metadata_values[i]);
  fprintf (out, "  Compute precision    %s\n", or_dash (s->compute_precision));
  fprintf (out, "  Storage precision    %s\n", or_dash (s->storage_precision));
}

static void
print_weights (FILE *out, const MlrtModelInfo *info)
{
  fprintf (out, "  Weights              %" PRIu64 " parameters, ",
           info->n_parameters);
  print_size (out, info->weights_bytes);
  fprintf (out, "\n");
  for (size_t i = 0; i < info->n_encodings; i++)
    {
      const MlrtEncodingSummary *e = &info->encodings[i];
      fprintf (out, "    %-18s %zu weights in %zu layers, %" PRIu64
               " parameters, ", e->encoding, e->n_weights, e->n_layers,
               e->n_values);
      print_size (out, e->bytes);
      fprintf (out, "\n");
    }
}

static void
print_labels (FILE *out, const MlrtSpec *s)
{
  if (s->n_class_labels == 0)
    return;
  fprintf (out, "  Class labels         %zu:", s->n_class_labels);
  for (size_t i = 0; i < s->n_class_labels && i < LABELS_SHOWN; i++)
    fprintf (out, "%s %s", i ? "," : "", s->class_labels[i]);
  if (s->n_class_labels > LABELS_SHOWN)
    fprintf (out, ", ... (%zu more)", s->n_class_labels - LABELS_SHOWN);
  fprintf (out, "\n");
}

void
info_print_text (FILE *out, const MlrtModelInfo *info)
{
  const MlrtSpec *s = &info->spec;

  print_general (out, info);
  print_weights (out, info);
  print_labels (out, s);
  fprintf (out, "\nInputs\n");
  for (size_t i = 0; i < s->n_inputs; i++)
    print_feature (out, &s->inputs[i].d);
  fprintf (out, "\nOutputs\n");
  for (size_t i = 0; i < s->n_outputs; i++)
    print_feature (out, &s->outputs[i].d);
  fprintf (out, "\nLayers               %zu\n", s->n_layers);
  for (size_t i = 0; i < info->n_ops; i++)
    fprintf (out, "  %-20s %zu\n", info->ops[i].op, info->ops[i].count);
}
