/*
 * mlrt-tp.c: instantiates the "mlrt" tracepoint provider. It is built into
 * libmlrt, so every app linked with the runtime can be traced without
 * preloading anything (including apps that are already running, which is
 * what `mlscope record --attach` relies on).
 */
#define LTTNG_UST_TRACEPOINT_CREATE_PROBES
#define LTTNG_UST_TRACEPOINT_DEFINE
#include "mlrt-tp.h"
