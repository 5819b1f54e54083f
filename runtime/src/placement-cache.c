/*
 * placement-cache.c: measured placement costs kept on disk beside the
 * compiled model, as Core ML keeps a model's device-specialised form, so
 * that only the first load of a model on a machine pays for measuring
 * (docs/placement.md).
 *
 * A file holds what calibrate.c measured: each layer's cost on each unit
 * it was measured on, and each device unit's data movement. Its name is
 * the key: the compiled model's cache directory (named by the hash of the
 * model's content) and stem, the compute units, and a hash of the devices
 * (each allowed unit's device name and driver version, the CPU's model
 * and core count) and of this file's format. A file that does not match
 * the model it is read for (another layer count, a layer measured on a
 * unit that cannot run it now) is not used: the load measures again and
 * replaces it. A file that cannot be written costs the next load a
 * measurement, nothing more.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mlrt-internal.h"

/* Bump when the file's layout or what a figure means changes, or when the
 * kernels change enough that old figures mislead. */
#define PLACEMENT_CACHE_FORMAT "mlrt-placement-1"

uint64_t
mlrt_describe_devices (MlrtComputeUnits units, char *buf, size_t len)
{
  uint64_t h = mlrt_hash64 (MLRT_HASH_START, PLACEMENT_CACHE_FORMAT,
                             sizeof PLACEMENT_CACHE_FORMAT);
  size_t used = 0;

  buf[0] = '\0';
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      const MlrtUnitOps *ops = mlrt_unit_ops ((MlrtUnit) u);
      const char *device;

      if (!mlrt_unit_allowed (units, (MlrtUnit) u)
          || !mlrt_unit_available ((MlrtUnit) u))
        continue;
      device = ops->device ? ops->device () : mlrt_unit_name ((MlrtUnit) u);
      h = mlrt_hash64 (h, device, strlen (device) + 1);
      if (used < len)
        used += (size_t) snprintf (buf + used, len - used, "device %s: %s\n",
                                   mlrt_unit_name ((MlrtUnit) u), device);
    }
  return h;
}

/* The cache file for the model's compute units and devices, or NULL when
 * the model has no place on disk (loaded from memory). */
static char *
cache_path (const MlrtModel *m, char *devices, size_t len)
{
  uint64_t h;

  if (m->cache_stem == NULL)
    return NULL;
  h = mlrt_describe_devices (m->compute_units, devices, len);
  return mlrt_strdup_printf ("%s.placement-%s-%016llx", m->cache_stem,
                             mlrt_compute_units_name (m->compute_units),
                             (unsigned long long) h);
}

/* One "layer I M0 C0 M1 C1 M2 C2" line into plan entry p. */
static int
read_layer (const char *line, size_t n, const int *ok, MlrtModel *m)
{
  unsigned long i;
  int measured[MLRT_N_UNITS];
  double cost[MLRT_N_UNITS];

  if (sscanf (line, "layer %lu %d %lg %d %lg %d %lg", &i, &measured[0],
              &cost[0], &measured[1], &cost[1], &measured[2], &cost[2]) != 7
      || i >= n)
    return 0;
  for (int u = 0; u < MLRT_N_UNITS; u++)
    {
      if (measured[u] && (!ok[i * MLRT_N_UNITS + u] || !(cost[u] > 0)))
        return 0;
      m->plan[i].measured[u] = measured[u] != 0;
      if (measured[u])
        m->plan[i].estimated_cost_us[u] = cost[u];
    }
  return 1;
}

/* One "unit U MEASURED BYTE_US REQUEST_US" line. */
static int
read_unit (const char *line, MlrtModel *m)
{
  int u, measured;
  double byte_us, request_us;

  if (sscanf (line, "unit %d %d %lg %lg", &u, &measured, &byte_us,
              &request_us) != 4
      || u < 0 || u >= MLRT_N_UNITS || byte_us < 0 || request_us < 0)
    return 0;
  m->unit_costs[u].measured = measured != 0;
  m->unit_costs[u].byte_us = byte_us;
  m->unit_costs[u].request_us = request_us;
  return 1;
}

/* Fills the plan's measured figures from the file; 0 if it is not there
 * or not for this model (the plan is then left as it was). */
static int
read_figures (FILE *f, MlrtModel *m, const int *ok)
{
  size_t n = m->spec.n_layers, seen = 0;
  unsigned long n_file = 0;
  char line[512];

  if (!fgets (line, sizeof line, f)
      || strncmp (line, PLACEMENT_CACHE_FORMAT "\n", sizeof line) != 0)
    return 0;
  while (fgets (line, sizeof line, f))
    {
      if (strncmp (line, "layers ", 7) == 0)
        {
          if (sscanf (line, "layers %lu", &n_file) != 1 || n_file != n)
            return 0;
        }
      else if (strncmp (line, "layer ", 6) == 0)
        {
          if (!read_layer (line, n, ok, m))
            return 0;
          seen++;
        }
      else if (strncmp (line, "unit ", 5) == 0 && !read_unit (line, m))
        return 0;
    }
  return n_file == n && seen == n;
}

static void
forget_figures (MlrtModel *m)
{
  for (size_t i = 0; i < m->spec.n_layers; i++)
    for (int u = 0; u < MLRT_N_UNITS; u++)
      if (m->plan[i].measured[u])
        {
          m->plan[i].measured[u] = 0;
          m->plan[i].estimated_cost_us[u] = m->plan[i].model_estimate_us[u];
        }
  memset (m->unit_costs, 0, sizeof m->unit_costs);
}

int
mlrt_placement_cache_read (MlrtModel *m, const int *ok)
{
  char devices[1024];
  char *path = cache_path (m, devices, sizeof devices);
  FILE *f = path ? fopen (path, "re") : NULL;
  int found = 0;

  if (f)
    {
      found = read_figures (f, m, ok);
      fclose (f);
      if (!found)
        forget_figures (m);
    }
  free (path);
  return found;
}

/* The file's text: a header naming what the figures are for (for people
 * reading the cache), then the figures, exact to the last bit. */
static char *
format_figures (const MlrtModel *m, const char *devices)
{
  size_t cap = 512 + strlen (devices) + m->spec.n_layers * 160, used;
  char *text = malloc (cap);

  if (text == NULL)
    return NULL;
  used = (size_t) snprintf (text, cap,
                            "%s\nmodel %s\nunits %s\n%slayers %zu\n",
                            PLACEMENT_CACHE_FORMAT, m->name,
                            mlrt_compute_units_name (m->compute_units),
                            devices, m->spec.n_layers);
  for (int u = 0; u < MLRT_N_UNITS && used < cap; u++)
    used += (size_t) snprintf (text + used, cap - used, "unit %d %d %a %a\n",
                               u, m->unit_costs[u].measured,
                               m->unit_costs[u].byte_us,
                               m->unit_costs[u].request_us);
  for (size_t i = 0; i < m->spec.n_layers && used < cap; i++)
    {
      const MlrtLayerPlan *p = &m->plan[i];

      used += (size_t) snprintf (text + used, cap - used, "layer %zu", i);
      for (int u = 0; u < MLRT_N_UNITS && used < cap; u++)
        used += (size_t) snprintf (text + used, cap - used, " %d %a",
                                   p->measured[u],
                                   p->measured[u] ? p->estimated_cost_us[u]
                                                  : 0.0);
      if (used < cap)
        used += (size_t) snprintf (text + used, cap - used, "\n");
    }
  if (used >= cap)
    {
      free (text);
      return NULL;
    }
  return text;
}

int
mlrt_placement_cache_write (const MlrtModel *m)
{
  char devices[1024];
  char *path = cache_path (m, devices, sizeof devices);
  char *text = path ? format_figures (m, devices) : NULL;
  int written = 0;

  if (text)
    {
      const void *parts[1] = { text };
      size_t sizes[1] = { strlen (text) };
      const char *slash = strrchr (path, '/');
      char *dir = slash ? strndup (path, (size_t) (slash - path))
                        : strdup (".");
      MlrtError error = { 0 };

      written = dir && mlrt_mkdir_p (dir, &error) == MLRT_OK
                && mlrt_write_file_atomic (path, parts, sizes, 1, &error)
                   == MLRT_OK;
      free (dir);
    }
  free (text);
  free (path);
  return written;
}
