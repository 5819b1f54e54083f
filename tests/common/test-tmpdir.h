/*
 * test-tmpdir.h: scratch directories for the tests of every part of
 * mlscope (runtime, examples, report, tracer, viewer), made fresh under
 * the system's temporary directory and removed with all they hold.
 */
#ifndef TEST_TMPDIR_H
#define TEST_TMPDIR_H

/* A new directory PREFIX-XXXXXX; fails the test when it cannot be made.
 * g_free() the name. */
char *test_tmpdir_new (const char *prefix);

/* Removes `path` and everything below it; symbolic links are removed, not
 * followed. */
void test_tmpdir_remove (const char *path);

#endif /* TEST_TMPDIR_H */
