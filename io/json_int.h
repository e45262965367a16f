/* Private to the JSON module: what the writer (io/json_write.c) and the parser, DOM and
 * accessors (io/json.c) share. */
#ifndef CS_JSON_INT_H
#define CS_JSON_INT_H

#include "io/json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "sim/text.h"

/* ==========================================================================================
 * Shared helpers
 * ======================================================================================== */

/* UTF-8 validation (cs_text_utf8_len) follows Unicode table 3-7 exactly, so overlong forms,
 * UTF-16 surrogates encoded as UTF-8 and code points above U+10FFFF are all rejected: what we
 * write must be what any strict reader (including ours) accepts.  Digits are tested with
 * cs_text_is_digit: isdigit() depends on the locale and is undefined for negative chars. */
static inline size_t utf8_len(const unsigned char *p, size_t n)
{
    return cs_text_utf8_len((const char *)p, n, NULL);
}

/* ---- json_write.c ---- */

void csi_json_key_n(cs_json_writer *w, const char *key, size_t n);
int csi_json_key_allowed(cs_json_writer *w, const char *key);
void csi_json_string_n(cs_json_writer *w, const char *s, size_t n);

#endif
