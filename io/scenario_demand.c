/* Scenario loader: `arrivals:` (see io/scenario_int.h).  A constant rate, a daily or weekly
 * volume spread over the week by a profile (inline weights or a CSV file beside the scenario),
 * or a `rates:` table, resolved to a week of equal rate slots (models/scenario.h cs_profile). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/csv.h"
#include "io/scenario_int.h"
#include "io/units.h"

#define MAX_PROFILE_BYTES ((off_t)16 << 20)

/* ---- profiles and demand ----------------------------------------------------------------- */

typedef struct weights {
    double slot_len;
    size_t n;
    double *w;
} weights;

static int alloc_weights(ld *c, weights *w, double slot_len)
{
    w->slot_len = slot_len;
    w->n = (size_t)lround(CS_WEEK / slot_len);
    w->w = calloc(w->n, sizeof *w->w);
    if (!w->w) {
        csi_scn_oom(c);
        return -1;
    }
    return 0;
}

/* A list of exactly n plain weights into dst[0..n). */
static int weight_list(ld *c, node *v, size_t n, const char *what, double *dst)
{
    if (v->kind != CS_YDOC_SEQ || v->n_items != n) {
        if (v->kind == CS_YDOC_SEQ)
            csi_scn_err_at(c, v, "expected %zu %s, got %zu", n, what, v->n_items);
        else
            csi_scn_err_at(c, v, "expected a list of %zu %s, got %s", n, what,
                           cs_ydoc_kind_name(v->kind));
        return -1;
    }
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        size_t pi = csi_scn_push_index(c, i);
        if (csi_scn_v_number(c, v->items[i], "a weight", &dst[i]) != 0) bad = 1;
        csi_scn_pop(c, pi);
    }
    return bad ? -1 : 0;
}

static int inline_profile(ld *c, node *p, weights *out)
{
    static const char *const keys[] = {"hours", "days", "week", NULL};
    csi_scn_check_keys(c, p, keys);
    node *hv = cs_ydoc_get(p, "hours"), *wv = cs_ydoc_get(p, "week"), *dv = cs_ydoc_get(p, "days");
    if ((hv != NULL) == (wv != NULL)) {
        csi_scn_err_at(c, p, "a profile needs either hours: [24 weights] (with optional days:) or "
                       "week: [168 weights]%s", hv ? ", not both" : "");
        return -1;
    }
    if (alloc_weights(c, out, 3600.0) != 0) return -1;
    int bad = 0;
    if (wv) {
        if (dv) {
            size_t pk = csi_scn_push_key(c, "days");
            csi_scn_err_at(c, dv, "days: only goes with hours:, a week: profile already covers "
                           "every day");
            csi_scn_pop(c, pk);
            bad = 1;
        }
        size_t pk = csi_scn_push_key(c, "week");
        if (weight_list(c, wv, 168, "hourly weights (Monday 00:00 first)", out->w) != 0) bad = 1;
        csi_scn_pop(c, pk);
        return bad ? -1 : 0;
    }
    double hours[24], days[7] = {1, 1, 1, 1, 1, 1, 1};
    size_t pk = csi_scn_push_key(c, "hours");
    if (weight_list(c, hv, 24, "hourly weights (00:00 first)", hours) != 0) bad = 1;
    csi_scn_pop(c, pk);
    if (dv) {
        pk = csi_scn_push_key(c, "days");
        if (csi_scn_need_kind(c, dv, CS_YDOC_MAP, "a mapping of weekday weights such as {sat: 0.8, "
                              "sun: 0.7}") != 0) {
            bad = 1;
        } else {
            unsigned seen = 0;
            for (size_t i = 0; i < dv->n_pairs; i++) {
                node *k = dv->pairs[i].key, *val = dv->pairs[i].val;
                size_t pk2 = csi_scn_push_key(c, k->text);
                int d;
                cs_error e;
                if (cs_units_parse_weekday(k->text, &d, &e) != CS_OK) {
                    csi_scn_err_at(c, k, "%s", e.msg);
                    bad = 1;
                } else if (seen & (1u << d)) {
                    csi_scn_err_at(c, k, "%s is given twice", cs_units_weekday_name(d));
                    bad = 1;
                } else {
                    seen |= 1u << d;
                    if (val->kind == CS_YDOC_NULL) {
                        csi_scn_err_at(c, val, "missing weight for %s", cs_units_weekday_name(d));
                        bad = 1;
                    } else if (csi_scn_v_number(c, val, "a weight", &days[d]) != 0) {
                        bad = 1;
                    }
                }
                csi_scn_pop(c, pk2);
            }
        }
        csi_scn_pop(c, pk);
    }
    if (bad) return -1;
    for (size_t d = 0; d < 7; d++)
        for (size_t h = 0; h < 24; h++) out->w[d * 24 + h] = days[d] * hours[h];
    return 0;
}

/* A profile CSV: columns day (optional), hour or time, weight.  Problems in the file are
 * reported in the file (line = physical line of the record, message quotes the row). */
static int csv_profile(ld *c, node *p, double interval, weights *out)
{
    char path[CSI_SCN_MAX_PATH];
    csi_scn_join_path(path, sizeof path, p->file, p->text);
    const char *ipath = cs_ydoc_intern(c->doc, path);
    if (!ipath) {
        csi_scn_oom(c);
        return -1;
    }
    /* A FIFO would make the reader wait for a writer, a device or a huge file read for ever:
     * a profile is a week of rows at most (10,080 one-minute rows are about 200 KB). */
    struct stat sb;
    if (stat(ipath, &sb) == 0 && (!S_ISREG(sb.st_mode) || sb.st_size > MAX_PROFILE_BYTES)) {
        csi_scn_err_at(c, p, "cannot read profile CSV '%s' (looked for %s): %s", p->text, ipath,
                       S_ISDIR(sb.st_mode)    ? "it is a folder, not a file"
                       : S_ISFIFO(sb.st_mode) ? "it is a FIFO (named pipe), not a file"
                       : !S_ISREG(sb.st_mode) ? "it is a device or special file, not a file"
                                              : "larger than 16 MiB, not a profile");
        return -1;
    }
    cs_csv *csv = NULL;
    cs_error e;
    cs_status st = cs_csv_open(ipath, ',', &csv, &e);
    if (st == CS_ENOMEM) {
        csi_scn_oom(c);
        return -1;
    }
    if (st != CS_OK) {
        csi_scn_err_at(c, p, "cannot read profile CSV '%s' (looked for %s): %s; profile paths are "
                       "relative to the scenario file", p->text, ipath, e.msg);
        return -1;
    }
    csi_scn_add_file(c, ipath);
    int bad = 0;
    st = cs_csv_read_header(csv, &e);
    if (st != CS_OK) {
        if (st == CS_ENOMEM) csi_scn_oom(c);
        else csi_scn_err_pos(c, ipath, 1, 1, "%s", e.msg);
        cs_csv_close(csv);
        return -1;
    }
    int col_day = -1, col_hour = -1, col_time = -1, col_w = -1;
    for (size_t i = 0; i < cs_csv_ncolumns(csv); i++) {
        const char *name = cs_csv_column_name(csv, i);
        int *slot = cs_text_ieq(name, "day")      ? &col_day
                    : cs_text_ieq(name, "hour")   ? &col_hour
                    : cs_text_ieq(name, "time")   ? &col_time
                    : cs_text_ieq(name, "weight") ? &col_w
                                                  : NULL;
        if (!slot) {
            csi_scn_err_pos(c, ipath, 1, 1, "row 1: unknown column '%s'; a profile CSV has the "
                            "columns day (optional), hour or time, and weight", name);
            bad = 1;
        } else if (*slot >= 0) {
            csi_scn_err_pos(c, ipath, 1, 1, "row 1: column '%s' appears twice", name);
            bad = 1;
        } else {
            *slot = (int)i;
        }
    }
    if (col_w < 0 || (col_hour < 0) == (col_time < 0)) {
        csi_scn_err_pos(c, ipath, 1, 1, "row 1: a profile CSV needs a weight column and either an "
                        "hour (0-23) or a time (HH:MM) column");
        bad = 1;
    }
    if (bad) {
        cs_csv_close(csv);
        return -1;
    }
    double slot = col_time >= 0 ? interval : 3600.0;
    if (alloc_weights(c, out, slot) != 0) {
        cs_csv_close(csv);
        return -1;
    }
    long *row_of = calloc(out->n, sizeof *row_of);   /* which row set each slot */
    if (!row_of) {
        csi_scn_oom(c);
        cs_csv_close(csv);
        return -1;
    }
    size_t per_day = out->n / 7;
    char ival[32];
    cs_units_format_duration(interval, ival, sizeof ival);
    for (;;) {
        int got;
        st = cs_csv_next(csv, &got, &e);
        if (st != CS_OK) {
            if (st == CS_ENOMEM) csi_scn_oom(c);
            else csi_scn_err_pos(c, ipath, (unsigned)cs_csv_line(csv), 1, "%s", e.msg);
            bad = 1;
            break;
        }
        if (!got) break;
        long row = cs_csv_row(csv);
        unsigned line = (unsigned)cs_csv_line(csv);
        if (cs_csv_nfields(csv) != cs_csv_ncolumns(csv)) {
            csi_scn_err_pos(c, ipath, line, 1, "row %ld has %zu fields, the header has %zu", row,
                            cs_csv_nfields(csv), cs_csv_ncolumns(csv));
            bad = 1;
            continue;
        }
        int d = -1;
        size_t k = 0;
        double w;
        int row_bad = 0;
        if (col_day >= 0 && cs_units_parse_weekday(cs_csv_field(csv, (size_t)col_day), &d, &e)) {
            csi_scn_err_pos(c, ipath, line, 1, "row %ld, column day: %s", row, e.msg);
            row_bad = 1;
        }
        if (col_hour >= 0) {
            long h;
            if (cs_units_parse_count(cs_csv_field(csv, (size_t)col_hour), 0, 23, &h, &e)) {
                csi_scn_err_pos(c, ipath, line, 1, "row %ld, column hour: %s", row, e.msg);
                row_bad = 1;
            } else {
                k = (size_t)h;
            }
        } else {
            double t;
            const char *tt = cs_csv_field(csv, (size_t)col_time);
            if (cs_units_parse_time_of_day(tt, &t, &e)) {
                csi_scn_err_pos(c, ipath, line, 1, "row %ld, column time: %s", row, e.msg);
                row_bad = 1;
            } else if (t >= CS_DAY || fmod(t, interval) != 0.0) {
                csi_scn_err_pos(c, ipath, line, 1, "row %ld, column time: '%s' is not a multiple "
                                "of the scenario interval (%s) within the day", row, tt, ival);
                row_bad = 1;
            } else {
                k = (size_t)lround(t / interval);
            }
        }
        if (csi_scn_parse_decimal(cs_csv_field(csv, (size_t)col_w), &w) != 0) {
            csi_scn_err_pos(c, ipath, line, 1, "row %ld, column weight: expected a plain number "
                            "such as 12 or 0.5, got '%s'", row, cs_csv_field(csv, (size_t)col_w));
            row_bad = 1;
        }
        if (row_bad) {
            bad = 1;
            continue;
        }
        for (int dd = 0; dd < 7; dd++) {
            if (d >= 0 && dd != d) continue;
            size_t idx = (size_t)dd * per_day + k;
            if (row_of[idx]) {
                char when[48];
                cs_units_format_instant((double)idx * slot, when, sizeof when);
                csi_scn_err_pos(c, ipath, line, 1, "row %ld gives %s%s again (already given on row "
                                "%ld)", row, d >= 0 ? "" : "every day's ", d >= 0 ? when : when + 4,
                                row_of[idx]);
                bad = 1;
                break;
            }
            row_of[idx] = row;
            out->w[idx] = w;
        }
    }
    free(row_of);
    cs_csv_close(csv);
    return bad ? -1 : 0;
}

static long gcd_long(long a, long b)
{
    while (b) {
        long t = a % b;
        a = b;
        b = t;
    }
    return a;
}

typedef struct rate_row {
    node *at;
    unsigned days;
    long from, to;   /* seconds after midnight, whole minutes */
    double rate;
} rate_row;

/* `rates:` table -> slots.  The slot length is the largest that divides a day and every
 * from/to, so the table is represented exactly (times must be whole minutes, which bounds
 * the table at 10080 slots). */
static int rates_table(ld *c, node *tv, cs_profile *out)
{
    if (csi_scn_need_kind(c, tv, CS_YDOC_SEQ, "a list of rows such as [{days: [mon, tue], from: "
                          "\"07:00\", to: \"19:00\", rate: 120/h}]") != 0)
        return -1;
    if (tv->n_items == 0) {
        csi_scn_err_at(c, tv, "the rates table is empty");
        return -1;
    }
    size_t n = tv->n_items;
    rate_row *rows = calloc(n, sizeof *rows);
    if (!rows) {
        csi_scn_oom(c);
        return -1;
    }
    static const char *const keys[] = {"days", "from", "to", "rate", NULL};
    int bad = 0;
    long g = 86400;
    for (size_t i = 0; i < n; i++) {
        node *m = tv->items[i];
        size_t pi = csi_scn_push_index(c, i);
        rows[i].at = m;
        if (csi_scn_need_map(c, m, "a row such as {from: \"07:00\", to: \"19:00\", rate: 120/h}")) {
            bad = 1;
            csi_scn_pop(c, pi);
            continue;
        }
        csi_scn_check_keys(c, m, keys);
        double f = 0, t = 0;
        int rb = csi_scn_get_days(c, m, "days", &rows[i].days) < 0;
        rb |= csi_scn_get_with(c, m, "from", 1, csi_scn_v_tod, &f) != 1;
        rb |= csi_scn_get_with(c, m, "to", 1, csi_scn_v_tod, &t) != 1;
        rb |= csi_scn_get_with(c, m, "rate", 1, csi_scn_v_rate, &rows[i].rate) != 1;
        if (!rb) {
            if (fmod(f, 60.0) != 0.0 || fmod(t, 60.0) != 0.0) {
                csi_scn_err_at(c, m, "from and to must be whole minutes");
                rb = 1;
            } else if (f >= CS_DAY) {
                csi_scn_err_at(c, m, "from must be before 24:00");
                rb = 1;
            } else if (f == t) {
                csi_scn_err_at(c, m, "from and to are both %02ld:%02ld; for the whole day write "
                               "from: \"00:00\", to: \"24:00\"", (long)f / 3600, (long)f / 60 % 60);
                rb = 1;
            }
        }
        if (!rb) {
            rows[i].from = (long)f;
            rows[i].to = (long)t % 86400;
            g = gcd_long(g, rows[i].from);
            g = gcd_long(g, rows[i].to);
        }
        bad |= rb;
        csi_scn_pop(c, pi);
    }
    if (bad) {
        free(rows);
        return -1;
    }
    out->slot_len = (double)g;
    out->n_slots = (size_t)(604800 / g);
    out->rate = calloc(out->n_slots, sizeof *out->rate);
    size_t *owner = calloc(out->n_slots, sizeof *owner);
    if (!out->rate || !owner) {
        free(owner);
        free(rows);
        csi_scn_oom(c);
        return -1;
    }
    size_t per_day = (size_t)(86400 / g);
    for (size_t i = 0; i < n; i++) {
        size_t len = (size_t)((rows[i].to > rows[i].from ? rows[i].to - rows[i].from
                                                         : rows[i].to + 86400 - rows[i].from) / g);
        int reported = 0;
        for (int d = 0; d < 7 && !reported; d++) {
            if (!(rows[i].days & (1u << d))) continue;
            size_t start = (size_t)d * per_day + (size_t)(rows[i].from / g);
            for (size_t k = 0; k < len; k++) {
                size_t idx = (start + k) % out->n_slots;
                if (owner[idx]) {
                    char when[48];
                    cs_units_format_instant((double)idx * (double)g, when, sizeof when);
                    size_t pi = csi_scn_push_index(c, i);
                    csi_scn_err_at(c, rows[i].at, "this row overlaps row %zu (rates[%zu]) at %s; "
                                   "rows of a rates table must not overlap", owner[idx],
                                   owner[idx] - 1, when);
                    csi_scn_pop(c, pi);
                    reported = 1;
                    bad = 1;
                    break;
                }
                owner[idx] = i + 1;
                out->rate[idx] = rows[i].rate;
            }
        }
    }
    free(owner);
    free(rows);
    return bad ? -1 : 0;
}

/* `arrivals:` -> line demand and daily coefficient of variation. */
int csi_scn_parse_arrivals(ld *c, node *a, double interval, cs_line *L)
{
    static const char *const keys[] = {"rate", "per_day", "per_week", "rates", "profile",
                                       "overdispersion", "per_year", "per_month", "counts",
                                       "months", "bank_holidays", NULL};
    if (csi_scn_need_map(c, a, "such as {rate: 2/s} or {per_day: 2200, profile: hours.csv}") != 0)
        return -1;
    size_t li = (size_t)(L - c->s->lines);
    size_t e0 = csi_scn_n_errors(c);
    csi_scn_check_keys(c, a, keys);
    double cv = 0;
    if (csi_scn_get_with(c, a, "overdispersion", 0, csi_scn_v_share, &cv) >= 0) L->daily_cv = cv;
    const char *kinds[6] = {"rate", "per_day", "per_week", "rates", "per_year", "per_month"};
    const cs_ydoc_pair *given[6];
    int n_given = 0, which = -1;
    for (int i = 0; i < 6; i++) {
        given[i] = cs_ydoc_find(a, kinds[i]);
        if (given[i] && given[i]->val->kind == CS_YDOC_NULL) given[i] = NULL;
        if (given[i]) {
            n_given++;
            if (which < 0) which = i;
        }
    }
    if (n_given != 1) {
        if (n_given == 0) {
            csi_scn_err_at(c, a, "arrivals needs one of rate, per_day, per_week, per_month, "
                           "per_year or rates");
        } else {
            int second = which + 1;
            while (!given[second]) second++;
            char hint[300];
            csi_scn_conflict_hint(c, given[which]->key, kinds[which], given[second]->key,
                                  kinds[second], hint, sizeof hint);
            csi_scn_err_at(c, csi_scn_conflict_at(c, given[which]->key, given[second]->key, a),
                           "arrivals takes only one of rate, per_day, per_week, per_month, "
                           "per_year or rates, found %s and %s%s", kinds[which], kinds[second],
                           hint);
        }
        return -1;
    }
    node *pv = cs_ydoc_get(a, "profile");
    if (pv && (which == 0 || which == 3)) {
        size_t pk = csi_scn_push_key(c, "profile");
        csi_scn_err_at(c, pv, "profile only applies with a volume (per_day, per_week, per_month or "
                       "per_year): it spreads the volume over the week");
        csi_scn_pop(c, pk);
        return -1;
    }
    cs_profile *pr = &L->demand;
    if (which == 0) {
        double r;
        if (csi_scn_get_with(c, a, "rate", 1, csi_scn_v_rate, &r) != 1) return -1;
        pr->slot_len = CS_WEEK;
        pr->n_slots = 1;
        pr->rate = malloc(sizeof *pr->rate);
        if (!pr->rate) {
            csi_scn_oom(c);
            return -1;
        }
        pr->rate[0] = r;
    } else if (which == 3) {
        size_t pk = csi_scn_push_key(c, "rates");
        int r = rates_table(c, given[3]->val, pr);
        csi_scn_pop(c, pk);
        if (r != 0) return -1;
    } else {
        double vol, week_vol;
        if (which >= 4) {
            if (csi_scn_dated_volume(c, a, li, which == 4, &week_vol) != 0) return -1;
        } else {
            if (csi_scn_get_number(c, a, kinds[which], 1, "a number of calls", &vol) != 1) return -1;
            week_vol = which == 1 ? 7.0 * vol : vol;
        }
        weights w = {CS_WEEK, 1, NULL};
        int r = 0;
        if (pv) {
            size_t pk = csi_scn_push_key(c, "profile");
            if (pv->kind == CS_YDOC_SCALAR) r = csv_profile(c, pv, interval, &w);
            else if (pv->kind == CS_YDOC_MAP) r = inline_profile(c, pv, &w);
            else {
                csi_scn_err_at(c, pv, "expected a profile: a CSV file name, {hours: [24 weights]} "
                               "or {week: [168 weights]}, got %s", cs_ydoc_kind_name(pv->kind));
                r = -1;
            }
            if (r == 0) {
                double sum = 0;
                for (size_t i = 0; i < w.n; i++) sum += w.w[i];
                if (!(sum > 0)) {
                    csi_scn_err_at(c, pv, "the profile's weights are all zero; give the hours when "
                                   "calls arrive a positive weight");
                    r = -1;
                } else {
                    for (size_t i = 0; i < w.n; i++)
                        w.w[i] = week_vol * (w.w[i] / sum) / w.slot_len;
                }
            }
            csi_scn_pop(c, pk);
        } else if (alloc_weights(c, &w, CS_WEEK) == 0) {
            w.w[0] = week_vol / CS_WEEK;
        } else {
            r = -1;
        }
        if (r == 0) {   /* the volume, spread by the profile, at its busiest slot */
            double peak = 0;
            for (size_t i = 0; i < w.n; i++)
                if (w.w[i] > peak) peak = w.w[i];
            size_t pk = csi_scn_push_key(c, kinds[which]);
            r = csi_scn_check_rate(c, cs_ydoc_get(a, kinds[which]), peak,
                                   pv ? " at the busiest time of the profile" : "");
            csi_scn_pop(c, pk);
        }
        if (r != 0) {
            free(w.w);
            return -1;
        }
        pr->slot_len = w.slot_len;
        pr->n_slots = w.n;
        pr->rate = w.w;
    }
    if (csi_scn_arrivals_calendar(c, a, li, L) != 0) return -1;
    if (L->counts == CS_COUNTS_ATTEMPTS) c->s->volume_pending = 1;
    return csi_scn_n_errors(c) > e0 ? -1 : 0;
}

