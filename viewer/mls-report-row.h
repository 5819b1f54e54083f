/*
 * mls-report-row.h: one row of two performance reports compared
 * (`mlrt-report --compare --format json`, docs/report-json.md) as a
 * GObject for the Reports Compared window's column views: a figure
 * (`figures[]`) or a layer matched by name (`layers[]`), its cells bound
 * to the properties:
 *
 *   name, op                  the figure's label or the layer's name, op
 *   a-unit, b-unit            where the layer ran in each ("–": absent)
 *   a-text, b-text            the value in each, as shown ("–": none)
 *   change-text               (b - a) / a, signed, in percent
 *   a, b, change              the same as numbers, for the sorters (the
 *                             least double where there is none)
 */
#ifndef MLS_REPORT_ROW_H
#define MLS_REPORT_ROW_H

#include <glib-object.h>
#include <json-c/json.h>

G_BEGIN_DECLS

#define MLS_TYPE_REPORT_ROW (mls_report_row_get_type ())
G_DECLARE_FINAL_TYPE (MlsReportRow, mls_report_row, MLS, REPORT_ROW, GObject)

/* A `figures[]` object: values shown with the figure's decimals. */
MlsReportRow *mls_report_row_new_figure (json_object *figure);
/* A `layers[]` object: values shown as durations. */
MlsReportRow *mls_report_row_new_layer (json_object *layer);

G_END_DECLS

#endif /* MLS_REPORT_ROW_H */
