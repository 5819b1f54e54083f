/*
 * onnx-names.c: the value-name map of onnx-names.h, open addressing over
 * FNV-1a hashes, kept at most half full.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "onnx-names.h"

typedef struct {
  const char *name;
  int index;
} Slot;

struct MlrtOnnxNames {
  Slot *slots;
  size_t cap;                   /* a power of two */
  size_t used;
};

static uint32_t
hash_name (const char *s)
{
  uint32_t h = 2166136261u;

  for (; *s; s++)
    h = (h ^ (unsigned char) *s) * 16777619u;
  return h;
}

static Slot *
find_slot (Slot *slots, size_t cap, const char *name)
{
  size_t i = hash_name (name) & (cap - 1);

  while (slots[i].name && strcmp (slots[i].name, name) != 0)
    i = (i + 1) & (cap - 1);
  return &slots[i];
}

MlrtOnnxNames *
mlrt_onnx_names_new (void)
{
  MlrtOnnxNames *names = calloc (1, sizeof *names);

  if (names == NULL)
    return NULL;
  names->cap = 64;
  names->slots = calloc (names->cap, sizeof *names->slots);
  if (names->slots == NULL)
    {
      free (names);
      return NULL;
    }
  return names;
}

void
mlrt_onnx_names_free (MlrtOnnxNames *names)
{
  if (names == NULL)
    return;
  free (names->slots);
  free (names);
}

int
mlrt_onnx_names_get (const MlrtOnnxNames *names, const char *name)
{
  const Slot *slot = find_slot (names->slots, names->cap, name);

  return slot->name ? slot->index : -1;
}

static int
grow (MlrtOnnxNames *names)
{
  size_t cap = names->cap * 2;
  Slot *slots = calloc (cap, sizeof *slots);

  if (slots == NULL)
    return 0;
  for (size_t i = 0; i < names->cap; i++)
    if (names->slots[i].name)
      *find_slot (slots, cap, names->slots[i].name) = names->slots[i];
  free (names->slots);
  names->slots = slots;
  names->cap = cap;
  return 1;
}

int
mlrt_onnx_names_put (MlrtOnnxNames *names, const char *name, int index)
{
  Slot *slot;

  if ((names->used + 1) * 2 > names->cap && !grow (names))
    return 0;
  slot = find_slot (names->slots, names->cap, name);
  if (slot->name == NULL)
    names->used++;
  slot->name = name;
  slot->index = index;
  return 1;
}
