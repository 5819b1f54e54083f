/*
 * report.h: the data model of mlrt-report, the performance report, and the
 * functions of its parts. A report is measured once (report-measure.c) and
 * then written as text, JSON or CSV; two JSON reports can be read back and
 * compared (report-compare.c).
 *
 * Every duration is in microseconds, as a double: that is the unit of the
 * planner's cost estimates, and it keeps per-layer times readable.
 */
#ifndef MLRT_REPORT_H
#define MLRT_REPORT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "mlrt/mlrt.h"

#define MLRT_REPORT_SCHEMA "mlrt-report"
#define MLRT_REPORT_SCHEMA_VERSION 1
#define MLRT_REPORT_COMPARE_SCHEMA "mlrt-report-compare"
#define MLRT_REPORT_COMPARE_SCHEMA_VERSION 1

/* Summary statistics over a set of samples. */
typedef struct {
  size_t count;
  double median_us;
  double avg_us;
  double min_us;
  double max_us;
  double stddev_us;     /* population standard deviation */
} MlrtReportStats;

void mlrt_report_stats_compute (MlrtReportStats *stats,
                                const double *samples_us, size_t count);
double mlrt_report_median (const double *samples, size_t count);

typedef struct {
  char *cpu_model;
  int cpu_cores;
  char *gpu;            /* OpenCL device name, or "none" */
  char *gpu_platform;   /* OpenCL platform name, or "none" */
  char *npu;            /* "emulated" */
  int unit_available[MLRT_N_UNITS];
} MlrtReportMachine;

/* Fills `machine` from /proc/cpuinfo, sysconf and OpenCL. Never fails:
 * what cannot be found reads "unknown" or "none". */
void mlrt_report_machine_probe (MlrtReportMachine *machine);
void mlrt_report_machine_clear (MlrtReportMachine *machine);

/* Where a unit stands for one layer. */
typedef enum {
  MLRT_REPORT_RAN = 0,      /* the planner chose it */
  MLRT_REPORT_SUPPORTED,    /* allowed and able, but not chosen */
  MLRT_REPORT_EXCLUDED,     /* able, but not in the compute units asked for */
  MLRT_REPORT_UNSUPPORTED,  /* cannot run the layer; see the reason */
} MlrtReportPlacement;

const char *mlrt_report_placement_name (MlrtReportPlacement placement);
int mlrt_report_placement_from_name (const char *name,
                                     MlrtReportPlacement *placement);

typedef struct {
  size_t index;
  char *name;
  char *op;
  MlrtUnit unit;
  int segment;
  MlrtReportPlacement placement[MLRT_N_UNITS];
  char *reason[MLRT_N_UNITS];           /* NULL unless unsupported */
  double estimated_cost_us[MLRT_N_UNITS]; /* negative: no estimate */
  int fallback;             /* a preferred, allowed unit could not run it */
  char *fallback_reason;    /* why, naming the units; NULL if no fallback */
  int measured;             /* whether measured_us holds a measurement */
  double measured_us;       /* median over the measured predictions */
  double share;             /* measured_us / median prediction time */
} MlrtReportLayer;

typedef struct {
  char *generated_at;       /* UTC, ISO 8601 */
  MlrtReportMachine machine;
  MlrtComputeUnits compute_units;
  int iterations;
  int warmup;

  char *model_path;
  char *model_name;
  uint64_t model_size_bytes;
  char *storage_precision;
  char *compute_precision;

  MlrtReportStats compile;
  MlrtReportStats load_uncached;
  MlrtReportStats load_cached;
  MlrtReportStats first_prediction;
  MlrtReportStats prediction;
  double fps;               /* 1 s / median prediction; 0 when unknown */

  size_t n_layers;
  MlrtReportLayer *layers;
  size_t layers_on[MLRT_N_UNITS];
  size_t n_fallbacks;
  int layers_measured;      /* whether every layer has a measurement */
  double layer_total_us;    /* sum of measured layer times */
} MlrtReport;

MlrtReport *mlrt_report_new (void);
void mlrt_report_free (MlrtReport *report);

/* Names that need no libmlrt, so the formatters stand alone. */
const char *mlrt_report_unit_name (MlrtUnit unit);
int mlrt_report_unit_from_name (const char *name, MlrtUnit *unit);
const char *mlrt_report_compute_units_name (MlrtComputeUnits units);
int mlrt_report_compute_units_from_name (const char *name,
                                         MlrtComputeUnits *units);
int mlrt_report_units_allow (MlrtComputeUnits units, MlrtUnit unit);

/* Fills report->layers from a compute plan, classifying each unit for each
 * layer and finding fallbacks; then counts layers per unit. */
void mlrt_report_set_plan (MlrtReport *report, const MlrtLayerPlan *plan,
                           size_t n_layers);
/* Recomputes layers_on, n_fallbacks, layer_total_us and shares. */
void mlrt_report_summarize (MlrtReport *report);

typedef enum {
  MLRT_REPORT_SORT_INDEX = 0,
  MLRT_REPORT_SORT_MEASURED,
} MlrtReportSort;

/* The layers' indices in the given order (free() the array). */
size_t *mlrt_report_layer_order (const MlrtReport *report,
                                 MlrtReportSort sort);

/* Writers. They return 0, or -1 with errno set when writing fails. */
int mlrt_report_write_text (const MlrtReport *report, MlrtReportSort sort,
                            FILE *out);
int mlrt_report_write_csv (const MlrtReport *report, MlrtReportSort sort,
                           FILE *out);
int mlrt_report_write_json (const MlrtReport *report, MlrtReportSort sort,
                            FILE *out);

/* JSON helpers the writers share (report-json.c): a double printed with
 * `decimals` decimals, and a document written to `out` as UTF-8 (strings
 * mended) and freed. */
struct json_object;
struct json_object *mlrt_report_json_double (double value, int decimals);
int mlrt_report_json_print (struct json_object *root, FILE *out);

/* Reads a report written by mlrt_report_write_json(). On failure returns
 * NULL and puts a message naming the file and the problem in `error`. */
MlrtReport *mlrt_report_read_json (const char *path, char *error,
                                   size_t error_size);

/* One figure of two reports compared: its JSON key, its label in the
 * text table, its value in each and the decimals it is printed with. */
typedef struct {
  const char *key;
  char label[40];
  double a, b;
  int decimals;
} MlrtCompareFigure;

#define MLRT_COMPARE_MAX_FIGURES 16

/* Fills `figures` (MLRT_COMPARE_MAX_FIGURES of room) and returns how
 * many: size, compile, loads, predictions, throughput, layer counts. */
size_t mlrt_report_compare_figures (const MlrtReport *a, const MlrtReport *b,
                                    MlrtCompareFigure *figures);

/* A layer of A and the layer of B of the same name; either is NULL when
 * the other report has no such layer. */
typedef struct {
  const MlrtReportLayer *a, *b;
} MlrtLayerPair;

/* The layers matched by name: A's in its order, then B's left over
 * (free() the array); NULL when out of memory. */
MlrtLayerPair *mlrt_report_match_layers (const MlrtReport *a,
                                         const MlrtReport *b,
                                         size_t *n_pairs);

/* Prints two reports side by side with their differences. */
int mlrt_report_write_compare (const MlrtReport *a, const char *a_label,
                               const MlrtReport *b, const char *b_label,
                               FILE *out);
/* The same comparison as JSON (docs/report-json.md), for programs. */
int mlrt_report_write_compare_json (const MlrtReport *a, const char *a_label,
                                    const MlrtReport *b, const char *b_label,
                                    FILE *out);

/* Options for a measured run (report-measure.c). */
typedef struct {
  const char *model_path;
  MlrtComputeUnits compute_units;
  int iterations;
  int warmup;
  uint32_t seed;            /* for the example inputs */
} MlrtReportOptions;

/* Measures a report. On failure returns NULL with a message in `error`. */
MlrtReport *mlrt_report_measure (const MlrtReportOptions *options,
                                 MlrtError *error);

/* Example inputs for a model: random data of the declared types and
 * shapes (report-inputs.c). */
typedef struct MlrtReportInputs MlrtReportInputs;

MlrtReportInputs *mlrt_report_inputs_new (const MlrtModelDescription *desc,
                                          uint32_t seed, MlrtError *error);
const MlrtFeatures *mlrt_report_inputs_features (const MlrtReportInputs *in);
void mlrt_report_inputs_free (MlrtReportInputs *inputs);

#endif /* MLRT_REPORT_H */
