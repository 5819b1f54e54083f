/*
 * mlscope-parse.h: reading what people type on mlscope's command lines
 * (stats --range, diff --fail-if).
 */
#ifndef MLSCOPE_PARSE_H
#define MLSCOPE_PARSE_H

#include <stdint.h>

/* "1.5s", "20ms", "300us", "300µs", "42ns" or "42" (ns), not negative,
 * into *ns: 0, or -1 when TEXT is none of those. */
int mls_parse_duration (const char *text, int64_t *ns);

#endif /* MLSCOPE_PARSE_H */
