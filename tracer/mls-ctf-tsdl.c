/*
 * mls-ctf-tsdl.c: the part of CTF 1.8's metadata language (TSDL) that
 * describes packets, parsed into types (see mls-ctf-tsdl.h).
 *
 * babeltrace2 keeps its TSDL parser to itself and hangs or gives up on the
 * damaged traces the collector needs packet layouts for, so this file
 * reads typealiases of integers, named and anonymous structures, arrays,
 * enums, the trace's byte order, UUID and packet header, each stream's id
 * and packet context, and the clock's frequency. Anything else is skipped;
 * a type of unknown size (a string, a variant, a sequence) is kept as
 * such, for the layout to stop at.
 */
#include <string.h>

#include "mls-ctf-tsdl.h"

/* Deeper nesting than any packet header: a guard against hostile input. */
#define MAX_DEPTH 16

typedef MlsTsdlType Type;

typedef struct {
  GPtrArray *tokens;        /* char * */
  guint pos;
  GHashTable *aliases;      /* name -> Type * (owned by tsdl->types) */
  GHashTable *structs;
  MlsTsdl *tsdl;
  int depth;
} Parser;

/* ---- tokens ---- */

static void
tokenize (const char *s, GPtrArray *tokens)
{
  while (*s)
    {
      const char *start = s;
      if (g_ascii_isspace (*s))
        s++;
      else if (s[0] == '/' && s[1] == '*')
        {
          const char *end = strstr (s + 2, "*/");
          s = end ? end + 2 : s + strlen (s);
        }
      else if (s[0] == '/' && s[1] == '/')
        s += strcspn (s, "\n");
      else if (g_ascii_isalnum (*s) || *s == '_')
        {
          while (g_ascii_isalnum (*s) || *s == '_')
            s++;
          g_ptr_array_add (tokens, g_strndup (start, s - start));
        }
      else if (*s == '"')
        {
          for (s++; *s && *s != '"'; s++)
            if (*s == '\\' && s[1])
              s++;
          s += *s == '"';
          g_ptr_array_add (tokens, g_strndup (start, s - start));
        }
      else if (s[0] == ':' && s[1] == '=')
        {
          g_ptr_array_add (tokens, g_strdup (":="));
          s += 2;
        }
      else
        {
          g_ptr_array_add (tokens, g_strndup (s, 1));
          s++;
        }
    }
}

static const char *
peek (Parser *p, guint ahead)
{
  guint i = p->pos + ahead;
  return i < p->tokens->len ? g_ptr_array_index (p->tokens, i) : "";
}

static gboolean
is (Parser *p, const char *token)
{
  return strcmp (peek (p, 0), token) == 0;
}

static gboolean
accept (Parser *p, const char *token)
{
  if (!is (p, token))
    return FALSE;
  p->pos++;
  return TRUE;
}

static gboolean
at_end (Parser *p)
{
  return p->pos >= p->tokens->len;
}

/* Whether t is a whole string literal, both quotes there: metadata cut
 * inside one leaves an opening quote without its end. */
static gboolean
is_string (const char *t)
{
  size_t n = strlen (t);

  return n >= 2 && t[0] == '"' && t[n - 1] == '"';
}

static gboolean
is_identifier (const char *t)
{
  return (g_ascii_isalpha (t[0]) || t[0] == '_');
}

/* Skips a balanced {...}, [...] or (...) starting at the current token. */
static void
skip_balanced (Parser *p)
{
  int depth = 0;

  do
    {
      const char *t = peek (p, 0);
      if (strchr ("{[(", t[0]) && t[1] == '\0')
        depth++;
      else if (strchr ("}])", t[0]) && t[1] == '\0')
        depth--;
      p->pos++;
    }
  while (depth > 0 && !at_end (p));
}

/* Skips to the end of the current statement: its ';' at depth 0. */
static void
skip_statement (Parser *p)
{
  while (!at_end (p) && !is (p, ";") && !is (p, "}"))
    {
      if (is (p, "{") || is (p, "(") || is (p, "["))
        skip_balanced (p);
      else
        p->pos++;
    }
  accept (p, ";");
}

static gboolean
number (const char *t, guint64 *value)
{
  char *end;

  if (!g_ascii_isdigit (t[0]))
    return FALSE;
  *value = g_ascii_strtoull (t, &end, 0);
  return *end == '\0';
}

/* ---- types ---- */

static Type *
type_new (Parser *p, MlsTsdlKind kind)
{
  Type *t = g_new0 (Type, 1);

  t->kind = kind;
  g_ptr_array_add (p->tsdl->types, t);
  return t;
}

static void
type_free (gpointer data)
{
  Type *t = data;

  if (t->members)
    {
      for (guint i = 0; i < t->members->len; i++)
        g_free (g_array_index (t->members, MlsTsdlMember, i).name);
      g_array_free (t->members, TRUE);
    }
  g_free (t);
}

static Type *parse_type (Parser *p);

/* integer { size = N; align = N; ... } */
static Type *
parse_integer (Parser *p)
{
  Type *t = type_new (p, MLS_TSDL_INT);
  gboolean aligned = FALSE;

  if (!accept (p, "{"))
    return type_new (p, MLS_TSDL_UNKNOWN);
  while (!at_end (p) && !accept (p, "}"))
    {
      guint64 v;
      const char *key = peek (p, 0);

      if (strcmp (peek (p, 1), "=") == 0 && number (peek (p, 2), &v))
        {
          if (strcmp (key, "size") == 0)
            t->size = v;
          else if (strcmp (key, "align") == 0)
            {
              t->align = v;
              aligned = TRUE;
            }
        }
      skip_statement (p);
    }
  if (!aligned)
    t->align = t->size % 8 == 0 ? 8 : 1;
  if (t->size == 0 || t->size > 64 || t->align == 0)
    t->kind = MLS_TSDL_UNKNOWN;
  return t;
}

static void
parse_align (Parser *p, Type *t)
{
  guint64 v;

  if (accept (p, "align") && accept (p, "(") && number (peek (p, 0), &v))
    {
      p->pos++;
      accept (p, ")");
      if (v > t->align)
        t->align = v;
    }
}

static gboolean parse_members (Parser *p, Type *s);

/* struct [NAME] [{ members }] [align(N)] */
static Type *
parse_struct (Parser *p)
{
  char *name = is_identifier (peek (p, 0)) && !is (p, "align")
               ? g_strdup (peek (p, 0)) : NULL;
  Type *t;

  if (name)
    p->pos++;
  if (is (p, "{"))
    {
      t = type_new (p, MLS_TSDL_STRUCT);
      t->members = g_array_new (FALSE, FALSE, sizeof (MlsTsdlMember));
      t->align = 1;
      p->pos++;
      if (!parse_members (p, t))
        t->kind = MLS_TSDL_UNKNOWN;
      parse_align (p, t);
      if (name)
        g_hash_table_replace (p->structs, g_strdup (name), t);
    }
  else
    {
      t = name ? g_hash_table_lookup (p->structs, name) : NULL;
      if (t == NULL)
        t = type_new (p, MLS_TSDL_UNKNOWN);
    }
  g_free (name);
  return t;
}

/* enum [NAME] : TYPE { ... }: as wide as its integer type. */
static Type *
parse_enum (Parser *p)
{
  Type *base;

  if (is_identifier (peek (p, 0)) && !is (p, ":"))
    p->pos++;
  if (!accept (p, ":"))
    return type_new (p, MLS_TSDL_UNKNOWN);
  base = parse_type (p);
  if (is (p, "{"))
    skip_balanced (p);
  return base;
}

/* A type named by identifiers ("uint32_t", "unsigned long"): the longest
 * run that is a known alias, leaving the declarator's name. */
static Type *
parse_named (Parser *p)
{
  guint n = 0;

  while (is_identifier (peek (p, n)))
    n++;
  for (guint take = n > 1 ? n - 1 : n; take > 0; take--)
    {
      GString *name = g_string_new (peek (p, 0));
      Type *t;

      for (guint i = 1; i < take; i++)
        g_string_append_printf (name, " %s", peek (p, i));
      t = g_hash_table_lookup (p->aliases, name->str);
      g_string_free (name, TRUE);
      if (t)
        {
          p->pos += take;
          return t;
        }
    }
  p->pos += n > 1 ? n - 1 : n;
  return type_new (p, MLS_TSDL_UNKNOWN);
}

static Type *
parse_type (Parser *p)
{
  Type *t;

  if (++p->depth > MAX_DEPTH)
    {
      p->tsdl->too_deep = TRUE;
      p->depth--;
      return type_new (p, MLS_TSDL_UNKNOWN);
    }
  if (accept (p, "integer"))
    t = parse_integer (p);
  else if (accept (p, "struct"))
    t = parse_struct (p);
  else if (accept (p, "enum"))
    t = parse_enum (p);
  else if (accept (p, "string") || accept (p, "variant")
           || accept (p, "floating_point"))
    {
      /* variant [NAME] [<TAG>] [{ ... }], string [{ ... }]: sizes known
       * only from the data. */
      if (is_identifier (peek (p, 0)) && (strcmp (peek (p, 1), "<") == 0
                                          || strcmp (peek (p, 1), "{") == 0))
        p->pos++;
      if (accept (p, "<"))
        while (!at_end (p) && !accept (p, ">"))
          p->pos++;
      if (is (p, "{"))
        skip_balanced (p);
      t = type_new (p, MLS_TSDL_UNKNOWN);
    }
  else
    t = parse_named (p);
  p->depth--;
  return t;
}

/* NAME [N]... ; for member `type` of struct `s`. */
static void
parse_declarator (Parser *p, Type *s, Type *type)
{
  char *name = g_strdup (peek (p, 0));
  MlsTsdlMember m;

  p->pos++;
  while (accept (p, "["))
    {
      guint64 count;
      Type *array = type_new (p, MLS_TSDL_ARRAY);
      if (number (peek (p, 0), &count))
        {
          array->element = type;
          array->count = count;
          p->pos++;
        }
      else
        array->kind = MLS_TSDL_UNKNOWN;
      while (!at_end (p) && !accept (p, "]"))
        p->pos++;
      type = array;
    }
  m.name = name;
  m.type = type;
  g_array_append_val (s->members, m);
  skip_statement (p);
}

static gboolean
parse_members (Parser *p, Type *s)
{
  while (!at_end (p) && !accept (p, "}"))
    {
      Type *type = parse_type (p);

      if (p->tsdl->too_deep)
        return FALSE;
      if (is_identifier (peek (p, 0)))
        parse_declarator (p, s, type);
      else
        skip_statement (p);
    }
  return TRUE;
}

/* ---- top level ---- */

/* typealias TYPE := NAME... ; */
static void
parse_typealias (Parser *p)
{
  Type *t = parse_type (p);
  GString *name = g_string_new (NULL);

  if (accept (p, ":="))
    while (is_identifier (peek (p, 0)))
      {
        g_string_append_printf (name, "%s%s", name->len ? " " : "",
                                peek (p, 0));
        p->pos++;
      }
  if (name->len)
    g_hash_table_replace (p->aliases, g_strdup (name->str), t);
  g_string_free (name, TRUE);
  skip_statement (p);
}

/* The key of a block entry: "packet.header", "byte_order", "id". */
static char *
entry_key (Parser *p)
{
  GString *key = g_string_new (NULL);

  while (is_identifier (peek (p, 0)) || is (p, "."))
    {
      g_string_append (key, peek (p, 0));
      p->pos++;
    }
  return g_string_free (key, FALSE);
}

/* trace { ... }, stream { ... }, clock { ... }: the entries this file
 * needs; the rest is skipped. */
static void
parse_block (Parser *p, const char *what)
{
  MlsTsdlStream stream = { 0, NULL };

  if (!accept (p, "{"))
    return;
  while (!at_end (p) && !p->tsdl->too_deep && !accept (p, "}"))
    {
      char *key = entry_key (p);
      guint64 v;

      if (accept (p, ":=") && (strcmp (key, "packet.header") == 0
                               || strcmp (key, "packet.context") == 0))
        {
          Type *t = parse_type (p);
          if (strcmp (what, "trace") == 0
              && strcmp (key, "packet.header") == 0)
            p->tsdl->header = t;
          else if (strcmp (what, "stream") == 0
                   && strcmp (key, "packet.context") == 0)
            stream.context = t;
        }
      else if (accept (p, "="))
        {
          if (strcmp (what, "trace") == 0 && strcmp (key, "byte_order") == 0)
            p->tsdl->big_endian = is (p, "be") || is (p, "network");
          else if (strcmp (what, "trace") == 0 && strcmp (key, "uuid") == 0
                   && is_string (peek (p, 0)) && p->tsdl->uuid == NULL)
            p->tsdl->uuid = g_strndup (peek (p, 0) + 1,
                                       strlen (peek (p, 0)) - 2);
          else if (strcmp (what, "stream") == 0 && strcmp (key, "id") == 0
                   && number (peek (p, 0), &v))
            stream.id = v;
          else if (strcmp (what, "clock") == 0 && strcmp (key, "freq") == 0
                   && number (peek (p, 0), &v)
                   && p->tsdl->clock_freq == 0)
            p->tsdl->clock_freq = v;
        }
      g_free (key);
      skip_statement (p);
    }
  accept (p, ";");
  if (strcmp (what, "stream") == 0)
    g_array_append_val (p->tsdl->streams, stream);
}

static void
parse_top (Parser *p)
{
  while (!at_end (p) && !p->tsdl->too_deep)
    {
      if (accept (p, "typealias"))
        parse_typealias (p);
      else if (is (p, "trace") || is (p, "stream") || is (p, "clock"))
        {
          const char *what = peek (p, 0);
          p->pos++;
          parse_block (p, what);
        }
      else if (is (p, "struct"))
        {
          p->pos++;
          parse_struct (p);
          skip_statement (p);
        }
      else if (is (p, "{"))
        {
          skip_balanced (p);
          accept (p, ";");
        }
      else
        {
          p->pos++;
          if (is (p, "{"))
            {
              skip_balanced (p);
              accept (p, ";");
            }
        }
    }
}

MlsTsdl *
mls_tsdl_parse (const char *text)
{
  Parser p = { 0 };
  MlsTsdl *tsdl = g_new0 (MlsTsdl, 1);

  tsdl->types = g_ptr_array_new_with_free_func (type_free);
  tsdl->streams = g_array_new (FALSE, FALSE, sizeof (MlsTsdlStream));
  p.tsdl = tsdl;
  p.tokens = g_ptr_array_new_with_free_func (g_free);
  p.aliases = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  p.structs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  tokenize (text, p.tokens);
  parse_top (&p);
  g_ptr_array_free (p.tokens, TRUE);
  g_hash_table_destroy (p.aliases);
  g_hash_table_destroy (p.structs);
  return tsdl;
}

void
mls_tsdl_free (MlsTsdl *tsdl)
{
  if (tsdl == NULL)
    return;
  g_ptr_array_free (tsdl->types, TRUE);
  g_array_free (tsdl->streams, TRUE);
  g_free (tsdl->uuid);
  g_free (tsdl);
}
