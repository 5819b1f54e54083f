/*
 * codegen-names.c: what the generated code calls things. Model and
 * feature names may hold any characters ("softmax_0.tmp_0", "style-candy"),
 * C names may not: each becomes an identifier (other characters as '_',
 * a leading digit or a C keyword given a trailing '_', a clash numbered),
 * while the strings the runtime matches stay as the model spells them.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "codegen.h"

static const char *const keywords[] = {
  "auto", "break", "case", "char", "const", "continue", "default", "do",
  "double", "else", "enum", "extern", "float", "for", "goto", "if",
  "inline", "int", "long", "register", "restrict", "return", "short",
  "signed", "sizeof", "static", "struct", "switch", "typedef", "union",
  "unsigned", "void", "volatile", "while", "bool", "true", "false",
  "model",
};

static int
is_keyword (const char *s)
{
  for (size_t i = 0; i < sizeof keywords / sizeof keywords[0]; i++)
    if (strcmp (s, keywords[i]) == 0)
      return 1;
  return 0;
}

/* `s` as a C identifier, lower case, newly allocated. */
static char *
identifier (const char *s)
{
  size_t n = strlen (s);
  char *id = malloc (n + 3);
  char *p = id;

  if (id == NULL)
    return NULL;
  if (n == 0 || isdigit ((unsigned char) s[0]))
    *p++ = 'm';
  for (; *s; s++)
    *p++ = isalnum ((unsigned char) *s) ? (char) tolower ((unsigned char) *s)
                                        : '_';
  *p = '\0';
  if (is_keyword (id))
    strcat (id, "_");
  return id;
}

/* Identifiers for `n` features, a clash numbered (_2, _3, ...). */
static char **
field_names (size_t n, const MlrtFeature *features)
{
  char **fields = calloc (n + 1, sizeof *fields);

  for (size_t i = 0; fields && i < n; i++)
    {
      char *id = identifier (features[i].d.name);
      int clash = 1;

      for (size_t j = 0; id && j < i; j++)
        if (strcmp (fields[j], id) == 0)
          {
            char *numbered = mlrt_strdup_printf ("%s_%d", id, ++clash);
            free (id);
            id = numbered;
            j = (size_t) -1;
          }
      if (id == NULL)
        return NULL;
      fields[i] = id;
    }
  return fields;
}

char *
codegen_upper (const char *s)
{
  char *u = mlrt_strdup (s);

  for (char *p = u; p && *p; p++)
    *p = (char) toupper ((unsigned char) *p);
  return u;
}

int
codegen_names_init (CodegenNames *names, const MlrtModelInfo *info,
                    const char *name)
{
  memset (names, 0, sizeof *names);
  names->base = mlrt_strdup (name ? name : info->spec.name);
  /* a model's name becomes a file name: no folders in it */
  for (char *p = names->base; p && *p; p++)
    *p = *p == '/' ? '_' : *p;
  names->name = identifier (names->base);
  names->upper = codegen_upper (names->name);
  names->input_fields = field_names (info->spec.n_inputs, info->spec.inputs);
  names->output_fields = field_names (info->spec.n_outputs,
                                      info->spec.outputs);
  names->source = info->path;
  return names->base && names->name && names->upper && names->input_fields
         && names->output_fields ? 0 : -1;
}

static void
free_fields (char **fields)
{
  for (size_t i = 0; fields && fields[i]; i++)
    free (fields[i]);
  free (fields);
}

void
codegen_names_clear (CodegenNames *names)
{
  free (names->name);
  free (names->upper);
  free (names->base);
  free_fields (names->input_fields);
  free_fields (names->output_fields);
  memset (names, 0, sizeof *names);
}

const char *
codegen_c_type (MlrtFeatureType type)
{
  switch (type)
    {
    case MLRT_TYPE_GRAY8:
    case MLRT_TYPE_BGRA8: return "uint8_t";
    case MLRT_TYPE_GRAY16_HALF:
    case MLRT_TYPE_FLOAT16: return "uint16_t";
    case MLRT_TYPE_INT32: return "int32_t";
    case MLRT_TYPE_FLOAT32: return "float";
    case MLRT_TYPE_FLOAT64: return "double";
    case MLRT_TYPE_INVALID:
    default: break;
    }
  return "void";
}

size_t
codegen_c_count (const MlrtFeatureDescription *d)
{
  return mlrt_feature_element_count (d) * (d->type == MLRT_TYPE_BGRA8 ? 4
                                                                       : 1);
}

const char *
codegen_type_enum (MlrtFeatureType type)
{
  switch (type)
    {
    case MLRT_TYPE_GRAY8: return "MLRT_TYPE_GRAY8";
    case MLRT_TYPE_GRAY16_HALF: return "MLRT_TYPE_GRAY16_HALF";
    case MLRT_TYPE_BGRA8: return "MLRT_TYPE_BGRA8";
    case MLRT_TYPE_INT32: return "MLRT_TYPE_INT32";
    case MLRT_TYPE_FLOAT32: return "MLRT_TYPE_FLOAT32";
    case MLRT_TYPE_FLOAT64: return "MLRT_TYPE_FLOAT64";
    case MLRT_TYPE_FLOAT16: return "MLRT_TYPE_FLOAT16";
    case MLRT_TYPE_INVALID:
    default: break;
    }
  return "MLRT_TYPE_INVALID";
}

void
codegen_put_string (FILE *out, const char *s)
{
  for (; s && *s; s++)
    {
      unsigned char c = (unsigned char) *s;
      if (c == '"' || c == '\\' || c == '?')
        fprintf (out, "\\%c", c);
      else if (c < 0x20 || c == 0x7f)
        fprintf (out, "\\%03o", c);
      else
        fputc (c, out);
    }
}

void
codegen_put_comment (FILE *out, const char *s)
{
  for (; s && *s; s++)
    {
      if (s[0] == '*' && s[1] == '/')
        fputs ("* /", out), s++;
      else if (*s == '\n')
        fputs ("\n * ", out);
      else if ((unsigned char) *s >= 0x20 || *s == '\t')
        fputc (*s, out);
    }
}

void
codegen_put_signature (FILE *out, const char *ret, int own_line,
                       const char *name, const char *const *params,
                       size_t n_params, const char *end)
{
  int col, at;

  /* "T *f (" rather than "T * f (" */
  const char *gap = own_line ? "\n" : ret[strlen (ret) - 1] == '*' ? ""
                                                                    : " ";

  fprintf (out, "%s%s", ret, gap);
  col = (own_line ? 0 : (int) (strlen (ret) + strlen (gap)))
        + (int) strlen (name) + 2;
  fprintf (out, "%s (", name);
  at = col;
  for (size_t i = 0; i < n_params; i++)
    {
      int len = (int) strlen (params[i]) + 1;   /* and a ',' or ')' */
      if (i > 0 && at + 1 + len > 79)
        {
          fprintf (out, ",\n%*s", col, "");
          at = col;
        }
      else if (i > 0)
        {
          fprintf (out, ", ");
          at += 2;
        }
      fprintf (out, "%s", params[i]);
      at += len - 1;
    }
  fprintf (out, ")%s", end);
}
