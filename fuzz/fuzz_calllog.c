/* libFuzzer harness: the call-log reader (io/calllog.h) with its column and outcome maps.
 *
 * Input layout:  byte 0 = options (bit 0: UK local time, bit 1: --skip-bad, bit 2:
 * placeholders, bits 3-4: separator , ; TAB |), then the --columns text up to the first
 * newline, the --outcomes text up to the next (an empty text means the option is not given),
 * then the CSV file itself.  The file is an in-memory file (memfd) opened by path through
 * /proc/self/fd, because cs_log_open() takes a path; nothing touches the disk.
 *
 * Every row is read (after a bad row the reader may be called again, as a linter would) and
 * each record is checked against the header's promises: a known outcome, a spreadsheet row
 * number past the header, a non-empty line name, finite arrival, non-negative wait, handle
 * and wrap when known, queued in {-1, 0, 1}. */
#define _GNU_SOURCE
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "io/calllog.h"

#define CHECK(c) ((c) ? (void)0 : __builtin_trap())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int memfd = -1;
static char memfd_path[64];

/* Splits off the text up to the next '\n' (NUL-terminated copy, NULL when empty). */
static char *take_line(const uint8_t **p, const uint8_t *end)
{
    const uint8_t *nl = memchr(*p, '\n', (size_t)(end - *p));
    size_t n = nl ? (size_t)(nl - *p) : (size_t)(end - *p);
    char *s = NULL;
    if (n > 0 && memchr(*p, '\0', n) == NULL) {
        s = malloc(n + 1);
        if (s) {
            memcpy(s, *p, n);
            s[n] = '\0';
        }
    }
    *p += n + (nl ? 1 : 0);
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1) return 0;
    if (memfd < 0) {
        memfd = memfd_create("callsim-fuzz-log", 0);
        if (memfd < 0) abort();
        snprintf(memfd_path, sizeof memfd_path, "/proc/self/fd/%d", memfd);
    }
    const uint8_t *p = data + 1, *end = data + size;
    char *columns = take_line(&p, end);
    char *outcomes = take_line(&p, end);
    if (ftruncate(memfd, 0) != 0) abort();
    size_t len = (size_t)(end - p);
    if (len > 0 && pwrite(memfd, p, len, 0) != (ssize_t)len) abort();

    static const char seps[] = {',', ';', '\t', '|'};
    cs_log_opts o;
    cs_log_opts_init(&o);
    o.tz = (data[0] & 1) ? CS_TZ_UK : CS_TZ_UTC;
    o.skip_bad = (data[0] >> 1) & 1;
    o.placeholder_zero_is_missing = (data[0] >> 2) & 1;
    o.sep = seps[(data[0] >> 3) & 3];
    o.columns = columns;
    o.outcomes = outcomes;

    cs_log *l = NULL;
    cs_error err;
    err.msg[0] = '\0';
    cs_status st = cs_log_open(memfd_path, &o, &l, &err);
    if (st != CS_OK) {
        CHECK(l == NULL);
        CHECK(err.msg[0] != '\0');
    } else {
        char desc[2048];
        CHECK(cs_log_describe_mapping(l, desc, sizeof desc) > 0);
        long prev_rows = -1;
        for (int i = 0; i < 100000; i++) {
            cs_log_rec r;
            int got = 0;
            st = cs_log_next(l, &r, &got, &err);
            if (st == CS_OK && !got) break;
            if (st == CS_OK) {
                CHECK(r.outcome >= CS_LOG_ANSWERED && r.outcome <= CS_LOG_UNKNOWN);
                CHECK(r.row >= 2);
                CHECK(memchr(r.line, '\0', sizeof r.line) != NULL && r.line[0] != '\0');
                CHECK(isfinite(r.arrival));
                CHECK(isnan(r.wait) || r.wait >= 0);
                CHECK(isnan(r.handle) || r.handle >= 0);
                CHECK(isnan(r.wrap) || r.wrap >= 0);
                CHECK(r.queued >= -1 && r.queued <= 1);
                (void)cs_log_outcome_name(r.outcome);
                continue;
            }
            CHECK(err.msg[0] != '\0');
            if (st != CS_EINPUT) break;
            /* A bad row is consumed; malformed CSV is sticky (no progress): stop there. */
            if (cs_log_rows(l) == prev_rows) break;
            prev_rows = cs_log_rows(l);
        }
        const cs_log_skips *sk = cs_log_skipped(l);
        CHECK(sk->n <= 16);
        long sum = 0;
        for (size_t i = 0; i < sk->n; i++) sum += sk->by[i].count;
        CHECK(sum == sk->total);
        CHECK(cs_log_notes(l)->n <= 16);
        cs_log_close(l);
    }
    free(columns);
    free(outcomes);
    return 0;
}
