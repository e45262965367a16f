/* Tests for io/csv: RFC 4180 quoting, line ends, BOM, separators, row numbering, errors with
 * their row numbers, stdin, and bounded memory on a 200,000-row file.  Every input is built
 * here (strings or files under /tmp), so nothing outside the repository is needed. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io/csv.h"

/* ---- helpers --------------------------------------------------------------------------------- */

static cs_csv *open_str(const char *text, char sep)
{
    cs_csv *c = NULL;
    cs_error err = {CS_OK, ""};
    cs_status st = cs_csv_open_string(text, sep, &c, &err);
    if (st != CS_OK)
        print_error("open_string: %s\n", err.msg);
    assert_int_equal(st, CS_OK);
    assert_non_null(c);
    return c;
}

/* Reads the next record, which must exist, and checks its fields. */
static void expect_record(cs_csv *c, long row, size_t n, const char *const *fields)
{
    int got = -1;
    cs_error err = {CS_OK, ""};
    cs_status st = cs_csv_next(c, &got, &err);
    if (st != CS_OK)
        print_error("cs_csv_next: %s\n", err.msg);
    assert_int_equal(st, CS_OK);
    assert_int_equal(got, 1);
    assert_int_equal(cs_csv_row(c), row);
    assert_int_equal(cs_csv_nfields(c), n);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(cs_csv_field(c, i), fields[i]);
    assert_string_equal(cs_csv_field(c, n), ""); /* out of range */
}

#define EXPECT(c, row, ...)                                                                      \
    do {                                                                                         \
        const char *const f_[] = {__VA_ARGS__};                                                  \
        expect_record((c), (row), sizeof f_ / sizeof f_[0], f_);                                 \
    } while (0)

static void expect_eof(cs_csv *c)
{
    int got = -1;
    assert_int_equal(cs_csv_next(c, &got, NULL), CS_OK);
    assert_int_equal(got, 0);
    /* and it stays at the end */
    assert_int_equal(cs_csv_next(c, &got, NULL), CS_OK);
    assert_int_equal(got, 0);
}

/* Writes bytes to a new temporary file and returns its name in path[32]. */
static void write_tmp(char path[32], const char *bytes, size_t n)
{
    strcpy(path, "/tmp/test_csv_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(bytes, 1, n, f), n);
    assert_int_equal(fclose(f), 0);
}

/* ---- format ---------------------------------------------------------------------------------- */

static void test_plain_and_quoted(void **state)
{
    (void)state;
    cs_csv *c = open_str("a,b,c\n"
                         "1,2,3\n"
                         "\"x\",\"y \"\"q\"\" z\",\"a,b\"\n"
                         "5\" disk,\"\",\"\"\"\"\n"
                         "\"ab\"  ,d\n",
                         ',');
    EXPECT(c, 1, "a", "b", "c");
    EXPECT(c, 2, "1", "2", "3");
    EXPECT(c, 3, "x", "y \"q\" z", "a,b");
    EXPECT(c, 4, "5\" disk", "", "\""); /* quote inside an unquoted field is literal */
    EXPECT(c, 5, "ab", "d");            /* blanks after a closing quote are ignored */
    expect_eof(c);
    assert_string_equal(cs_csv_path(c), "<string>");
    cs_csv_close(c);
}

static void test_embedded_newlines_and_rows(void **state)
{
    (void)state;
    cs_csv *c = open_str("h1,h2\n"
                         "\"line1\nline2\",z\n"
                         "c,\"x\r\ny\"\n"
                         "\n"
                         "\n"
                         "d,\"three\nline\nfield\"\n"
                         "e,f\n",
                         ',');
    assert_int_equal(cs_csv_row(c), 0);
    EXPECT(c, 1, "h1", "h2");
    assert_int_equal(cs_csv_line(c), 1);
    EXPECT(c, 2, "line1\nline2", "z");
    assert_int_equal(cs_csv_line(c), 2);
    EXPECT(c, 3, "c", "x\r\ny"); /* CRLF inside quotes is kept as found */
    assert_int_equal(cs_csv_line(c), 4);
    /* two empty lines are skipped but count as rows 4 and 5, as in a spreadsheet */
    EXPECT(c, 6, "d", "three\nline\nfield");
    assert_int_equal(cs_csv_line(c), 8);
    EXPECT(c, 7, "e", "f");
    assert_int_equal(cs_csv_line(c), 11);
    expect_eof(c);
    cs_csv_close(c);
}

static void test_line_ends(void **state)
{
    (void)state;
    cs_csv *c = open_str("a,b\r\n1,2\r\n\r\n", ',');
    EXPECT(c, 1, "a", "b");
    EXPECT(c, 2, "1", "2");
    expect_eof(c);
    cs_csv_close(c);

    c = open_str("a\rb\r", ','); /* classic Mac */
    EXPECT(c, 1, "a");
    EXPECT(c, 2, "b");
    expect_eof(c);
    cs_csv_close(c);

    c = open_str("a\nb", ','); /* no final line end */
    EXPECT(c, 1, "a");
    EXPECT(c, 2, "b");
    expect_eof(c);
    cs_csv_close(c);

    c = open_str("a\nb\n\n\n", ','); /* trailing empty lines */
    EXPECT(c, 1, "a");
    EXPECT(c, 2, "b");
    expect_eof(c);
    cs_csv_close(c);

    c = open_str("", ',');
    expect_eof(c);
    assert_int_equal(cs_csv_nfields(c), 0);
    cs_csv_close(c);

    c = open_str("\"q\"\r\n\"r\"", ','); /* quoted field right before CRLF / EOF */
    EXPECT(c, 1, "q");
    EXPECT(c, 2, "r");
    expect_eof(c);
    cs_csv_close(c);
}

static void test_empty_fields(void **state)
{
    (void)state;
    cs_csv *c = open_str(",,\na,,c\na,b,\n\"\"\n \n", ',');
    EXPECT(c, 1, "", "", "");
    EXPECT(c, 2, "a", "", "c");
    EXPECT(c, 3, "a", "b", "");
    EXPECT(c, 4, "");
    EXPECT(c, 5, " "); /* a blank is data, not an empty line */
    expect_eof(c);
    cs_csv_close(c);
}

static void test_bom_and_header(void **state)
{
    (void)state;
    cs_csv *c = open_str("\xEF\xBB\xBF Call_ID ,\"Start Time\",\tduration\t,call_id\n"
                         "17,2024-10-27 01:30,185\n",
                         ',');
    cs_error err;
    assert_int_equal(cs_csv_read_header(c, &err), CS_OK);
    assert_int_equal(cs_csv_ncolumns(c), 4);
    assert_string_equal(cs_csv_column_name(c, 0), "Call_ID");
    assert_string_equal(cs_csv_column_name(c, 1), "Start Time");
    assert_string_equal(cs_csv_column_name(c, 2), "duration");
    assert_string_equal(cs_csv_column_name(c, 4), "");
    assert_int_equal(cs_csv_column(c, "call_id"), 0); /* first of two */
    assert_int_equal(cs_csv_column(c, "START TIME"), 1);
    assert_int_equal(cs_csv_column(c, "Duration"), 2);
    assert_int_equal(cs_csv_column(c, "dur"), -1);
    assert_int_equal(cs_csv_column(c, "durationx"), -1);
    assert_int_equal(cs_csv_column(c, ""), -1);
    /* the data row has 3 fields, the header 4: both counts are exposed, the caller decides */
    EXPECT(c, 2, "17", "2024-10-27 01:30", "185");
    assert_int_equal(cs_csv_ncolumns(c), 4);
    /* header names outlive the record buffer */
    assert_string_equal(cs_csv_column_name(c, 1), "Start Time");
    expect_eof(c);
    cs_csv_close(c);

    /* BOM with a plain reader: the first field is clean */
    c = open_str("\xEF\xBB\xBFname,val\n", ',');
    EXPECT(c, 1, "name", "val");
    cs_csv_close(c);

    /* BOM inside quotes is stripped from the header name too */
    c = open_str("\"\xEF\xBB\xBFname\",val\n", ',');
    assert_int_equal(cs_csv_read_header(c, NULL), CS_OK);
    assert_int_equal(cs_csv_column(c, "name"), 0);
    cs_csv_close(c);

    /* no header read: lookups find nothing */
    c = open_str("a,b\n", ',');
    assert_int_equal(cs_csv_ncolumns(c), 0);
    assert_int_equal(cs_csv_column(c, "a"), -1);
    cs_csv_close(c);

    c = open_str("\n\n", ',');
    assert_int_equal(cs_csv_read_header(c, &err), CS_EINPUT);
    assert_string_equal(err.msg, "<string>: empty file, expected a header line");
    cs_csv_close(c);
}

static void test_other_separators(void **state)
{
    (void)state;
    cs_csv *c = open_str("a;b,c;\"d;e\"\n1;2;3\n", ';');
    EXPECT(c, 1, "a", "b,c", "d;e");
    EXPECT(c, 2, "1", "2", "3");
    expect_eof(c);
    cs_csv_close(c);

    c = open_str("a\tb c\t\"d\te\"\n\t\n", '\t');
    EXPECT(c, 1, "a", "b c", "d\te");
    EXPECT(c, 2, "", "");
    expect_eof(c);
    cs_csv_close(c);

    /* with a tab separator, a tab after a closing quote is the separator, not a blank */
    c = open_str("\"a\"\t\"b\"\n", '\t');
    EXPECT(c, 1, "a", "b");
    cs_csv_close(c);

    cs_error err;
    cs_csv *bad = (cs_csv *)&err; /* any non-NULL value: it must be reset to NULL on failure */
    assert_int_equal(cs_csv_open_string("a", '"', &bad, &err), CS_EINPUT);
    assert_null(bad);
    assert_non_null(strstr(err.msg, "separator"));
    assert_int_equal(cs_csv_open_string("a", '\n', &bad, &err), CS_EINPUT);
}

/* ---- errors ---------------------------------------------------------------------------------- */

static void test_unterminated_quote(void **state)
{
    (void)state;
    cs_csv *c = open_str("h1,h2\n"
                         "\"multi\nline\",2\n"
                         "3,\"oops\n"
                         "4,5\n",
                         ',');
    EXPECT(c, 1, "h1", "h2");
    EXPECT(c, 2, "multi\nline", "2");
    int got = -1;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_csv_next(c, &got, &err), CS_EINPUT);
    assert_int_equal(got, 0);
    assert_int_equal(err.code, CS_EINPUT);
    /* row 3 (spreadsheet), although the quote opens on physical line 4 */
    assert_non_null(strstr(err.msg, "<string>:row 3: unterminated quoted field"));
    assert_non_null(strstr(err.msg, "field 2 opens a quote on line 4"));
    assert_non_null(strstr(err.msg, "\"\""));
    /* sticky */
    cs_error err2 = {CS_OK, ""};
    assert_int_equal(cs_csv_next(c, &got, &err2), CS_EINPUT);
    assert_string_equal(err2.msg, err.msg);
    assert_int_equal(cs_csv_read_header(c, &err2), CS_EINPUT);
    cs_csv_close(c);
}

static void test_garbage_after_quote(void **state)
{
    (void)state;
    cs_csv *c = open_str("a,b\n\"ab\"c,d\n", ',');
    EXPECT(c, 1, "a", "b");
    int got;
    cs_error err;
    assert_int_equal(cs_csv_next(c, &got, &err), CS_EINPUT);
    assert_int_equal(got, 0);
    assert_non_null(strstr(err.msg, "<string>:row 2: unexpected character 'c' after the closing "
                                    "quote of field 1"));
    cs_csv_close(c);

    c = open_str("\"a\"\"b\"x\n", ';');
    assert_int_equal(cs_csv_next(c, &got, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "separator ';'"));
    cs_csv_close(c);
}

static void test_binary_input(void **state)
{
    (void)state;
    char path[32];
    static const char nul[] = "a,b\nc,d\0e\n";
    write_tmp(path, nul, sizeof nul - 1);
    cs_csv *c = NULL;
    cs_error err;
    assert_int_equal(cs_csv_open(path, ',', &c, &err), CS_OK);
    EXPECT(c, 1, "a", "b");
    int got;
    assert_int_equal(cs_csv_next(c, &got, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, ":row 2: field 2 contains a NUL byte"));
    assert_non_null(strstr(err.msg, path));
    cs_csv_close(c);
    unlink(path);

    static const char qnul[] = "\"a\nb\0\"\n";
    write_tmp(path, qnul, sizeof qnul - 1);
    assert_int_equal(cs_csv_open(path, ',', &c, &err), CS_OK);
    assert_int_equal(cs_csv_next(c, &got, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, ":row 1: field 1 contains a NUL byte"));
    cs_csv_close(c);
    unlink(path);

    static const char utf16[] = "\xFF\xFE" "a\0,\0b\0\n\0";
    write_tmp(path, utf16, sizeof utf16 - 1);
    assert_int_equal(cs_csv_open(path, ',', &c, &err), CS_OK);
    assert_int_equal(cs_csv_read_header(c, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "UTF-16"));
    assert_non_null(strstr(err.msg, "iconv"));
    cs_csv_close(c);
    unlink(path);
}

static void test_open_errors(void **state)
{
    (void)state;
    cs_error err;
    cs_csv *c = (cs_csv *)&err; /* any non-NULL value: it must be reset to NULL on failure */
    assert_int_equal(cs_csv_open("/nonexistent/dir/calls.csv", ',', &c, &err), CS_EIO);
    assert_null(c);
    assert_non_null(strstr(err.msg, "cannot open /nonexistent/dir/calls.csv: "));
    cs_csv_close(NULL); /* no-op */
}

static void test_stdin(void **state)
{
    (void)state;
    char path[32];
    static const char text[] = "x,y\r\n1,\"2\"\r\n";
    write_tmp(path, text, sizeof text - 1);
    assert_non_null(freopen(path, "rb", stdin));
    cs_csv *c = NULL;
    assert_int_equal(cs_csv_open("-", ',', &c, NULL), CS_OK);
    assert_string_equal(cs_csv_path(c), "<stdin>");
    EXPECT(c, 1, "x", "y");
    EXPECT(c, 2, "1", "2");
    expect_eof(c);
    cs_csv_close(c); /* must not close stdin */
    assert_int_equal(fileno(stdin), 0);
    unlink(path);
}

/* ---- memory ---------------------------------------------------------------------------------- */

#define BIG_ROWS 200000

/* 200,000 rows (about 11 MB) through a file: every field is checked, row numbers advance by
 * one per record even with multi-line fields, and the record buffer stays near the longest
 * record instead of following the file size. */
static void test_large_file_bounded_memory(void **state)
{
    (void)state;
    char path[32];
    strcpy(path, "/tmp/test_csv_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    fputs("id,name,note,when\r\n", f);
    for (long i = 0; i < BIG_ROWS; i++) {
        if (i % 1000 == 7)
            fprintf(f, "%ld,\"agent \"\"%ld\"\"\",\"two\nlines\",2024-10-27 01:30:%02ld\r\n", i,
                    i % 97, i % 60);
        else
            fprintf(f, "%ld,agent %ld,plain note text,2024-10-27 01:30:%02ld\r\n", i, i % 97,
                    i % 60);
    }
    long size = ftell(f);
    assert_int_equal(fclose(f), 0);
    assert_true(size > 8 * 1000 * 1000);

    cs_csv *c = NULL;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_csv_open(path, ',', &c, &err), CS_OK);
    assert_int_equal(cs_csv_read_header(c, &err), CS_OK);
    assert_int_equal(cs_csv_column(c, "when"), 3);
    size_t cap0 = cs_csv_buffer_capacity(c);
    size_t capmax = cap0;
    long n = 0, multiline = 0;
    char expect[64];
    for (;;) {
        int got;
        cs_status st = cs_csv_next(c, &got, &err);
        if (st != CS_OK)
            fail_msg("%s", err.msg);
        if (!got)
            break;
        if (cs_csv_row(c) != n + 2 || cs_csv_nfields(c) != 4)
            fail_msg("record %ld: row %ld, %zu fields", n, cs_csv_row(c), cs_csv_nfields(c));
        snprintf(expect, sizeof expect, "%ld", n);
        if (strcmp(cs_csv_field(c, 0), expect) != 0)
            fail_msg("record %ld: id '%s'", n, cs_csv_field(c, 0));
        if (n % 1000 == 7) {
            snprintf(expect, sizeof expect, "agent \"%ld\"", n % 97);
            assert_string_equal(cs_csv_field(c, 1), expect);
            assert_string_equal(cs_csv_field(c, 2), "two\nlines");
            multiline++;
        } else {
            snprintf(expect, sizeof expect, "agent %ld", n % 97);
            assert_string_equal(cs_csv_field(c, 1), expect);
        }
        snprintf(expect, sizeof expect, "2024-10-27 01:30:%02ld", n % 60);
        if (strcmp(cs_csv_field(c, 3), expect) != 0)
            fail_msg("record %ld: when '%s'", n, cs_csv_field(c, 3));
        size_t cap = cs_csv_buffer_capacity(c);
        if (cap > capmax)
            capmax = cap;
        n++;
    }
    assert_int_equal(n, BIG_ROWS);
    assert_int_equal(multiline, BIG_ROWS / 1000);
    /* physical lines: header + rows + one extra per multi-line field */
    assert_int_equal(cs_csv_line(c), 1 + BIG_ROWS + multiline);
    /* records are under 70 bytes: the initial 256-byte buffer and 16-entry index suffice */
    assert_true(capmax == cap0);
    assert_true(capmax <= 1024);
    cs_csv_close(c);
    unlink(path);
}

/* The reader refills its input 64 KiB at a time and peeks one byte after '"' and CR: put a
 * doubled quote and a CRLF at every position around the first two refill boundaries. */
static void test_chunk_boundaries(void **state)
{
    (void)state;
    const size_t chunk = 64 * 1024, len = 2 * chunk + 64;
    char *buf = malloc(len + 1);
    assert_non_null(buf);
    for (size_t k = 0; k < 2; k++) {
        for (size_t at = (k + 1) * chunk - 3; at <= (k + 1) * chunk + 1; at++) {
            /* record 1: one quoted field whose bytes at..at+1 are the "" escape (or the CRLF
             * that ends it), then record 2 */
            int crlf = (int)(at % 2);
            memset(buf, 'a', len);
            size_t p = 0;
            buf[p++] = '"';
            size_t body_end = crlf ? at - 1 : at; /* index of closing quote or of "" */
            p = body_end;
            if (crlf) {
                buf[p++] = '"';
                buf[p++] = '\r';
                buf[p++] = '\n';
            } else {
                buf[p++] = '"';
                buf[p++] = '"';
                buf[p++] = 'z';
                buf[p++] = '"';
                buf[p++] = '\r';
                buf[p++] = '\n';
            }
            memcpy(buf + p, "next,row\r\n", 10);
            p += 10;
            char path[32];
            write_tmp(path, buf, p);
            cs_csv *c = NULL;
            assert_int_equal(cs_csv_open(path, ',', &c, NULL), CS_OK);
            int got;
            cs_error err;
            if (cs_csv_next(c, &got, &err) != CS_OK)
                fail_msg("at %zu: %s", at, err.msg);
            assert_int_equal(cs_csv_nfields(c), 1);
            const char *f = cs_csv_field(c, 0);
            size_t flen = strlen(f);
            if (crlf) {
                assert_int_equal(flen, body_end - 1);
            } else {
                assert_int_equal(flen, body_end - 1 + 2);
                assert_string_equal(f + flen - 2, "\"z");
            }
            assert_int_equal(cs_csv_line(c), 1);
            EXPECT(c, 2, "next", "row");
            assert_int_equal(cs_csv_line(c), 2);
            expect_eof(c);
            cs_csv_close(c);
            unlink(path);
        }
    }
    free(buf);
}

/* A stray quote near the top of a large file must not pull the whole file into memory. */
static void test_runaway_quote_is_bounded(void **state)
{
    (void)state;
    char path[32];
    strcpy(path, "/tmp/test_csv_XXXXXX");
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    fputs("a,b\n1,\"stray\n", f);
    for (int i = 0; i < 100000; i++)
        fputs("2,some more text\n", f);
    assert_int_equal(fclose(f), 0);

    cs_csv *c = NULL;
    cs_error err;
    assert_int_equal(cs_csv_open(path, ',', &c, &err), CS_OK);
    cs_csv_set_max_record(c, 4096);
    EXPECT(c, 1, "a", "b");
    int got;
    assert_int_equal(cs_csv_next(c, &got, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, ":row 2: record longer than 4096 bytes"));
    assert_non_null(strstr(err.msg, "field 2 opens a quote on line 2"));
    assert_true(cs_csv_buffer_capacity(c) <= 4096 + 16 * sizeof(size_t));
    cs_csv_close(c);

    /* with the default limit the same file gives the same kind of error at 1 MiB */
    assert_int_equal(cs_csv_open(path, ',', &c, &err), CS_OK);
    assert_int_equal(cs_csv_read_header(c, &err), CS_OK);
    assert_int_equal(cs_csv_next(c, &got, &err), CS_EINPUT);
    assert_non_null(strstr(err.msg, "record longer than 1048576 bytes"));
    assert_true(cs_csv_buffer_capacity(c) <= CS_CSV_DEFAULT_MAX_RECORD + 16 * sizeof(size_t));
    cs_csv_close(c);
    unlink(path);
}

/* Many fields in one record grow the index, and the buffer keeps the longest size afterwards
 * (it is reused, not shrunk and regrown). */
static void test_growth_follows_longest_record(void **state)
{
    (void)state;
    size_t nf = 5000;
    char *text = malloc(nf * 2 + 16);
    assert_non_null(text);
    char *p = text;
    for (size_t i = 0; i < nf; i++) {
        *p++ = (char)('a' + i % 26);
        *p++ = i + 1 < nf ? ',' : '\n';
    }
    strcpy(p, "x,y\n");
    cs_csv *c = open_str(text, ',');
    free(text);
    size_t cap0 = cs_csv_buffer_capacity(c);
    int got;
    assert_int_equal(cs_csv_next(c, &got, NULL), CS_OK);
    assert_int_equal(cs_csv_nfields(c), nf);
    assert_string_equal(cs_csv_field(c, 4999), "h"); /* 4999 % 26 = 7 */
    size_t cap1 = cs_csv_buffer_capacity(c);
    assert_true(cap1 > cap0);
    /* below twice the need: 2 bytes per field of text, one size_t per field of index */
    assert_true(cap1 <= 2 * (nf * 2 + nf * sizeof(size_t)));
    EXPECT(c, 2, "x", "y");
    assert_int_equal(cs_csv_buffer_capacity(c), cap1);
    cs_csv_close(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_and_quoted),
        cmocka_unit_test(test_embedded_newlines_and_rows),
        cmocka_unit_test(test_line_ends),
        cmocka_unit_test(test_empty_fields),
        cmocka_unit_test(test_bom_and_header),
        cmocka_unit_test(test_other_separators),
        cmocka_unit_test(test_unterminated_quote),
        cmocka_unit_test(test_garbage_after_quote),
        cmocka_unit_test(test_binary_input),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_stdin),
        cmocka_unit_test(test_large_file_bounded_memory),
        cmocka_unit_test(test_chunk_boundaries),
        cmocka_unit_test(test_runaway_quote_is_bounded),
        cmocka_unit_test(test_growth_follows_longest_record),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
