/*
 * mls-value-row.h: one line of the model window's General and Predictions
 * tabs, as Xcode shows a model: a title and its value (selectable, so it
 * can be copied), with an optional subtitle.
 *
 * Property "value" (string).
 */
#ifndef MLS_VALUE_ROW_H
#define MLS_VALUE_ROW_H

#include <adwaita.h>

G_BEGIN_DECLS

#define MLS_TYPE_VALUE_ROW (mls_value_row_get_type ())
G_DECLARE_FINAL_TYPE (MlsValueRow, mls_value_row, MLS, VALUE_ROW,
                      AdwActionRow)

GtkWidget *mls_value_row_new (const char *title, const char *value);
const char *mls_value_row_get_value (MlsValueRow *self);

/* Adds a row to group, and remembers it in rows (to clear and describe
 * the tab later). */
MlsValueRow *mls_value_row_add (AdwPreferencesGroup *group, GPtrArray *rows,
                                const char *title, const char *value);
/* Removes the rows from their groups. */
void mls_value_rows_clear (GPtrArray *rows);
/* "GROUP / TITLE = VALUE" lines, for the window's state (mls-model-state.h). */
void mls_value_rows_describe (GPtrArray *rows, const char *tab, GString *out);

G_END_DECLS

#endif /* MLS_VALUE_ROW_H */
