/*
 * cpu-device.c: what processor this is, for the placement cache's key
 * (placement-cache.c): measured costs are only as good as the machine they
 * were measured on. The key hashes the first processor's /proc/cpuinfo
 * entry (vendor, model, stepping, microcode, flags), minus its current
 * clock, which moves from one moment to the next, and the number of online
 * cores; the line shown to people is the model name and the core count.
 */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mlrt-internal.h"

static pthread_once_t cpu_once = PTHREAD_ONCE_INIT;
static char cpu_line[384];

/* The value of a "key : value" line whose key starts `line`, or NULL. */
static const char *
field (const char *line, const char *key)
{
  size_t n = strlen (key);
  const char *colon = strchr (line, ':');

  if (strncmp (line, key, n) != 0 || colon == NULL)
    return NULL;
  for (const char *p = line + n; p < colon; p++)
    if (*p != ' ' && *p != '\t')
      return NULL;
  colon++;
  while (*colon == ' ')
    colon++;
  return colon;
}

static void
describe_cpu (void)
{
  FILE *f = fopen ("/proc/cpuinfo", "re");
  char line[4096], model[160] = "unknown processor";
  uint64_t h = MLRT_HASH_START;
  long cores = sysconf (_SC_NPROCESSORS_ONLN);

  while (f && fgets (line, sizeof line, f) && line[0] != '\n')
    {
      const char *name = field (line, "model name");

      if (name == NULL)
        name = field (line, "Processor");
      if (name)
        snprintf (model, sizeof model, "%.*s", (int) strcspn (name, "\n"),
                  name);
      if (field (line, "cpu MHz") == NULL && field (line, "BogoMIPS") == NULL
          && field (line, "bogomips") == NULL)
        h = mlrt_hash64 (h, line, strlen (line));
    }
  if (f)
    fclose (f);
  snprintf (cpu_line, sizeof cpu_line,
            "%s, %ld cores online (cpuinfo %016llx)", model, cores,
            (unsigned long long) h);
}

const char *
mlrt_cpu_device (void)
{
  pthread_once (&cpu_once, describe_cpu);
  return cpu_line;
}
