/*
 * mls-process-item.c: processes and threads as list items (see
 * mls-process-item.h).
 */
#include "mls-process-item.h"

struct _MlsThreadItem {
  GObject parent_instance;
  gint64 pid;
  gint64 tid;
  char *name;
  gboolean visible;
};

struct _MlsProcessItem {
  GObject parent_instance;
  gint64 pid;
  char *name;
  GListStore *threads;
  gboolean visible;
};

G_DEFINE_FINAL_TYPE (MlsThreadItem, mls_thread_item, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE (MlsProcessItem, mls_process_item, G_TYPE_OBJECT)

enum { T_PROP_0, T_PROP_PID, T_PROP_TID, T_PROP_NAME, T_PROP_LABEL,
       T_PROP_VISIBLE, T_N_PROPS };
enum { P_PROP_0, P_PROP_PID, P_PROP_NAME, P_PROP_LABEL, P_PROP_VISIBLE,
       P_PROP_THREADS, P_PROP_N_THREADS, P_N_PROPS };
static GParamSpec *thread_props[T_N_PROPS];
static GParamSpec *process_props[P_N_PROPS];

static void
mls_thread_item_get_property (GObject *object, guint id, GValue *value,
                              GParamSpec *pspec)
{
  MlsThreadItem *self = MLS_THREAD_ITEM (object);

  switch (id)
    {
    case T_PROP_PID: g_value_set_int64 (value, self->pid); break;
    case T_PROP_TID: g_value_set_int64 (value, self->tid); break;
    case T_PROP_NAME: g_value_set_string (value, self->name); break;
    case T_PROP_LABEL:
      g_value_take_string (value, g_strdup_printf (
        "%s%s%" G_GINT64_FORMAT "%s", self->name ? self->name : "",
        self->name ? "  " : "thread ", self->tid,
        self->tid == self->pid ? " (main)" : ""));
      break;
    case T_PROP_VISIBLE: g_value_set_boolean (value, self->visible); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_thread_item_set_property (GObject *object, guint id, const GValue *value,
                              GParamSpec *pspec)
{
  MlsThreadItem *self = MLS_THREAD_ITEM (object);

  switch (id)
    {
    case T_PROP_VISIBLE:
      mls_thread_item_set_visible (self, g_value_get_boolean (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_thread_item_finalize (GObject *object)
{
  g_free (MLS_THREAD_ITEM (object)->name);
  G_OBJECT_CLASS (mls_thread_item_parent_class)->finalize (object);
}

static void
mls_thread_item_class_init (MlsThreadItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = mls_thread_item_get_property;
  object_class->set_property = mls_thread_item_set_property;
  object_class->finalize = mls_thread_item_finalize;
  thread_props[T_PROP_PID] = g_param_spec_int64 ("pid", NULL, NULL,
    0, G_MAXINT64, 0, ro);
  thread_props[T_PROP_TID] = g_param_spec_int64 ("tid", NULL, NULL,
    0, G_MAXINT64, 0, ro);
  thread_props[T_PROP_NAME] = g_param_spec_string ("name", NULL, NULL,
    NULL, ro);
  thread_props[T_PROP_LABEL] = g_param_spec_string ("label", NULL, NULL,
    NULL, ro);
  thread_props[T_PROP_VISIBLE] = g_param_spec_boolean ("visible", NULL, NULL,
    TRUE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
          | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, T_N_PROPS, thread_props);
}

static void
mls_thread_item_init (MlsThreadItem *self)
{
  self->visible = TRUE;
}

MlsThreadItem *
mls_thread_item_new (gint64 pid, gint64 tid, const char *name)
{
  MlsThreadItem *self = g_object_new (MLS_TYPE_THREAD_ITEM, NULL);

  self->pid = pid;
  self->tid = tid;
  self->name = g_strdup (name);
  return self;
}

gint64 mls_thread_item_get_pid (MlsThreadItem *self) { return self->pid; }
gint64 mls_thread_item_get_tid (MlsThreadItem *self) { return self->tid; }

gboolean
mls_thread_item_get_visible (MlsThreadItem *self)
{
  return self->visible;
}

void
mls_thread_item_set_visible (MlsThreadItem *self, gboolean visible)
{
  if (self->visible == !!visible)
    return;
  self->visible = !!visible;
  g_object_notify_by_pspec (G_OBJECT (self), thread_props[T_PROP_VISIBLE]);
}

/* A process is visible while any of its threads is. */
static gboolean
any_thread_visible (MlsProcessItem *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->threads));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MlsThreadItem) t = g_list_model_get_item (
        G_LIST_MODEL (self->threads), i);

      if (t->visible)
        return TRUE;
    }
  return n == 0 && self->visible;
}

static void
on_thread_visible (MlsThreadItem *thread, GParamSpec *pspec,
                   MlsProcessItem *self)
{
  gboolean visible = any_thread_visible (self);

  if (visible == self->visible)
    return;
  self->visible = visible;
  g_object_notify_by_pspec (G_OBJECT (self), process_props[P_PROP_VISIBLE]);
}

static void
mls_process_item_get_property (GObject *object, guint id, GValue *value,
                               GParamSpec *pspec)
{
  MlsProcessItem *self = MLS_PROCESS_ITEM (object);

  switch (id)
    {
    case P_PROP_PID: g_value_set_int64 (value, self->pid); break;
    case P_PROP_NAME: g_value_set_string (value, self->name); break;
    case P_PROP_LABEL:
      g_value_take_string (value, g_strdup_printf (
        "%s  pid %" G_GINT64_FORMAT, self->name ? self->name : "process",
        self->pid));
      break;
    case P_PROP_VISIBLE: g_value_set_boolean (value, self->visible); break;
    case P_PROP_THREADS: g_value_set_object (value, self->threads); break;
    case P_PROP_N_THREADS:
      g_value_set_uint (value, g_list_model_get_n_items (
        G_LIST_MODEL (self->threads)));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_process_item_set_property (GObject *object, guint id,
                               const GValue *value, GParamSpec *pspec)
{
  MlsProcessItem *self = MLS_PROCESS_ITEM (object);

  switch (id)
    {
    case P_PROP_VISIBLE:
      mls_process_item_set_visible (self, g_value_get_boolean (value));
      break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
mls_process_item_dispose (GObject *object)
{
  MlsProcessItem *self = MLS_PROCESS_ITEM (object);

  g_clear_object (&self->threads);
  g_clear_pointer (&self->name, g_free);
  G_OBJECT_CLASS (mls_process_item_parent_class)->dispose (object);
}

static void
mls_process_item_class_init (MlsProcessItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS;

  object_class->get_property = mls_process_item_get_property;
  object_class->set_property = mls_process_item_set_property;
  object_class->dispose = mls_process_item_dispose;
  process_props[P_PROP_PID] = g_param_spec_int64 ("pid", NULL, NULL,
    0, G_MAXINT64, 0, ro);
  process_props[P_PROP_NAME] = g_param_spec_string ("name", NULL, NULL,
    NULL, ro);
  process_props[P_PROP_LABEL] = g_param_spec_string ("label", NULL, NULL,
    NULL, ro);
  process_props[P_PROP_VISIBLE] = g_param_spec_boolean ("visible", NULL,
    NULL, TRUE, G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS
                | G_PARAM_EXPLICIT_NOTIFY);
  process_props[P_PROP_THREADS] = g_param_spec_object ("threads", NULL, NULL,
    G_TYPE_LIST_MODEL, ro);
  process_props[P_PROP_N_THREADS] = g_param_spec_uint ("n-threads", NULL,
    NULL, 0, G_MAXUINT, 0, ro);
  g_object_class_install_properties (object_class, P_N_PROPS, process_props);
}

static void
mls_process_item_init (MlsProcessItem *self)
{
  self->visible = TRUE;
}

MlsProcessItem *
mls_process_item_new (gint64 pid, const char *name, GListStore *threads)
{
  MlsProcessItem *self = g_object_new (MLS_TYPE_PROCESS_ITEM, NULL);
  guint n = g_list_model_get_n_items (G_LIST_MODEL (threads));

  self->pid = pid;
  self->name = g_strdup (name);
  self->threads = threads;
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MlsThreadItem) t = g_list_model_get_item (
        G_LIST_MODEL (threads), i);

      g_signal_connect_object (t, "notify::visible",
                               G_CALLBACK (on_thread_visible), self, 0);
    }
  return self;
}

gint64 mls_process_item_get_pid (MlsProcessItem *self) { return self->pid; }

GListModel *
mls_process_item_get_threads (MlsProcessItem *self)
{
  return G_LIST_MODEL (self->threads);
}

gboolean
mls_process_item_get_visible (MlsProcessItem *self)
{
  return self->visible;
}

void
mls_process_item_set_visible (MlsProcessItem *self, gboolean visible)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->threads));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (MlsThreadItem) t = g_list_model_get_item (
        G_LIST_MODEL (self->threads), i);

      mls_thread_item_set_visible (t, visible);
    }
  if (n == 0 && self->visible != !!visible)
    {
      self->visible = !!visible;
      g_object_notify_by_pspec (G_OBJECT (self),
                                process_props[P_PROP_VISIBLE]);
    }
}
