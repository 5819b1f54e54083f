/*
 * mls-span-details.c: the selected span's details (see
 * mls-span-details.h), laid out by mls-span-details.ui. The lines are
 * rebuilt each time the session's selected span changes; a line naming
 * another span links to it.
 */
#include "mls-span-details.h"

#include "mls-detail-item.h"
#include "mls-palette.h"
#include "mls-session-private.h"

/* Children listed at most: a prediction's, or a request's layers. */
#define MAX_CHILDREN 40
/* A line that links to a span: in the accent colour. */
#define LINK_STYLE "foreground=\"#3584e4\""

struct _MlsSpanDetailsPanel {
  GtkBox parent_instance;
  GtkWidget *title;
  GtkListView *list;
  GListStore *lines;        /* MlsDetailItem */
  MlsSession *session;
};

G_DEFINE_FINAL_TYPE (MlsSpanDetailsPanel, mls_span_details, GTK_TYPE_BOX)

enum { PROP_0, PROP_SESSION, N_PROPS };
static GParamSpec *props[N_PROPS];

/* A link's line: the span selected, and brought into view when it is
 * outside it. */
static void
on_activate (GtkListView *list, guint position, MlsSpanDetailsPanel *self)
{
  g_autoptr (MlsDetailItem) item =
    g_list_model_get_item (G_LIST_MODEL (self->lines), position);
  gint64 id = item ? mls_detail_item_get_span_id (item) : 0;
  MlsSession *s = self->session;
  MlsSpanDetails d;

  if (!s || id <= 0)
    return;
  mls_session_set_selected_span (s, id);
  if (mls_timeline_span_details (s->timeline, id, &d, NULL) == 0)
    {
      if (d.end_ns < s->view_start || d.start_ns > s->view_end)
        mls_session_pan (s, d.start_ns - (s->view_start + s->view_end) / 2);
      mls_span_details_clear (&d);
    }
}

static void
add_line (MlsSpanDetailsPanel *self, const char *name, const char *markup,
          gint64 span_id)
{
  g_autoptr (MlsDetailItem) item = mls_detail_item_new (name, markup,
                                                        span_id);

  g_list_store_append (self->lines, item);
}

static void
add_row (MlsSpanDetailsPanel *self, const char *name, const char *markup)
{
  add_line (self, name, markup, 0);
}

static void
add_text (MlsSpanDetailsPanel *self, const char *name, const char *text)
{
  g_autofree char *markup = text ? g_markup_escape_text (text, -1) : NULL;

  add_row (self, name, markup);
}

/* Each "key":value of the span's flat JSON arguments; sizes in bytes for
 * people ("768.0 KiB (786432 bytes)"). */
static void
add_args (MlsSpanDetailsPanel *self, const char *json)
{
  g_autoptr (GRegex) re = g_regex_new (
    "\"([^\"]+)\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[-0-9.eE+]+|true|false"
    "|null)", 0, 0, NULL);
  g_autoptr (GMatchInfo) m = NULL;

  if (!json)
    return;
  g_regex_match (re, json, 0, &m);
  for (; g_match_info_matches (m); g_match_info_next (m, NULL))
    {
      g_autofree char *key = g_match_info_fetch (m, 1);
      g_autofree char *raw = g_match_info_fetch (m, 2);
      g_autofree char *str = g_match_info_fetch (m, 3);
      g_autofree char *text = NULL;

      if (g_str_equal (key, "span_id"))
        continue;
      if (g_str_has_suffix (key, "bytes") && raw[0] != '"')
        {
          guint64 n = g_ascii_strtoull (raw, NULL, 10);
          g_autofree char *size = g_format_size_full (n, G_FORMAT_SIZE_IEC_UNITS);

          text = g_strdup_printf ("%s (%" G_GUINT64_FORMAT " bytes)", size, n);
        }
      else
        text = g_strdup (raw[0] == '"' ? str : raw);
      add_text (self, key, text);
    }
}

static char *
span_link (const MlsTimelineSpan *span, MlsSession *s)
{
  const MlsTimelineKind *k = mls_timeline_find_kind (s->timeline,
                                                     span->kind_id);
  g_autofree char *dur = mls_duration_text (span->end_ns - span->start_ns);

  return g_markup_printf_escaped ("<span " LINK_STYLE ">%s</span> %s%s%s",
                                  k ? k->label : "span", dur,
                                  span->label ? " · " : "",
                                  span->label ? span->label : "");
}

/* The parent named as the children are: its kind and duration (and the
 * model it worked for), not its number. */
static char *
parent_link (MlsSession *s, gint64 id)
{
  MlsSpanDetails p;
  g_autofree char *dur = NULL;
  char *link;

  if (mls_timeline_span_details (s->timeline, id, &p, NULL) < 0)
    return g_markup_printf_escaped ("<span " LINK_STYLE ">span %"
                                    G_GINT64_FORMAT "</span>", id);
  dur = mls_duration_text (p.dur_ns);
  link = g_markup_printf_escaped ("<span " LINK_STYLE ">%s</span> %s%s%s",
                                  p.kind, dur, p.model ? " · " : "",
                                  p.model ? p.model : "");
  mls_span_details_clear (&p);
  return link;
}

typedef struct {
  MlsSpanDetailsPanel *self;
  gint64 parent;
  int n;
} Children;

static void
on_child (const MlsTimelineSpan *span, void *data)
{
  Children *c = data;
  g_autofree char *link = NULL;

  if (span->parent_id != c->parent || c->n++ >= MAX_CHILDREN)
    return;
  link = span_link (span, c->self->session);
  add_line (c->self, c->n == 1 ? "Contains" : "", link, span->id);
}

static void
fill (MlsSpanDetailsPanel *self)
{
  MlsSession *s = self->session;
  MlsSpanDetails d;
  g_autofree char *start = NULL, *dur = NULL, *state = NULL, *span = NULL;
  Children children = { self, 0, 0 };

  g_list_store_remove_all (self->lines);
  if (!s || s->selected_span <= 0
      || mls_timeline_span_details (s->timeline, s->selected_span, &d,
                                    NULL) < 0)
    {
      gtk_label_set_text (GTK_LABEL (self->title),
                          "Click a span to see its details");
      return;
    }
  gtk_label_set_text (GTK_LABEL (self->title), d.kind);
  add_text (self, "Model", d.model);
  {
    g_autofree char *thread = g_strdup_printf (
      "%s%s%" G_GINT64_FORMAT " (process %" G_GINT64_FORMAT ")",
      d.thread ? d.thread : "", d.thread ? " " : "", d.tid, d.pid);

    add_text (self, "Thread", thread);
  }
  start = mls_format_offset (d.start_ns - s->trace_start, 1000,
                             d.start_ns - s->trace_start);
  add_text (self, "Start", start);
  dur = mls_duration_text (d.dur_ns);
  add_text (self, "Duration", dur);
  add_text (self, "Unit", d.unit[0] ? d.unit : NULL);
  state = g_strdup_printf ("%s%s%s", d.complete ? "complete"
                           : "incomplete, its end never seen: ",
                           d.complete ? "" : mls_cut_reason_label (d.cut),
                           d.status ? ", failed" : "");
  add_text (self, "State", state);
  if (d.parent_id)
    {
      g_autofree char *link = parent_link (s, d.parent_id);

      add_line (self, "Inside", link, d.parent_id);
    }
  children.parent = d.id;
  mls_timeline_descendants (s->timeline, d.id, 2000, on_child, &children,
                            NULL);
  if (children.n > MAX_CHILDREN)
    {
      g_autofree char *more = g_strdup_printf ("and %d more",
                                               children.n - MAX_CHILDREN);
      add_text (self, "", more);
    }
  add_args (self, d.args);
  span = g_strdup_printf ("#%" G_GINT64_FORMAT ", depth %d", d.id, d.depth);
  add_text (self, "Span", span);
  mls_span_details_clear (&d);
}

static void
on_selected_span (MlsSession *session, GParamSpec *pspec,
                  MlsSpanDetailsPanel *self)
{
  fill (self);
}

static void
mls_span_details_set_property (GObject *object, guint id,
                               const GValue *value, GParamSpec *pspec)
{
  MlsSpanDetailsPanel *self = MLS_SPAN_DETAILS (object);

  if (id != PROP_SESSION)
    {
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
      return;
    }
  if (self->session)
    g_signal_handlers_disconnect_by_data (self->session, self);
  g_set_object (&self->session, g_value_get_object (value));
  if (self->session)
    g_signal_connect_object (self->session, "notify::selected-span",
                             G_CALLBACK (on_selected_span), self, 0);
  fill (self);
}

static void
mls_span_details_get_property (GObject *object, guint id, GValue *value,
                               GParamSpec *pspec)
{
  if (id == PROP_SESSION)
    g_value_set_object (value, MLS_SPAN_DETAILS (object)->session);
  else
    G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
}

static void
mls_span_details_dispose (GObject *object)
{
  MlsSpanDetailsPanel *self = MLS_SPAN_DETAILS (object);

  g_clear_object (&self->session);
  g_clear_object (&self->lines);
  gtk_widget_dispose_template (GTK_WIDGET (self), MLS_TYPE_SPAN_DETAILS);
  G_OBJECT_CLASS (mls_span_details_parent_class)->dispose (object);
}

static void
mls_span_details_class_init (MlsSpanDetailsPanelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->set_property = mls_span_details_set_property;
  object_class->get_property = mls_span_details_get_property;
  object_class->dispose = mls_span_details_dispose;
  props[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL,
    MLS_TYPE_SESSION, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "mlsspandetails");
  g_type_ensure (MLS_TYPE_DETAIL_ITEM);
  gtk_widget_class_set_template_from_resource (GTK_WIDGET_CLASS (klass),
    "/org/mlscope/Viewer/mls-span-details.ui");
  gtk_widget_class_bind_template_child (GTK_WIDGET_CLASS (klass),
                                        MlsSpanDetailsPanel, title);
  gtk_widget_class_bind_template_child (GTK_WIDGET_CLASS (klass),
                                        MlsSpanDetailsPanel, list);
  gtk_widget_class_bind_template_callback (GTK_WIDGET_CLASS (klass),
                                           on_activate);
}

static void
mls_span_details_init (MlsSpanDetailsPanel *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->lines = g_list_store_new (MLS_TYPE_DETAIL_ITEM);
  gtk_list_view_set_model (self->list, GTK_SELECTION_MODEL (
    gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->lines)))));
  fill (self);
}
