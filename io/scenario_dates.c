/* Scenario loader: calendar time (see io/scenario_int.h and README "Calendar time").
 *
 *   start: 2025-04-01                 the local UK date of t = 0 (top level)
 *   bank_holidays: {profile: sun}     which weekday's profile bank holidays follow, or off
 *   special_days: [{name, date, from, to, factor, line}]
 *   arrivals: {per_year: N | per_month: N or {jan: N, ...}, counts: attempts | first_attempts,
 *              months: {jan: 0.9, ...}, bank_holidays: sat}
 *   pools[].on_duty: rota.csv         dated handlers on duty laid over the roster
 *   surges/technology/outages: dated times "2025-12-31 21:00"
 *
 * Everything dated is read here and built at the end of the load (csi_scn_build_dated), once
 * the run's length and every line are known: the local days of the run, each line's dated
 * demand with its volume normalised (models/demand.h), each pool's staffing over the run
 * (models/staffing.h) and each weekly surge's instances.  Date arithmetic is models/calendar's;
 * nothing here counts days itself. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "io/scenario_int.h"
#include "io/staffing_csv.h"
#include "io/timestamp.h"
#include "io/units.h"
#include "models/demand.h"
#include "models/staffing.h"

static const char *const month_key[12] = {"jan", "feb", "mar", "apr", "may", "jun",
                                          "jul", "aug", "sep", "oct", "nov", "dec"};
static const char *const month_full[12] = {"January", "February", "March", "April",
                                           "May", "June", "July", "August",
                                           "September", "October", "November", "December"};

enum { VOL_OTHER = 0, VOL_YEAR, VOL_MONTH };

typedef struct cal_line {
    double months[12];
    int has_months;
    int holiday_as;          /* -2: follow the top level */
    int vol;                 /* VOL_* */
    double volume[12];       /* per_year: volume[0]; per_month: by month (NaN = not given) */
    node *vol_at;
} cal_line;

struct csi_cal {
    node *start_at;          /* the start: value, for messages */
    int holiday_as;          /* -1 off, 0-6 the weekday followed */
    cs_clock_special *special;
    int *special_line;       /* -1 = every line */
    size_t n_special;
    cal_line *line;          /* [n_lines] */
    cs_onduty *onduty;       /* [n_pools] */
};

void csi_scn_cal_free(ld *c)
{
    csi_cal *k = c->cal;
    if (!k) return;
    free(k->special);
    free(k->special_line);
    free(k->line);
    if (k->onduty)
        for (size_t i = 0; i < c->n_pools; i++) cs_onduty_fini(&k->onduty[i]);
    free(k->onduty);
    free(k);
    c->cal = NULL;
}

static int dated(const ld *c)
{
    return c->s && c->s->clock.dated;
}

/* "needs start:" for a key that only means something with dates. */
static void need_start(ld *c, node *at, const char *what)
{
    csi_scn_err_at(c, at, "%s needs a start date: add start: 2025-04-01 (the local date of the "
                   "run's first midnight) at the top of the scenario", what);
}

/* A weekday name or off/own: 0-6, -1 (off), or -3 on error (reported). */
static int holiday_value(ld *c, node *v)
{
    node *pv = v;
    if (v->kind == CS_YDOC_MAP) {
        static const char *const keys[] = {"profile", NULL};
        csi_scn_check_keys(c, v, keys);
        pv = cs_ydoc_get(v, "profile");
        if (!pv) {
            csi_scn_err_at(c, v, "expected {profile: sun}: the weekday whose profile bank "
                           "holidays follow");
            return -3;
        }
    }
    if (pv->kind == CS_YDOC_SCALAR) {
        if (cs_text_ieq(pv->text, "off") || cs_text_ieq(pv->text, "own") ||
            cs_text_ieq(pv->text, "false") || cs_text_ieq(pv->text, "no"))
            return -1;
        int d;
        cs_error e;
        if (cs_units_parse_weekday(pv->text, &d, &e) == CS_OK) return d;
    }
    csi_scn_err_at(c, pv, "expected a weekday whose profile bank holidays follow (such as sun or "
                   "sat), or off (they are ordinary days)");
    return -3;
}

/* "12-31" (every year) or a full date; 0 or -1 (reported). */
static int special_date(ld *c, node *v, cs_clock_special *sp)
{
    if (v->kind != CS_YDOC_SCALAR) {
        csi_scn_err_at(c, v, "expected a date such as 2025-12-31, or 12-31 for every year");
        return -1;
    }
    const char *s = v->text;
    int m = 0, d = 0, nm = 0, nd = 0;
    const char *p = s;
    while (*p >= '0' && *p <= '9' && nm < 3) m = m * 10 + (*p++ - '0'), nm++;
    if (nm >= 1 && nm <= 2 && *p == '-') {
        p++;
        while (*p >= '0' && *p <= '9' && nd < 3) d = d * 10 + (*p++ - '0'), nd++;
        if (nd >= 1 && nd <= 2 && *p == '\0') {
            if (m < 1 || m > 12 || d < 1 || d > (m == 2 ? 29 : cs_date_days_in_month(2001, m))) {
                csi_scn_err_at(c, v, "'%s' is not a day of the year (month-day, such as 12-31)", s);
                return -1;
            }
            sp->year = 0;
            sp->month = m;
            sp->day = d;
            return 0;
        }
    }
    int y;
    cs_error e;
    if (cs_ts_parse_date(s, &y, &m, &d, &e) != CS_OK) {
        csi_scn_err_at(c, v, "%s; or 12-31 for the same day every year", e.msg);
        return -1;
    }
    sp->year = y;
    sp->month = m;
    sp->day = d;
    return 0;
}

static void parse_specials(ld *c, node *v)
{
    csi_cal *k = c->cal;
    if (csi_scn_need_kind(c, v, CS_YDOC_SEQ, "a list of special days such as [{date: 12-31, from: "
                          "\"21:00\", to: \"03:00\", factor: 1.4}]") != 0)
        return;
    if (v->n_items == 0) return;
    k->special = calloc(v->n_items, sizeof *k->special);
    k->special_line = calloc(v->n_items, sizeof *k->special_line);
    if (!k->special || !k->special_line) {
        csi_scn_oom(c);
        return;
    }
    static const char *const keys[] = {"name", "date", "from", "to", "factor", "line", NULL};
    for (size_t i = 0; i < v->n_items; i++) {
        node *m = v->items[i];
        size_t pi = csi_scn_push_index(c, i);
        if (csi_scn_need_map(c, m, "a special day such as {name: New Year's Eve, date: 12-31, "
                             "from: \"21:00\", to: \"03:00\", factor: 1.4}") != 0) {
            csi_scn_pop(c, pi);
            continue;
        }
        csi_scn_check_keys(c, m, keys);
        char label[CS_NAME_MAX];
        csi_scn_get_label(c, m, "special day", i, label);
        cs_clock_special sp;
        memset(&sp, 0, sizeof sp);
        int bad = 0;
        node *dv;
        if (csi_scn_field(c, m, "date", 1, &dv) == 1) {
            size_t pk = csi_scn_push_key(c, "date");
            bad |= special_date(c, dv, &sp) != 0;
            csi_scn_pop(c, pk);
        } else {
            bad = 1;
        }
        bad |= csi_scn_get_with(c, m, "factor", 1, csi_scn_v_mult, &sp.factor) != 1;
        node *fv = cs_ydoc_get(m, "from"), *tv = cs_ydoc_get(m, "to");
        if ((fv != NULL) != (tv != NULL)) {
            size_t pk = csi_scn_push_key(c, fv ? "to" : "from");
            csi_scn_err_at(c, m, "give both from: and to: (hours of the day, to may be past "
                           "midnight as in from: \"21:00\", to: \"03:00\"), or neither for the "
                           "whole day");
            csi_scn_pop(c, pk);
            bad = 1;
        } else if (fv) {
            int rf = csi_scn_get_with(c, m, "from", 1, csi_scn_v_tod, &sp.from);
            int rt = csi_scn_get_with(c, m, "to", 1, csi_scn_v_tod, &sp.to);
            if (rf == 1 && rt == 1) {
                size_t pk = csi_scn_push_key(c, "from");
                if (sp.from >= 86400) {
                    csi_scn_err_at(c, fv, "from must be before 24:00");
                    bad = 1;
                } else if (sp.from == sp.to || (sp.from == 0 && sp.to == 86400)) {
                    csi_scn_err_at(c, fv, "from and to cover the whole day; leave both out for "
                                   "a whole-day factor");
                    bad = 1;
                }
                csi_scn_pop(c, pk);
                sp.has_hours = 1;
            } else {
                bad = 1;
            }
        }
        int line = -1;
        if (csi_scn_get_line_ref(c, m, &line) < 0) bad = 1;
        if (!bad) {
            k->special[k->n_special] = sp;
            k->special_line[k->n_special] = line;
            k->n_special++;
        }
        csi_scn_pop(c, pi);
    }
}

void csi_scn_parse_calendar(ld *c, node *root)
{
    c->cal = calloc(1, sizeof *c->cal);
    if (!c->cal) {
        csi_scn_oom(c);
        return;
    }
    csi_cal *k = c->cal;
    k->line = calloc(c->n_lines ? c->n_lines : 1, sizeof *k->line);
    k->onduty = calloc(c->n_pools ? c->n_pools : 1, sizeof *k->onduty);
    if (!k->line || !k->onduty) {
        csi_scn_oom(c);
        return;
    }
    for (size_t i = 0; i < c->n_lines; i++) k->line[i].holiday_as = -2;
    cs_clock_init(&c->s->clock);
    node *v;
    if (csi_scn_field(c, root, "start", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "start");
        int y, m, d;
        cs_error e;
        k->start_at = v;
        if (v->kind != CS_YDOC_SCALAR) {
            csi_scn_err_at(c, v, "expected a date such as 2025-04-01, got %s",
                           cs_ydoc_kind_name(v->kind));
        } else if (cs_ts_parse_date(v->text, &y, &m, &d, &e) != CS_OK) {
            csi_scn_err_at(c, v, "%s", e.msg);
        } else if (cs_clock_init_date(&c->s->clock, y, m, d, &e) != CS_OK) {
            csi_scn_err_at(c, v, "%s", e.msg);
        }
        csi_scn_pop(c, pk);
    }
    if (dated(c)) {
        /* With dates, the horizon and warm-up are lengths of local clock time like every other
         * length: 76d from 16 January ends at local midnight on 1 April, although the clocks
         * went forward in between (an elapsed 75d23h). */
        c->s->horizon = csi_scn_after(c, 0, c->s->horizon);
        c->s->warmup = csi_scn_after(c, 0, c->s->warmup);
    }
    k->holiday_as = dated(c) ? 6 : -1;   /* with dates, bank holidays follow Sunday's profile */
    if (csi_scn_field(c, root, "bank_holidays", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "bank_holidays");
        int h = holiday_value(c, v);
        if (h >= -1) {
            if (!dated(c) && h >= 0) need_start(c, v, "bank_holidays");
            k->holiday_as = h;
        }
        csi_scn_pop(c, pk);
    }
    if (csi_scn_field(c, root, "special_days", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "special_days");
        if (!dated(c) && !(v->kind == CS_YDOC_SEQ && v->n_items == 0))
            need_start(c, v, "special_days");
        else
            parse_specials(c, v);
        csi_scn_pop(c, pk);
    }
}

/* ---- instants ---------------------------------------------------------------------------- */

void csi_scn_fmt_when(const ld *c, double t, char *buf, size_t n)
{
    if (dated(c)) cs_clock_format(&c->s->clock, t, CS_CLOCK_FMT_MINUTE, buf, n);
    else cs_units_format_instant(t, buf, n);
}

/* Is the text a calendar date with a time ("2025-12-31 21:00", "31/12/2025 21:00")? */
static int looks_dated(const char *s)
{
    while (*s == ' ') s++;
    int digits = 0;
    while (s[digits] >= '0' && s[digits] <= '9') digits++;
    return (digits == 4 && s[4] == '-') || ((digits == 1 || digits == 2) && s[digits] == '/');
}

int csi_scn_v_when(ld *c, node *v, double *o)
{
    if (!dated(c) || v->kind != CS_YDOC_SCALAR) {
        if (v->kind == CS_YDOC_SCALAR && looks_dated(v->text)) {
            need_start(c, v, "a dated time");
            return -1;
        }
        return csi_scn_v_instant(c, v, o);
    }
    const cs_clock *clk = &c->s->clock;
    const char *s = v->text;
    if (looks_dated(s)) {
        char date[32];
        while (*s == ' ') s++;
        size_t n = strcspn(s, " T");
        if (n >= sizeof date || s[n] == '\0') {
            csi_scn_err_at(c, v, "a dated time needs a clock time as well: write '%s 00:00' for "
                           "the start of the day", s);
            return -1;
        }
        memcpy(date, s, n);
        date[n] = '\0';
        int y, m, d;
        double sod;
        cs_error e;
        if (cs_ts_parse_date(date, &y, &m, &d, &e) != CS_OK ||
            cs_ts_parse_clock(s + n + 1, &sod, &e) != CS_OK) {
            csi_scn_err_at(c, v, "%s", e.msg);
            return -1;
        }
        if (y < 1583 || y > 9999) {
            csi_scn_err_at(c, v, "year %d is out of range", y);
            return -1;
        }
        double t = cs_clock_t_of_date(clk, y, m, d, sod, CS_DATE_FOLD_FIRST, NULL);
        if (t < 0) {
            char st[16];
            cs_clock_format(clk, 0, CS_CLOCK_FMT_DATE, st, sizeof st);
            csi_scn_err_at(c, v, "%s is before the start of the run (start: %s)", s, st);
            return -1;
        }
        *o = t;
        return 0;
    }
    double w;
    if (csi_scn_v_instant(c, v, &w) != 0) return -1;
    /* Weekday forms ("Fri 18:00", "week 2 Fri 18:00") mean the first such weekday on or after
     * the start date, then the weeks after it; "day 5 18:00" and offsets such as 4d18h count
     * local days from the start date.  Either way the clock time is local. */
    while (*s == ' ') s++;
    char word[8] = "";
    size_t wl = 0;
    while (wl + 1 < sizeof word && ((s[wl] >= 'a' && s[wl] <= 'z') || (s[wl] >= 'A' && s[wl] <= 'Z'))) {
        word[wl] = s[wl];
        wl++;
    }
    word[wl] = '\0';
    int wd;
    int weekday_form = cs_text_ieq(word, "week") ||
                       (wl > 0 && cs_units_parse_weekday(word, &wd, NULL) == CS_OK);
    double day_s = floor(w / CS_DAY), sod = w - day_s * CS_DAY;
    long day = (long)day_s;
    if (weekday_form) {
        long week = day / 7, want = day % 7;
        int sw = cs_date_weekday(clk->start_day);
        day = (want - sw + 7) % 7 + 7 * week;
    }
    *o = cs_clock_t_of(clk, day, sod, CS_DATE_FOLD_FIRST, NULL);
    return 0;
}

double csi_scn_after(const ld *c, double t, double len)
{
    if (!dated(c)) return t + len;
    cs_clock_local L;
    cs_clock_at(&c->s->clock, t, &L);
    return cs_clock_t_of(&c->s->clock, L.day, L.sod + len, CS_DATE_FOLD_FIRST, NULL);
}

void csi_scn_surge_instances(ld *c, node *m, cs_window *w, double horizon)
{
    if (!dated(c) || !w->weekly) return;
    double ws = fmod(w->start, CS_WEEK), we = fmod(w->end, CS_WEEK);
    cs_clock_spans sp = {0};
    cs_error e;
    cs_status st = cs_clock_expand_weekly(&c->s->clock, ws, we, horizon, &sp, &e);
    if (st == CS_ENOMEM) {
        csi_scn_oom(c);
        return;
    }
    if (st != CS_OK) {
        csi_scn_err_at(c, m, "%s", e.msg);
        return;
    }
    w->inst = malloc((2 * sp.n + 1) * sizeof *w->inst);
    if (!w->inst) {
        cs_clock_spans_fini(&sp);
        csi_scn_oom(c);
        return;
    }
    for (size_t i = 0; i < sp.n; i++) {
        w->inst[2 * i] = sp.v[i].start;
        w->inst[2 * i + 1] = sp.v[i].end;
    }
    w->n_inst = sp.n;
    cs_clock_spans_fini(&sp);
}

/* ---- arrivals ---------------------------------------------------------------------------- */

/* A mapping of month names to values into out[12] (missing months keep their value).
 * what: "a factor" or "a number of calls".  0 or -1. */
static int month_map(ld *c, node *v, int factors, double *out, int *given)
{
    if (csi_scn_need_kind(c, v, CS_YDOC_MAP, factors ? "a mapping of month factors such as {jan: "
                          "0.95, jul: 1.08}" : "a number of calls, or a mapping of monthly "
                          "volumes such as {jan: 61000, feb: 55000, ...}") != 0)
        return -1;
    int bad = 0;
    for (size_t i = 0; i < v->n_pairs; i++) {
        node *kk = v->pairs[i].key, *val = v->pairs[i].val;
        size_t pk = csi_scn_push_key(c, kk->text);
        int m = -1;
        for (int j = 0; j < 12; j++)
            if (cs_text_ieq(kk->text, month_key[j]) || cs_text_ieq(kk->text, month_full[j])) m = j;
        if (m < 0) {
            csi_scn_unknown_name(c, kk, "month", kk->text, month_key, 12, "months");
            bad = 1;
        } else if (given && given[m]) {
            csi_scn_err_at(c, kk, "%s is given twice", month_full[m]);
            bad = 1;
        } else if (factors ? csi_scn_v_mult(c, val, &out[m]) != 0
                           : csi_scn_v_number(c, val, "a number of calls", &out[m]) != 0) {
            bad = 1;
        } else if (given) {
            given[m] = 1;
        }
        csi_scn_pop(c, pk);
    }
    return bad ? -1 : 0;
}

int csi_scn_dated_volume(ld *c, node *a, size_t li, int per_year, double *week_vol)
{
    cal_line *cl = &c->cal->line[li];
    const char *key = per_year ? "per_year" : "per_month";
    node *v = cs_ydoc_get(a, key);
    size_t pk = csi_scn_push_key(c, key);
    int r = -1;
    cl->vol_at = v;
    if (per_year) {
        double n;
        if (csi_scn_v_number(c, v, "a number of calls", &n) == 0) {
            cl->vol = VOL_YEAR;
            cl->volume[0] = n;
            /* Undated: a year is 365 days.  Dated: renormalised over each year from the start
             * date in csi_scn_build_dated. */
            *week_vol = n * 7.0 / 365.0;
            r = 0;
        }
    } else if (!dated(c)) {
        need_start(c, v, "per_month (months have different lengths)");
    } else {
        int given[12] = {0};
        for (int m = 0; m < 12; m++) cl->volume[m] = NAN;
        if (v->kind == CS_YDOC_SCALAR) {
            double n;
            if (csi_scn_v_number(c, v, "a number of calls", &n) == 0) {
                for (int m = 0; m < 12; m++) cl->volume[m] = n;
                r = 0;
            }
        } else if (month_map(c, v, 0, cl->volume, given) == 0) {
            r = 0;
        }
        if (r == 0) {
            double sum = 0;
            int k = 0;
            for (int m = 0; m < 12; m++)
                if (!isnan(cl->volume[m])) sum += cl->volume[m], k++;
            cl->vol = VOL_MONTH;
            *week_vol = k ? sum / k * 12.0 * 7.0 / 365.0 : 0;
        }
    }
    csi_scn_pop(c, pk);
    return r;
}

int csi_scn_arrivals_calendar(ld *c, node *a, size_t li, cs_line *L)
{
    cal_line *cl = &c->cal->line[li];
    int bad = 0;
    node *v;
    if (csi_scn_field(c, a, "counts", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "counts");
        if (v->kind == CS_YDOC_SCALAR && cs_text_ieq(v->text, "attempts")) {
            L->counts = CS_COUNTS_ATTEMPTS;
        } else if (v->kind == CS_YDOC_SCALAR && (cs_text_ieq(v->text, "first_attempts") ||
                                                 cs_text_ieq(v->text, "callers"))) {
            L->counts = CS_COUNTS_FIRST;
        } else {
            csi_scn_err_at(c, v, "expected counts: attempts (the volume counts every attempt: "
                           "redials and calls from other lines included) or counts: "
                           "first_attempts (new callers only; the default)");
            bad = 1;
        }
        csi_scn_pop(c, pk);
    }
    if (csi_scn_field(c, a, "months", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "months");
        for (int m = 0; m < 12; m++) cl->months[m] = 1.0;
        if (!dated(c)) {
            need_start(c, v, "months");
            bad = 1;
        } else if (cl->vol == VOL_MONTH) {
            csi_scn_err_at(c, v, "months: factors do not go with per_month, which already gives "
                           "each month's volume");
            bad = 1;
        } else if (month_map(c, v, 1, cl->months, NULL) == 0) {
            cl->has_months = 1;
        } else {
            bad = 1;
        }
        csi_scn_pop(c, pk);
    }
    if (csi_scn_field(c, a, "bank_holidays", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "bank_holidays");
        int h = holiday_value(c, v);
        if (h < -1) bad = 1;
        else if (!dated(c) && h >= 0) need_start(c, v, "bank_holidays"), bad = 1;
        else cl->holiday_as = h;
        csi_scn_pop(c, pk);
    }
    return bad ? -1 : 0;
}

/* ---- pools ------------------------------------------------------------------------------- */

typedef struct prob_ctx {
    ld *c;
    const char *file;
} prob_ctx;

static void csv_problem(void *ud, unsigned line, const char *msg)
{
    prob_ctx *p = ud;
    csi_scn_err_pos(p->c, p->file, line, 1, "%s", msg);
}

int csi_scn_parse_on_duty(ld *c, node *m, size_t k, cs_pool *P)
{
    node *v;
    if (csi_scn_field(c, m, "on_duty", 0, &v) != 1) return 0;
    size_t pk = csi_scn_push_key(c, "on_duty");
    int r = -1;
    if (v->kind != CS_YDOC_SCALAR) {
        csi_scn_err_at(c, v, "expected the name of a CSV file of handlers on duty (columns date, "
                       "time, staff), relative to the scenario file");
    } else if (!dated(c)) {
        need_start(c, v, "on_duty (dated handlers on duty)");
    } else {
        char path[CSI_SCN_MAX_PATH];
        csi_scn_join_path(path, sizeof path, v->file, v->text);
        const char *ipath = cs_ydoc_intern(c->doc, path);
        /* As for profiles (io/scenario_demand.c): a FIFO would make the reader wait for a
         * writer, a device or a huge file read for ever.  Five years of one-minute rows are
         * about 60 MB. */
        struct stat sb;
        if (!ipath) {
            csi_scn_oom(c);
        } else if (stat(ipath, &sb) == 0 && (!S_ISREG(sb.st_mode) || sb.st_size > ((off_t)128 << 20))) {
            csi_scn_err_at(c, v, "cannot read on-duty CSV '%s' (looked for %s): %s", v->text, ipath,
                           S_ISDIR(sb.st_mode)    ? "it is a folder, not a file"
                           : S_ISFIFO(sb.st_mode) ? "it is a FIFO (named pipe), not a file"
                           : !S_ISREG(sb.st_mode) ? "it is a device or special file, not a file"
                                                  : "larger than 128 MiB, not an on-duty file");
        } else {
            prob_ctx pc = {c, ipath};
            cs_error e;
            csi_scn_add_file(c, ipath);
            cs_status st = cs_staffcsv_read(ipath, &c->s->clock, c->s->horizon, &c->cal->onduty[k],
                                            csv_problem, &pc, &e);
            if (st == CS_ENOMEM) csi_scn_oom(c);
            else if (st == CS_EIO || (st != CS_OK && st != CS_EINPUT))
                csi_scn_err_at(c, v, "cannot read on-duty CSV '%s' (looked for %s): %s; paths are "
                               "relative to the scenario file", v->text, ipath, e.msg);
            else if (st == CS_OK) {
                snprintf(P->on_duty_file, sizeof P->on_duty_file, "%s", v->text);
                r = 1;
            }
        }
    }
    csi_scn_pop(c, pk);
    return r;
}

/* ---- building the dated scenario --------------------------------------------------------- */

/* t of the start date plus `years` (29 February rolls to 1 March in other years). */
static double t_years(const cs_clock *clk, int years)
{
    int y, m, d;
    cs_date_civil_from_days(clk->start_day, &y, &m, &d);
    return cs_clock_t_of(clk, cs_date_days_from_civil(y + years, m, d) - clk->start_day, 0,
                         CS_DATE_FOLD_FIRST, NULL);
}

static size_t day_index_at(const cs_days *days, double t)
{
    size_t cur = 0;
    if (t >= days->t0[days->n]) return days->n;
    return cs_days_find(days, &cur, t);
}

/* Per_year: each year from the start date carries the volume. */
static void normalise_year(ld *c, size_t li, cs_demand *dm, double volume)
{
    const cs_scn *s = c->s;
    for (int k = 0; t_years(&s->clock, k) < s->horizon; k++) {
        double a = t_years(&s->clock, k), b = t_years(&s->clock, k + 1);
        double in = cs_demand_integral(dm, s->days, a, b);
        if (!(in > 0)) {
            size_t pk = csi_scn_push_key(c, "lines");
            csi_scn_push_index(c, li);
            csi_scn_err_at(c, c->cal->line[li].vol_at, "the demand shape is zero all year, so no "
                           "volume can be spread over it");
            csi_scn_pop(c, pk);
            return;
        }
        cs_demand_scale(dm, day_index_at(s->days, a), day_index_at(s->days, b), volume / in);
    }
}

/* Per_month: each calendar month the run touches carries its volume, spread over the whole
 * month (days before the start date included, on a second table that starts on the 1st). */
static void normalise_month(ld *c, size_t li, cs_demand *dm, const cs_clock_demand *spec)
{
    const cs_scn *s = c->s;
    cal_line *cl = &c->cal->line[li];
    int y, m;
    cs_date_civil_from_days(s->clock.start_day, &y, &m, NULL);
    cs_clock c1;
    cs_error e;
    cs_days *d1 = NULL;
    cs_demand *m1 = NULL;
    cs_clock_local end;
    cs_clock_at(&s->clock, nextafter(s->horizon, 0), &end);
    int months = (end.y - y) * 12 + (end.m - m) + 1;
    if (cs_clock_init_date(&c1, y, m, 1, &e) != CS_OK) return;
    double cover = cs_clock_t_of(&c1, cs_date_days_from_civil(end.y + (end.m == 12), end.m % 12 + 1, 1) -
                                          c1.start_day, 0, CS_DATE_FOLD_FIRST, NULL);
    cs_status st = cs_days_build(&c1, cover, cover, &d1, &e);
    if (st == CS_OK) st = cs_demand_build(&c1, d1, spec, &m1, &e);
    if (st != CS_OK) {
        if (st == CS_ENOMEM) csi_scn_oom(c);
        cs_days_free(d1);
        return;
    }
    for (int k = 0; k < months; k++) {
        int yy = y + (m - 1 + k) / 12, mm = (m - 1 + k) % 12 + 1;
        long first = cs_date_days_from_civil(yy, mm, 1), next = first + cs_date_days_in_month(yy, mm);
        double a = d1->t0[first - c1.start_day], b = d1->t0[next - c1.start_day];
        double in = cs_demand_integral(m1, d1, a, b), vol = cl->volume[mm - 1];
        if (isnan(vol) || !(in > 0)) {
            size_t pk = csi_scn_push_key(c, "lines");
            csi_scn_push_index(c, li);
            csi_scn_push_key(c, "arrivals");
            csi_scn_push_key(c, "per_month");
            if (isnan(vol))
                csi_scn_err_at(c, cl->vol_at, "per_month has no volume for %s %d, which the run "
                               "covers", month_full[mm - 1], yy);
            else
                csi_scn_err_at(c, cl->vol_at, "the demand shape is zero all through %s %d, so "
                               "its volume cannot be spread over it", month_full[mm - 1], yy);
            csi_scn_pop(c, pk);
            continue;
        }
        long r0 = first - s->clock.start_day, r1 = next - s->clock.start_day;
        if (r0 < 0) r0 = 0;
        if (r1 > (long)dm->n) r1 = (long)dm->n;
        if (r1 > r0) cs_demand_scale(dm, (size_t)r0, (size_t)r1, vol / in);
    }
    cs_demand_free(m1);
    cs_days_free(d1);
}

static void build_line(ld *c, size_t li)
{
    cs_scn *s = c->s;
    csi_cal *k = c->cal;
    cal_line *cl = &k->line[li];
    cs_line *L = &s->lines[li];
    size_t n_sp = 0;
    cs_clock_special *sp = malloc((k->n_special ? k->n_special : 1) * sizeof *sp);
    if (!sp) {
        csi_scn_oom(c);
        return;
    }
    for (size_t i = 0; i < k->n_special; i++)
        if (k->special_line[i] < 0 || k->special_line[i] == (int)li) sp[n_sp++] = k->special[i];
    cs_clock_demand spec = {&L->demand, cl->has_months ? cl->months : NULL,
                            cl->holiday_as >= -1 ? cl->holiday_as : k->holiday_as, sp, n_sp};
    cs_error e;
    cs_status st = cs_demand_build(&s->clock, s->days, &spec, &L->dated, &e);
    if (st == CS_ENOMEM) csi_scn_oom(c);
    else if (st != CS_OK) csi_scn_err_at(c, c->line_map[li], "%s", e.msg);
    if (st == CS_OK && cl->vol == VOL_YEAR) normalise_year(c, li, L->dated, cl->volume[0]);
    if (st == CS_OK && cl->vol == VOL_MONTH) normalise_month(c, li, L->dated, &spec);
    free(sp);
}

static void build_pool(ld *c, size_t k)
{
    cs_scn *s = c->s;
    cs_pool *P = &s->pools[k];
    cs_staffing base = {0};
    cs_error e;
    cs_status st;
    int weekly = 0;
    if (P->n_shifts > 0) {
        st = cs_staffing_expand(&s->clock, P->shifts, P->n_shifts, P->shrinkage, s->horizon, &base,
                                &e);
    } else {
        st = CS_OK;
        weekly = 1;   /* a constant headcount: its one weekly step */
    }
    if (st == CS_OK)
        st = cs_staffing_overlay(weekly ? &P->staffing : &base, weekly, &c->cal->onduty[k],
                                 s->horizon, &P->run_staffing, &e);
    cs_roster_fini(&base);
    cs_onduty *on = &c->cal->onduty[k];
    if (st == CS_OK && on->n > 0) {   /* kept for the draws of random absence (models/centre.c) */
        P->on_duty = malloc(sizeof *P->on_duty);
        if (!P->on_duty) st = CS_ENOMEM;
        else {
            *P->on_duty = *on;
            *on = (cs_onduty){0};
        }
    }
    if (st == CS_ENOMEM) csi_scn_oom(c);
    else if (st != CS_OK) {
        size_t pk = csi_scn_push_key(c, "pools");
        csi_scn_push_index(c, k);
        csi_scn_err_at(c, c->pool_map[k], "%s", e.msg);
        csi_scn_pop(c, pk);
    }
}

void csi_scn_build_dated(ld *c)
{
    cs_scn *s = c->s;
    if (!dated(c) || !c->cal || csi_scn_n_errors(c) > 0 || c->oom) return;
    /* The days must reach the end of every year a per_year volume is normalised over. */
    double cover = s->horizon;
    for (size_t i = 0; i < c->n_lines; i++)
        if (c->cal->line[i].vol == VOL_YEAR) {
            int k = 1;
            while (t_years(&s->clock, k) < s->horizon) k++;
            double t = t_years(&s->clock, k);
            if (t > cover) cover = t;
        }
    cs_error e;
    cs_status st = cs_days_build(&s->clock, s->horizon, cover, &s->days, &e);
    if (st != CS_OK) {
        csi_scn_oom(c);
        return;
    }
    for (size_t i = 0; i < c->n_lines; i++) build_line(c, i);
    for (size_t k = 0; k < c->n_pools; k++) build_pool(c, k);
}
