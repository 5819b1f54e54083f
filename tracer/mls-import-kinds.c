/*
 * mls-import-kinds.c: which span kind of the database (schema.sql's
 * span_kind) an mlrt event begins, from the tracepoint enums of
 * mlrt-trace-enums.h. The switches name every enum value (-Wswitch-enum):
 * a new activity, data operation or unit is a warning here, an error in
 * the --werror build, not a span silently left out.
 */
#include "mls-import.h"
#include "mlrt-trace-enums.h"

static int
activity_kind (int64_t activity)
{
  switch ((MlrtActivity) activity)
    {
    case MLRT_ACTIVITY_COMPILE: return MLS_KIND_MODEL_COMPILE;
    case MLRT_ACTIVITY_LOAD: return MLS_KIND_MODEL_LOAD;
    case MLRT_ACTIVITY_UNLOAD: return MLS_KIND_MODEL_UNLOAD;
    case MLRT_ACTIVITY_PREDICT: return MLS_KIND_PREDICTION;
    case MLRT_ACTIVITY_BATCH_PREDICT: return MLS_KIND_BATCH_PREDICTION;
    default: return 0;
    }
}

static int
data_kind (int64_t op)
{
  switch ((MlrtDataOp) op)
    {
    case MLRT_DATA_INPUT_VALIDATION: return MLS_KIND_INPUT_VALIDATION;
    case MLRT_DATA_INPUT_CONVERSION: return MLS_KIND_INPUT_CONVERSION;
    case MLRT_DATA_OUTPUT_CONVERSION: return MLS_KIND_OUTPUT_CONVERSION;
    case MLRT_DATA_COPY_TO_UNIT: return MLS_KIND_COPY_TO_UNIT;
    case MLRT_DATA_COPY_FROM_UNIT: return MLS_KIND_COPY_FROM_UNIT;
    case MLRT_DATA_OUTPUT_BACKING_FILL: return MLS_KIND_OUTPUT_BACKING_FILL;
    case MLRT_DATA_DECRYPTION: return MLS_KIND_MODEL_DECRYPTION;
    default: return 0;
    }
}

/* The unit of a compute request, 0 for none: a request always runs on a
 * unit, so a missing one is read as the CPU's. */
static int
compute_kind (int unit)
{
  switch ((MlrtTraceUnit) unit)
    {
    case MLRT_TRACE_UNIT_GPU: return MLS_KIND_GPU_COMPUTE;
    case MLRT_TRACE_UNIT_NPU: return MLS_KIND_NPU_COMPUTE;
    case MLRT_TRACE_UNIT_CPU:
    case MLRT_TRACE_UNIT_NONE:
    default: return MLS_KIND_CPU_COMPUTE;
    }
}

static int
busy_kind (int unit)
{
  switch ((MlrtTraceUnit) unit)
    {
    case MLRT_TRACE_UNIT_GPU: return MLS_KIND_GPU_BUSY;
    case MLRT_TRACE_UNIT_NPU: return MLS_KIND_NPU_BUSY;
    case MLRT_TRACE_UNIT_CPU:
    case MLRT_TRACE_UNIT_NONE:
    default: return 0;
    }
}

int
mls_event_kind (const MlsEvent *ev, int *unit)
{
  int u = mlrt_trace_unit_name ((int) ev->unit) != NULL
          && ev->unit != MLRT_TRACE_UNIT_NONE ? (int) ev->unit : -1;

  *unit = -1;
  switch (ev->type)
    {
    case MLS_EV_ACTIVITY_BEGIN:
      return activity_kind (ev->kind);
    case MLS_EV_DATA_BEGIN:
      *unit = u;
      return data_kind (ev->kind);
    case MLS_EV_COMPUTE_BEGIN:
      *unit = u < 0 ? MLRT_TRACE_UNIT_CPU : u;
      return compute_kind (u);
    case MLS_EV_LAYER_BEGIN:
      *unit = u;
      return MLS_KIND_LAYER;
    case MLS_EV_DEVICE_BUSY:
      *unit = u;
      return busy_kind (u);
    case MLS_EV_ACTIVITY_END:
    case MLS_EV_SPAN_END:
    case MLS_EV_MODEL_SOURCE:
    case MLS_EV_OTHER:
    default:
      return 0;
    }
}
