/*
 * features.c: MlrtFeatures, a small ordered set of named values. Models have
 * a handful of features, so a linear array beats any hash table here.
 * Entries added with mlrt_features_take() own their data (prediction
 * outputs); all others borrow it.
 */
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"

typedef struct {
  char *name;
  MlrtValue value;
  int owned;
} Entry;

struct MlrtFeatures {
  size_t n, cap;
  Entry *entries;
};

MlrtFeatures *
mlrt_features_new (void)
{
  return calloc (1, sizeof (MlrtFeatures));
}

void
mlrt_features_free (MlrtFeatures *features)
{
  if (features == NULL)
    return;
  for (size_t i = 0; i < features->n; i++)
    {
      free (features->entries[i].name);
      if (features->entries[i].owned)
        free (features->entries[i].value.data);
    }
  free (features->entries);
  free (features);
}

static Entry *
find (const MlrtFeatures *features, const char *name)
{
  for (size_t i = 0; i < features->n; i++)
    if (strcmp (features->entries[i].name, name) == 0)
      return &features->entries[i];
  return NULL;
}

static MlrtStatus
put (MlrtFeatures *features, const char *name, const MlrtValue *value,
     int owned, MlrtError *error)
{
  Entry *e;

  if (features == NULL || name == NULL || value == NULL)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "mlrt_features_set: NULL features, name or value");
  if (value->rank < 1 || value->rank > MLRT_MAX_RANK)
    return mlrt_set_error (error, MLRT_ERROR_INVALID_ARGUMENT,
                           "feature '%s': rank %d is not in 1..%d", name,
                           value->rank, MLRT_MAX_RANK);
  e = find (features, name);
  if (e == NULL)
    {
      if (features->n == features->cap)
        {
          size_t cap = features->cap ? features->cap * 2 : 4;
          Entry *entries = realloc (features->entries, cap * sizeof *entries);
          if (entries == NULL)
            return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                                   "feature '%s': out of memory", name);
          features->entries = entries;
          features->cap = cap;
        }
      e = &features->entries[features->n];
      e->name = strdup (name);
      if (e->name == NULL)
        return mlrt_set_error (error, MLRT_ERROR_NO_MEMORY,
                               "feature '%s': out of memory", name);
      features->n++;
    }
  else if (e->owned && e->value.data != value->data)
    free (e->value.data);
  e->value = *value;
  e->owned = owned;
  return MLRT_OK;
}

MlrtStatus
mlrt_features_set (MlrtFeatures *features, const char *name,
                   const MlrtValue *value, MlrtError *error)
{
  return put (features, name, value, 0, error);
}

MlrtStatus
mlrt_features_take (MlrtFeatures *features, const char *name,
                    const MlrtValue *value, MlrtError *error)
{
  return put (features, name, value, 1, error);
}

const MlrtValue *
mlrt_features_get (const MlrtFeatures *features, const char *name)
{
  Entry *e;

  if (features == NULL || name == NULL)
    return NULL;
  e = find (features, name);
  return e ? &e->value : NULL;
}

size_t
mlrt_features_count (const MlrtFeatures *features)
{
  return features ? features->n : 0;
}

const char *
mlrt_features_name (const MlrtFeatures *features, size_t index)
{
  if (features == NULL || index >= features->n)
    return NULL;
  return features->entries[index].name;
}
