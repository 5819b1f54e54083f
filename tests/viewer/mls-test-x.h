/*
 * mls-test-x.h: the real viewer window under its own Xvfb, for the
 * window tests: the X server (-displayfd, ended with the test), the
 * viewer started on a file and waited for (its MLSCOPE_VIEWER_SNAPSHOT
 * picture), the whole screen read back with xwd as 0xRRGGBB pixels, and
 * real input through xdotool. With no window manager the window sits at
 * 0,0.
 */
#ifndef MLS_TEST_X_H
#define MLS_TEST_X_H

#include <gio/gio.h>

typedef struct {
  guint32 *pixels;
  int width, height;
} MlsScreen;

/* Starts Xvfb; dir holds the screenshots. Returns the display (":N"). */
const char *mls_test_xvfb_start (const char *dir);
void mls_test_xvfb_end (void);

/* The viewer on path (then the options in extra, NULL-terminated, or
 * NULL), once it saved its own snapshot; its stderr goes to log. */
GSubprocess *mls_test_viewer_start_with (const char *path,
                                         const char *const *extra,
                                         const char *snapshot,
                                         const char *log);
GSubprocess *mls_test_viewer_start (const char *path, const char *snapshot,
                                    const char *log);
/* Alive and not a zombie (no main loop runs to notice an exit). */
gboolean mls_test_is_running (GSubprocess *process);
void mls_test_stop (GSubprocess *process);

/* Waits up to seconds for a window titled title (a file chooser, a
 * second window) to be shown, or with shown FALSE to be gone; FALSE if
 * it did not come to that. */
gboolean mls_test_wait_window (const char *title, gboolean shown,
                               int seconds);
/* Once the file chooser titled title shows, types path (no spaces) into
 * it and takes it with Return, as a user would. */
void mls_test_choose (const char *title, const char *path);

/* The screen, after time for input to be handled and a frame drawn. */
void mls_test_grab (MlsScreen *screen);
void mls_test_xdotool (const char *args);
/* The viewer's shown popup (a popover or a menu: the largest window
 * named after the program, where the main window bears the file's name)
 * as it draws itself (its part on the screen), and where that part is on
 * the screen; FALSE if none is
 * shown. Xvfb's root image leaves such 32-bit windows out (its Composite
 * extension redirects them), so they are read on their own. */
gboolean mls_test_grab_popup (MlsScreen *popup, int *x, int *y);

/* The bounding box of rgb's pixels right of the lane labels, above
 * y 540; FALSE if there are none. */
gboolean mls_test_find_colour (const MlsScreen *screen, guint32 rgb,
                               int *x0, int *x1, int *y0, int *y1);
/* The horizontal extent of rgb right of the lane labels in rows
 * [ya, yb]. */
gboolean mls_test_find_rows (const MlsScreen *screen, guint32 rgb, int ya,
                             int yb, int *x0, int *x1);
/* The topmost y of rgb in the table's colour squares (x < 80). */
gboolean mls_test_find_swatch (const MlsScreen *screen, guint32 rgb,
                               int *y);
/* How many pixels of row y, x0 to x1, are rgb. */
int mls_test_count_colour (const MlsScreen *screen, guint32 rgb, int x0,
                           int x1, int y);

#endif /* MLS_TEST_X_H */
