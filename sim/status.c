#include "sim/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

cs_status cs_error_set(cs_error *err, cs_status code, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        err->code = code;
    }
    return code;
}

const char *cs_strerror(cs_status code)
{
    switch (code) {
    case CS_OK: return "no error";
    case CS_ENOMEM: return "out of memory";
    case CS_EIO: return "input/output error";
    case CS_EINPUT: return "invalid input";
    case CS_EDOM: return "parameter out of range";
    case CS_EINTERNAL: return "internal library error";
    }
    return "unknown error";
}

void cs_require_failed(const char *expr, const char *file, int line, const char *func)
{
    fprintf(stderr, "%s:%d: %s: internal check failed: %s\n", file, line, func, expr);
    abort();
}
