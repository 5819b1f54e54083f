/*
 * ocr-read.h: what the recogniser's output says, as PaddleOCR's
 * CTCLabelDecode reads it: the character list its classes index (the
 * package's ppocr_keys_v1.txt), the decoding, and how far a reading is
 * from the text that was drawn.
 */
#ifndef OCR_READ_H
#define OCR_READ_H

#include <stddef.h>

typedef struct {
  char **keys;                  /* class i + 1 is keys[i] */
  size_t n_keys;
  char *text;                   /* the file, the keys pointing into it */
} OcrKeys;

/* Reads the character list at `path`, one UTF-8 character a line; prints
 * the error and returns -1 on failure. */
int ocr_keys_load (OcrKeys *keys, const char *prog, const char *path);
void ocr_keys_clear (OcrKeys *keys);

/* The recogniser's classes: blank, each key, then a space. */
static inline size_t
ocr_keys_classes (const OcrKeys *keys)
{
  return keys->n_keys + 2;
}

/* The text of `steps` x ocr_keys_classes() probabilities: the likeliest
 * class per step, repeats merged, blanks dropped. NULL when out of
 * memory; free() it. */
char *ocr_ctc_decode (const OcrKeys *keys, const float *probs, int steps);

/* The edit distance between two UTF-8 strings, in characters, spaces
 * left out: the insertions, deletions and substitutions that turn one
 * into the other. Spaces do not count because the recogniser, trained on
 * Chinese, where words have none, drops many spaces between Latin words:
 * ocr-demo checks the characters it reads. */
int ocr_text_distance (const char *a, const char *b);
/* The number of UTF-8 characters in s, spaces left out. */
int ocr_text_length (const char *s);

#endif /* OCR_READ_H */
