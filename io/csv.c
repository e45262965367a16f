#include "io/csv.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/text.h"

/* Size of the read buffer in file mode.  Large enough that fread() calls are rare, small and
 * fixed so that memory does not depend on the file. */
#define CSV_CHUNK ((size_t)64 * 1024)
/* First size of the record buffer and of the field index; both double when a longer record
 * arrives, so their capacity stays below twice the longest record. */
#define CSV_REC_INIT ((size_t)256)
#define CSV_FLD_INIT ((size_t)16)
#define CSV_MIN_MAX_RECORD ((size_t)64)

struct cs_csv {
    /* input: file mode reads CSV_CHUNK bytes at a time into in; string mode owns a copy of the
     * whole text in in and never refills */
    FILE *fp;
    int close_fp;
    unsigned char *in;
    size_t in_pos, in_len;
    int in_eof;      /* no more bytes will come */
    int in_ioerr;    /* errno of a failed read, 0 if none */
    int started;     /* the byte-order mark check has been done */
    char *path;      /* name used in messages */
    char sep;

    /* current record: fields stored back to back, each followed by a NUL; fld[i] is the offset
     * of field i.  Offsets rather than pointers so that growing rec needs no fix-up. */
    char *rec;
    size_t rec_len, rec_cap;
    size_t *fld;
    size_t nfld, fld_cap;
    size_t max_record;

    long row;       /* spreadsheet row of the current record */
    long rec_line;  /* physical line where the current record starts */
    long next_row;  /* row the next record (or empty line) will get */
    long line;      /* physical line of the next byte to read */

    cs_error fail;  /* sticky error; fail.code == CS_OK while healthy */

    /* header copy, owned, independent of rec so that names survive later records */
    char *hdr_buf;
    size_t *hdr_off;
    size_t nhdr;
};

/* ---- construction ---------------------------------------------------------------------------- */

static cs_status check_sep(char sep, cs_error *err)
{
    if (sep == '"' || sep == '\n' || sep == '\r' || sep == '\0')
        return cs_error_set(err, CS_EINPUT,
                            "cannot use %s as the CSV field separator; use ',' ';' or a tab",
                            sep == '"' ? "a double quote" : sep == '\0' ? "NUL" : "a line end");
    return CS_OK;
}

static cs_status alloc_common(const char *name, char sep, cs_csv **out, cs_error *err)
{
    cs_csv *c = calloc(1, sizeof *c);
    if (!c)
        return cs_error_set(err, CS_ENOMEM, "out of memory opening CSV input %s", name);
    c->path = malloc(strlen(name) + 1);
    c->rec = malloc(CSV_REC_INIT);
    c->fld = malloc(CSV_FLD_INIT * sizeof *c->fld);
    if (!c->path || !c->rec || !c->fld) {
        cs_csv_close(c);
        return cs_error_set(err, CS_ENOMEM, "out of memory opening CSV input %s", name);
    }
    strcpy(c->path, name);
    c->rec_cap = CSV_REC_INIT;
    c->fld_cap = CSV_FLD_INIT;
    c->rec[0] = '\0';
    c->sep = sep;
    c->max_record = CS_CSV_DEFAULT_MAX_RECORD;
    c->next_row = 1;
    c->line = 1;
    c->fail.code = CS_OK;
    *out = c;
    return CS_OK;
}

cs_status cs_csv_open(const char *path, char sep, cs_csv **out, cs_error *err)
{
    CS_REQUIRE(path != NULL && out != NULL);
    *out = NULL;
    cs_status st = check_sep(sep, err);
    if (st != CS_OK)
        return st;
    int is_stdin = strcmp(path, "-") == 0;
    cs_csv *c = NULL;
    st = alloc_common(is_stdin ? "<stdin>" : path, sep, &c, err);
    if (st != CS_OK)
        return st;
    c->in = malloc(CSV_CHUNK);
    if (!c->in) {
        cs_csv_close(c);
        return cs_error_set(err, CS_ENOMEM, "out of memory opening %s", path);
    }
    if (is_stdin) {
        c->fp = stdin;
        c->close_fp = 0;
    } else {
        c->fp = fopen(path, "rb");
        if (!c->fp) {
            int e = errno;
            cs_csv_close(c);
            return cs_error_set(err, CS_EIO, "cannot open %s: %s", path, strerror(e));
        }
        c->close_fp = 1;
    }
    *out = c;
    return CS_OK;
}

cs_status cs_csv_open_string(const char *text, char sep, cs_csv **out, cs_error *err)
{
    CS_REQUIRE(text != NULL && out != NULL);
    *out = NULL;
    cs_status st = check_sep(sep, err);
    if (st != CS_OK)
        return st;
    cs_csv *c = NULL;
    st = alloc_common("<string>", sep, &c, err);
    if (st != CS_OK)
        return st;
    size_t n = strlen(text);
    c->in = malloc(n + 1);
    if (!c->in) {
        cs_csv_close(c);
        return cs_error_set(err, CS_ENOMEM, "out of memory copying CSV text (%zu bytes)", n);
    }
    memcpy(c->in, text, n + 1);
    c->in_len = n;
    c->in_eof = 1;
    *out = c;
    return CS_OK;
}

void cs_csv_close(cs_csv *c)
{
    if (!c)
        return;
    if (c->fp && c->close_fp)
        fclose(c->fp);
    free(c->in);
    free(c->path);
    free(c->rec);
    free(c->fld);
    free(c->hdr_buf);
    free(c->hdr_off);
    free(c);
}

void cs_csv_set_max_record(cs_csv *c, size_t max_bytes)
{
    CS_REQUIRE(c != NULL);
    c->max_record = max_bytes < CSV_MIN_MAX_RECORD ? CSV_MIN_MAX_RECORD : max_bytes;
}

/* ---- byte input ------------------------------------------------------------------------------ */

/* Returns 1 if at least one byte is available after the call. */
static int refill(cs_csv *c)
{
    if (c->in_pos < c->in_len)
        return 1;
    if (c->in_eof)
        return 0;
    /* fread() blocks until it has the whole chunk, so a short count means end of file or a
     * read error, also on pipes. */
    errno = 0;
    size_t n = fread(c->in, 1, CSV_CHUNK, c->fp);
    c->in_pos = 0;
    c->in_len = n;
    if (n < CSV_CHUNK) {
        c->in_eof = 1;
        if (ferror(c->fp))
            c->in_ioerr = errno ? errno : EIO;
    }
    return n > 0;
}

static inline int get_byte(cs_csv *c)
{
    if (c->in_pos == c->in_len && !refill(c))
        return EOF;
    return c->in[c->in_pos++];
}

static inline int peek_byte(cs_csv *c)
{
    if (c->in_pos == c->in_len && !refill(c))
        return EOF;
    return c->in[c->in_pos];
}

/* ---- record assembly ------------------------------------------------------------------------- */

/* Records the error so that later calls repeat it, and copies it to err. */
static cs_status fail(cs_csv *c, cs_error *err, cs_status code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static cs_status fail(cs_csv *c, cs_error *err, cs_status code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->fail.msg, sizeof c->fail.msg, fmt, ap);
    va_end(ap);
    c->fail.code = code;
    if (err)
        *err = c->fail;
    return code;
}

/* Makes room for one more byte in rec.  Returns 0, or -1 (too long) / -2 (no memory). */
static int grow_rec(cs_csv *c)
{
    if (c->rec_len + 1 > c->max_record)
        return -1;
    size_t ncap = c->rec_cap * 2;
    if (ncap > c->max_record)
        ncap = c->max_record;
    char *p = realloc(c->rec, ncap);
    if (!p)
        return -2;
    c->rec = p;
    c->rec_cap = ncap;
    return 0;
}

static inline int put(cs_csv *c, int ch)
{
    if (c->rec_len == c->rec_cap) {
        int r = grow_rec(c);
        if (r)
            return r;
    }
    c->rec[c->rec_len++] = (char)ch;
    return 0;
}

/* Starts a new field at the current end of rec. */
static int begin_field(cs_csv *c)
{
    if (c->nfld == c->fld_cap) {
        size_t ncap = c->fld_cap * 2;
        size_t *p = realloc(c->fld, ncap * sizeof *p);
        if (!p)
            return -2;
        c->fld = p;
        c->fld_cap = ncap;
    }
    c->fld[c->nfld++] = c->rec_len;
    return 0;
}

/* Turns a put()/begin_field() failure into the sticky error. */
static cs_status put_failed(cs_csv *c, cs_error *err, int r, long quote_line)
{
    if (r == -2)
        return fail(c, err, CS_ENOMEM, "%s:row %ld: out of memory reading a record of %zu bytes",
                    c->path, c->row, c->rec_len);
    if (quote_line > 0)
        return fail(c, err, CS_EINPUT,
                    "%s:row %ld: record longer than %zu bytes (it starts on line %ld); field %zu "
                    "opens a quote on line %ld that is probably never closed; a quote inside a "
                    "quoted field must be written twice (\"\")",
                    c->path, c->row, c->max_record, c->rec_line, c->nfld, quote_line);
    return fail(c, err, CS_EINPUT,
                "%s:row %ld: record longer than %zu bytes (it starts on line %ld); is the "
                "separator right and is this a CSV file?",
                c->path, c->row, c->max_record, c->rec_line);
}

static cs_status nul_byte(cs_csv *c, cs_error *err)
{
    return fail(c, err, CS_EINPUT,
                "%s:row %ld: field %zu contains a NUL byte; the file is not UTF-8 or ASCII text "
                "(a UTF-16 'Unicode text' export must be saved again as 'CSV UTF-8')",
                c->path, c->row, c->nfld);
}

/* Handles the byte-order mark at the very start of the input. */
static cs_status check_start(cs_csv *c, cs_error *err)
{
    c->started = 1;
    int b0 = peek_byte(c);
    if (b0 == 0xEF) {
        /* The first read fills a whole chunk unless the input is shorter, so all three bytes
         * are in the buffer if they exist at all. */
        if (c->in_len - c->in_pos >= 3 && c->in[c->in_pos + 1] == 0xBB &&
            c->in[c->in_pos + 2] == 0xBF)
            c->in_pos += 3;
    } else if ((b0 == 0xFF || b0 == 0xFE) && c->in_len - c->in_pos >= 2 &&
               c->in[c->in_pos + 1] == (b0 == 0xFF ? 0xFE : 0xFF)) {
        return fail(c, err, CS_EINPUT,
                    "%s: the file is UTF-16 text (it starts with a UTF-16 byte-order mark); "
                    "save it as 'CSV UTF-8' or convert it with: iconv -f UTF-16 -t UTF-8",
                    c->path);
    }
    return CS_OK;
}

cs_status cs_csv_next(cs_csv *c, int *got, cs_error *err)
{
    CS_REQUIRE(c != NULL && got != NULL);
    *got = 0;
    if (c->fail.code != CS_OK) {
        if (err)
            *err = c->fail;
        return c->fail.code;
    }
    if (!c->started) {
        cs_status st = check_start(c, err);
        if (st != CS_OK)
            return st;
    }

    /* Skip empty lines; each still counts as a spreadsheet row. */
    int ch;
    for (;;) {
        ch = get_byte(c);
        if (ch == '\n') {
            c->line++;
            c->next_row++;
        } else if (ch == '\r') {
            if (peek_byte(c) == '\n')
                c->in_pos++;
            c->line++;
            c->next_row++;
        } else {
            break;
        }
    }
    if (ch == EOF) {
        c->nfld = 0;
        c->rec_len = 0;
        if (c->in_ioerr)
            return fail(c, err, CS_EIO, "%s: read error after line %ld: %s", c->path, c->line,
                        strerror(c->in_ioerr));
        return CS_OK;
    }

    c->row = c->next_row++;
    c->rec_line = c->line;
    c->rec_len = 0;
    c->nfld = 0;
    const int sep = (unsigned char)c->sep;
    int r;

    for (;;) { /* one iteration per field; ch is the field's first byte */
        if ((r = begin_field(c)) != 0)
            return put_failed(c, err, r, 0);
        if (ch == '"') {
            long quote_line = c->line;
            for (;;) {
                ch = get_byte(c);
                if (ch == EOF) {
                    if (c->in_ioerr)
                        return fail(c, err, CS_EIO, "%s:row %ld: read error: %s", c->path, c->row,
                                    strerror(c->in_ioerr));
                    return fail(c, err, CS_EINPUT,
                                "%s:row %ld: unterminated quoted field: field %zu opens a quote "
                                "on line %ld and the file ends before it is closed; a quote "
                                "inside a quoted field must be written twice (\"\")",
                                c->path, c->row, c->nfld, quote_line);
                }
                if (ch == '"') {
                    if (peek_byte(c) != '"')
                        break;
                    c->in_pos++;
                } else if (ch == '\n') {
                    c->line++;
                } else if (ch == '\r') {
                    if (peek_byte(c) != '\n')
                        c->line++;
                } else if (ch == 0) {
                    return nul_byte(c, err);
                }
                if ((r = put(c, ch)) != 0)
                    return put_failed(c, err, r, quote_line);
            }
            /* After the closing quote: blanks, then a separator or the end of the record. */
            ch = get_byte(c);
            while ((ch == ' ' || ch == '\t') && ch != sep)
                ch = get_byte(c);
            if (ch != sep && ch != '\n' && ch != '\r' && ch != EOF) {
                char shown[8], sepq[4] = {'\'', c->sep, '\'', '\0'};
                if (ch >= 0x20 && ch < 0x7f)
                    snprintf(shown, sizeof shown, "'%c'", ch);
                else
                    snprintf(shown, sizeof shown, "0x%02X", (unsigned)ch);
                return fail(c, err, CS_EINPUT,
                            "%s:row %ld: unexpected character %s after the closing quote of "
                            "field %zu (line %ld); a quote inside a quoted field must be written "
                            "twice (\"\"), and a quoted field must be followed by the separator "
                            "%s or the end of the line",
                            c->path, c->row, shown, c->nfld, c->line,
                            c->sep == '\t' ? "(a tab)" : sepq);
            }
        } else {
            while (ch != sep && ch != '\n' && ch != '\r' && ch != EOF) {
                if (ch == 0)
                    return nul_byte(c, err);
                if ((r = put(c, ch)) != 0)
                    return put_failed(c, err, r, 0);
                ch = get_byte(c);
            }
        }
        if ((r = put(c, '\0')) != 0)
            return put_failed(c, err, r, 0);
        if (ch != sep)
            break;
        ch = get_byte(c);
    }

    if (ch == '\r') {
        if (peek_byte(c) == '\n')
            c->in_pos++;
        c->line++;
    } else if (ch == '\n') {
        c->line++;
    } else if (c->in_ioerr) { /* EOF caused by a read error, not the end of the file */
        return fail(c, err, CS_EIO, "%s:row %ld: read error: %s", c->path, c->row,
                    strerror(c->in_ioerr));
    }
    *got = 1;
    return CS_OK;
}

/* ---- accessors ------------------------------------------------------------------------------- */

size_t cs_csv_nfields(const cs_csv *c)
{
    CS_REQUIRE(c != NULL);
    return c->nfld;
}

const char *cs_csv_field(const cs_csv *c, size_t i)
{
    CS_REQUIRE(c != NULL);
    return i < c->nfld ? c->rec + c->fld[i] : "";
}

long cs_csv_row(const cs_csv *c)
{
    CS_REQUIRE(c != NULL);
    return c->row;
}

long cs_csv_line(const cs_csv *c)
{
    CS_REQUIRE(c != NULL);
    return c->rec_line;
}

const char *cs_csv_path(const cs_csv *c)
{
    CS_REQUIRE(c != NULL);
    return c->path;
}

size_t cs_csv_buffer_capacity(const cs_csv *c)
{
    CS_REQUIRE(c != NULL);
    return c->rec_cap + c->fld_cap * sizeof *c->fld;
}

/* ---- header ---------------------------------------------------------------------------------- */

static int is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

cs_status cs_csv_read_header(cs_csv *c, cs_error *err)
{
    CS_REQUIRE(c != NULL);
    int got = 0;
    cs_status st = cs_csv_next(c, &got, err);
    if (st != CS_OK)
        return st;
    if (!got)
        return cs_error_set(err, CS_EINPUT, "%s: empty file, expected a header line", c->path);

    char *buf = malloc(c->rec_len ? c->rec_len : 1);
    size_t *off = malloc(c->nfld * sizeof *off);
    if (!buf || !off) {
        free(buf);
        free(off);
        return cs_error_set(err, CS_ENOMEM, "%s: out of memory copying the header", c->path);
    }
    size_t pos = 0;
    for (size_t i = 0; i < c->nfld; i++) {
        const char *s = c->rec + c->fld[i];
        size_t n = strlen(s);
        /* The BOM is normally removed at the start of input; this catches one that reached the
         * field anyway (inside quotes, or split across two reads of a pipe). */
        for (;;) {
            if (n >= 3 && (unsigned char)s[0] == 0xEF && (unsigned char)s[1] == 0xBB &&
                (unsigned char)s[2] == 0xBF) {
                s += 3;
                n -= 3;
            } else if (n > 0 && is_blank(s[0])) {
                s++;
                n--;
            } else {
                break;
            }
        }
        while (n > 0 && is_blank(s[n - 1]))
            n--;
        off[i] = pos;
        memcpy(buf + pos, s, n);
        pos += n;
        buf[pos++] = '\0';
    }
    free(c->hdr_buf);
    free(c->hdr_off);
    c->hdr_buf = buf;
    c->hdr_off = off;
    c->nhdr = c->nfld;
    return CS_OK;
}

int cs_csv_column(const cs_csv *c, const char *name)
{
    CS_REQUIRE(c != NULL && name != NULL);
    for (size_t i = 0; i < c->nhdr && i < (size_t)INT_MAX; i++)
        if (cs_text_ieq(c->hdr_buf + c->hdr_off[i], name))
            return (int)i;
    return -1;
}

size_t cs_csv_ncolumns(const cs_csv *c)
{
    CS_REQUIRE(c != NULL);
    return c->nhdr;
}

const char *cs_csv_column_name(const cs_csv *c, size_t i)
{
    CS_REQUIRE(c != NULL);
    return i < c->nhdr ? c->hdr_buf + c->hdr_off[i] : "";
}
