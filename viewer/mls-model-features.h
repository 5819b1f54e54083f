/*
 * mls-model-features.h: the model window's Predictions tab, what Xcode's
 * Predictions tab shows: each input and output with its name, its
 * description, its kind (image or multi-array) with the feature and
 * scalar type, its shape and one value's size in bytes, and a
 * classifier's class labels; read from `mlrt-info --format json`.
 */
#ifndef MLS_MODEL_FEATURES_H
#define MLS_MODEL_FEATURES_H

#include <adwaita.h>
#include <json-c/json.h>

G_BEGIN_DECLS

#define MLS_TYPE_MODEL_FEATURES (mls_model_features_get_type ())
G_DECLARE_FINAL_TYPE (MlsModelFeatures, mls_model_features, MLS,
                      MODEL_FEATURES, AdwPreferencesPage)

void mls_model_features_show (MlsModelFeatures *self, json_object *info);
/* Its lines, "Predictions: GROUP / TITLE = VALUE". */
void mls_model_features_describe (MlsModelFeatures *self, GString *out);

G_END_DECLS

#endif /* MLS_MODEL_FEATURES_H */
