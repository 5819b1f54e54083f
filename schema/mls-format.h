/*
 * mls-format.h: figures written for people, the same way wherever mlscope
 * prints them (the command's reports, the advise rules' messages).
 */
#ifndef MLS_FORMAT_H
#define MLS_FORMAT_H

#include <stddef.h>

/* Room for any duration mls_format_duration() writes. */
#define MLS_DURATION_TEXT_MAX 32

/* "12 ns", "3.40 µs", "1.25 ms", "2.500 s" into BUF; returns BUF. */
char *mls_format_duration (double ns, char *buf, size_t size);

#endif /* MLS_FORMAT_H */
