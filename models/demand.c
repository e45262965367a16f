/* Dated demand; see models/demand.h.  Dates, weekdays, bank holidays and the clock changes all
 * come from models/calendar (cs_clock_t_of, cs_date_*): this file only tabulates them per day
 * and walks the pieces. */
#include "models/demand.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- days ------------------------------------------------------------------------------------ */

void cs_days_free(cs_days *d)
{
    if (!d) return;
    free(d->t0);
    free(d->jump_at);
    free(d->jump);
    free(d->date);
    free(d->weekday);
    free(d->month);
    free(d->holiday);
    free(d);
}

cs_status cs_days_build(const cs_clock *c, double horizon, double cover, cs_days **out,
                        cs_error *err)
{
    CS_REQUIRE(c != NULL && c->dated && out != NULL && horizon > 0 && isfinite(horizon));
    *out = NULL;
    double reach = cover > horizon ? cover : horizon;
    /* Days are 23 to 25 hours long: count generously, then trim to the days that start
     * before `reach`. */
    size_t cap = (size_t)(reach / 82800.0) + 3;
    cs_days *d = calloc(1, sizeof *d);
    if (!d) return cs_error_set(err, CS_ENOMEM, "out of memory");
    d->t0 = malloc((cap + 1) * sizeof *d->t0);
    d->jump_at = malloc(cap * sizeof *d->jump_at);
    d->jump = malloc(cap * sizeof *d->jump);
    d->date = malloc(cap * sizeof *d->date);
    d->weekday = malloc(cap);
    d->month = malloc(cap);
    d->holiday = malloc(cap);
    if (!d->t0 || !d->jump_at || !d->jump || !d->date || !d->weekday || !d->month || !d->holiday) {
        cs_days_free(d);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    d->horizon = horizon;
    size_t n = 0;
    double t = cs_clock_t_of(c, 0, 0, CS_DATE_FOLD_FIRST, NULL);
    while (n < cap && t < reach) {
        double next = cs_clock_t_of(c, (long)n + 1, 0, CS_DATE_FOLD_FIRST, NULL);
        long date = c->start_day + (long)n;
        int y, m;
        cs_date_civil_from_days(date, &y, &m, NULL);
        d->t0[n] = t;
        d->date[n] = date;
        d->weekday[n] = (unsigned char)cs_date_weekday(date);
        d->month[n] = (unsigned char)m;
        d->holiday[n] = cs_date_bank_holiday(date) != NULL;
        d->jump_at[n] = INFINITY;
        d->jump[n] = 0;
        if (next - t != 86400.0) {
            /* The change happens at 01:00 UTC (calendar.h); in simulated time that is its epoch
             * second minus the epoch second of t = 0. */
            long long change = m == 3 ? cs_date_uk_bst_start(y) : cs_date_uk_bst_end(y);
            d->jump_at[n] = (double)(change - c->t0_epoch);
            d->jump[n] = 86400.0 - (next - t);
        }
        if (t < horizon) d->n_run = n + 1;
        t = next;
        n++;
    }
    d->t0[n] = t;
    d->n = n;
    *out = d;
    return CS_OK;
}

size_t cs_days_find(const cs_days *d, size_t *cursor, double t)
{
    size_t k = cursor ? *cursor : 0;
    if (k >= d->n) k = d->n - 1;
    if (t < d->t0[k]) {
        /* Backwards (a new replication, or a lookup out of order): bisect. */
        size_t lo = 0, hi = k;
        while (lo < hi) {
            size_t mid = lo + (hi - lo + 1) / 2;
            if (d->t0[mid] <= t) lo = mid;
            else hi = mid - 1;
        }
        k = lo;
    } else {
        while (k + 1 < d->n && t >= d->t0[k + 1]) k++;
    }
    if (cursor) *cursor = k;
    return k;
}

/* ---- demand ---------------------------------------------------------------------------------- */

void cs_demand_free(cs_demand *dm)
{
    if (!dm) return;
    free(dm->factor);
    free(dm->row);
    free(dm->span);
    free(dm);
}

static int special_on(const cs_clock_special *s, long date)
{
    int y, m, dd;
    cs_date_civil_from_days(date, &y, &m, &dd);
    return (s->year == 0 || s->year == y) && s->month == m && s->day == dd;
}

static int cmp_span(const void *a, const void *b)
{
    const double *x = a, *y = b;
    if (x[0] != y[0]) return x[0] < y[0] ? -1 : 1;
    return x[1] < y[1] ? -1 : x[1] > y[1];
}

cs_status cs_demand_build(const cs_clock *c, const cs_days *days, const cs_clock_demand *spec,
                          cs_demand **out, cs_error *err)
{
    CS_REQUIRE(c != NULL && c->dated && days != NULL && spec != NULL && spec->week != NULL &&
               out != NULL);
    *out = NULL;
    for (size_t i = 0; i < spec->n_special; i++) {
        const cs_clock_special *s = &spec->special[i];
        int ok = s->month >= 1 && s->month <= 12 && s->day >= 1 &&
                 s->day <= (s->year ? cs_date_days_in_month(s->year, s->month)
                                    : (s->month == 2 ? 29 : cs_date_days_in_month(2001, s->month)));
        if (!ok)
            return cs_error_set(err, CS_EINPUT, "special day %04d-%02d-%02d does not exist",
                                s->year, s->month, s->day);
        if (!(s->factor >= 0) || !isfinite(s->factor))
            return cs_error_set(err, CS_EINPUT, "a special day's factor must be 0 or more");
        if (s->has_hours && !(s->from >= 0 && s->from < 86400 && s->to >= 0 && s->to <= 86400))
            return cs_error_set(err, CS_EINPUT, "a special day's hours must lie within the day");
    }
    if (spec->month_factor)
        for (int m = 0; m < 12; m++)
            if (!(spec->month_factor[m] >= 0) || !isfinite(spec->month_factor[m]))
                return cs_error_set(err, CS_EINPUT, "a month factor must be 0 or more");
    cs_demand *dm = calloc(1, sizeof *dm);
    if (!dm) return cs_error_set(err, CS_ENOMEM, "out of memory");
    dm->week = spec->week;
    dm->n = days->n;
    dm->holiday_as = spec->holiday_as;
    dm->has_months = spec->month_factor != NULL;
    for (int m = 0; m < 12; m++) dm->months[m] = spec->month_factor ? spec->month_factor[m] : 1.0;
    dm->n_special = spec->n_special;
    dm->factor = malloc((days->n ? days->n : 1) * sizeof *dm->factor);
    dm->row = malloc(days->n ? days->n : 1);
    /* Hour-limited specials: one span per matching date from the day before the start (a
     * night that begins before t = 0) to the last day. */
    size_t n_hours = 0;
    for (size_t i = 0; i < spec->n_special; i++)
        if (spec->special[i].has_hours) n_hours++;
    size_t cap_span = 0;
    if (n_hours) {
        int y0, y1;
        cs_date_civil_from_days(days->date[0] - 1, &y0, NULL, NULL);
        cs_date_civil_from_days(days->date[days->n - 1], &y1, NULL, NULL);
        cap_span = n_hours * (size_t)(y1 - y0 + 1);
        dm->span = malloc(3 * cap_span * sizeof *dm->span);
    }
    if (!dm->factor || !dm->row || (cap_span && !dm->span)) {
        cs_demand_free(dm);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t k = 0; k < days->n; k++) {
        int wd = days->weekday[k];
        dm->row[k] = (unsigned char)(days->holiday[k] && spec->holiday_as >= 0 ? spec->holiday_as
                                                                              : wd);
        double f = spec->month_factor ? spec->month_factor[days->month[k] - 1] : 1.0;
        for (size_t i = 0; i < spec->n_special; i++)
            if (!spec->special[i].has_hours && special_on(&spec->special[i], days->date[k]))
                f *= spec->special[i].factor;
        dm->factor[k] = f;
    }
    double end = days->t0[days->n];
    for (long k = -1; k < (long)days->n && n_hours; k++) {
        long date = days->date[0] + k;
        for (size_t i = 0; i < spec->n_special; i++) {
            const cs_clock_special *s = &spec->special[i];
            if (!s->has_hours || !special_on(s, date)) continue;
            double a = cs_clock_t_of(c, k, s->from, CS_DATE_FOLD_FIRST, NULL);
            double b = cs_clock_t_of(c, s->to > s->from ? k : k + 1, s->to, CS_DATE_FOLD_FIRST,
                                     NULL);
            if (!(b > a) || b <= 0 || a >= end || dm->n_span == cap_span) continue;
            double *sp = &dm->span[3 * dm->n_span++];
            sp[0] = a;
            sp[1] = b;
            sp[2] = s->factor;
        }
    }
    if (dm->n_span > 1) qsort(dm->span, dm->n_span, 3 * sizeof *dm->span, cmp_span);
    *out = dm;
    return CS_OK;
}

double cs_demand_piece(const cs_demand *dm, const cs_days *days, size_t *cursor, double t,
                       double *end)
{
    size_t k = cs_days_find(days, cursor, t);
    const cs_profile *p = dm->week;
    double t0 = days->t0[k], ja = days->jump_at[k], j = days->jump[k];
    double e = days->t0[k + 1];
    if (!(e > t)) e = INFINITY;   /* past the last day: its rate holds */
    double sod = cs_days_sod(days, k, t);
    if (sod < 0) sod = 0;         /* before t = 0: the first day's start */
    double row0 = (double)dm->row[k] * 86400.0;
    size_t s = (size_t)((row0 + sod) / p->slot_len);
    if (s >= p->n_slots) s = p->n_slots - 1;
    if (p->n_slots > 1) {
        /* The slot's end in local time, then in t (before or after the day's clock change,
         * the side t is on); a boundary that rounding puts at or before t belongs to the next
         * slot. */
        for (;;) {
            double b = (double)(s + 1) * p->slot_len - row0;
            if (b >= 86400.0) break;
            double tb = t < ja ? t0 + b : t0 + b - j;
            if (t < ja && tb > ja) tb = ja;
            if (tb > t) {
                if (tb < e) e = tb;
                break;
            }
            if (s + 1 >= p->n_slots) break;
            s++;
        }
    }
    if (t < ja && ja < e) e = ja;
    double r = p->rate[s] * dm->factor[k];
    for (size_t i = 0; i < dm->n_span; i++) {
        const double *sp = &dm->span[3 * i];
        if (sp[0] > t) {
            if (sp[0] < e) e = sp[0];
            break;   /* sorted by start: the rest start later still */
        }
        if (t < sp[1]) {
            r *= sp[2];
            if (sp[1] < e) e = sp[1];
        }
    }
    *end = e;
    return r;
}

double cs_demand_integral(const cs_demand *dm, const cs_days *days, double a, double b)
{
    double sum = 0, t = a;
    size_t cur = 0;
    while (t < b) {
        double e;
        double r = cs_demand_piece(dm, days, &cur, t, &e);
        if (e > b) e = b;
        sum += r * (e - t);
        t = e;
    }
    return sum;
}

void cs_demand_scale(cs_demand *dm, size_t d0, size_t d1, double f)
{
    if (d1 > dm->n) d1 = dm->n;
    for (size_t k = d0; k < d1; k++) dm->factor[k] *= f;
}
