/*
 * mls-advise-text.c: the advise rules' messages filled in from their
 * query's row (the placeholders are described in mls-advise.h). Plain C
 * and SQLite, like the rest of the store.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sqlite3.h>

#include "mls-advise.h"
#include "mls-format.h"

typedef struct {
  char *data;
  size_t len, allocated;
  int failed;
} Text;

static void
append (Text *t, const char *s, size_t n)
{
  if (t->failed)
    return;
  if (t->len + n + 1 > t->allocated)
    {
      size_t allocated = 2 * (t->len + n + 1) + 64;
      char *bigger = realloc (t->data, allocated);
      if (bigger == NULL)
        {
          t->failed = 1;
          return;
        }
      t->data = bigger;
      t->allocated = allocated;
    }
  memcpy (t->data + t->len, s, n);
  t->len += n;
  t->data[t->len] = '\0';
}

static void
append_str (Text *t, const char *s)
{
  append (t, s, strlen (s));
}

/* The column of the row named NAME (LEN bytes), or -1. */
static int
column_named (sqlite3_stmt *row, const char *name, size_t len)
{
  for (int c = 0; c < sqlite3_column_count (row); c++)
    {
      const char *column = sqlite3_column_name (row, c);
      if (strlen (column) == len && memcmp (column, name, len) == 0)
        return c;
    }
  return -1;
}

static int
is_set (sqlite3_stmt *row, int c)
{
  switch (sqlite3_column_type (row, c))
    {
    case SQLITE_INTEGER: return sqlite3_column_int64 (row, c) != 0;
    case SQLITE_FLOAT: return sqlite3_column_double (row, c) != 0;
    case SQLITE_NULL: return 0;
    default: return sqlite3_column_bytes (row, c) > 0;
    }
}

/* A column's value as written in a sentence: integers whole, other
 * numbers to three significant digits (whole above 100). */
static void
append_plain (Text *t, sqlite3_stmt *row, int c)
{
  char buf[64];
  double x;

  switch (sqlite3_column_type (row, c))
    {
    case SQLITE_INTEGER:
      snprintf (buf, sizeof buf, "%lld",
                (long long) sqlite3_column_int64 (row, c));
      break;
    case SQLITE_FLOAT:
      x = sqlite3_column_double (row, c);
      snprintf (buf, sizeof buf, fabs (x) >= 100 ? "%.0f" : "%.3g", x);
      break;
    case SQLITE_NULL:
      snprintf (buf, sizeof buf, "?");
      break;
    default:
      append_str (t, (const char *) sqlite3_column_text (row, c));
      return;
    }
  append_str (t, buf);
}

static void
append_value (Text *t, sqlite3_stmt *row, int c, const char *format,
              size_t format_len, int64_t trace_start_ns)
{
  char buf[MLS_DURATION_TEXT_MAX];
  double x = sqlite3_column_double (row, c);

  if (format_len == 0 || sqlite3_column_type (row, c) == SQLITE_NULL)
    append_plain (t, row, c);
  else if (format_len == 2 && memcmp (format, "ns", 2) == 0)
    append_str (t, mls_format_duration (x, buf, sizeof buf));
  else if (format_len == 4 && memcmp (format, "time", 4) == 0)
    append_str (t, mls_format_duration (x - (double) trace_start_ns, buf,
                                        sizeof buf));
  else if (format_len == 1 && format[0] == '%')
    {
      snprintf (buf, sizeof buf, "%.1f%%", 100 * x);
      append_str (t, buf);
    }
  else
    append_plain (t, row, c);
}

/* Where the section opened before P ends: just past its "{/}", or the
 * end of the template. */
static const char *
skip_section (const char *p)
{
  const char *end = strstr (p, "{/}");
  return end ? end + 3 : p + strlen (p);
}

static void
note_missing (char *missing, size_t size, const char *name, size_t len)
{
  snprintf (missing, size, "%.*s", (int) len, name);
}

char *
mls_advise_fill (const char *template_text, sqlite3_stmt *row,
                 int64_t trace_start_ns, char *missing, size_t missing_size)
{
  Text t = { 0 };
  const char *p = template_text;

  missing[0] = '\0';
  append (&t, "", 0);
  while (*p && !t.failed)
    {
      const char *open = strchr (p, '{');
      const char *close = open ? strchr (open, '}') : NULL;
      const char *name, *colon;
      size_t len;
      int c;

      if (open == NULL || close == NULL)
        {
          append_str (&t, p);
          break;
        }
      append (&t, p, open - p);
      p = close + 1;
      name = open + 1 + (open[1] == '?' || open[1] == '!');
      if (close == open + 2 && open[1] == '/')
        continue;
      colon = memchr (name, ':', close - name);
      len = (colon ? colon : close) - name;
      if ((c = column_named (row, name, len)) < 0)
        {
          note_missing (missing, missing_size, name, len);
          free (t.data);
          return NULL;
        }
      if (open[1] == '?' || open[1] == '!')
        {
          if (is_set (row, c) != (open[1] == '?'))
            p = skip_section (p);
          continue;
        }
      append_value (&t, row, c, colon ? colon + 1 : "",
                    colon ? (size_t) (close - colon - 1) : 0,
                    trace_start_ns);
    }
  if (t.failed)
    {
      free (t.data);
      return NULL;
    }
  return t.data;
}
