/*
 * ocr-read.c: the reading of ocr-read.h. The recogniser's character list
 * is a file of the npm package, not part of the converted model, so the
 * demo reads it beside the packages and checks its length against the
 * model's classes.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ocr-read.h"

/* The whole file, NUL-terminated; NULL with errno set. */
static char *
read_text (const char *path)
{
  FILE *f = fopen (path, "rb");
  char *text = NULL;
  long size;

  if (!f)
    return NULL;
  if (fseek (f, 0, SEEK_END) == 0 && (size = ftell (f)) >= 0
      && fseek (f, 0, SEEK_SET) == 0
      && (text = malloc ((size_t) size + 1)) != NULL)
    {
      if (fread (text, 1, (size_t) size, f) != (size_t) size)
        {
          free (text);
          text = NULL;
          errno = EIO;
        }
      else
        text[size] = '\0';
    }
  fclose (f);
  return text;
}

int
ocr_keys_load (OcrKeys *keys, const char *prog, const char *path)
{
  size_t n = 0;

  memset (keys, 0, sizeof *keys);
  keys->text = read_text (path);
  if (!keys->text)
    {
      fprintf (stderr, "%s: the recogniser's character list %s: %s\n", prog,
               path, strerror (errno));
      return -1;
    }
  for (const char *c = keys->text; *c; c++)
    n += *c == '\n';
  keys->keys = calloc (n + 1, sizeof *keys->keys);
  if (!keys->keys)
    {
      fprintf (stderr, "%s: %s: out of memory\n", prog, path);
      ocr_keys_clear (keys);
      return -1;
    }
  for (char *line = keys->text, *end; *line; line = end + 1)
    {
      end = line + strcspn (line, "\n");
      int last = *end == '\0';
      *end = '\0';
      if (end > line && end[-1] == '\r')
        end[-1] = '\0';
      keys->keys[keys->n_keys++] = line;
      if (last)
        break;
    }
  if (keys->n_keys == 0)
    {
      fprintf (stderr, "%s: the recogniser's character list %s is empty\n",
               prog, path);
      ocr_keys_clear (keys);
      return -1;
    }
  return 0;
}

void
ocr_keys_clear (OcrKeys *keys)
{
  free (keys->keys);
  free (keys->text);
  memset (keys, 0, sizeof *keys);
}

char *
ocr_ctc_decode (const OcrKeys *keys, const float *probs, int steps)
{
  size_t classes = ocr_keys_classes (keys), used = 0, allocated = 64;
  char *text = malloc (allocated);
  size_t last = 0;

  for (int t = 0; text && t < steps; t++)
    {
      const float *p = probs + (size_t) t * classes;
      size_t best = 0;

      for (size_t c = 1; c < classes; c++)
        if (p[c] > p[best])
          best = c;
      if (best != 0 && best != last)
        {
          const char *s = best == classes - 1 ? " " : keys->keys[best - 1];
          size_t len = strlen (s);
          if (used + len + 1 > allocated)
            {
              char *bigger = realloc (text, allocated * 2 + len);
              if (!bigger)
                {
                  free (text);
                  return NULL;
                }
              text = bigger;
              allocated = allocated * 2 + len;
            }
          memcpy (text + used, s, len);
          used += len;
        }
      last = best;
    }
  if (text)
    text[used] = '\0';
  return text;
}

/* The code points of s but spaces (at most `max`); returns how many.
 * Bytes that start no valid sequence count as characters of their own. */
static int
code_points (const char *s, uint32_t *out, int max)
{
  const unsigned char *p = (const unsigned char *) s;
  int n = 0;

  while (*p && n < max)
    {
      int len = *p < 0x80 ? 1 : (*p >> 5) == 6 ? 2 : (*p >> 4) == 14 ? 3
                : (*p >> 3) == 30 ? 4 : 1;
      uint32_t c = len == 1 ? *p : *p & (0x7f >> len);
      int k = 1;
      for (; k < len && (p[k] & 0xc0) == 0x80; k++)
        c = c << 6 | (p[k] & 0x3f);
      if (k < len)
        {
          c = *p;
          len = 1;
        }
      if (c != ' ')
        out[n++] = c;
      p += len;
    }
  return n;
}

int
ocr_text_length (const char *s)
{
  int n = 0;
  for (const unsigned char *p = (const unsigned char *) s; *p; p++)
    n += (*p & 0xc0) != 0x80 && *p != ' ';
  return n;
}

/* Lines are short: 128 characters is far more than a drawn line holds. */
#define OCR_MAX_TEXT 128

int
ocr_text_distance (const char *a, const char *b)
{
  uint32_t x[OCR_MAX_TEXT], y[OCR_MAX_TEXT];
  int row[OCR_MAX_TEXT + 1];
  int n = code_points (a, x, OCR_MAX_TEXT), m = code_points (b, y,
                                                             OCR_MAX_TEXT);

  for (int j = 0; j <= m; j++)
    row[j] = j;
  for (int i = 1; i <= n; i++)
    {
      int diagonal = row[0];
      row[0] = i;
      for (int j = 1; j <= m; j++)
        {
          int above = row[j];
          int best = diagonal + (x[i - 1] != y[j - 1]);
          if (above + 1 < best)
            best = above + 1;
          if (row[j - 1] + 1 < best)
            best = row[j - 1] + 1;
          row[j] = best;
          diagonal = above;
        }
    }
  return row[m];
}
