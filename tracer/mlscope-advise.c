/*
 * mlscope-advise.c: `mlscope advise FILE.mlscope`: runs the advise rules
 * (schema/advise/: each a SQL query over the recording and the messages it
 * fills in) and prints their findings, what makes the recording
 * unreliable first, then each rule's findings costliest first: what
 * happened with figures, where (model, process, time range, example
 * spans), why it costs and what to do, for people (wrapped text) or
 * scripts (JSON).
 */
#include <stdio.h>
#include <string.h>

#include <glib.h>

#include "mls-advise.h"
#include "mlscope-print.h"
#include "mlscope.h"

#define WRAP_WIDTH 100
#define LABEL_WIDTH 10

typedef struct {
  const char *path;
  char *format;
  char **rule_names;
  int list;
  GPtrArray *rules;         /* const MlsRule *, in the catalogue's order */
} AdviseOptions;

/* ---- options ---- */

static int
select_rules (AdviseOptions *o)
{
  for (int i = 0; o->rule_names && o->rule_names[i]; i++)
    if (mls_rule_find (o->rule_names[i]) == NULL)
      {
        fprintf (stderr, "mlscope advise: no rule named '%s' (mlscope advise "
                 "--list names them)\n", o->rule_names[i]);
        return -1;
      }
  for (size_t r = 0; r < mls_n_rules; r++)
    {
      int chosen = o->rule_names == NULL;
      for (int i = 0; !chosen && o->rule_names[i]; i++)
        chosen = strcmp (o->rule_names[i], mls_rules[r].name) == 0;
      if (chosen)
        g_ptr_array_add (o->rules, (gpointer) &mls_rules[r]);
    }
  return 0;
}

static int
parse_options (int argc, char **argv, AdviseOptions *o)
{
  GOptionEntry entries[] = {
    { "list", 'l', 0, G_OPTION_ARG_NONE, &o->list,
      "List the rules and what each looks for", NULL },
    { "rule", 'r', 0, G_OPTION_ARG_STRING_ARRAY, &o->rule_names,
      "Run only rule NAME (repeat for more)", "NAME" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &o->format,
      "table (default) or json", "FORMAT" },
    { NULL },
  };
  GOptionContext *context = g_option_context_new ("FILE.mlscope");
  GError *error = NULL;
  int ok;

  g_set_prgname ("mlscope advise");
  g_option_context_set_summary (context,
    "Points at the known mistakes in a recording: each rule is a SQL query\n"
    "over the trace database with what it found, where, why it costs and\n"
    "what to do. Findings that make the recording unreliable come first.");
  g_option_context_add_main_entries (context, entries, NULL);
  mlscope_option_context_finish (context);
  ok = g_option_context_parse (context, &argc, &argv, &error);
  if (!ok)
    fprintf (stderr, "mlscope advise: %s\n", error->message);
  else if (argc != 2 && !(o->list && argc == 1))
    {
      fprintf (stderr, "mlscope advise: %s\nUsage: mlscope advise "
               "FILE.mlscope [OPTIONS...]\n", argc < 2
               ? "no FILE given" : "more than one FILE given");
      ok = 0;
    }
  g_clear_error (&error);
  g_option_context_free (context);
  o->path = ok && argc == 2 ? argv[1] : NULL;
  if (ok && o->format == NULL)
    o->format = g_strdup ("table");
  if (ok && strcmp (o->format, "table") && strcmp (o->format, "json"))
    {
      fprintf (stderr, "mlscope advise: unknown --format '%s' (use table or "
               "json)\n", o->format);
      ok = 0;
    }
  return ok && select_rules (o) == 0 ? 0 : -1;
}

/* ---- table ---- */

/* TEXT wrapped to WRAP_WIDTH columns, LABEL on the first line and every
 * line indented past it. */
static void
print_wrapped (const char *label, const char *text)
{
  char **words = g_strsplit_set (text, " \n", -1);
  int column = 0;

  printf ("   %-*s", LABEL_WIDTH, label);
  column = 3 + LABEL_WIDTH;
  for (char **w = words; *w; w++)
    {
      int len = (int) g_utf8_strlen (*w, -1);
      if (len == 0)
        continue;
      if (column > 3 + LABEL_WIDTH && column + 1 + len > WRAP_WIDTH)
        {
          printf ("\n%*s", 3 + LABEL_WIDTH, "");
          column = 3 + LABEL_WIDTH;
        }
      else if (column > 3 + LABEL_WIDTH)
        {
          putchar (' ');
          column++;
        }
      fputs (*w, stdout);
      column += len;
    }
  putchar ('\n');
  g_strfreev (words);
}

static char *
where_text (const MlsFinding *f, int64_t trace_start_ns)
{
  GString *s = g_string_new (NULL);

  if (f->process || f->pid)
    g_string_append_printf (s, "%s (pid %" G_GINT64_FORMAT ")",
                            f->process ? f->process : "?", f->pid);
  if (f->model)
    g_string_append_printf (s, "%smodel %s", s->len ? ", " : "", f->model);
  if (f->has_range)
    {
      char *a = mls_print_duration ((double) (f->start_ns - trace_start_ns));
      char *b = mls_print_duration ((double) (f->end_ns - trace_start_ns));
      g_string_append_printf (s, "%s%s to %s from the trace start",
                              s->len ? "; " : "", a, b);
      g_free (a);
      g_free (b);
    }
  for (size_t i = 0; i < f->n_span_ids; i++)
    g_string_append_printf (s, "%s%" G_GINT64_FORMAT, i ? ", "
                            : s->len ? "; spans " : "spans ",
                            f->span_ids[i]);
  return g_string_free (s, FALSE);
}

/* The why and fix of a rule are printed with its first finding; the
 * others point back to it. */
static void
print_finding (const MlsFinding *f, size_t number, size_t first_of_rule,
               int64_t trace_start_ns)
{
  char *where = where_text (f, trace_start_ns);

  printf ("%zu. %s: %s\n", number, f->rule->name, f->rule->title);
  if (where[0])
    print_wrapped ("where:", where);
  if (f->has_cost && f->cost_ns > 0)
    {
      char *cost = mls_print_duration ((double) f->cost_ns);
      print_wrapped ("cost:", cost);
      g_free (cost);
    }
  print_wrapped ("what:", f->what);
  if (first_of_rule == number)
    {
      print_wrapped ("why:", f->why);
      print_wrapped ("fix:", f->fix);
    }
  else
    printf ("   %-*sas for finding %zu\n", LABEL_WIDTH, "why, fix:",
            first_of_rule);
  printf ("\n");
  g_free (where);
}

static void
print_table (const AdviseOptions *o, MlsStore *store,
             const MlsFinding *findings, size_t n)
{
  int64_t start = 0;

  mls_store_get_meta_int (store, "start_ns", &start);
  printf ("%s: %u rules run, %zu finding%s\n\n", o->path, o->rules->len, n,
          n == 1 ? "" : "s");
  for (size_t i = 0, first = 1; i < n; i++)
    {
      if (i == 0 || findings[i].rule != findings[i - 1].rule)
        first = i + 1;
      print_finding (&findings[i], i + 1, first, start);
    }
  if (n == 0)
    printf ("No rule found its mistake in this recording.\n");
}

/* ---- json ---- */

static json_object *
figures_object (const MlsFinding *f)
{
  json_object *o = json_object_new_object ();

  for (size_t i = 0; i < f->n_figures; i++)
    {
      const MlsFigure *x = &f->figures[i];
      json_object *value = NULL;
      switch (x->type)
        {
        case MLS_FIGURE_INTEGER: value = json_object_new_int64 (x->integer);
          break;
        case MLS_FIGURE_REAL: value = json_object_new_double (x->real); break;
        case MLS_FIGURE_TEXT: value = json_object_new_string (x->text); break;
        case MLS_FIGURE_NULL:
        default: break;
        }
      json_object_object_add (o, x->name, value);
    }
  return o;
}

static json_object *
text_or_null (const char *text)
{
  return text ? json_object_new_string (text) : NULL;
}

static json_object *
finding_object (const MlsFinding *f, int64_t trace_start_ns)
{
  json_object *o = json_object_new_object ();
  json_object *ids = json_object_new_array ();

  for (size_t i = 0; i < f->n_span_ids; i++)
    json_object_array_add (ids, json_object_new_int64 (f->span_ids[i]));
  json_object_object_add (o, "rule", json_object_new_string (f->rule->name));
  json_object_object_add (o, "title", json_object_new_string (f->rule->title));
  json_object_object_add (o, "model", text_or_null (f->model));
  json_object_object_add (o, "pid", f->pid
                          ? json_object_new_int64 (f->pid) : NULL);
  json_object_object_add (o, "process", text_or_null (f->process));
  json_object_object_add (o, "start_ns", f->has_range
                          ? json_object_new_int64 (f->start_ns) : NULL);
  json_object_object_add (o, "end_ns", f->has_range
                          ? json_object_new_int64 (f->end_ns) : NULL);
  json_object_object_add (o, "start_offset_ns", f->has_range
                          ? json_object_new_int64 (f->start_ns
                                                   - trace_start_ns) : NULL);
  json_object_object_add (o, "end_offset_ns", f->has_range
                          ? json_object_new_int64 (f->end_ns
                                                   - trace_start_ns) : NULL);
  json_object_object_add (o, "span_ids", ids);
  json_object_object_add (o, "cost_ns", f->has_cost
                          ? json_object_new_int64 (f->cost_ns) : NULL);
  json_object_object_add (o, "what", json_object_new_string (f->what));
  json_object_object_add (o, "why", json_object_new_string (f->why));
  json_object_object_add (o, "fix", json_object_new_string (f->fix));
  json_object_object_add (o, "figures", figures_object (f));
  return o;
}

static void
print_json (const AdviseOptions *o, MlsStore *store,
            const MlsFinding *findings, size_t n)
{
  json_object *root = json_object_new_object ();
  json_object *rules = json_object_new_array ();
  json_object *list = json_object_new_array ();
  int64_t start = 0;

  mls_store_get_meta_int (store, "start_ns", &start);
  for (guint r = 0; r < o->rules->len; r++)
    json_object_array_add (rules, json_object_new_string (
      ((const MlsRule *) g_ptr_array_index (o->rules, r))->name));
  for (size_t i = 0; i < n; i++)
    json_object_array_add (list, finding_object (&findings[i], start));
  json_object_object_add (root, "file", json_object_new_string (o->path));
  json_object_object_add (root, "meta", mls_print_meta_object (store));
  json_object_object_add (root, "rules", rules);
  json_object_object_add (root, "findings", list);
  char *text = mls_print_json_text (root, JSON_C_TO_STRING_PRETTY
                                          | JSON_C_TO_STRING_NOSLASHESCAPE);
  puts (text);
  g_free (text);
  json_object_put (root);
}

/* ---- the command ---- */

static void
print_list (const AdviseOptions *o)
{
  for (guint r = 0; r < o->rules->len; r++)
    {
      const MlsRule *rule = g_ptr_array_index (o->rules, r);
      printf ("%-28s %s\n", rule->name, rule->title);
    }
}

static int
advise (const AdviseOptions *o, MlsStore *store)
{
  MlsFinding *findings = NULL;
  size_t n = 0;
  MlsError error = { 0 };

  for (guint r = 0; r < o->rules->len; r++)
    if (mls_advise_run (store, g_ptr_array_index (o->rules, r), &findings,
                        &n, &error) != 0)
      {
        fprintf (stderr, "mlscope advise: %s\n", error.message);
        mls_findings_free (findings, n);
        return MLS_EXIT_FAILED;
      }
  if (strcmp (o->format, "json") == 0)
    print_json (o, store, findings, n);
  else
    print_table (o, store, findings, n);
  mls_findings_free (findings, n);
  return MLS_EXIT_OK;
}

int
mlscope_advise (int argc, char **argv)
{
  AdviseOptions o = { 0 };
  MlsError error = { 0 };
  MlsStore *store;
  int status = MLS_EXIT_USAGE;

  o.rules = g_ptr_array_new ();
  if (parse_options (argc, argv, &o) != 0)
    status = MLS_EXIT_USAGE;
  else if (o.list)
    {
      print_list (&o);
      status = MLS_EXIT_OK;
    }
  else if ((store = mls_store_open (o.path, &error)) == NULL)
    {
      fprintf (stderr, "mlscope advise: %s\n", error.message);
      status = MLS_EXIT_FAILED;
    }
  else
    {
      status = advise (&o, store);
      mls_store_close (store);
    }
  g_ptr_array_free (o.rules, TRUE);
  g_strfreev (o.rule_names);
  g_free (o.format);
  return status;
}
