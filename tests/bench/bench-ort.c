/*
 * bench-ort.c: the child process of bench-ort.h, spoken to through its
 * stdin and stdout, one line a request.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

#include "bench-ort.h"
#include "npy.h"

struct BenchOrt {
  GPid pid;
  FILE *to, *from;
};

/* One line from the child, NULL at its end. */
static char *
read_line (BenchOrt *ort)
{
  char *line = NULL;
  size_t size = 0;
  if (getline (&line, &size, ort->from) < 0)
    {
      free (line);
      return NULL;
    }
  return line;
}

BenchOrt *
bench_ort_start (const char *onnx, const MlrtOnnxTensor *input, int threads,
                 const char *dir)
{
  const char *node = g_getenv ("MLSCOPE_NODE");
  const char *npm = g_getenv ("MLSCOPE_NPM_DIR");
  const char *script = g_getenv ("MLSCOPE_ORT_RUN");
  g_autofree char *npy = g_build_filename (dir, "ort-input.npy", NULL);
  g_autofree char *feed = g_strdup_printf ("x=%s", npy);
  g_autofree char *nthreads = g_strdup_printf ("%d", threads);
  g_autofree char *pkg = g_build_filename (npm ? npm : "", "node_modules",
                                           "onnxruntime-node", "package.json",
                                           NULL);
  GError *error = NULL;
  int in_fd, out_fd;

  if (!node || !*node || !script || !g_file_test (pkg, G_FILE_TEST_EXISTS))
    {
      g_print ("ONNX Runtime cannot run: node (Debian package nodejs) or "
               "the npm package onnxruntime-node (%s) is missing\n", pkg);
      return NULL;
    }
  if (!npy_write (npy, input, &error))
    g_error ("%s", error->message);
  const char *argv[] = { node, script, "--npm-dir", npm, "--threads",
                         nthreads, "--bench", onnx, dir, feed, NULL };
  BenchOrt *ort = g_new0 (BenchOrt, 1);
  if (!g_spawn_async_with_pipes (NULL, (char **) argv, NULL,
                                 G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 &ort->pid, &in_fd, &out_fd, NULL, &error))
    g_error ("cannot run %s: %s", node, error->message);
  ort->to = fdopen (in_fd, "w");
  ort->from = fdopen (out_fd, "r");
  g_autofree char *ready = read_line (ort);
  if (!ready || !g_str_has_prefix (ready, "ready"))
    {
      g_print ("ONNX Runtime could not load %s\n", onnx);
      bench_ort_stop (ort);
      return NULL;
    }
  return ort;
}

gboolean
bench_ort_run (BenchOrt *ort, int n, double *wall_ms, double *cpu_ms)
{
  fprintf (ort->to, "%d\n", n);
  fflush (ort->to);
  g_autofree char *line = read_line (ort);
  g_auto (GStrv) fields = line ? g_strsplit (g_strstrip (line), " ", -1)
                               : NULL;
  if (!fields || g_strv_length (fields) != (guint) n + 1)
    {
      g_print ("ONNX Runtime's process failed (%s)\n",
               line ? line : "it ended");
      return FALSE;
    }
  for (int i = 0; i < n; i++)
    wall_ms[i] = g_ascii_strtod (fields[i], NULL);
  *cpu_ms = g_ascii_strtod (fields[n], NULL);
  return TRUE;
}

void
bench_ort_stop (BenchOrt *ort)
{
  if (!ort)
    return;
  fclose (ort->to);
  fclose (ort->from);
  waitpid (ort->pid, NULL, 0);
  g_spawn_close_pid (ort->pid);
  g_free (ort);
}
