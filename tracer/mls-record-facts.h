/*
 * mls-record-facts.h: what `mlscope record` knows about the processes it
 * recorded and the trace does not say: the command it launched, each
 * followed process's name, command line and end, and which processes
 * still ran when the recording stopped (mls-record-facts.c).
 *
 * The collector uses them to name processes and to tell a span cut off by
 * the end of the recording from one cut off by its process dying. They
 * travel beside the CTF trace in FACTS_FILE, so a trace kept with
 * --keep-ctf imports the same later.
 */
#ifndef MLS_RECORD_FACTS_H
#define MLS_RECORD_FACTS_H

#include <glib.h>

#include "mls-store.h"

#define MLS_RECORD_FACTS_FILE "mlscope-record.ini"

typedef struct {
  gint64 pid;
  char *name;               /* the main thread's name (comm), or NULL */
  char *cmdline;            /* argv, shell-quoted, or NULL */
  MlsProcessState state;    /* when the recording stopped */
  int exit_status;          /* EXITED: exit code; KILLED: signal */
} MlsProcessFacts;

typedef struct {
  char *command;            /* the command launched, shell-quoted, or NULL
                               when attached */
  GHashTable *processes;    /* pid -> MlsProcessFacts */
  /* A scan of every process when the recording stopped: any traced
   * process without facts had ended if it is not in `alive`. */
  gboolean scanned;
  GHashTable *alive;        /* pids, as a set */
} MlsRecordFacts;

MlsRecordFacts *mls_record_facts_new (void);
void mls_record_facts_free (MlsRecordFacts *facts);

/* The facts of `pid`, added (state RUNNING, name and command line read
 * from /proc) when new. */
MlsProcessFacts *mls_record_facts_process (MlsRecordFacts *facts,
                                           gint64 pid);
/* Rereads a process's name and command line from /proc (after an exec). */
void mls_record_facts_refresh (MlsProcessFacts *process);
/* Notes which processes run now (for those that have no facts) and marks
 * the processes with facts that are gone since as ENDED. */
void mls_record_facts_scan (MlsRecordFacts *facts);
/* How a traced process stood when the recording stopped. */
MlsProcessState mls_record_facts_state (const MlsRecordFacts *facts,
                                        gint64 pid, int *exit_status);

/* Writes the facts into DIR/FACTS_FILE, or reads them back (NULL with
 * `error` when the file is damaged, NULL without when there is none). */
gboolean mls_record_facts_save (const MlsRecordFacts *facts, const char *dir,
                                GError **error);
MlsRecordFacts *mls_record_facts_load (const char *dir, GError **error);

/* argv as one shell-quoted line. */
char *mls_command_line (char *const *argv);

#endif /* MLS_RECORD_FACTS_H */
