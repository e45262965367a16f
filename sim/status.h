/* Status codes and error messages shared by every layer.
 *
 * Library code never exits and never prints: a function that can fail returns a cs_status and,
 * when the caller passed a cs_error, fills it with a message a user can act on.  The CLI maps
 * codes to exit status (input errors -> 2, everything else -> 1).  Programming errors are not
 * statuses: they are CS_REQUIRE failures, which print where and abort. */
#ifndef CS_STATUS_H
#define CS_STATUS_H

#include <stddef.h>

typedef enum cs_status {
    CS_OK = 0,       /* success */
    CS_ENOMEM = 1,   /* an allocation failed */
    CS_EIO = 2,      /* a file could not be read or written */
    CS_EINPUT = 3,   /* the user's input (scenario, log, flag) is wrong; message says where */
    CS_EDOM = 4,     /* numeric domain: a parameter outside where a formula is defined */
    CS_EINTERNAL = 5 /* a library (GSL, PLplot) reported a failure we did not expect */
} cs_status;

/* Room for one message; long enough for a path, a position and a suggestion. */
typedef struct cs_error {
    cs_status code;
    char msg[768];
} cs_error;

/* Records code and a printf-style message in err (which may be NULL) and returns code, so a
 * failing function can `return cs_error_set(err, CS_EIO, "cannot open %s: %s", ...)`.
 * Breakpoint here to see every failure as it happens. */
cs_status cs_error_set(cs_error *err, cs_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A short English name for a code ("out of memory", ...). */
const char *cs_strerror(cs_status code);

/* Bugs, not user errors: print file:line: function: expression and abort.  Kept in release
 * builds because a silently wrong simulation is worse than a crash. */
#define CS_REQUIRE(expr) \
    ((expr) ? (void)0 : cs_require_failed(#expr, __FILE__, __LINE__, __func__))
void cs_require_failed(const char *expr, const char *file, int line, const char *func)
    __attribute__((noreturn));
/* A branch that a correct program never reaches (CS_REQUIRE(!"...") without clang's
 * -Wstring-conversion). */
#define CS_UNREACHABLE(what) cs_require_failed(what, __FILE__, __LINE__, __func__)

#endif
