/* Dated on-duty CSV files; see io/staffing_csv.h. */
#include "io/staffing_csv.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "io/csv.h"
#include "io/timestamp.h"
#include "io/units.h"

typedef struct rd {
    cs_staffcsv_problem *problem;
    void *ud;
    int bad;
} rd;

static void report(rd *r, long line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static void report(rd *r, long line, const char *fmt, ...)
{
    char msg[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    r->problem(r->ud, (unsigned)(line > 0 ? line : 1), msg);
    r->bad = 1;
}

static int lower_eq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++) {
        char x = *a >= 'A' && *a <= 'Z' ? (char)(*a - 'A' + 'a') : *a;
        if (x != *b) return 0;
    }
    return *a == *b;
}

/* "2025-12-24 07:00" for messages. */
static void when_text(char *buf, size_t n, int y, int m, int d, double sod)
{
    long s = lround(sod);
    if (s % 60)
        snprintf(buf, n, "%04d-%02d-%02d %02ld:%02ld:%02ld", y, m, d, s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, n, "%04d-%02d-%02d %02ld:%02ld", y, m, d, s / 3600, s / 60 % 60);
}

typedef struct row {
    double t, wall;   /* simulated time; local wall seconds (day number * 86400 + sod) */
    int staff;        /* -1: the roster */
    long row, line;
    char when[40];
} row;

static int push(row **v, size_t *n, size_t *cap, const row *x)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 256;
        row *p = realloc(*v, nc * sizeof *p);
        if (!p) return -1;
        *v = p;
        *cap = nc;
    }
    (*v)[(*n)++] = *x;
    return 0;
}

cs_status cs_staffcsv_read(const char *path, const cs_clock *c, double horizon, cs_onduty *out,
                           cs_staffcsv_problem *problem, void *ud, cs_error *err)
{
    CS_REQUIRE(path && c && c->dated && out && problem);
    memset(out, 0, sizeof *out);
    cs_csv *csv = NULL;
    cs_status st = cs_csv_open(path, ',', &csv, err);
    if (st != CS_OK) return st;
    rd r = {problem, ud, 0};
    cs_error e;
    st = cs_csv_read_header(csv, &e);
    if (st != CS_OK) {
        if (st == CS_ENOMEM) {
            cs_csv_close(csv);
            return cs_error_set(err, CS_ENOMEM, "out of memory");
        }
        report(&r, 1, "%s", e.msg);
        cs_csv_close(csv);
        return CS_EINPUT;
    }
    int col[3] = {-1, -1, -1};
    static const char *const names[3] = {"date", "time", "staff"};
    for (size_t i = 0; i < cs_csv_ncolumns(csv); i++) {
        const char *nm = cs_csv_column_name(csv, i);
        int k = 0;
        while (k < 3 && !lower_eq(nm, names[k])) k++;
        if (k == 3)
            report(&r, 1, "row 1: unknown column '%s'; an on-duty file has the columns date, time "
                   "and staff", nm);
        else if (col[k] >= 0)
            report(&r, 1, "row 1: column '%s' appears twice", nm);
        else
            col[k] = (int)i;
    }
    for (int k = 0; k < 3; k++)
        if (col[k] < 0) report(&r, 1, "row 1: the column '%s' is missing; an on-duty file has the "
                               "columns date, time and staff", names[k]);
    if (r.bad) {
        cs_csv_close(csv);
        return CS_EINPUT;
    }
    row *rows = NULL;
    size_t n = 0, cap = 0;
    int have_prev = 0;
    row prev = {0};
    char start_text[16], end_text[40];
    {
        int y, m, d;
        cs_date_civil_from_days(c->start_day, &y, &m, &d);
        snprintf(start_text, sizeof start_text, "%04d-%02d-%02d", y, m, d);
        cs_clock_format(c, horizon, CS_CLOCK_FMT_MINUTE, end_text, sizeof end_text);
    }
    for (;;) {
        int got;
        st = cs_csv_next(csv, &got, &e);
        if (st == CS_ENOMEM) break;
        if (st != CS_OK) {
            report(&r, cs_csv_line(csv), "%s", e.msg);
            st = CS_OK;
            break;
        }
        if (!got) break;
        long rn = cs_csv_row(csv), ln = cs_csv_line(csv);
        if (cs_csv_nfields(csv) != cs_csv_ncolumns(csv)) {
            report(&r, ln, "row %ld has %zu fields, the header has %zu", rn, cs_csv_nfields(csv),
                   cs_csv_ncolumns(csv));
            continue;
        }
        int y, m, d, rb = 0;
        double sod = 0;
        long staff = -1;
        const char *ft = cs_csv_field(csv, (size_t)col[0]);
        if (cs_ts_parse_date(ft, &y, &m, &d, &e) != CS_OK) {
            report(&r, ln, "row %ld, column date: %s", rn, e.msg);
            rb = 1;
        }
        ft = cs_csv_field(csv, (size_t)col[1]);
        if (cs_ts_parse_clock(ft, &sod, &e) != CS_OK) {
            report(&r, ln, "row %ld, column time: %s", rn, e.msg);
            rb = 1;
        } else if (sod >= 86400) {
            report(&r, ln, "row %ld, column time: '%s' is the end of the day; write 00:00 of the "
                   "next day", rn, ft);
            rb = 1;
        }
        ft = cs_csv_field(csv, (size_t)col[2]);
        const char *p = ft;
        while (*p == ' ' || *p == '\t') p++;
        if (*p && !lower_eq(p, "roster") &&
            cs_units_parse_count(ft, 0, INT_MAX, &staff, &e) != CS_OK) {
            report(&r, ln, "row %ld, column staff: %s (handlers on duty: a whole number, or empty "
                   "to hand back to the roster)", rn, e.msg);
            rb = 1;
        }
        if (rb) continue;
        row x;
        x.staff = (int)staff;
        x.row = rn;
        x.line = ln;
        when_text(x.when, sizeof x.when, y, m, d, sod);
        x.wall = (double)cs_date_days_from_civil(y, m, d) * 86400.0 + sod;
        int flags;
        x.t = cs_clock_t_of_date(c, y, m, d, sod, CS_DATE_FOLD_FIRST, &flags);
        /* The repeated October hour: a time that does not move forward from the previous row
         * is its second pass. */
        if ((flags & CS_DATE_REPEATED) && have_prev && prev.t >= x.t)
            x.t = cs_clock_t_of_date(c, y, m, d, sod, CS_DATE_FOLD_SECOND, NULL);
        if (x.t < 0) {
            report(&r, ln, "row %ld: %s is before the start of the run (start: %s)", rn, x.when,
                   start_text);
            continue;
        }
        if (x.t >= horizon && x.staff >= 0) {   /* a closing row may mark the end */
            report(&r, ln, "row %ld: %s is at or after the end of the run (%s)", rn, x.when,
                   end_text);
            continue;
        }
        if (have_prev) {
            int missing_pair = (flags & CS_DATE_MISSING) && x.t == prev.t && x.wall > prev.wall;
            if (!(x.t > prev.t) && !missing_pair) {
                report(&r, ln, "row %ld (%s) is not after row %ld (%s): rows must be in time order",
                       rn, x.when, prev.row, prev.when);
                continue;
            }
            if (prev.staff >= 0 && x.wall - prev.wall > 86400.0) {
                report(&r, ln, "row %ld (%s) is more than 24 hours after row %ld (%s), whose number "
                       "would hold until then: add rows for the time between, or a row with an "
                       "empty staff where the file hands back to the roster", rn, x.when,
                       prev.row, prev.when);
            }
        }
        if (push(&rows, &n, &cap, &x) != 0) {
            st = CS_ENOMEM;
            break;
        }
        prev = x;
        have_prev = 1;
    }
    cs_csv_close(csv);
    if (st == CS_ENOMEM) {
        free(rows);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    if (!r.bad && n == 0) report(&r, 1, "the file has no rows after its header");
    if (r.bad) {
        free(rows);
        return CS_EINPUT;
    }
    out->from = malloc(n * sizeof *out->from);
    out->to = malloc(n * sizeof *out->to);
    out->level = malloc(n * sizeof *out->level);
    if (!out->from || !out->to || !out->level) {
        free(rows);
        cs_onduty_fini(out);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        if (rows[i].staff < 0) continue;
        double to;
        if (i + 1 < n) {
            to = rows[i + 1].t;
        } else {
            /* The last row: to the end of its local day. */
            cs_clock_local L;
            cs_clock_at(c, rows[i].t, &L);
            to = cs_clock_t_of(c, L.day + 1, 0, CS_DATE_FOLD_FIRST, NULL);
        }
        if (to > horizon) to = horizon;
        if (!(to > rows[i].t)) continue;   /* a step inside the missing March hour */
        out->from[out->n] = rows[i].t;
        out->to[out->n] = to;
        out->level[out->n] = rows[i].staff;
        out->n++;
    }
    free(rows);
    return CS_OK;
}

static void write_row(FILE *f, const cs_clock *c, double t, int staff)
{
    cs_clock_local L;
    cs_clock_at(c, t, &L);
    long s = lround(L.sod);
    if (s >= 86400) s = 86399;
    fprintf(f, "%04d-%02d-%02d,", L.y, L.m, L.d);
    if (s % 60)
        fprintf(f, "%02ld:%02ld:%02ld,", s / 3600, s / 60 % 60, s % 60);
    else
        fprintf(f, "%02ld:%02ld,", s / 3600, s / 60 % 60);
    if (staff >= 0) fprintf(f, "%d", staff);
    fputc('\n', f);
}

cs_status cs_staffcsv_write(FILE *f, const cs_clock *c, const double *t, const int *staff,
                            size_t n, double end, cs_error *err)
{
    CS_REQUIRE(f && c && c->dated && (t || n == 0));
    fprintf(f, "date,time,staff\n");
    for (size_t i = 0; i < n; i++) {
        double to = i + 1 < n ? t[i + 1] : end;
        if (!(to > t[i])) continue;
        write_row(f, c, t[i], staff[i]);
        if (staff[i] < 0) continue;
        /* A row at every local midnight inside the step: rows are never a day apart, and the
         * last row's day ends where the step does. */
        cs_clock_local L;
        cs_clock_at(c, t[i], &L);
        for (long d = L.day + 1;; d++) {
            double mid = cs_clock_t_of(c, d, 0, CS_DATE_FOLD_FIRST, NULL);
            if (!(mid < to)) break;
            write_row(f, c, mid, staff[i]);
        }
    }
    if (n > 0) {
        cs_clock_local L;
        cs_clock_at(c, end, &L);
        int last_roster = staff[n - 1] < 0;
        if (!last_roster && L.sod != 0) write_row(f, c, end, -1);
    }
    if (ferror(f)) return cs_error_set(err, CS_EIO, "write error while writing on-duty rows");
    return CS_OK;
}
