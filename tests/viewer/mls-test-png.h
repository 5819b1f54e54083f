/*
 * mls-test-png.h: helpers for the viewer's tests: run mlscope-viewer from
 * the build tree and read back the pixels of what it drew.
 */
#ifndef MLS_TEST_PNG_H
#define MLS_TEST_PNG_H

#include <cairo.h>
#include <glib.h>

/* Path of a built program under MLSCOPE_BUILD_ROOT. */
char *mls_test_build_path (const char *relative);

/* Runs mlscope-viewer with argv (NULL-terminated, without argv[0]);
 * returns its exit status, its stderr in *err (may be NULL). */
int mls_test_run_viewer (const char *const *args, char **err);

cairo_surface_t *mls_test_load_png (const char *path);
/* 0xRRGGBB at (x, y). */
guint32 mls_test_pixel (cairo_surface_t *surface, int x, int y);
/* How many separate runs of rows hold at least one pixel of rgb between
 * columns x0 and x1: the number of lanes showing a colour. */
int mls_test_count_bands (cairo_surface_t *surface, guint32 rgb, int x0,
                          int x1);
/* First row (from y0 down) of the first band of rgb, -1 if none. */
int mls_test_find_band (cairo_surface_t *surface, guint32 rgb, int x0,
                        int x1, int y0);

#endif /* MLS_TEST_PNG_H */
