/*
 * mls-report-compare.h: two performance reports side by side, as
 * `mlrt-report --compare A.json B.json` compares them: each figure (size,
 * compile, loads, predictions, layers per unit) in A and in B with the
 * change, and each layer's unit and measured time in both, matched by
 * name, in tables that sort. The Performance tab's Compare With… opens
 * one (a saved report as A, the one shown as B), and so does
 * `mlscope-viewer --compare A.json B.json`.
 */
#ifndef MLS_REPORT_COMPARE_H
#define MLS_REPORT_COMPARE_H

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define MLS_TYPE_REPORT_COMPARE (mls_report_compare_get_type ())
G_DECLARE_FINAL_TYPE (MlsReportCompare, mls_report_compare, MLS,
                      REPORT_COMPARE, GtkWindow)

/* A window comparing the report in file before with the report text
 * after (named name in the comparison); it runs mlrt-report once
 * shown. */
MlsReportCompare *mls_report_compare_new (GtkWindow *parent,
                                          const char *before,
                                          const char *after_text,
                                          const char *name);
/* A window of the application comparing the reports in two files. */
MlsReportCompare *mls_report_compare_new_for_files (GtkApplication *app,
                                                    const char *before,
                                                    const char *after);

G_END_DECLS

#endif /* MLS_REPORT_COMPARE_H */
