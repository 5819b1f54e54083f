/*
 * utf8.c: the one UTF-8 check of the runtime. Every name and text a model
 * carries ends up in traces, trace databases and JSON that other tools
 * read, so a frontend refuses text that is not well-formed UTF-8 (the
 * Unicode standard's table 3-7: no overlong forms, no surrogates, nothing
 * past U+10FFFF), saying at which byte. json-c's own check
 * (JSON_TOKENER_VALIDATE_UTF8) lets overlong forms and surrogates (CESU-8,
 * as Java writes) through, and the runtime stays free of GLib.
 */
#include "mlrt-internal.h"

size_t
mlrt_utf8_valid_prefix (const char *text, size_t len)
{
  const unsigned char *s = (const unsigned char *) text;
  size_t i = 0;

  while (i < len)
    {
      unsigned c = s[i];
      unsigned lo = 0x80, hi = 0xbf;
      size_t n;

      if (c < 0x80)
        {
          i++;
          continue;
        }
      if (c >= 0xc2 && c <= 0xdf)
        n = 1;
      else if (c >= 0xe0 && c <= 0xef)
        {
          n = 2;
          lo = c == 0xe0 ? 0xa0 : 0x80;   /* overlong below */
          hi = c == 0xed ? 0x9f : 0xbf;   /* surrogates above */
        }
      else if (c >= 0xf0 && c <= 0xf4)
        {
          n = 3;
          lo = c == 0xf0 ? 0x90 : 0x80;   /* overlong below */
          hi = c == 0xf4 ? 0x8f : 0xbf;   /* past U+10FFFF above */
        }
      else
        return i;
      if (n >= len - i || s[i + 1] < lo || s[i + 1] > hi)
        return i;
      for (size_t k = 2; k <= n; k++)
        if ((s[i + k] & 0xc0) != 0x80)
          return i;
      i += n + 1;
    }
  return len;
}
