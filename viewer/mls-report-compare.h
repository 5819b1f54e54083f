/*
 * mls-report-compare.h: two performance reports side by side, as
 * `mlrt-report --compare A.json B.json` prints them: each step's median
 * in A and in B with the change, the layers per unit, and each layer's
 * unit and measured time in both, matched by name. The Performance tab's
 * Compare With… opens one: a saved report as A, the one shown as B.
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

G_END_DECLS

#endif /* MLS_REPORT_COMPARE_H */
