/*
 * mls-model-general.h: the model window's General tab, what Xcode's
 * General tab shows of a model: its name, type, size on disk, the mlrt
 * release it needs, its metadata (author, description, version, license
 * and the free-form entries), compute and storage precision with the
 * weights' encodings, and its layers counted by op; read from
 * `mlrt-info --format json` (docs/info-json.md).
 */
#ifndef MLS_MODEL_GENERAL_H
#define MLS_MODEL_GENERAL_H

#include <adwaita.h>
#include <json-c/json.h>

G_BEGIN_DECLS

#define MLS_TYPE_MODEL_GENERAL (mls_model_general_get_type ())
G_DECLARE_FINAL_TYPE (MlsModelGeneral, mls_model_general, MLS,
                      MODEL_GENERAL, AdwPreferencesPage)

/* Shows info (mlrt-info's object). */
void mls_model_general_show (MlsModelGeneral *self, json_object *info);
/* Its lines, "General: GROUP / TITLE = VALUE". */
void mls_model_general_describe (MlsModelGeneral *self, GString *out);

G_END_DECLS

#endif /* MLS_MODEL_GENERAL_H */
