/*
 * mlrt-codegen: writes a typed C interface for one model, as Xcode
 * generates a class for a model added to a project: NAME.h and NAME.c in
 * DIR, with a struct for the inputs and one for the outputs, NAME_load,
 * NAME_predict, NAME_free, documented from the model's metadata; with
 * --compile, the compiled model NAME_load finds too. Build systems run it
 * at build time (docs/integrating.md).
 *
 * Exit status: 0 written, 1 the model could not be read or the files
 * written, 2 bad options.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "codegen.h"
#include "mls-version.h"

#define MAX_REPEATS 64

typedef struct {
  const char *model, *output, *name;
  const char *shapes[MAX_REPEATS];
  size_t n_shapes;
  const char *search_dirs[MAX_REPEATS];
  size_t n_search_dirs;
  int compile, quiet;
} Options;

static void
usage (FILE *out)
{
  fprintf (out,
           "Usage: mlrt-codegen MODEL -o DIR [OPTION...]\n"
           "Write a typed C interface for a model: DIR/NAME.h and "
           "DIR/NAME.c.\n\n"
           "  -o, --output DIR                the folder to write into\n"
           "  -n, --name NAME                 names the files and prefixes "
           "the C names\n"
           "                                  (default: the model's name)\n"
           "  -c, --compile                   also write DIR/NAME.mlmodelc, "
           "the compiled\n"
           "                                  model NAME_load() finds\n"
           "  -s, --search-dir DIR            where NAME_load() also looks, "
           "relative to\n"
           "                                  the program's folder (after "
           "$MLRT_MODEL_PATH\n"
           "                                  and the folder itself)\n"
           "  -i, --input NAME:D0,D1,...      an .onnx input's shape (pins "
           "dynamic dims)\n"
           "  -q, --quiet                     print nothing on success\n"
           "  -h, --help                      show this help\n"
           "  -V, --version                   print the version\n");
}

static int
add_repeat (const char **list, size_t *n, const char *value,
            const char *option)
{
  if (*n == MAX_REPEATS)
    {
      fprintf (stderr, "mlrt-codegen: --%s given more than %d times\n",
               option, MAX_REPEATS);
      return -1;
    }
  list[(*n)++] = value;
  return 0;
}

/* 0 to go on, 1 after --help or --version, -1 on a usage error. */
static int
parse_options (int argc, char **argv, Options *o)
{
  static const struct option longopts[] = {
    { "output", required_argument, NULL, 'o' },
    { "name", required_argument, NULL, 'n' },
    { "compile", no_argument, NULL, 'c' },
    { "search-dir", required_argument, NULL, 's' },
    { "input", required_argument, NULL, 'i' },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  int ch;

  while ((ch = getopt_long (argc, argv, "o:n:cs:i:qhV", longopts, NULL))
         != -1)
    {
      switch (ch)
        {
        case 'h':
          usage (stdout);
          return 1;
        case 'V':
          printf ("mlrt-codegen %s\n", MLS_VERSION);
          return 1;
        case 'o':
          o->output = optarg;
          break;
        case 'n':
          o->name = optarg;
          break;
        case 'c':
          o->compile = 1;
          break;
        case 'q':
          o->quiet = 1;
          break;
        case 's':
          if (optarg[0] == '/')
            {
              fprintf (stderr, "mlrt-codegen: --search-dir '%s' is "
                       "absolute; give it relative to the program's "
                       "folder\n", optarg);
              return -1;
            }
          if (add_repeat (o->search_dirs, &o->n_search_dirs, optarg,
                          "search-dir") != 0)
            return -1;
          break;
        case 'i':
          if (add_repeat (o->shapes, &o->n_shapes, optarg, "input") != 0)
            return -1;
          break;
        default:
          fprintf (stderr, "Try 'mlrt-codegen --help'.\n");
          return -1;
        }
    }
  if (optind + 1 != argc || o->output == NULL)
    {
      fprintf (stderr, "mlrt-codegen: %s\nTry 'mlrt-codegen --help'.\n",
               optind + 1 < argc ? "one model at a time"
               : optind == argc ? "no model given" : "no --output given");
      return -1;
    }
  if (o->name && (*o->name == '\0' || strchr (o->name, '/')))
    {
      fprintf (stderr, "mlrt-codegen: --name '%s' must be a file name\n",
               o->name);
      return -1;
    }
  o->model = argv[optind];
  return 0;
}

/* Writes DIR/BASE.SUFFIX through a temporary file, so a failed run
 * leaves the previous file whole. */
static MlrtStatus
write_file (const Options *o, const CodegenNames *names, const char *suffix,
            void (*write) (FILE *, const MlrtModelInfo *,
                           const CodegenNames *),
            const MlrtModelInfo *info, MlrtError *error)
{
  char *path = mlrt_strdup_printf ("%s/%s.%s", o->output, names->base,
                                   suffix);
  char *tmp = mlrt_strdup_printf ("%s.tmp", path ? path : "");
  FILE *f = path && tmp ? fopen (tmp, "w") : NULL;
  MlrtStatus st = MLRT_OK;

  if (f == NULL)
    st = mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot write: %s",
                         tmp ? tmp : o->output, strerror (errno));
  else
    {
      write (f, info, names);
      if (ferror (f) | (fclose (f) != 0) || rename (tmp, path) != 0)
        {
          st = mlrt_set_error (error, MLRT_ERROR_IO, "%s: cannot write: %s",
                               path, strerror (errno));
          remove (tmp);
        }
    }
  free (tmp);
  free (path);
  return st;
}

static MlrtStatus
generate (const Options *o, MlrtError *error)
{
  MlrtModelInfoOptions read_options = { o->shapes, o->n_shapes };
  MlrtModelInfo info;
  CodegenNames names;
  MlrtStatus st = mlrt_model_info_read (o->model, &read_options, &info,
                                        error);
  char *compiled = NULL;

  if (st != MLRT_OK)
    return st;
  if (codegen_names_init (&names, &info, o->name) != 0)
    st = mlrt_set_error (error, MLRT_ERROR_NO_MEMORY, "out of memory");
  names.search_dirs = o->search_dirs;
  names.n_search_dirs = o->n_search_dirs;
  if (st == MLRT_OK)
    st = mlrt_mkdir_p (o->output, error);
  if (st == MLRT_OK)
    st = write_file (o, &names, "h", codegen_write_header, &info, error);
  if (st == MLRT_OK)
    st = write_file (o, &names, "c", codegen_write_source, &info, error);
  if (st == MLRT_OK && o->compile)
    {
      compiled = mlrt_strdup_printf ("%s/%s.mlmodelc", o->output,
                                     names.base);
      st = codegen_compile (&info, compiled, error);
    }
  if (st == MLRT_OK && !o->quiet)
    printf ("%s -> %s/%s.h, %s.c%s%s (prefix %s_)\n", o->model, o->output,
            names.base, names.base, compiled ? ", " : "",
            compiled ? compiled : "", names.name);
  free (compiled);
  codegen_names_clear (&names);
  mlrt_model_info_clear (&info);
  return st;
}

int
main (int argc, char **argv)
{
  Options o = { 0 };
  MlrtError error = { 0 };
  int r = parse_options (argc, argv, &o);

  if (r != 0)
    return r > 0 ? 0 : 2;
  if (generate (&o, &error) != MLRT_OK)
    {
      fprintf (stderr, "mlrt-codegen: %s\n", error.message);
      return 1;
    }
  return 0;
}
