/* JSON writer; see io/json.h for the contract.
 *
 * A byte sink (FILE* or growable buffer), a stack of open containers that decides where
 * commas, newlines and indentation go, and the canonical formatting of strings and numbers.
 * Invalid UTF-8 in strings is repaired (io/json_int.h), so what we write is what any strict
 * reader, ours included, accepts. */
#include "io/json_int.h"

/* ==========================================================================================
 * Writer
 * ======================================================================================== */

enum { FRAME_OBJECT, FRAME_ARRAY };

typedef struct frame {
    int kind;         /* FRAME_OBJECT or FRAME_ARRAY */
    int key_pending;  /* object only: a key was written, its value not yet */
    size_t count;     /* values (array) or complete members (object) so far */
} frame;

struct cs_json_writer {
    FILE *f;           /* file mode when non-NULL, else buffer mode */
    char *buf;         /* buffer mode: always NUL-terminated */
    size_t len, cap;
    int indent;        /* spaces per level, 0 = compact */
    frame *stack;
    size_t depth, stack_cap;
    int root_started;  /* the single top-level value has begun */
    int finished;
    cs_status status;  /* first error, CS_OK while healthy */
    char msg[320];
};

/* Records the first error; later ones are consequences and would only hide the cause. */
static void wfail(cs_json_writer *w, cs_status code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void wfail(cs_json_writer *w, cs_status code, const char *fmt, ...)
{
    if (w->status != CS_OK)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(w->msg, sizeof w->msg, fmt, ap);
    va_end(ap);
    w->status = code;
}

void cs_json_writer_fail(cs_json_writer *w, cs_status code, const char *msg)
{
    wfail(w, code, "%s", msg);
}

static void wfail_io(cs_json_writer *w, int errnum)
{
    if (errnum)
        wfail(w, CS_EIO, "cannot write JSON output: %s", strerror(errnum));
    else
        wfail(w, CS_EIO, "cannot write JSON output (the stream reported an error)");
}

static void out(cs_json_writer *w, const char *s, size_t n)
{
    if (w->status != CS_OK || n == 0)
        return;
    if (w->f) {
        errno = 0;
        if (fwrite(s, 1, n, w->f) != n)
            wfail_io(w, errno);
        return;
    }
    if (n >= w->cap - w->len) {
        size_t cap = w->cap;
        while (n >= cap - w->len) {
            if (cap > SIZE_MAX / 2) {
                wfail(w, CS_ENOMEM, "out of memory: JSON output larger than memory allows");
                return;
            }
            cap *= 2;
        }
        char *nb = realloc(w->buf, cap);
        if (!nb) {
            wfail(w, CS_ENOMEM, "out of memory while writing JSON (%zu bytes written so far)",
                  w->len);
            return;
        }
        w->buf = nb;
        w->cap = cap;
    }
    memcpy(w->buf + w->len, s, n);
    w->len += n;
    w->buf[w->len] = '\0';
}

static void out_str(cs_json_writer *w, const char *s)
{
    out(w, s, strlen(s));
}

static void newline_indent(cs_json_writer *w, size_t depth)
{
    static const char spaces[] = "                                                                ";
    if (w->indent == 0)
        return;
    out(w, "\n", 1);
    size_t n = depth * (size_t)w->indent;
    while (n > 0) {
        size_t k = n < sizeof spaces - 1 ? n : sizeof spaces - 1;
        out(w, spaces, k);
        n -= k;
    }
}

static cs_json_writer *writer_new(FILE *f, int indent)
{
    cs_json_writer *w = calloc(1, sizeof *w);
    if (!w)
        return NULL;
    w->f = f;
    w->indent = indent < 0 ? 0 : indent > 16 ? 16 : indent;
    if (!f) {
        w->cap = 256;
        w->buf = malloc(w->cap);
        if (!w->buf) {
            free(w);
            return NULL;
        }
        w->buf[0] = '\0';
    }
    return w;
}

cs_json_writer *cs_json_writer_create_file(FILE *f, int indent)
{
    CS_REQUIRE(f != NULL);
    return writer_new(f, indent);
}

cs_json_writer *cs_json_writer_create_buffer(int indent)
{
    return writer_new(NULL, indent);
}

const char *cs_json_writer_buffer(const cs_json_writer *w, size_t *len)
{
    if (!w || w->f) {
        if (len)
            *len = 0;
        return NULL;
    }
    if (len)
        *len = w->len;
    return w->buf;
}

void cs_json_writer_destroy(cs_json_writer *w)
{
    if (!w)
        return;
    free(w->buf);
    free(w->stack);
    free(w);
}

static const char *kind_name(int kind)
{
    return kind == FRAME_OBJECT ? "object" : "array";
}

/* Common checks for any call, before it writes anything.  Returns 0 if the call must be
 * ignored (an earlier error, or use after finish). */
static int usable(cs_json_writer *w, const char *what)
{
    CS_REQUIRE(w != NULL);
    if (w->status != CS_OK)
        return 0;
    if (w->finished) {
        wfail(w, CS_EINTERNAL, "JSON writer misuse: %s after cs_json_writer_finish", what);
        return 0;
    }
    return 1;
}

/* Places a value: checks it is allowed here and writes the separator and indentation in
 * front of it.  `what` names the value for the misuse message. */
static int begin_value(cs_json_writer *w, const char *what)
{
    if (!usable(w, what))
        return 0;
    if (w->depth == 0) {
        if (w->root_started) {
            wfail(w, CS_EINTERNAL,
                  "JSON writer misuse: second top-level value (%s); a document holds one value",
                  what);
            return 0;
        }
        w->root_started = 1;
        return 1;
    }
    frame *fr = &w->stack[w->depth - 1];
    if (fr->kind == FRAME_OBJECT) {
        if (!fr->key_pending) {
            wfail(w, CS_EINTERNAL,
                  "JSON writer misuse: %s written inside an object (depth %zu) where a key is "
                  "required; call cs_json_key first",
                  what, w->depth);
            return 0;
        }
        fr->key_pending = 0;
        fr->count++;
        return 1;
    }
    if (fr->count > 0)
        out(w, ",", 1);
    newline_indent(w, w->depth);
    fr->count++;
    return 1;
}

/* Escapes bytes [s, s+n) into the sink as a quoted JSON string.  Safe bytes are copied in
 * runs, so ordinary text costs one write per string rather than one per byte. */
static void write_quoted(cs_json_writer *w, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0, i = 0;

    out(w, "\"", 1);
    while (i < n) {
        unsigned char c = p[i];
        const char *esc = NULL;
        char ubuf[8];

        if (c >= 0x80) {
            size_t k = utf8_len(p + i, n - i);
            if (k > 0) {
                i += k; /* valid UTF-8 passes through unchanged */
                continue;
            }
            /* One replacement per bad byte: deterministic, and the output stays valid. */
            esc = "\\ufffd";
        } else if (c == '"')
            esc = "\\\"";
        else if (c == '\\')
            esc = "\\\\";
        else if (c < 0x20) {
            switch (c) {
            case '\b': esc = "\\b"; break;
            case '\f': esc = "\\f"; break;
            case '\n': esc = "\\n"; break;
            case '\r': esc = "\\r"; break;
            case '\t': esc = "\\t"; break;
            default:
                memcpy(ubuf, "\\u00", 4);
                ubuf[4] = hex[c >> 4];
                ubuf[5] = hex[c & 15];
                ubuf[6] = '\0';
                esc = ubuf;
            }
        } else {
            i++;
            continue;
        }
        out(w, s + run, i - run);
        out_str(w, esc);
        i++;
        run = i;
    }
    out(w, s + run, n - run);
    out(w, "\"", 1);
}

void csi_json_key_n(cs_json_writer *w, const char *key, size_t n)
{
    frame *fr = &w->stack[w->depth - 1];
    if (fr->count > 0)
        out(w, ",", 1);
    newline_indent(w, w->depth);
    write_quoted(w, key, n);
    if (w->indent)
        out(w, ": ", 2);
    else
        out(w, ":", 1);
    fr->key_pending = 1;
}

/* Checks a key may be written here; the key text is only used in messages. */
int csi_json_key_allowed(cs_json_writer *w, const char *key)
{
    if (!usable(w, "cs_json_key"))
        return 0;
    if (!key) {
        wfail(w, CS_EINTERNAL, "JSON writer misuse: cs_json_key called with a NULL key");
        return 0;
    }
    if (w->depth == 0) {
        wfail(w, CS_EINTERNAL, "JSON writer misuse: key \"%.60s\" outside any object", key);
        return 0;
    }
    frame *fr = &w->stack[w->depth - 1];
    if (fr->kind != FRAME_OBJECT) {
        wfail(w, CS_EINTERNAL,
              "JSON writer misuse: key \"%.60s\" inside an array (depth %zu); arrays hold values "
              "only",
              key, w->depth);
        return 0;
    }
    if (fr->key_pending) {
        wfail(w, CS_EINTERNAL,
              "JSON writer misuse: key \"%.60s\" follows another key that has no value yet", key);
        return 0;
    }
    return 1;
}

void cs_json_key(cs_json_writer *w, const char *key)
{
    if (csi_json_key_allowed(w, key))
        csi_json_key_n(w, key, strlen(key));
}

static void begin_container(cs_json_writer *w, int kind)
{
    if (!begin_value(w, kind == FRAME_OBJECT ? "an object" : "an array"))
        return;
    if (w->depth == w->stack_cap) {
        size_t cap = w->stack_cap ? 2 * w->stack_cap : 16;
        frame *ns = realloc(w->stack, cap * sizeof *ns);
        if (!ns) {
            wfail(w, CS_ENOMEM, "out of memory while writing JSON (nesting depth %zu)",
                  w->depth);
            return;
        }
        w->stack = ns;
        w->stack_cap = cap;
    }
    w->stack[w->depth].kind = kind;
    w->stack[w->depth].key_pending = 0;
    w->stack[w->depth].count = 0;
    w->depth++;
    out(w, kind == FRAME_OBJECT ? "{" : "[", 1);
}

static void end_container(cs_json_writer *w, int kind)
{
    const char *fn = kind == FRAME_OBJECT ? "cs_json_end_object" : "cs_json_end_array";
    if (!usable(w, fn))
        return;
    if (w->depth == 0) {
        wfail(w, CS_EINTERNAL, "JSON writer misuse: %s with no open %s (unbalanced end)", fn,
              kind_name(kind));
        return;
    }
    frame *fr = &w->stack[w->depth - 1];
    if (fr->kind != kind) {
        wfail(w, CS_EINTERNAL, "JSON writer misuse: %s while the innermost open container "
              "(depth %zu) is an %s", fn, w->depth, kind_name(fr->kind));
        return;
    }
    if (fr->key_pending) {
        wfail(w, CS_EINTERNAL,
              "JSON writer misuse: object closed right after a key, without the key's value");
        return;
    }
    w->depth--;
    if (fr->count > 0)
        newline_indent(w, w->depth); /* empty containers stay "{}" / "[]" */
    out(w, kind == FRAME_OBJECT ? "}" : "]", 1);
}

void cs_json_begin_object(cs_json_writer *w) { begin_container(w, FRAME_OBJECT); }
void cs_json_end_object(cs_json_writer *w) { end_container(w, FRAME_OBJECT); }
void cs_json_begin_array(cs_json_writer *w) { begin_container(w, FRAME_ARRAY); }
void cs_json_end_array(cs_json_writer *w) { end_container(w, FRAME_ARRAY); }

void csi_json_string_n(cs_json_writer *w, const char *s, size_t n)
{
    if (begin_value(w, "a string"))
        write_quoted(w, s, n);
}

void cs_json_string(cs_json_writer *w, const char *s)
{
    if (!s)
        cs_json_null(w);
    else
        csi_json_string_n(w, s, strlen(s));
}

/* Formats x as described in the header (cs_text_fmt_double: the shortest text that reads
 * back, '.' whatever the locale; null where JSON has no number) into dst (at least 32 bytes). */
static void format_number(double x, char *dst, size_t size)
{
    if (cs_text_fmt_double(dst, size, x) == 0)
        snprintf(dst, size, "null");
}

void cs_json_number(cs_json_writer *w, double x)
{
    char buf[64];
    if (!begin_value(w, "a number"))
        return;
    format_number(x, buf, sizeof buf);
    out_str(w, buf);
}

void cs_json_int(cs_json_writer *w, long long x)
{
    char buf[32];
    if (!begin_value(w, "an integer"))
        return;
    snprintf(buf, sizeof buf, "%lld", x);
    out_str(w, buf);
}

void cs_json_bool(cs_json_writer *w, int b)
{
    if (begin_value(w, "a bool"))
        out_str(w, b ? "true" : "false");
}

void cs_json_null(cs_json_writer *w)
{
    if (begin_value(w, "null"))
        out(w, "null", 4);
}

void cs_json_kv_string(cs_json_writer *w, const char *k, const char *v)
{
    cs_json_key(w, k);
    cs_json_string(w, v);
}

void cs_json_kv_number(cs_json_writer *w, const char *k, double v)
{
    cs_json_key(w, k);
    cs_json_number(w, v);
}

void cs_json_kv_int(cs_json_writer *w, const char *k, long long v)
{
    cs_json_key(w, k);
    cs_json_int(w, v);
}

void cs_json_kv_bool(cs_json_writer *w, const char *k, int v)
{
    cs_json_key(w, k);
    cs_json_bool(w, v);
}

cs_status cs_json_writer_finish(cs_json_writer *w, cs_error *err)
{
    CS_REQUIRE(w != NULL);
    if (!w->finished) {
        w->finished = 1;
        if (w->status == CS_OK && !w->root_started)
            wfail(w, CS_EINTERNAL, "JSON writer misuse: finished without writing any value");
        if (w->status == CS_OK && w->depth > 0)
            wfail(w, CS_EINTERNAL,
                  "JSON writer misuse: finished with %zu container(s) still open (innermost: "
                  "an %s)",
                  w->depth, kind_name(w->stack[w->depth - 1].kind));
        if (w->status == CS_OK && w->f) {
            out(w, "\n", 1);
            errno = 0;
            if (fflush(w->f) != 0)
                wfail_io(w, errno);
            else if (ferror(w->f))
                wfail_io(w, 0);
        }
    }
    if (w->status != CS_OK)
        return cs_error_set(err, w->status, "%s", w->msg);
    return CS_OK;
}
