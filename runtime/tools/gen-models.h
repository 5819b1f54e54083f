/*
 * gen-models.h: model recipes of mlrt-gen-models that live in their own
 * file.
 */
#ifndef GEN_MODELS_H
#define GEN_MODELS_H

#include "gen-package.h"

/* The "detector" classifier, calibrated on the demo's frames. */
GenPackage *gen_build_detector (void);

#endif /* GEN_MODELS_H */
