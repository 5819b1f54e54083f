/*
 * mls-advise.h: the rules engine behind `mlscope advise`. Each rule is a
 * small SQL query over the trace database that returns one row per
 * finding (schema/advise/rules/NAME.sql), with three messages whose
 * {placeholders} the row's columns fill: what happened, why it costs, what
 * to do. The engine lives in the store so that every reader of a recording
 * (the command, a viewer's findings list) gets the same findings.
 *
 * Every rule's query returns, besides its own figures, the columns
 *   model, pid, process    where (NULL when the finding is not about one)
 *   start_ns, end_ns       when, on the trace clock (NULL: no range)
 *   span_ids               a JSON array of example span ids
 *   cost_ns                the time the finding costs (NULL: none in time)
 * Placeholders: {col} the value as is, {col:ns} a duration, {col:%} a
 * share of 1 in percent, {col:time} a time from the trace's start;
 * {?col}...{/} keeps the text between only when col is neither NULL, 0
 * nor empty, {!col}...{/} only when it is.
 */
#ifndef MLS_ADVISE_H
#define MLS_ADVISE_H

#include "mls-store.h"

typedef struct {
  const char *name;         /* "model-reloaded", its file's name */
  const char *title;
  const char *what;         /* the message templates */
  const char *why;
  const char *fix;
  const char *sql;          /* the whole rule file */
} MlsRule;

/* The rules, in the order their findings are given: what makes the
 * recording unreliable first (generated from the rule files). */
extern const MlsRule mls_rules[];
extern const size_t mls_n_rules;

/* The rule named NAME, or NULL. */
const MlsRule *mls_rule_find (const char *name);

typedef enum {
  MLS_FIGURE_NULL,
  MLS_FIGURE_INTEGER,
  MLS_FIGURE_REAL,
  MLS_FIGURE_TEXT,
} MlsFigureType;

/* A column of the rule's row beyond the required ones. */
typedef struct {
  char *name;
  MlsFigureType type;
  int64_t integer;
  double real;
  char *text;
} MlsFigure;

typedef struct {
  const MlsRule *rule;
  char *model;              /* NULL: not one model */
  char *process;            /* NULL: not one process, or unnamed */
  int64_t pid;              /* 0: not one process */
  int has_range;
  int64_t start_ns, end_ns; /* on the trace clock */
  int64_t *span_ids;        /* examples */
  size_t n_span_ids;
  int has_cost;
  int64_t cost_ns;
  char *what, *why, *fix;   /* the templates filled in */
  MlsFigure *figures;
  size_t n_figures;
} MlsFinding;

/* Runs one rule, appending its findings to *findings (*n_findings of
 * them; start with NULL and 0). On error the findings so far stay. */
int mls_advise_run (MlsStore *store, const MlsRule *rule,
                    MlsFinding **findings, size_t *n_findings,
                    MlsError *error);
void mls_findings_free (MlsFinding *findings, size_t n_findings);

/* Fills a message template from the current row of STMT, times relative
 * to TRACE_START_NS (mls-advise-text.c). NULL when out of memory, or when
 * the template names a column the row lacks: then MISSING (of
 * MISSING_SIZE bytes) holds its name. */
typedef struct sqlite3_stmt sqlite3_stmt;
char *mls_advise_fill (const char *template_text, sqlite3_stmt *row,
                       int64_t trace_start_ns, char *missing,
                       size_t missing_size);

#endif /* MLS_ADVISE_H */
