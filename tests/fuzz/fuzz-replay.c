/*
 * fuzz-replay.c: the harnesses' driver where libFuzzer is not there (a GCC
 * build): it runs every input of the corpus directories given, then
 * mutated copies of them, deterministically from -seed=, until -runs=
 * inputs have run (-1: no limit) or -max_total_time= seconds have passed. The
 * mutations are libFuzzer's simple ones (bit flips, bytes set to edge
 * values, ranges erased, inserted or copied, numbers replaced, inputs
 * spliced); there is no coverage feedback, so this is a smoke test of
 * the harness on this compiler, not a fuzzer: builds with clang link the
 * same harnesses with -fsanitize=fuzzer (tests/fuzz/meson.build).
 *
 *   HARNESS [-runs=N] [-seed=S] [-max_len=L] [-max_total_time=T]
 *           [-artifact_prefix=P] [-FLAG=V ...] CORPUS_DIR_OR_FILE...
 *
 * Other libFuzzer flags are accepted and ignored, so one command line
 * serves both. An input that crashes the harness is written to
 * P"crash-replay" first.
 */
#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

typedef struct {
  uint8_t *data;
  size_t size;
} Input;

typedef struct {
  Input *inputs;
  size_t n, cap;
} Corpus;

static uint64_t rng_state;

/* The input being run and where to write it if it crashes. */
static const uint8_t *current;
static size_t current_size;
static char crash_path[4096];

static uint64_t
rng (void)
{
  /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 0x2545f4914f6cdd1dULL;
}

static size_t
below (size_t n)
{
  return n ? (size_t) (rng () % n) : 0;
}

static void
on_crash (int sig)
{
  int fd = open (crash_path, O_WRONLY | O_CREAT | O_TRUNC, 0644);

  if (fd >= 0)
    {
      ssize_t ignored = write (fd, current, current_size);
      (void) ignored;
      close (fd);
    }
  signal (sig, SIG_DFL);
  raise (sig);
}

static void
add_file (Corpus *c, const char *path)
{
  FILE *f = fopen (path, "rb");
  Input in = { NULL, 0 };
  long len;

  if (f == NULL || fseek (f, 0, SEEK_END) != 0 || (len = ftell (f)) < 0
      || fseek (f, 0, SEEK_SET) != 0)
    {
      fprintf (stderr, "fuzz-replay: cannot read %s\n", path);
      exit (1);
    }
  in.size = (size_t) len;
  in.data = malloc (in.size + 1);
  if (in.data == NULL || fread (in.data, 1, in.size, f) != in.size)
    {
      fprintf (stderr, "fuzz-replay: cannot read %s\n", path);
      exit (1);
    }
  fclose (f);
  if (c->n == c->cap)
    {
      c->cap = c->cap ? 2 * c->cap : 64;
      c->inputs = realloc (c->inputs, c->cap * sizeof *c->inputs);
      if (c->inputs == NULL)
        exit (1);
    }
  c->inputs[c->n++] = in;
}

static int
compare_names (const void *a, const void *b)
{
  return strcmp (*(char *const *) a, *(char *const *) b);
}

/* A directory's files, in name order (the same run on any file system). */
static void
add_path (Corpus *c, const char *path)
{
  struct stat st;
  DIR *d;
  struct dirent *e;
  char **names = NULL;
  size_t n = 0, cap = 0;

  if (stat (path, &st) != 0 || !S_ISDIR (st.st_mode))
    {
      add_file (c, path);
      return;
    }
  if ((d = opendir (path)) == NULL)
    return;
  while ((e = readdir (d)) != NULL)
    {
      if (e->d_name[0] == '.')
        continue;
      if (n == cap)
        {
          cap = cap ? 2 * cap : 64;
          names = realloc (names, cap * sizeof *names);
          if (names == NULL)
            exit (1);
        }
      names[n] = malloc (strlen (path) + strlen (e->d_name) + 2);
      if (names[n] == NULL)
        exit (1);
      sprintf (names[n++], "%s/%s", path, e->d_name);
    }
  closedir (d);
  qsort (names, n, sizeof *names, compare_names);
  for (size_t i = 0; i < n; i++)
    {
      add_file (c, names[i]);
      free (names[i]);
    }
  free (names);
}

static void
erase (uint8_t *buf, size_t *size, size_t at, size_t len)
{
  memmove (buf + at, buf + at + len, *size - at - len);
  *size -= len;
}

/* Makes room for `len` bytes at `at`; the caller fills them. */
static void
open_gap (uint8_t *buf, size_t *size, size_t at, size_t len)
{
  memmove (buf + at + len, buf + at, *size - at);
  *size += len;
}

/* Overwrites the decimal number around a random position, if any. */
static void
replace_number (uint8_t *buf, size_t *size, size_t max)
{
  static const char *const numbers[] = {
    "0", "-1", "1", "255", "65536", "2147483647", "-2147483648",
    "4294967296", "9223372036854775807", "18446744073709551616", "1e309",
    "-0", "0.5", "16777217",
  };
  const char *with = numbers[below (sizeof numbers / sizeof numbers[0])];
  size_t len = strlen (with), start = below (*size), end;

  while (start < *size && (buf[start] < '0' || buf[start] > '9'))
    start++;
  if (start == *size)
    return;
  end = start;
  while (end < *size && buf[end] >= '0' && buf[end] <= '9')
    end++;
  if (*size - (end - start) + len > max)
    return;
  erase (buf, size, start, end - start);
  open_gap (buf, size, start, len);
  memcpy (buf + start, with, len);
}

static void
mutate_once (uint8_t *buf, size_t *size, size_t max, const Corpus *c)
{
  static const uint8_t edges[] = { 0, 1, 0x7f, 0x80, 0xff, '"', '\\', '{',
                                   '[', ',', ':', '-', '.', 'e' };
  size_t at = below (*size), len;
  const Input *other;

  switch (below (8))
    {
    case 0:
      if (*size)
        buf[at] ^= (uint8_t) (1u << below (8));
      break;
    case 1:
      if (*size)
        buf[at] = edges[below (sizeof edges)];
      break;
    case 2:
      len = 1 + below (*size - at < 16 ? *size - at : 16);
      if (*size && at + len <= *size)
        erase (buf, size, at, len);
      break;
    case 3:
      len = 1 + below (8);
      if (*size + len <= max)
        {
          open_gap (buf, size, at, len);
          for (size_t i = 0; i < len; i++)
            buf[at + i] = (uint8_t) rng ();
        }
      break;
    case 4:
      {
        size_t from = below (*size);
        len = below (*size - from < 64 ? *size - from : 64);
        if (len && *size + len <= max)
          {
            uint8_t chunk[64];
            memcpy (chunk, buf + from, len);
            open_gap (buf, size, at, len);
            memcpy (buf + at, chunk, len);
          }
      }
      break;
    case 5:
      replace_number (buf, size, max);
      break;
    case 6:
      other = &c->inputs[below (c->n)];
      {
        size_t from = below (other->size);
        len = other->size - from;
        if (at + len > max)
          len = max - at;
        memcpy (buf + at, other->data + from, len);
        *size = at + len;
      }
      break;
    default:
      *size = below (*size + 1);
      break;
    }
}

static double
now_s (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
run (const uint8_t *data, size_t size)
{
  current = data;
  current_size = size;
  LLVMFuzzerTestOneInput (data, size);
}

int
main (int argc, char **argv)
{
  long long runs = 1000, seed = 1, max_len = 0, max_time = 0, done = 0;
  const char *prefix = "./";
  Corpus c = { NULL, 0, 0 };
  uint8_t *buf;
  double start = now_s ();

  for (int i = 1; i < argc; i++)
    {
      if (sscanf (argv[i], "-runs=%lld", &runs) == 1
          || sscanf (argv[i], "-seed=%lld", &seed) == 1
          || sscanf (argv[i], "-max_len=%lld", &max_len) == 1
          || sscanf (argv[i], "-max_total_time=%lld", &max_time) == 1)
        continue;
      if (strncmp (argv[i], "-artifact_prefix=", 17) == 0)
        prefix = argv[i] + 17;
      else if (argv[i][0] != '-')
        add_path (&c, argv[i]);
    }
  snprintf (crash_path, sizeof crash_path, "%scrash-replay", prefix);
  signal (SIGSEGV, on_crash);
  signal (SIGABRT, on_crash);
  signal (SIGBUS, on_crash);
  signal (SIGFPE, on_crash);
  rng_state = (uint64_t) seed * 0x9e3779b97f4a7c15ULL + 1;
  for (size_t i = 0; i < c.n; i++)
    if ((long long) c.inputs[i].size > max_len)
      max_len = (long long) c.inputs[i].size;
  if (max_len < 4096)
    max_len = 4096;
  buf = malloc ((size_t) max_len);
  if (buf == NULL)
    return 1;
  for (size_t i = 0; i < c.n; i++, done++)
    run (c.inputs[i].data, c.inputs[i].size);
  while (c.n > 0 && (runs < 0 || done < runs)
         && (max_time <= 0 || now_s () - start < (double) max_time))
    {
      const Input *from = &c.inputs[below (c.n)];
      size_t size = from->size;
      int n = 1 + (int) below (4);

      memcpy (buf, from->data, size);
      for (int k = 0; k < n; k++)
        mutate_once (buf, &size, (size_t) max_len, &c);
      run (buf, size);
      done++;
    }
  printf ("fuzz-replay: %zu corpus inputs, %lld runs in %.1f s (seed %lld, "
          "no coverage feedback)\n", c.n, done, now_s () - start, seed);
  for (size_t i = 0; i < c.n; i++)
    free (c.inputs[i].data);
  free (c.inputs);
  free (buf);
  return 0;
}
