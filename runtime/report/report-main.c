/*
 * report-main.c: the mlrt-report command: options, then either measure a
 * model and write the report (text, JSON or CSV), or compare two JSON
 * reports.
 *
 * Exit status: 0 on success, 1 when the model cannot be measured or a
 * report cannot be read or written, 2 for a usage error (unknown option,
 * unknown compute units, bad number).
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mls-version.h"
#include "report.h"

typedef enum { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV } Format;

typedef struct {
  MlrtReportOptions run;
  int have_units;
  Format format;
  MlrtReportSort sort;
  const char *output;
  int compare;
} Options;

static void
usage (FILE *out)
{
  fputs ("Usage: mlrt-report MODEL.mlpackage --compute-units UNITS [OPTION...]\n"
         "       mlrt-report --compare A.json B.json\n"
         "\n"
         "Measures compile, load and prediction times of a model and shows\n"
         "where each of its layers runs, and why.\n"
         "\n"
         "  -u, --compute-units UNITS  cpu-only, cpu-and-gpu, cpu-and-npu or all\n"
         "  -n, --iterations N         measured runs of each step (default 10)\n"
         "  -w, --warmup N             predictions before measuring (default 2)\n"
         "  -f, --format FORMAT        text (default), json or csv (layer table)\n"
         "  -s, --sort KEY             layer order: measured (default) or index\n"
         "  -o, --output FILE          write the report to FILE, not stdout\n"
         "      --seed N               seed of the random example inputs\n"
         "  -c, --compare              compare two reports written with\n"
         "                             --format json: A.json B.json (as\n"
         "                             text, or JSON with --format json)\n"
         "  -V, --version              print the version\n"
         "  -h, --help                 show this help\n", out);
}

static int
parse_int (const char *option, const char *text, int min, int *value)
{
  char *end;
  long v;

  errno = 0;
  v = strtol (text, &end, 10);
  if (errno != 0 || end == text || *end != '\0' || v < min || v > INT_MAX)
    {
      fprintf (stderr, "mlrt-report: %s: \"%s\" is not a whole number of at"
               " least %d\n", option, text, min);
      return -1;
    }
  *value = (int) v;
  return 0;
}

static int
parse_choice (Options *o, int c, const char *arg)
{
  int seed;

  switch (c)
    {
    case 'u':
      if (mlrt_report_compute_units_from_name (arg, &o->run.compute_units))
        {
          fprintf (stderr, "mlrt-report: unknown compute units \"%s\": use"
                   " cpu-only, cpu-and-gpu, cpu-and-npu or all\n", arg);
          return -1;
        }
      o->have_units = 1;
      return 0;
    case 'f':
      if (strcmp (arg, "text") == 0)
        o->format = FORMAT_TEXT;
      else if (strcmp (arg, "json") == 0)
        o->format = FORMAT_JSON;
      else if (strcmp (arg, "csv") == 0)
        o->format = FORMAT_CSV;
      else
        {
          fprintf (stderr, "mlrt-report: unknown format \"%s\": use text,"
                   " json or csv\n", arg);
          return -1;
        }
      return 0;
    case 's':
      if (strcmp (arg, "measured") == 0)
        o->sort = MLRT_REPORT_SORT_MEASURED;
      else if (strcmp (arg, "index") == 0)
        o->sort = MLRT_REPORT_SORT_INDEX;
      else
        {
          fprintf (stderr, "mlrt-report: unknown sort key \"%s\": use"
                   " measured or index\n", arg);
          return -1;
        }
      return 0;
    case 'n':
      return parse_int ("--iterations", arg, 1, &o->run.iterations);
    case 'w':
      return parse_int ("--warmup", arg, 0, &o->run.warmup);
    case 'S':
      if (parse_int ("--seed", arg, 0, &seed) != 0)
        return -1;
      o->run.seed = (uint32_t) seed;
      return 0;
    default:
      return -1;
    }
}

/* Returns 0 to go on, 1 after --help or --version, -1 on a usage
 * error. */
static int
parse_options (int argc, char **argv, Options *o)
{
  static const struct option longopts[] = {
    { "compute-units", required_argument, NULL, 'u' },
    { "iterations", required_argument, NULL, 'n' },
    { "warmup", required_argument, NULL, 'w' },
    { "format", required_argument, NULL, 'f' },
    { "sort", required_argument, NULL, 's' },
    { "output", required_argument, NULL, 'o' },
    { "seed", required_argument, NULL, 'S' },
    { "compare", no_argument, NULL, 'c' },
    { "help", no_argument, NULL, 'h' },
    { "version", no_argument, NULL, 'V' },
    { NULL, 0, NULL, 0 },
  };
  int c;

  while ((c = getopt_long (argc, argv, "u:n:w:f:s:o:chV", longopts, NULL))
         != -1)
    {
      if (c == 'h')
        {
          usage (stdout);
          return 1;
        }
      else if (c == 'V')
        {
          printf ("mlrt-report %s\n", MLS_VERSION);
          return 1;
        }
      else if (c == 'c')
        o->compare = 1;
      else if (c == 'o')
        o->output = optarg;
      else if (c == '?' || parse_choice (o, c, optarg) != 0)
        {
          fprintf (stderr, "Try 'mlrt-report --help'.\n");
          return -1;
        }
    }
  return 0;
}

static FILE *
open_output (const char *path)
{
  FILE *out;

  if (path == NULL)
    return stdout;
  out = fopen (path, "w");
  if (out == NULL)
    fprintf (stderr, "mlrt-report: %s: cannot write: %s\n", path,
             strerror (errno));
  return out;
}

static int
close_output (FILE *out, const char *path, int result)
{
  int failed = result != 0 || ferror (out);

  if (out != stdout)
    failed |= fclose (out) != 0;
  else
    failed |= fflush (out) != 0;
  if (failed)
    fprintf (stderr, "mlrt-report: %s: writing the report failed\n",
             path != NULL ? path : "standard output");
  return failed ? 1 : 0;
}

static int
run_compare (const Options *o, const char *a_path, const char *b_path)
{
  char error[1024];
  MlrtReport *a = mlrt_report_read_json (a_path, error, sizeof error);
  MlrtReport *b = NULL;
  FILE *out;
  int status = 1;

  if (a == NULL)
    fprintf (stderr, "mlrt-report: %s\n", error);
  else if ((b = mlrt_report_read_json (b_path, error, sizeof error)) == NULL)
    fprintf (stderr, "mlrt-report: %s\n", error);
  else if ((out = open_output (o->output)) != NULL)
    status = close_output (out, o->output,
                           o->format == FORMAT_JSON
                           ? mlrt_report_write_compare_json (a, a_path, b,
                                                             b_path, out)
                           : mlrt_report_write_compare (a, a_path, b, b_path,
                                                        out));
  mlrt_report_free (a);
  mlrt_report_free (b);
  return status;
}

static int
run_report (const Options *o)
{
  MlrtError error;
  MlrtReport *report = mlrt_report_measure (&o->run, &error);
  FILE *out;
  int result;

  if (report == NULL)
    {
      fprintf (stderr, "mlrt-report: %s\n", error.message);
      return 1;
    }
  out = open_output (o->output);
  if (out == NULL)
    {
      mlrt_report_free (report);
      return 1;
    }
  if (o->format == FORMAT_JSON)
    result = mlrt_report_write_json (report, o->sort, out);
  else if (o->format == FORMAT_CSV)
    result = mlrt_report_write_csv (report, o->sort, out);
  else
    result = mlrt_report_write_text (report, o->sort, out);
  mlrt_report_free (report);
  return close_output (out, o->output, result);
}

int
main (int argc, char **argv)
{
  Options o = { { NULL, MLRT_COMPUTE_CPU_ONLY, 10, 2, 1 },
                0, FORMAT_TEXT, MLRT_REPORT_SORT_MEASURED, NULL, 0 };
  int parsed = parse_options (argc, argv, &o);
  int rest;

  if (parsed != 0)
    return parsed > 0 ? 0 : 2;
  rest = argc - optind;
  if (o.compare)
    {
      if (rest != 2)
        {
          fprintf (stderr, "mlrt-report: --compare needs two JSON reports:"
                   " mlrt-report --compare A.json B.json\n");
          return 2;
        }
      if (o.format == FORMAT_CSV)
        {
          fprintf (stderr, "mlrt-report: --compare writes text or json, not"
                   " csv\n");
          return 2;
        }
      return run_compare (&o, argv[optind], argv[optind + 1]);
    }
  if (rest != 1 || !o.have_units)
    {
      fprintf (stderr, "mlrt-report: %s\n", rest != 1
               ? "give exactly one model package"
               : "--compute-units is required (cpu-only, cpu-and-gpu,"
                 " cpu-and-npu or all)");
      usage (stderr);
      return 2;
    }
  o.run.model_path = argv[optind];
  return run_report (&o);
}
