/*
 * mls-render.c: --render-png (see mls-render.h). Runs without GTK being
 * initialised: a cairo image surface, Pango through pangocairo, the store.
 */
#include "mls-render.h"

#include <cairo.h>
#include <stdlib.h>

#include "mls-timeline-draw.h"

#define MLS_RENDER_ERROR (g_quark_from_static_string ("mls-render-error"))

static gboolean
parse_time (const char *text, gint64 *ns)
{
  static const struct { const char *suffix; double scale; } units[] = {
    { "ns", 1 }, { "us", 1e3 }, { "µs", 1e3 }, { "ms", 1e6 }, { "s", 1e9 },
  };
  char *end = NULL;
  double value = g_ascii_strtod (text, &end);

  if (end == text)
    return FALSE;
  if (*end == '\0')
    {
      *ns = (gint64) value;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (units); i++)
    if (g_strcmp0 (end, units[i].suffix) == 0)
      {
        *ns = (gint64) (value * units[i].scale);
        return TRUE;
      }
  return FALSE;
}

gboolean
mls_render_parse_range (const char *text, gint64 *start, gint64 *end,
                        GError **error)
{
  g_auto (GStrv) parts = g_strsplit (text, ":", 2);

  if (g_strv_length (parts) != 2 || !parse_time (parts[0], start)
      || !parse_time (parts[1], end) || *end <= *start)
    {
      g_set_error (error, MLS_RENDER_ERROR, 1,
                   "--range %s: expected START:END with END > START, each a "
                   "number with an optional unit (ns, us, ms, s), e.g. "
                   "10ms:20ms", text);
      return FALSE;
    }
  return TRUE;
}

gboolean
mls_render_png (const char *trace_path, const char *png_path,
                const MlsRenderOptions *o, GError **error)
{
  MlsError err = { 0 };
  MlsStore *store;
  MlsTimeline *tl;
  MlsSession *session;
  MlsDrawStyle style;
  cairo_surface_t *surface;
  cairo_status_t status;
  cairo_t *cr;
  int height;

  store = mls_store_open (trace_path, &err);
  if (!store)
    {
      g_set_error (error, MLS_RENDER_ERROR, 2, "%s", err.message);
      return FALSE;
    }
  tl = mls_timeline_new (store, &err);
  if (!tl)
    {
      g_set_error (error, MLS_RENDER_ERROR, 2, "%s", err.message);
      mls_store_close (store);
      return FALSE;
    }
  session = mls_session_new (store, tl);
  g_object_set (session, "grouped", !o->ungrouped, "by-model", o->by_model,
                "by-thread", !o->shared, NULL);
  mls_session_set_highlight (session, o->highlight_kind,
                             o->highlight_model > 0 ? o->highlight_model : -1);
  mls_session_set_selected_span (session, o->span_id);
  mls_session_hide_processes (session, (const char *const *) o->hide_pids);
  if (o->has_range)
    mls_session_set_visible (session, session->trace_start + o->range_start,
                             session->trace_start + o->range_end);
  height = o->height > 0 ? o->height
                         : (int) (MLS_RULER_HEIGHT + session->pinned_height
                                  + session->content_height);

  mls_draw_style_init (&style, o->dark);
  surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, o->width, height);
  cr = cairo_create (surface);
  mls_draw_view (cr, session, &style, o->width, height);
  cairo_destroy (cr);
  status = cairo_surface_write_to_png (surface, png_path);
  cairo_surface_destroy (surface);
  g_object_unref (session);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, MLS_RENDER_ERROR, 3, "%s: cannot write the PNG: %s",
                   png_path, cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

int
mls_render_main (int argc, char **argv)
{
  g_autofree char *png = NULL, *range = NULL;
  MlsRenderOptions o = { .width = 1200 };
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GError) error = NULL;
  GOptionEntry entries[] = {
    { "render-png", 0, 0, G_OPTION_ARG_FILENAME, &png,
      "Draw the timeline into OUT.png, with no display", "OUT.png" },
    { "width", 0, 0, G_OPTION_ARG_INT, &o.width, "Image width (1200)", "W" },
    { "height", 0, 0, G_OPTION_ARG_INT, &o.height,
      "Image height (default: all tracks)", "H" },
    { "range", 0, 0, G_OPTION_ARG_STRING, &range,
      "Time range shown, offsets from the trace start", "START:END" },
    { "ungrouped", 0, 0, G_OPTION_ARG_NONE, &o.ungrouped,
      "One lane per span kind", NULL },
    { "by-model", 0, 0, G_OPTION_ARG_NONE, &o.by_model,
      "One sub-track per model", NULL },
    { "shared", 0, 0, G_OPTION_ARG_NONE, &o.shared,
      "Lanes shared by every thread, overlapping spans stacked (default: "
      "a group per process, rows per thread)", NULL },
    { "hide-pid", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.hide_pids,
      "Leave this process out (repeatable)", "PID" },
    { "span", 0, 0, G_OPTION_ARG_INT64, &o.span_id,
      "Select this span: outlined, with what it contains", "ID" },
    { "highlight-model", 0, 0, G_OPTION_ARG_INT64, &o.highlight_model,
      "With --highlight-kind: that kind of this model id only", "ID" },
    { "dark", 0, 0, G_OPTION_ARG_NONE, &o.dark, "Dark colours", NULL },
    { "highlight-kind", 0, 0, G_OPTION_ARG_INT, &o.highlight_kind,
      "Dim every span kind but this id", "KIND" },
    { NULL }
  };

  context = g_option_context_new ("FILE.mlscope");
  g_option_context_set_summary (context,
    "Draws the timeline of an mlscope trace database into a PNG.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("mlscope-viewer: %s\n", error->message);
      return 2;
    }
  if (argc != 2 || !png)
    {
      g_printerr ("mlscope-viewer: usage: mlscope-viewer --render-png OUT.png"
                  " [--width W --height H] [--range START:END] [--ungrouped]"
                  " [--by-model] [--shared] [--hide-pid PID] FILE.mlscope\n");
      return 2;
    }
  if (o.width < 200 || o.width > 20000 || o.height < 0 || o.height > 20000)
    {
      g_printerr ("mlscope-viewer: --width must be 200..20000 and --height "
                  "0..20000\n");
      return 2;
    }
  if (range && !mls_render_parse_range (range, &o.range_start, &o.range_end,
                                        &error))
    {
      g_printerr ("mlscope-viewer: %s\n", error->message);
      return 2;
    }
  o.has_range = range != NULL;
  if (!mls_render_png (argv[1], png, &o, &error))
    {
      g_printerr ("mlscope-viewer: %s\n", error->message);
      g_strfreev (o.hide_pids);
      return 1;
    }
  g_strfreev (o.hide_pids);
  return 0;
}
