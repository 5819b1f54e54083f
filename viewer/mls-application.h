/*
 * mls-application.h: the GtkApplication org.mlscope.Viewer: a window per
 * trace given on the command line, or an empty one.
 */
#ifndef MLS_APPLICATION_H
#define MLS_APPLICATION_H

#include <gtk/gtk.h>

int mls_application_run (int argc, char **argv);

#endif /* MLS_APPLICATION_H */
