/* JSON DOM parser and read accessors; see io/json.h for the contract (the writer is in
 * io/json_write.c).
 *
 * Tour.  A recursive-descent parser that keeps the line/column of every node, then the read
 * accessors and cs_json_emit, which writes a parsed tree back through the writer.  UTF-8
 * validation is shared with the writer (io/json_int.h): the writer repairs invalid bytes, the
 * parser rejects them. */
#include "io/json_int.h"

/* ==========================================================================================
 * DOM
 * ======================================================================================== */

typedef struct member {
    char *key;
    size_t key_len;
    unsigned line, col; /* of the key, for duplicate-key messages */
    cs_json *value;
} member;

struct cs_json {
    cs_json_type type;
    unsigned line, col;
    int is_int;         /* number written as an integer literal that fits a long long */
    long long ival;
    union {
        int b;
        double num;
        struct { char *s; size_t len; } str;
        struct { cs_json **items; size_t n, cap; } arr;
        struct { member *m; size_t n, cap; } obj;
    } u;
};

void cs_json_free(cs_json *v)
{
    if (!v)
        return;
    switch (v->type) {
    case CS_JSON_STRING:
        free(v->u.str.s);
        break;
    case CS_JSON_ARRAY:
        for (size_t i = 0; i < v->u.arr.n; i++)
            cs_json_free(v->u.arr.items[i]);
        free(v->u.arr.items);
        break;
    case CS_JSON_OBJECT:
        for (size_t i = 0; i < v->u.obj.n; i++) {
            free(v->u.obj.m[i].key);
            cs_json_free(v->u.obj.m[i].value);
        }
        free(v->u.obj.m);
        break;
    default:
        break;
    }
    free(v);
}

/* ==========================================================================================
 * Parser
 * ======================================================================================== */

typedef struct parser {
    const unsigned char *s;
    size_t n, pos;
    unsigned line;      /* line of pos (1-based), advanced by skip_ws: newlines can only
                         * occur in whitespace, since strings reject raw control chars */
    size_t line_start;  /* offset where that line starts */
    size_t memo_off;    /* column memo: the column of memo_off is memo_col, so computing the
                         * column of each node costs O(distance from the previous one) even
                         * on a long one-line document */
    unsigned memo_col;
    char dp[8];         /* the locale's decimal point, for strtod */
    size_t dp_len;
    cs_error *err;
    cs_status status;
} parser;

static void locate(parser *p, size_t off, unsigned *line, unsigned *col)
{
    if (off < p->line_start) {
        /* Not expected (all positions asked for are on the current line), but a slow
         * correct answer beats a wrong one. */
        unsigned l = 1, c = 1;
        for (size_t i = 0; i < off && i < p->n; i++) {
            if (p->s[i] == '\n') {
                l++;
                c = 1;
            } else if ((p->s[i] & 0xC0) != 0x80)
                c++;
        }
        *line = l;
        *col = c;
        return;
    }
    if (p->memo_off < p->line_start || off < p->memo_off) {
        p->memo_off = p->line_start;
        p->memo_col = 1;
    }
    for (size_t i = p->memo_off; i < off && i < p->n; i++)
        if ((p->s[i] & 0xC0) != 0x80) /* count characters, not continuation bytes */
            p->memo_col++;
    p->memo_off = off;
    *line = p->line;
    *col = p->memo_col;
}

static void perr(parser *p, size_t off, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static void perr(parser *p, size_t off, const char *fmt, ...)
{
    if (p->status != CS_OK)
        return;
    char detail[600];
    unsigned line, col;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    locate(p, off, &line, &col);
    p->status = cs_error_set(p->err, CS_EINPUT, "line %u, column %u: %s", line, col, detail);
}

static void perr_nomem(parser *p)
{
    if (p->status != CS_OK)
        return;
    unsigned line, col;
    locate(p, p->pos, &line, &col);
    p->status = cs_error_set(p->err, CS_ENOMEM,
                             "out of memory while parsing JSON (at line %u, column %u)", line,
                             col);
}

/* Describes what is at off for "got ..." in messages. */
static const char *describe(const parser *p, size_t off, char *buf, size_t size)
{
    if (off >= p->n)
        return "end of input";
    unsigned char c = p->s[off];
    if (c >= 0x20 && c < 0x7F)
        snprintf(buf, size, "'%c'", c);
    else if (c < 0x20 || c == 0x7F)
        snprintf(buf, size, "control character U+%04X", c);
    else {
        size_t k = utf8_len(p->s + off, p->n - off);
        if (k > 0)
            snprintf(buf, size, "'%.*s'", (int)k, (const char *)p->s + off);
        else
            snprintf(buf, size, "invalid UTF-8 byte 0x%02X", c);
    }
    return buf;
}

static void skip_ws(parser *p)
{
    while (p->pos < p->n) {
        unsigned char c = p->s[p->pos];
        if (c == '\n') {
            p->pos++;
            p->line++;
            p->line_start = p->pos;
        } else if (c == ' ' || c == '\t' || c == '\r')
            p->pos++;
        else
            break;
    }
}

static cs_json *new_node(parser *p, cs_json_type type, size_t off)
{
    cs_json *v = calloc(1, sizeof *v);
    if (!v) {
        perr_nomem(p);
        return NULL;
    }
    v->type = type;
    locate(p, off, &v->line, &v->col);
    return v;
}

static int hex4(const unsigned char *q, unsigned *out)
{
    unsigned v = 0;
    for (int i = 0; i < 4; i++) {
        unsigned char c = q[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F')
            v |= (unsigned)(c - 'A' + 10);
        else
            return 0;
    }
    *out = v;
    return 1;
}

static size_t put_utf8(unsigned cp, char *o)
{
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Parses the string whose opening quote is at p->pos into a fresh NUL-terminated buffer.
 * First finds the closing quote (so the buffer can be sized: decoding never lengthens the
 * text), then decodes and validates. */
static char *parse_string(parser *p, size_t *len_out)
{
    const unsigned char *s = p->s;
    size_t q = p->pos, i = q + 1, end;
    char what[48];

    while (i < p->n) {
        unsigned char c = s[i];
        if (c == '"')
            break;
        if (c == '\\') {
            i += 2;
            continue;
        }
        if (c < 0x20) {
            perr(p, i,
                 "control character U+%04X inside a string; write it escaped (\\n, \\t, "
                 "\\u00XX)",
                 c);
            return NULL;
        }
        i++;
    }
    if (i >= p->n) {
        perr(p, q, "unterminated string: expected a closing '\"' before the end of input");
        return NULL;
    }
    end = i;

    char *buf = malloc(end - q);
    if (!buf) {
        perr_nomem(p);
        return NULL;
    }
    size_t o = 0;
    for (size_t j = q + 1; j < end;) {
        unsigned char c = s[j];
        if (c == '\\') {
            unsigned char e = s[j + 1]; /* j + 1 < end: the scan above skipped pairs */
            switch (e) {
            case '"': buf[o++] = '"'; j += 2; continue;
            case '\\': buf[o++] = '\\'; j += 2; continue;
            case '/': buf[o++] = '/'; j += 2; continue;
            case 'b': buf[o++] = '\b'; j += 2; continue;
            case 'f': buf[o++] = '\f'; j += 2; continue;
            case 'n': buf[o++] = '\n'; j += 2; continue;
            case 'r': buf[o++] = '\r'; j += 2; continue;
            case 't': buf[o++] = '\t'; j += 2; continue;
            case 'u': break;
            default:
                perr(p, j,
                     "invalid escape '\\' followed by %s in a string; valid escapes are \\\" "
                     "\\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX",
                     describe(p, j + 1, what, sizeof what));
                free(buf);
                return NULL;
            }
            unsigned cp, lo;
            if (j + 6 > end || !hex4(s + j + 2, &cp)) {
                perr(p, j, "expected four hex digits after \\u");
                free(buf);
                return NULL;
            }
            if (cp >= 0xDC00 && cp <= 0xDFFF) {
                perr(p, j,
                     "lone low surrogate \\u%04X: it must follow a high surrogate "
                     "(\\uD800-\\uDBFF)",
                     cp);
                free(buf);
                return NULL;
            }
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (j + 12 > end || s[j + 6] != '\\' || s[j + 7] != 'u' ||
                    !hex4(s + j + 8, &lo) || lo < 0xDC00 || lo > 0xDFFF) {
                    perr(p, j,
                         "lone high surrogate \\u%04X: it must be followed by a low surrogate "
                         "(\\uDC00-\\uDFFF)",
                         cp);
                    free(buf);
                    return NULL;
                }
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                j += 12;
            } else
                j += 6;
            o += put_utf8(cp, buf + o);
        } else if (c >= 0x80) {
            size_t k = utf8_len(s + j, end - j);
            if (k == 0) {
                perr(p, j, "invalid UTF-8 byte 0x%02X in a string (JSON text must be UTF-8)",
                     c);
                free(buf);
                return NULL;
            }
            memcpy(buf + o, s + j, k);
            o += k;
            j += k;
        } else
            buf[o++] = (char)s[j++];
    }
    buf[o] = '\0';
    p->pos = end + 1;
    *len_out = o;
    return buf;
}

static cs_json *parse_number(parser *p)
{
    const unsigned char *s = p->s;
    size_t start = p->pos, i = p->pos;
    int is_int = 1;
    char what[48];

    if (s[i] == '-')
        i++;
    if (i >= p->n || !cs_text_is_digit(s[i])) {
        perr(p, i, "expected a digit after '-', got %s", describe(p, i, what, sizeof what));
        return NULL;
    }
    if (s[i] == '0') {
        i++;
        if (i < p->n && cs_text_is_digit(s[i])) {
            perr(p, start, "leading zeros are not allowed in numbers (write 7, not 07)");
            return NULL;
        }
    } else
        while (i < p->n && cs_text_is_digit(s[i]))
            i++;
    if (i < p->n && s[i] == '.') {
        is_int = 0;
        i++;
        if (i >= p->n || !cs_text_is_digit(s[i])) {
            perr(p, i, "expected a digit after the decimal point, got %s",
                 describe(p, i, what, sizeof what));
            return NULL;
        }
        while (i < p->n && cs_text_is_digit(s[i]))
            i++;
    }
    if (i < p->n && (s[i] == 'e' || s[i] == 'E')) {
        is_int = 0;
        i++;
        if (i < p->n && (s[i] == '+' || s[i] == '-'))
            i++;
        if (i >= p->n || !cs_text_is_digit(s[i])) {
            perr(p, i, "expected a digit in the exponent, got %s",
                 describe(p, i, what, sizeof what));
            return NULL;
        }
        while (i < p->n && cs_text_is_digit(s[i]))
            i++;
    }

    /* strtod follows the locale's decimal point; give it the token in that form so parsing
     * does not depend on LC_NUMERIC.  The grammar was checked above, so strtod sees only
     * [-]digits[.digits][e[+-]digits]. */
    size_t tlen = i - start, blen = 0;
    char small[128], *tok = small;
    if (tlen * p->dp_len + 1 > sizeof small) {
        tok = malloc(tlen * p->dp_len + 1);
        if (!tok) {
            perr_nomem(p);
            return NULL;
        }
    }
    for (size_t k = start; k < i; k++) {
        if (s[k] == '.') {
            memcpy(tok + blen, p->dp, p->dp_len);
            blen += p->dp_len;
        } else
            tok[blen++] = (char)s[k];
    }
    tok[blen] = '\0';

    errno = 0;
    char *endp;
    double x = strtod(tok, &endp);
    int range = errno == ERANGE && isinf(x);
    long long iv = 0;
    if (is_int) {
        errno = 0;
        iv = strtoll(tok, NULL, 10);
        if (errno == ERANGE)
            is_int = 0;
    }
    int consumed = (size_t)(endp - tok) == blen;
    if (tok != small)
        free(tok);
    if (range) {
        perr(p, start, "number %.*s is outside the range of a double (about 1.8e308)",
             (int)(tlen > 40 ? 40 : tlen), (const char *)s + start);
        return NULL;
    }
    if (!consumed) {
        /* Only reachable if the C library disagrees with the JSON grammar. */
        perr(p, start, "cannot convert number %.*s", (int)(tlen > 40 ? 40 : tlen),
             (const char *)s + start);
        return NULL;
    }
    cs_json *v = new_node(p, CS_JSON_NUMBER, start);
    if (!v)
        return NULL;
    v->u.num = x;
    v->is_int = is_int;
    v->ival = iv;
    p->pos = i;
    return v;
}

static cs_json *parse_value(parser *p, unsigned depth);

static int check_depth(parser *p, unsigned depth)
{
    if (depth >= CS_JSON_MAX_DEPTH) {
        perr(p, p->pos, "nesting deeper than %d levels of arrays/objects", CS_JSON_MAX_DEPTH);
        return 0;
    }
    return 1;
}

static cs_json *parse_array(parser *p, unsigned depth)
{
    char what[48];
    if (!check_depth(p, depth))
        return NULL;
    cs_json *v = new_node(p, CS_JSON_ARRAY, p->pos);
    if (!v)
        return NULL;
    p->pos++;
    skip_ws(p);
    if (p->pos < p->n && p->s[p->pos] == ']') {
        p->pos++;
        return v;
    }
    for (;;) {
        cs_json *item = parse_value(p, depth + 1);
        if (!item)
            goto fail;
        if (v->u.arr.n == v->u.arr.cap) {
            size_t cap = v->u.arr.cap ? 2 * v->u.arr.cap : 4;
            cs_json **ni = realloc(v->u.arr.items, cap * sizeof *ni);
            if (!ni) {
                cs_json_free(item);
                perr_nomem(p);
                goto fail;
            }
            v->u.arr.items = ni;
            v->u.arr.cap = cap;
        }
        v->u.arr.items[v->u.arr.n++] = item;
        skip_ws(p);
        if (p->pos < p->n && p->s[p->pos] == ',') {
            size_t comma = p->pos++;
            skip_ws(p);
            if (p->pos < p->n && p->s[p->pos] == ']') {
                perr(p, comma, "trailing comma before ']' is not allowed");
                goto fail;
            }
            continue;
        }
        if (p->pos < p->n && p->s[p->pos] == ']') {
            p->pos++;
            return v;
        }
        perr(p, p->pos, "expected ',' or ']' after an array element, got %s",
             describe(p, p->pos, what, sizeof what));
        goto fail;
    }
fail:
    cs_json_free(v);
    return NULL;
}

static int cmp_member_ptr(const void *a, const void *b)
{
    const member *x = *(const member *const *)a;
    const member *y = *(const member *const *)b;
    size_t m = x->key_len < y->key_len ? x->key_len : y->key_len;
    int c = memcmp(x->key, y->key, m);
    if (c)
        return c;
    if (x->key_len != y->key_len)
        return x->key_len < y->key_len ? -1 : 1;
    return (x > y) - (x < y); /* equal keys in document order: a total, deterministic order */
}

/* Rejects an object with a repeated key: readers would disagree on which value counts, so a
 * hand-edited summary with one would be read ambiguously.  Sorting keeps hostile objects with
 * many members at O(n log n). */
static int check_duplicates(parser *p, const cs_json *v)
{
    size_t n = v->u.obj.n;
    if (n < 2)
        return 1;
    const member **idx = malloc(n * sizeof *idx);
    if (!idx) {
        perr_nomem(p);
        return 0;
    }
    for (size_t i = 0; i < n; i++)
        idx[i] = &v->u.obj.m[i];
    qsort(idx, n, sizeof *idx, cmp_member_ptr);
    const member *first = NULL, *second = NULL;
    for (size_t i = 1; i < n; i++) {
        const member *a = idx[i - 1], *b = idx[i];
        if (a->key_len == b->key_len && memcmp(a->key, b->key, a->key_len) == 0 &&
            (!second || b < second)) {
            first = a;
            second = b;
        }
    }
    free(idx);
    if (!second)
        return 1;
    /* Report at the key's own position, whatever line the parser has reached since. */
    p->status = cs_error_set(p->err, CS_EINPUT,
                             "line %u, column %u: duplicate key \"%.60s\" (first used at line "
                             "%u, column %u)",
                             second->line, second->col, second->key, first->line, first->col);
    return 0;
}

static cs_json *parse_object(parser *p, unsigned depth)
{
    char what[48];
    if (!check_depth(p, depth))
        return NULL;
    cs_json *v = new_node(p, CS_JSON_OBJECT, p->pos);
    if (!v)
        return NULL;
    p->pos++;
    skip_ws(p);
    if (p->pos < p->n && p->s[p->pos] == '}') {
        p->pos++;
        return v;
    }
    for (;;) {
        if (p->pos >= p->n || p->s[p->pos] != '"') {
            perr(p, p->pos, "expected a member name in double quotes, got %s",
                 describe(p, p->pos, what, sizeof what));
            goto fail;
        }
        member m = {0};
        locate(p, p->pos, &m.line, &m.col);
        m.key = parse_string(p, &m.key_len);
        if (!m.key)
            goto fail;
        skip_ws(p);
        if (p->pos >= p->n || p->s[p->pos] != ':') {
            perr(p, p->pos, "expected ':' after the member name \"%.60s\", got %s", m.key,
                 describe(p, p->pos, what, sizeof what));
            free(m.key);
            goto fail;
        }
        p->pos++;
        m.value = parse_value(p, depth + 1);
        if (!m.value) {
            free(m.key);
            goto fail;
        }
        if (v->u.obj.n == v->u.obj.cap) {
            size_t cap = v->u.obj.cap ? 2 * v->u.obj.cap : 4;
            member *nm = realloc(v->u.obj.m, cap * sizeof *nm);
            if (!nm) {
                free(m.key);
                cs_json_free(m.value);
                perr_nomem(p);
                goto fail;
            }
            v->u.obj.m = nm;
            v->u.obj.cap = cap;
        }
        v->u.obj.m[v->u.obj.n++] = m;
        skip_ws(p);
        if (p->pos < p->n && p->s[p->pos] == ',') {
            size_t comma = p->pos++;
            skip_ws(p);
            if (p->pos < p->n && p->s[p->pos] == '}') {
                perr(p, comma, "trailing comma before '}' is not allowed");
                goto fail;
            }
            continue;
        }
        if (p->pos < p->n && p->s[p->pos] == '}') {
            p->pos++;
            break;
        }
        perr(p, p->pos, "expected ',' or '}' after an object member, got %s",
             describe(p, p->pos, what, sizeof what));
        goto fail;
    }
    if (!check_duplicates(p, v))
        goto fail;
    return v;
fail:
    cs_json_free(v);
    return NULL;
}

static cs_json *parse_literal(parser *p, const char *word, cs_json_type type, int b)
{
    size_t k = strlen(word);
    if (p->n - p->pos < k || memcmp(p->s + p->pos, word, k) != 0) {
        size_t m = 0; /* show the mistyped word, up to its end */
        while (m < 12 && p->pos + m < p->n && p->s[p->pos + m] >= 'a' && p->s[p->pos + m] <= 'z')
            m++;
        perr(p, p->pos, "expected the literal '%s', got '%.*s'", word, (int)m,
             (const char *)p->s + p->pos);
        return NULL;
    }
    cs_json *v = new_node(p, type, p->pos);
    if (!v)
        return NULL;
    v->u.b = b;
    p->pos += k;
    return v;
}

static cs_json *parse_value(parser *p, unsigned depth)
{
    char what[48];
    skip_ws(p);
    if (p->pos >= p->n) {
        perr(p, p->pos,
             "expected a value (object, array, string, number, true, false or null), got end "
             "of input");
        return NULL;
    }
    switch (p->s[p->pos]) {
    case '{':
        return parse_object(p, depth);
    case '[':
        return parse_array(p, depth);
    case '"': {
        size_t start = p->pos, len;
        char *str = parse_string(p, &len);
        if (!str)
            return NULL;
        cs_json *v = new_node(p, CS_JSON_STRING, start);
        if (!v) {
            free(str);
            return NULL;
        }
        v->u.str.s = str;
        v->u.str.len = len;
        return v;
    }
    case 't':
        return parse_literal(p, "true", CS_JSON_BOOL, 1);
    case 'f':
        return parse_literal(p, "false", CS_JSON_BOOL, 0);
    case 'n':
        return parse_literal(p, "null", CS_JSON_NULL, 0);
    default:
        if (p->s[p->pos] == '-' || cs_text_is_digit(p->s[p->pos]))
            return parse_number(p);
        perr(p, p->pos,
             "expected a value (object, array, string, number, true, false or null), got %s",
             describe(p, p->pos, what, sizeof what));
        return NULL;
    }
}

cs_status cs_json_parse(const char *text, size_t len, cs_json **out, cs_error *err)
{
    CS_REQUIRE(out != NULL);
    CS_REQUIRE(text != NULL || len == 0);
    *out = NULL;

    parser p;
    memset(&p, 0, sizeof p);
    p.s = (const unsigned char *)(text ? text : "");
    p.n = len;
    p.line = 1;
    p.memo_col = 1;
    p.err = err;

    /* Ask printf for the locale's decimal point ("0.5" prints as "0<dp>5"): thread-safe,
     * unlike localeconv(). */
    char probe[32];
    int k = snprintf(probe, sizeof probe, "%.1f", 0.5);
    if (k >= 3 && k - 2 < (int)sizeof p.dp) {
        p.dp_len = (size_t)k - 2;
        memcpy(p.dp, probe + 1, p.dp_len);
    } else {
        p.dp[0] = '.';
        p.dp_len = 1;
    }

    /* RFC 8259 lets a parser ignore a byte order mark; editors on Windows add one. */
    if (p.n >= 3 && p.s[0] == 0xEF && p.s[1] == 0xBB && p.s[2] == 0xBF) {
        p.pos = 3;
        p.line_start = p.memo_off = 3; /* the BOM is not a column */
    }

    cs_json *root = parse_value(&p, 0);
    if (!root)
        return p.status;
    skip_ws(&p);
    if (p.pos < p.n) {
        char what[48];
        perr(&p, p.pos, "unexpected %s after the JSON value (a document holds one value)",
             describe(&p, p.pos, what, sizeof what));
        cs_json_free(root);
        return p.status;
    }
    *out = root;
    return CS_OK;
}

cs_status cs_json_parse_file(const char *path, cs_json **out, cs_error *err)
{
    CS_REQUIRE(path != NULL && out != NULL);
    *out = NULL;
    FILE *f = fopen(path, "rb");
    if (!f)
        return cs_error_set(err, CS_EIO, "%s: cannot open for reading: %s", path,
                            strerror(errno));
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf) {
        fclose(f);
        return cs_error_set(err, CS_ENOMEM, "%s: out of memory reading the file", path);
    }
    for (;;) {
        if (len == cap) {
            char *nb = cap <= SIZE_MAX / 2 ? realloc(buf, cap * 2) : NULL;
            if (!nb) {
                free(buf);
                fclose(f);
                return cs_error_set(err, CS_ENOMEM,
                                    "%s: out of memory reading the file (%zu bytes so far)",
                                    path, len);
            }
            buf = nb;
            cap *= 2;
        }
        errno = 0;
        size_t got = fread(buf + len, 1, cap - len, f);
        len += got;
        if (got == 0 || len < cap) {
            if (ferror(f)) {
                int e = errno;
                free(buf);
                fclose(f);
                return cs_error_set(err, CS_EIO, "%s: cannot read: %s", path,
                                    e ? strerror(e) : "read error");
            }
            if (feof(f))
                break;
        }
    }
    fclose(f);

    cs_error local;
    cs_status st = cs_json_parse(buf, len, out, &local);
    free(buf);
    if (st != CS_OK)
        return cs_error_set(err, st, "%s: %s", path, local.msg);
    return CS_OK;
}

/* ==========================================================================================
 * Accessors
 * ======================================================================================== */

cs_json_type cs_json_type_of(const cs_json *v)
{
    return v ? v->type : CS_JSON_NULL;
}

void cs_json_position(const cs_json *v, unsigned *line, unsigned *col)
{
    if (line)
        *line = v ? v->line : 0;
    if (col)
        *col = v ? v->col : 0;
}

static const cs_json *get_n(const cs_json *obj, const char *key, size_t n)
{
    if (!obj || obj->type != CS_JSON_OBJECT || !key)
        return NULL;
    for (size_t i = 0; i < obj->u.obj.n; i++) {
        const member *m = &obj->u.obj.m[i];
        if (m->key_len == n && memcmp(m->key, key, n) == 0)
            return m->value;
    }
    return NULL;
}

const cs_json *cs_json_get(const cs_json *obj, const char *key)
{
    return key ? get_n(obj, key, strlen(key)) : NULL;
}

const cs_json *cs_json_at(const cs_json *arr, size_t i)
{
    if (!arr || arr->type != CS_JSON_ARRAY || i >= arr->u.arr.n)
        return NULL;
    return arr->u.arr.items[i];
}

size_t cs_json_size(const cs_json *v)
{
    if (!v)
        return 0;
    if (v->type == CS_JSON_ARRAY)
        return v->u.arr.n;
    if (v->type == CS_JSON_OBJECT)
        return v->u.obj.n;
    return 0;
}

const char *cs_json_member_key(const cs_json *obj, size_t i)
{
    if (!obj || obj->type != CS_JSON_OBJECT || i >= obj->u.obj.n)
        return NULL;
    return obj->u.obj.m[i].key;
}

const cs_json *cs_json_member_value(const cs_json *obj, size_t i)
{
    if (!obj || obj->type != CS_JSON_OBJECT || i >= obj->u.obj.n)
        return NULL;
    return obj->u.obj.m[i].value;
}

double cs_json_number_value(const cs_json *v)
{
    return v && v->type == CS_JSON_NUMBER ? v->u.num : NAN;
}

int cs_json_int_value(const cs_json *v, long long *out)
{
    if (!v || v->type != CS_JSON_NUMBER || !v->is_int)
        return 0;
    if (out)
        *out = v->ival;
    return 1;
}

const char *cs_json_string_value(const cs_json *v)
{
    return v && v->type == CS_JSON_STRING ? v->u.str.s : NULL;
}

size_t cs_json_string_length(const cs_json *v)
{
    return v && v->type == CS_JSON_STRING ? v->u.str.len : 0;
}

int cs_json_bool_value(const cs_json *v)
{
    return v && v->type == CS_JSON_BOOL ? v->u.b : 0;
}

const cs_json *cs_json_path(const cs_json *root, const char *dotted)
{
    if (!root || !dotted)
        return NULL;
    const cs_json *cur = root;
    const char *seg = dotted;
    if (*seg == '\0')
        return root;
    for (;;) {
        const char *dot = strchr(seg, '.');
        size_t n = dot ? (size_t)(dot - seg) : strlen(seg);
        if (n == 0)
            return NULL;
        if (cur->type == CS_JSON_OBJECT)
            cur = get_n(cur, seg, n);
        else if (cur->type == CS_JSON_ARRAY) {
            size_t idx = 0;
            for (size_t i = 0; i < n; i++) {
                if (!cs_text_is_digit(seg[i]))
                    return NULL;
                size_t d = (size_t)(seg[i] - '0');
                if (idx > (SIZE_MAX - d) / 10)
                    return NULL;
                idx = idx * 10 + d;
            }
            cur = cs_json_at(cur, idx);
        } else
            return NULL;
        if (!cur || !dot)
            return cur;
        seg = dot + 1;
    }
}

void cs_json_emit(cs_json_writer *w, const cs_json *v)
{
    if (!v) {
        cs_json_null(w);
        return;
    }
    switch (v->type) {
    case CS_JSON_NULL:
        cs_json_null(w);
        break;
    case CS_JSON_BOOL:
        cs_json_bool(w, v->u.b);
        break;
    case CS_JSON_NUMBER:
        if (v->is_int)
            cs_json_int(w, v->ival);
        else
            cs_json_number(w, v->u.num);
        break;
    case CS_JSON_STRING:
        csi_json_string_n(w, v->u.str.s, v->u.str.len);
        break;
    case CS_JSON_ARRAY:
        cs_json_begin_array(w);
        for (size_t i = 0; i < v->u.arr.n; i++)
            cs_json_emit(w, v->u.arr.items[i]);
        cs_json_end_array(w);
        break;
    case CS_JSON_OBJECT:
        cs_json_begin_object(w);
        for (size_t i = 0; i < v->u.obj.n; i++) {
            const member *m = &v->u.obj.m[i];
            if (csi_json_key_allowed(w, m->key))
                csi_json_key_n(w, m->key, m->key_len);
            cs_json_emit(w, m->value);
        }
        cs_json_end_object(w);
        break;
    }
}
