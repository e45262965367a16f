#include "models/calendar.h"

#include "models/scenario.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Largest |t| (simulated seconds, ~31,700 years) and |epoch| the conversions accept: far inside
 * long long and int years, so nothing below can overflow. */
#define CLOCK_T_LIMIT 1e12
#define EPOCH_LIMIT 1e13
#define DAY_S 86400LL

static const char *const MONTH_NAME[12] = {"January", "February", "March",     "April",
                                           "May",     "June",     "July",      "August",
                                           "September", "October", "November", "December"};
static const char *const WEEKDAY_ABBR[7] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};

/* ---- civil dates ------------------------------------------------------------------------------ */

static long long floor_div(long long a, long long b)
{
    long long q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

int cs_date_is_leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

int cs_date_days_in_month(int y, int m)
{
    static const int dim[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    CS_REQUIRE(m >= 1 && m <= 12);
    return m == 2 && cs_date_is_leap(y) ? 29 : dim[m - 1];
}

int cs_date_is_valid(int y, int m, int d)
{
    return m >= 1 && m <= 12 && d >= 1 && d <= cs_date_days_in_month(y, m);
}

/* Hinnant's algorithm: count in 400-year eras starting on 1 March, so that the leap day is the
 * last day of the (shifted) year and month lengths follow the 153/5 pattern. */
long cs_date_days_from_civil(int y, int m, int d)
{
    CS_REQUIRE(m >= 1 && m <= 12);
    long yy = (long)y - (m <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;             /* [0, 399] */
    long mp = m > 2 ? m - 3 : m + 9;       /* March = 0 */
    long doy = (153 * mp + 2) / 5 + d - 1; /* [0, 365] */
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468; /* 719468 = days 0000-03-01 .. 1970-01-01 */
}

void cs_date_civil_from_days(long day, int *y, int *m, int *d)
{
    long z = day + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long mm = mp < 10 ? mp + 3 : mp - 9;
    if (y)
        *y = (int)(yoe + era * 400 + (mm <= 2));
    if (m)
        *m = (int)mm;
    if (d)
        *d = (int)(doy - (153 * mp + 2) / 5 + 1);
}

/* 1970-01-01 was a Thursday (3 with Monday = 0). */
int cs_date_weekday(long day)
{
    long long x = (long long)day + 3;
    return (int)(x - 7 * floor_div(x, 7));
}

int cs_date_day_of_year(int y, int m, int d)
{
    return (int)(cs_date_days_from_civil(y, m, d) - cs_date_days_from_civil(y, 1, 1)) + 1;
}

long cs_date_nth_weekday(int y, int m, int weekday, int n)
{
    CS_REQUIRE(weekday >= 0 && weekday <= 6 && n != 0 && n >= -4 && n <= 4);
    if (n > 0) {
        long first = cs_date_days_from_civil(y, m, 1);
        return first + (weekday - cs_date_weekday(first) + 7) % 7 + 7L * (n - 1);
    }
    long last = cs_date_days_from_civil(y, m, cs_date_days_in_month(y, m));
    return last - (cs_date_weekday(last) - weekday + 7) % 7 - 7L * (-n - 1);
}

/* ---- UK local time ---------------------------------------------------------------------------- */

/* Both changes happen at 01:00 UTC (the same instant across the EU), hence the rule in UTC. */
long long cs_date_uk_bst_start(int y)
{
    return (long long)cs_date_nth_weekday(y, 3, 6, -1) * DAY_S + 3600;
}

long long cs_date_uk_bst_end(int y)
{
    return (long long)cs_date_nth_weekday(y, 10, 6, -1) * DAY_S + 3600;
}

int cs_date_uk_offset(long long epoch_s)
{
    int y;
    cs_date_civil_from_days((long)floor_div(epoch_s, DAY_S), &y, NULL, NULL);
    return (epoch_s >= cs_date_uk_bst_start(y) && epoch_s < cs_date_uk_bst_end(y)) ? 3600 : 0;
}

/* The offset at a (possibly fractional) instant: the changes are at whole seconds, so the
 * offset of the second that contains it. */
static int uk_offset_at(double epoch)
{
    return cs_date_uk_offset((long long)floor(epoch));
}

double cs_date_uk_to_epoch(double local_s, cs_date_fold fold, int *flags)
{
    CS_REQUIRE(isfinite(local_s) && fabs(local_s) <= EPOCH_LIMIT);
    if (flags)
        *flags = 0;
    /* Try both offsets: a reading is valid when the offset in force at the resulting instant
     * is the one assumed.  Two valid readings = the repeated hour, none = the gap. */
    double t_summer = local_s - 3600.0, t_winter = local_s;
    int ok_summer = uk_offset_at(t_summer) == 3600;
    int ok_winter = uk_offset_at(t_winter) == 0;
    if (ok_summer && ok_winter) {
        if (flags)
            *flags = CS_DATE_REPEATED;
        return fold == CS_DATE_FOLD_FIRST ? t_summer : t_winter;
    }
    if (ok_summer)
        return t_summer;
    if (ok_winter)
        return t_winter;
    if (flags)
        *flags = CS_DATE_MISSING;
    /* Offset in force before the change: two hours earlier is safely before it. */
    return local_s - uk_offset_at(local_s - 7200.0);
}

/* ---- Easter and bank holidays ----------------------------------------------------------------- */

/* Anonymous Gregorian algorithm (Meeus, Astronomical Algorithms, 2nd ed., ch. 8): the
 * ecclesiastical full moon from the Metonic cycle (a) with the century's solar (b - d) and
 * lunar (g) corrections, then the Sunday after it. */
long cs_date_easter(int y)
{
    CS_REQUIRE(y >= 1583 && y <= 1000000);
    int a = y % 19, b = y / 100, c = y % 100;
    int d = b / 4, e = b % 4;
    int f = (b + 8) / 25, g = (b - f + 1) / 3;
    int h = (19 * a + b - d - g + 15) % 30;
    int i = c / 4, k = c % 4;
    int l = (32 + 2 * e + 2 * i - h - k) % 7;
    int m = (a + 11 * h + 22 * l) / 451;
    int n = h + l - 7 * m + 114;
    return cs_date_days_from_civil(y, n / 31, n % 31 + 1);
}

enum { BH_EARLY_MAY, BH_SPRING };

/* One-off moves of a regular holiday, by proclamation (gov.uk/bank-holidays; London Gazette). */
static const struct bh_move {
    int year, which, month, day;
    const char *name;
} BH_MOVES[] = {
    {1995, BH_EARLY_MAY, 5, 8, "Early May bank holiday (VE day)"}, /* 50th anniversary */
    {2002, BH_SPRING, 6, 4, "Spring bank holiday"},                /* Golden Jubilee */
    {2012, BH_SPRING, 6, 4, "Spring bank holiday"},                /* Diamond Jubilee */
    {2020, BH_EARLY_MAY, 5, 8, "Early May bank holiday (VE day)"}, /* 75th anniversary */
    {2022, BH_SPRING, 6, 2, "Spring bank holiday"},                /* Platinum Jubilee */
};

/* One-off extra holidays since 1978, by proclamation. */
static const struct bh_extra {
    int year, month, day;
    const char *name;
} BH_EXTRAS[] = {
    {1981, 7, 29, "Royal wedding bank holiday"},
    {1999, 12, 31, "Millennium celebrations"},
    {2002, 6, 3, "Golden Jubilee bank holiday"},
    {2011, 4, 29, "Royal wedding bank holiday"},
    {2012, 6, 5, "Diamond Jubilee bank holiday"},
    {2022, 6, 3, "Platinum Jubilee bank holiday"},
    {2022, 9, 19, "Bank holiday for the state funeral of Queen Elizabeth II"},
    {2023, 5, 8, "Bank holiday for the coronation of King Charles III"},
};

static int bh_taken(const cs_date_holiday *out, int n, long day)
{
    for (int i = 0; i < n; i++)
        if (out[i].day == day)
            return 1;
    return 0;
}

static int bh_add(cs_date_holiday *out, int n, long day, const char *name)
{
    CS_REQUIRE(n < CS_DATE_MAX_HOLIDAYS);
    out[n].day = day;
    out[n].name = name;
    return n + 1;
}

int cs_date_bank_holidays(int y, cs_date_holiday out[CS_DATE_MAX_HOLIDAYS])
{
    CS_REQUIRE(y >= 1583 && y <= 1000000);
    int n = 0;
    long easter = cs_date_easter(y);
    long early = cs_date_nth_weekday(y, 5, 0, 1), spring = cs_date_nth_weekday(y, 5, 0, -1);
    const char *early_name = "Early May bank holiday", *spring_name = "Spring bank holiday";
    for (size_t i = 0; i < sizeof BH_MOVES / sizeof BH_MOVES[0]; i++) {
        const struct bh_move *mv = &BH_MOVES[i];
        if (mv->year != y)
            continue;
        long day = cs_date_days_from_civil(y, mv->month, mv->day);
        if (mv->which == BH_EARLY_MAY) {
            early = day;
            early_name = mv->name;
        } else {
            spring = day;
            spring_name = mv->name;
        }
    }
    n = bh_add(out, n, easter - 2, "Good Friday");
    n = bh_add(out, n, easter + 1, "Easter Monday");
    n = bh_add(out, n, early, early_name);
    n = bh_add(out, n, spring, spring_name);
    n = bh_add(out, n, cs_date_nth_weekday(y, 8, 0, -1), "Summer bank holiday");

    /* Fixed-date holidays: those on weekdays keep their day; then, in date order, each one at
     * a weekend takes the next weekday not already a holiday.  This one rule gives every case
     * gov.uk lists: New Year on Sat/Sun -> Mon; Christmas Sat -> Mon 27 and Boxing Sun -> Tue
     * 28; Christmas Sun -> Tue 27 (Boxing Day keeps Mon 26); Boxing Sat -> Mon 28. */
    static const struct {
        int month, day;
        const char *name, *substitute;
    } fixed[3] = {{1, 1, "New Year's Day", "New Year's Day (substitute day)"},
                  {12, 25, "Christmas Day", "Christmas Day (substitute day)"},
                  {12, 26, "Boxing Day", "Boxing Day (substitute day)"}};
    long fday[3];
    for (int i = 0; i < 3; i++) {
        fday[i] = cs_date_days_from_civil(y, fixed[i].month, fixed[i].day);
        if (cs_date_weekday(fday[i]) < 5)
            n = bh_add(out, n, fday[i], fixed[i].name);
    }
    for (int i = 0; i < 3; i++) {
        if (cs_date_weekday(fday[i]) < 5)
            continue;
        long s = fday[i] + 1;
        while (cs_date_weekday(s) >= 5 || bh_taken(out, n, s))
            s++;
        n = bh_add(out, n, s, fixed[i].substitute);
    }
    for (size_t i = 0; i < sizeof BH_EXTRAS / sizeof BH_EXTRAS[0]; i++)
        if (BH_EXTRAS[i].year == y)
            n = bh_add(out, n,
                       cs_date_days_from_civil(y, BH_EXTRAS[i].month, BH_EXTRAS[i].day),
                       BH_EXTRAS[i].name);
    /* Insertion sort: at most a dozen entries. */
    for (int i = 1; i < n; i++) {
        cs_date_holiday h = out[i];
        int j = i;
        while (j > 0 && out[j - 1].day > h.day) {
            out[j] = out[j - 1];
            j--;
        }
        out[j] = h;
    }
    return n;
}

const char *cs_date_bank_holiday(long day)
{
    int y;
    cs_date_civil_from_days(day, &y, NULL, NULL);
    cs_date_holiday h[CS_DATE_MAX_HOLIDAYS];
    int n = cs_date_bank_holidays(y, h);
    for (int i = 0; i < n; i++)
        if (h[i].day == day)
            return h[i].name;
    return NULL;
}

/* ---- the simulation clock ---------------------------------------------------------------------- */

void cs_clock_init(cs_clock *c)
{
    CS_REQUIRE(c != NULL);
    memset(c, 0, sizeof *c);
}

cs_status cs_clock_init_date(cs_clock *c, int y, int m, int d, cs_error *err)
{
    CS_REQUIRE(c != NULL);
    cs_clock_init(c);
    if (y < 1583 || y > 9999)
        return cs_error_set(err, CS_EINPUT,
                            "start date year %d is outside 1583-9999 (the Gregorian calendar "
                            "with four-digit years)",
                            y);
    if (m < 1 || m > 12)
        return cs_error_set(err, CS_EINPUT, "start date %04d-%02d-%02d: month %d is not 1-12", y,
                            m, d, m);
    if (!cs_date_is_valid(y, m, d))
        return cs_error_set(err, CS_EINPUT,
                            "start date %04d-%02d-%02d does not exist (%s %d has %d days)", y, m,
                            d, MONTH_NAME[m - 1], y, cs_date_days_in_month(y, m));
    c->dated = 1;
    c->start_day = cs_date_days_from_civil(y, m, d);
    /* Local midnight is never in the repeated or missing hour (both are 01:00-02:00 local). */
    c->t0_epoch = (long long)cs_date_uk_to_epoch((double)c->start_day * 86400.0,
                                                 CS_DATE_FOLD_FIRST, NULL);
    c->off0 = cs_date_uk_offset(c->t0_epoch);
    return CS_OK;
}

/* Offset in force at simulated time t (dated clocks). */
static int clock_offset(const cs_clock *c, double t)
{
    return cs_date_uk_offset(c->t0_epoch + (long long)floor(t));
}

/* Local day index and seconds since local midnight of t.  The integer part of t is carried as
 * an integer, so the day boundary is exact and sod keeps t's fraction. */
static void clock_split(const cs_clock *c, double t, long long *day, double *sod, int *off)
{
    CS_REQUIRE(isfinite(t) && fabs(t) <= CLOCK_T_LIMIT);
    double ft = floor(t);
    long long it = (long long)ft;
    int o = c->dated ? cs_date_uk_offset(c->t0_epoch + it) : 0;
    long long w = it + o - (c->dated ? c->off0 : 0);
    long long k = floor_div(w, DAY_S);
    double s = (double)(w - k * DAY_S) + (t - ft);
    if (s >= 86400.0) /* t within an ulp below a whole second whose fraction rounded to 1 */
        s = nextafter(86400.0, 0.0);
    *day = k;
    *sod = s;
    *off = o;
}

static int floor_mod7(long long k)
{
    return (int)(k - 7 * floor_div(k, 7));
}

double cs_clock_week_s(const cs_clock *c, double t)
{
    if (!c->dated) {
        CS_REQUIRE(isfinite(t) && fabs(t) <= CLOCK_T_LIMIT);
        return t - CS_WEEK * floor(t / CS_WEEK);
    }
    long long k;
    double sod;
    int off;
    clock_split(c, t, &k, &sod, &off);
    return (double)cs_date_weekday((long)(c->start_day + k)) * 86400.0 + sod;
}

void cs_clock_at(const cs_clock *c, double t, cs_clock_local *out)
{
    CS_REQUIRE(c != NULL && out != NULL);
    memset(out, 0, sizeof *out);
    if (!c->dated) {
        /* The engine's own expression for the week position, so intervals and profiles agree
         * with it to the bit; day and weekday follow from it. */
        double ws = cs_clock_week_s(c, t);
        int wd = (int)(ws / 86400.0);
        if (wd > 6)
            wd = 6;
        out->weekday = wd;
        out->week_s = ws;
        out->sod = ws - wd * 86400.0;
        out->day = (long)floor(t / CS_WEEK) * 7 + wd;
        out->hour_of_week = (int)(ws / 3600.0);
        if (out->hour_of_week > 167)
            out->hour_of_week = 167;
        return;
    }
    long long k;
    double sod;
    int off;
    clock_split(c, t, &k, &sod, &off);
    out->day = (long)k;
    out->sod = sod;
    out->date = c->start_day + (long)k;
    out->weekday = cs_date_weekday(out->date);
    out->week_s = out->weekday * 86400.0 + sod;
    out->hour_of_week = (int)(out->week_s / 3600.0);
    cs_date_civil_from_days(out->date, &out->y, &out->m, &out->d);
    out->doy = cs_date_day_of_year(out->y, out->m, out->d);
    out->utc_offset = off;
    out->bank_holiday = cs_date_bank_holiday(out->date) != NULL;
}

double cs_clock_t_of(const cs_clock *c, long day, double sod, cs_date_fold fold, int *flags)
{
    CS_REQUIRE(c != NULL && isfinite(sod));
    if (flags)
        *flags = 0;
    double w = (double)day * 86400.0 + sod; /* local wall seconds since the start's midnight */
    if (!c->dated)
        return w;
    CS_REQUIRE(fabs(w) <= CLOCK_T_LIMIT);
    /* t = w - (offset - off0) for the offset in force at t; try both. */
    double t_gmt = w + c->off0, t_bst = w + c->off0 - 3600.0;
    int ok_gmt = clock_offset(c, t_gmt) == 0, ok_bst = clock_offset(c, t_bst) == 3600;
    if (ok_gmt && ok_bst) {
        if (flags)
            *flags = CS_DATE_REPEATED;
        return fold == CS_DATE_FOLD_FIRST ? t_bst : t_gmt;
    }
    if (ok_bst)
        return t_bst;
    if (ok_gmt)
        return t_gmt;
    /* The missing hour: the instant of the spring change (see the header for why). */
    if (flags)
        *flags = CS_DATE_MISSING;
    long long e = c->t0_epoch + (long long)floor(t_gmt);
    int y;
    cs_date_civil_from_days((long)floor_div(e, DAY_S), &y, NULL, NULL);
    return (double)(cs_date_uk_bst_start(y) - c->t0_epoch);
}

long cs_clock_day_of_date(const cs_clock *c, int y, int m, int d)
{
    CS_REQUIRE(c != NULL && c->dated);
    return cs_date_days_from_civil(y, m, d) - c->start_day;
}

double cs_clock_t_of_date(const cs_clock *c, int y, int m, int d, double sod, cs_date_fold fold,
                          int *flags)
{
    return cs_clock_t_of(c, cs_clock_day_of_date(c, y, m, d), sod, fold, flags);
}

int cs_clock_format(const cs_clock *c, double t, cs_clock_fmt fmt, char *buf, size_t n)
{
    CS_REQUIRE(c != NULL);
    if (!isfinite(t) || fabs(t) > CLOCK_T_LIMIT) {
        if (buf && n > 0)
            buf[0] = '\0';
        return -1;
    }
    long long tr = llround(t);
    if (!c->dated) {
        long long wk = floor_div(tr, 7 * DAY_S), ws = tr - wk * 7 * DAY_S;
        int wd = (int)(ws / DAY_S);
        long long s = ws - wd * DAY_S;
        char pre[32] = "";
        if (wk != 0)
            snprintf(pre, sizeof pre, "week %lld ", wk + 1);
        switch (fmt) {
        case CS_CLOCK_FMT_MINUTE:
            return snprintf(buf, n, "%s%s %02lld:%02lld", pre, WEEKDAY_ABBR[wd], s / 3600,
                            s / 60 % 60);
        case CS_CLOCK_FMT_DATE:
            return snprintf(buf, n, "%s%s", pre, WEEKDAY_ABBR[wd]);
        default:
            return snprintf(buf, n, "%s%s %02lld:%02lld:%02lld", pre, WEEKDAY_ABBR[wd], s / 3600,
                            s / 60 % 60, s % 60);
        }
    }
    cs_clock_local L;
    cs_clock_at(c, (double)tr, &L);
    long long s = (long long)L.sod;
    switch (fmt) {
    case CS_CLOCK_FMT_MINUTE:
        return snprintf(buf, n, "%04d-%02d-%02d %02lld:%02lld", L.y, L.m, L.d, s / 3600,
                        s / 60 % 60);
    case CS_CLOCK_FMT_SECOND:
        return snprintf(buf, n, "%04d-%02d-%02d %02lld:%02lld:%02lld", L.y, L.m, L.d, s / 3600,
                        s / 60 % 60, s % 60);
    case CS_CLOCK_FMT_ISO:
        return snprintf(buf, n, "%04d-%02d-%02dT%02lld:%02lld:%02lld+%02d:00", L.y, L.m, L.d,
                        s / 3600, s / 60 % 60, s % 60, L.utc_offset / 3600);
    default:
        return snprintf(buf, n, "%04d-%02d-%02d", L.y, L.m, L.d);
    }
}

/* ---- step functions ---------------------------------------------------------------------------- */

void cs_clock_steps_fini(cs_clock_steps *s)
{
    if (!s)
        return;
    free(s->at);
    free(s->rate);
    free(s->cum);
    memset(s, 0, sizeof *s);
}

size_t cs_clock_steps_find(const cs_clock_steps *s, double t)
{
    CS_REQUIRE(s != NULL && s->n > 0);
    if (!(t > s->at[0]))
        return 0;
    if (t >= s->at[s->n])
        return s->n - 1;
    size_t lo = 0, hi = s->n; /* at[lo] <= t < at[hi] */
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->at[mid] <= t)
            lo = mid;
        else
            hi = mid;
    }
    return lo;
}

/* Integral over [0, x], x clipped to [0, horizon]. */
static double steps_cum(const cs_clock_steps *s, double x)
{
    if (x <= s->at[0])
        return 0.0;
    if (x >= s->at[s->n])
        return s->cum[s->n];
    size_t i = cs_clock_steps_find(s, x);
    return s->cum[i] + s->rate[i] * (x - s->at[i]);
}

double cs_clock_steps_integral(const cs_clock_steps *s, double a, double b)
{
    CS_REQUIRE(s != NULL && s->n > 0);
    if (!(b > a))
        return 0.0;
    return steps_cum(s, b) - steps_cum(s, a);
}

/* A growing step function.  Pieces are appended in time order; merge joins equal neighbours. */
typedef struct builder {
    double *at, *rate;
    size_t n, cap;
    int merge;
} builder;

static int builder_push(builder *b, double t, double r)
{
    if (b->n > 0 && t <= b->at[b->n - 1]) { /* a zero-length piece: the later value wins */
        b->rate[b->n - 1] = r;
        if (b->merge && b->n > 1 && b->rate[b->n - 2] == r)
            b->n--;
        return 0;
    }
    if (b->merge && b->n > 0 && b->rate[b->n - 1] == r)
        return 0;
    if (b->n + 2 > b->cap) { /* +2: room for the closing breakpoint */
        size_t cap = b->cap ? 2 * b->cap : 1024;
        double *at = realloc(b->at, cap * sizeof *at);
        if (!at)
            return -1;
        b->at = at;
        double *rate = realloc(b->rate, cap * sizeof *rate);
        if (!rate)
            return -1;
        b->rate = rate;
        b->cap = cap;
    }
    b->at[b->n] = t;
    b->rate[b->n] = r;
    b->n++;
    return 0;
}

/* Closes the function at the horizon and computes the integrals; the builder's arrays move
 * into out. */
static cs_status builder_finish(builder *b, double horizon, cs_clock_steps *out, cs_error *err)
{
    CS_REQUIRE(b->n > 0 && b->at[0] == 0.0);
    b->at[b->n] = horizon;
    double *cum = malloc((b->n + 1) * sizeof *cum);
    if (!cum) {
        free(b->at);
        free(b->rate);
        return cs_error_set(err, CS_ENOMEM, "out of memory expanding demand over the horizon");
    }
    cum[0] = 0.0;
    for (size_t i = 0; i < b->n; i++)
        cum[i + 1] = cum[i] + b->rate[i] * (b->at[i + 1] - b->at[i]);
    out->n = b->n;
    out->at = b->at;
    out->rate = b->rate;
    out->cum = cum;
    return CS_OK;
}

static cs_status builder_oom(builder *b, cs_error *err)
{
    free(b->at);
    free(b->rate);
    return cs_error_set(err, CS_ENOMEM, "out of memory expanding demand over the horizon");
}

/* ---- demand ------------------------------------------------------------------------------------ */

static double profile_rate(const cs_profile *p, double week_pos)
{
    size_t s = (size_t)(week_pos / p->slot_len);
    if (s >= p->n_slots)
        s = p->n_slots - 1;
    return p->rate[s];
}

/* Undated: exactly the pieces models/centre.c's rate_piece walks through, by the same
 * expressions, so switching the engine to these steps changes no arithmetic. */
static cs_status demand_undated(const cs_profile *p, double horizon, cs_clock_steps *out,
                                cs_error *err)
{
    builder b = {NULL, NULL, 0, 0, 0};
    double t = 0.0;
    while (t < horizon) {
        double wstart = CS_WEEK * floor(t / CS_WEEK), tm = t - wstart;
        size_t s = (size_t)(tm / p->slot_len);
        if (s >= p->n_slots)
            s = p->n_slots - 1;
        double e = p->n_slots > 1 ? wstart + (double)(s + 1) * p->slot_len : INFINITY;
        if (builder_push(&b, t, p->rate[s]) != 0)
            return builder_oom(&b, err);
        if (!(e > t)) /* cannot happen with slot_len * n_slots == CS_WEEK; kept for defence */
            e = nextafter(t, INFINITY);
        t = e;
    }
    return builder_finish(&b, horizon, out, err);
}

typedef struct special_rt {
    const cs_clock_special *sp;
    long day;    /* fixed date's day number; unused for recurring */
    double from; /* window relative to its own date's local midnight, [from, to) */
    double to;
} special_rt;

/* Whether special i is dated on day number x. */
static int special_on(const special_rt *s, long x, int xm, int xd)
{
    if (s->sp->year != 0)
        return s->day == x;
    return s->sp->month == xm && s->sp->day == xd;
}

static cs_status check_specials(const cs_clock_demand *spec, cs_error *err)
{
    for (size_t i = 0; i < spec->n_special; i++) {
        const cs_clock_special *s = &spec->special[i];
        int leap_ok = s->year == 0 ? 2000 : s->year; /* 29 February recurs in leap years */
        if (s->month < 1 || s->month > 12 || s->day < 1 ||
            s->day > cs_date_days_in_month(leap_ok, s->month))
            return cs_error_set(err, CS_EINPUT, "special day %d: %04d-%02d-%02d is not a date",
                                (int)i + 1, s->year, s->month, s->day);
        if (s->year != 0 && (s->year < 1583 || s->year > 9999))
            return cs_error_set(err, CS_EINPUT, "special day %d: year %d is outside 1583-9999",
                                (int)i + 1, s->year);
        if (!isfinite(s->factor) || s->factor < 0)
            return cs_error_set(err, CS_EINPUT,
                                "special day %d: factor %g must be a finite number >= 0",
                                (int)i + 1, s->factor);
        if (s->has_hours && (!(s->from >= 0 && s->from < 86400) || !(s->to >= 0 && s->to <= 86400)))
            return cs_error_set(err, CS_EINPUT,
                                "special day %d: hours must be within 00:00-24:00 (from %g s, "
                                "to %g s)",
                                (int)i + 1, s->from, s->to);
    }
    return CS_OK;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

/* Dated: day by day in local days; each day splits into one or two spans of constant UTC
 * offset, in which local time runs parallel to t, so every local cut (slot boundary, special
 * hour) maps to t by a shift.  The rate of each sub-piece is read at its local midpoint, so
 * floating-point on a boundary cannot pick the neighbouring slot. */
static cs_status demand_dated(const cs_clock *c, const cs_clock_demand *spec, double horizon,
                              cs_clock_steps *out, cs_error *err)
{
    const cs_profile *p = spec->week;
    special_rt *sr = NULL;
    if (spec->n_special > 0) {
        sr = calloc(spec->n_special, sizeof *sr);
        if (!sr)
            return cs_error_set(err, CS_ENOMEM, "out of memory expanding demand");
    }
    for (size_t i = 0; i < spec->n_special; i++) {
        const cs_clock_special *s = &spec->special[i];
        sr[i].sp = s;
        if (s->year != 0)
            sr[i].day = cs_date_days_from_civil(s->year, s->month, s->day);
        sr[i].from = s->has_hours ? s->from : 0.0;
        sr[i].to = !s->has_hours ? 86400.0 : s->to > s->from ? s->to : 86400.0 + s->to;
    }
    /* Cuts in one span: its two ends, slot boundaries, special edges (two per special per
     * candidate date, two candidate dates). */
    size_t cap = (size_t)ceil(90000.0 / p->slot_len) + 8 + 4 * spec->n_special;
    double *cut = malloc(cap * sizeof *cut);
    builder b = {NULL, NULL, 0, 0, 1};
    if (!cut) {
        free(sr);
        return cs_error_set(err, CS_ENOMEM, "out of memory expanding demand");
    }
    cs_status st = CS_OK;
    for (long k = 0;; k++) {
        double ta = cs_clock_t_of(c, k, 0.0, CS_DATE_FOLD_FIRST, NULL);
        if (ta >= horizon)
            break;
        double tb = cs_clock_t_of(c, k + 1, 0.0, CS_DATE_FOLD_FIRST, NULL);
        long D = c->start_day + k;
        int y, m, d, py, pm, pd;
        cs_date_civil_from_days(D, &y, &m, &d);
        cs_date_civil_from_days(D - 1, &py, &pm, &pd);
        int pw = cs_date_weekday(D);
        if (spec->holiday_as >= 0 && cs_date_bank_holiday(D))
            pw = spec->holiday_as;
        double mf = spec->month_factor ? spec->month_factor[m - 1] : 1.0;
        double base = pw * 86400.0;

        /* Spans of constant offset: split at a clock change inside the day. */
        double span[3] = {ta, tb, tb};
        int nspan = 1;
        long long ea = c->t0_epoch + (long long)ta, eb = c->t0_epoch + (long long)tb;
        long long ch[2] = {cs_date_uk_bst_start(y), cs_date_uk_bst_end(y)};
        for (int j = 0; j < 2; j++)
            if (ch[j] > ea && ch[j] < eb) {
                span[1] = (double)(ch[j] - c->t0_epoch);
                nspan = 2;
            }
        for (int g = 0; g < nspan; g++) {
            double sa = span[g], sb = span[g + 1];
            /* local sod at sa: t + offset - off0 - k * 86400 */
            double sod_a = sa + (clock_offset(c, sa) - c->off0) - (double)k * 86400.0;
            double sod_b = sod_a + (sb - sa);
            size_t nc = 0;
            cut[nc++] = sod_a;
            cut[nc++] = sod_b;
            if (p->n_slots > 1) {
                double j0 = floor((base + sod_a) / p->slot_len) + 1.0;
                for (double j = j0;; j += 1.0) {
                    double x = j * p->slot_len - base;
                    if (x >= sod_b || nc >= cap)
                        break;
                    if (x > sod_a)
                        cut[nc++] = x;
                }
            }
            for (size_t i = 0; i < spec->n_special; i++) {
                if (!sr[i].sp->has_hours)
                    continue;
                /* the special dated today (offset 0) or yesterday (its hours run past midnight) */
                for (int back = 0; back <= 1; back++) {
                    if (!(back ? special_on(&sr[i], D - 1, pm, pd) : special_on(&sr[i], D, m, d)))
                        continue;
                    double e2[2] = {sr[i].from - back * 86400.0, sr[i].to - back * 86400.0};
                    for (int q = 0; q < 2; q++)
                        if (e2[q] > sod_a && e2[q] < sod_b && nc < cap)
                            cut[nc++] = e2[q];
                }
            }
            qsort(cut, nc, sizeof *cut, cmp_double);
            for (size_t i = 0; i + 1 < nc; i++) {
                double u = cut[i], v = cut[i + 1];
                if (!(v > u))
                    continue;
                double tu = sa + (u - sod_a);
                if (tu >= horizon)
                    break;
                double mid = 0.5 * (u + v);
                double r = profile_rate(p, base + mid) * mf;
                for (size_t q = 0; q < spec->n_special; q++) {
                    double pos;
                    if (special_on(&sr[q], D, m, d))
                        pos = mid;
                    else if (special_on(&sr[q], D - 1, pm, pd))
                        pos = mid + 86400.0;
                    else
                        continue;
                    if (pos >= sr[q].from && pos < sr[q].to)
                        r *= sr[q].sp->factor;
                }
                if (builder_push(&b, tu, r) != 0) {
                    st = builder_oom(&b, err);
                    goto done;
                }
            }
        }
    }
    st = builder_finish(&b, horizon, out, err);
done:
    free(cut);
    free(sr);
    return st;
}

cs_status cs_clock_expand_demand(const cs_clock *c, const cs_clock_demand *spec, double horizon,
                                 cs_clock_steps *out, cs_error *err)
{
    CS_REQUIRE(c != NULL && spec != NULL && spec->week != NULL && out != NULL);
    CS_REQUIRE(isfinite(horizon) && horizon > 0 && horizon <= CLOCK_T_LIMIT);
    const cs_profile *p = spec->week;
    CS_REQUIRE(p->n_slots >= 1 && p->rate != NULL && p->slot_len > 0);
    CS_REQUIRE(spec->n_special == 0 || spec->special != NULL);
    CS_REQUIRE(spec->holiday_as >= -1 && spec->holiday_as <= 6);
    memset(out, 0, sizeof *out);
    if (!c->dated) {
        if (spec->month_factor)
            return cs_error_set(err, CS_EINPUT,
                                "month-of-year factors need a start date (start: 2025-04-01)");
        if (spec->n_special > 0)
            return cs_error_set(err, CS_EINPUT,
                                "special days need a start date (start: 2025-04-01)");
        return demand_undated(p, horizon, out, err);
    }
    if (spec->month_factor)
        for (int i = 0; i < 12; i++)
            if (!isfinite(spec->month_factor[i]) || spec->month_factor[i] < 0)
                return cs_error_set(err, CS_EINPUT,
                                    "the factor for %s (%g) must be a finite number >= 0",
                                    MONTH_NAME[i], spec->month_factor[i]);
    cs_status st = check_specials(spec, err);
    if (st != CS_OK)
        return st;
    return demand_dated(c, spec, horizon, out, err);
}

/* ---- shifts and weekly windows ----------------------------------------------------------------- */

void cs_clock_spans_fini(cs_clock_spans *s)
{
    if (!s)
        return;
    free(s->v);
    memset(s, 0, sizeof *s);
}

static int cmp_span(const void *a, const void *b)
{
    const cs_clock_span *x = a, *y = b;
    if (x->start != y->start)
        return x->start < y->start ? -1 : 1;
    if (x->index != y->index)
        return x->index < y->index ? -1 : 1;
    return x->day < y->day ? -1 : x->day > y->day;
}

cs_status cs_clock_expand_shifts(const cs_clock *c, const cs_shift *shifts, size_t n_shifts,
                                 double horizon, cs_clock_spans *out, cs_error *err)
{
    CS_REQUIRE(c != NULL && out != NULL && (shifts != NULL || n_shifts == 0));
    CS_REQUIRE(isfinite(horizon) && horizon > 0 && horizon <= CLOCK_T_LIMIT);
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < n_shifts; i++) {
        const cs_shift *s = &shifts[i];
        if (!(s->start >= 0 && s->start < 86400))
            return cs_error_set(err, CS_EINPUT,
                                "shift %zu: start %g s is not a time of day (0 to 24h)", i + 1,
                                s->start);
        if (!(s->length > 0 && s->length <= CS_WEEK))
            return cs_error_set(err, CS_EINPUT,
                                "shift %zu: length %g s must be more than 0 and at most a week",
                                i + 1, s->length);
    }
    /* A shift started up to 8 local days before t = 0 can still be running at 0 (start < 1 day,
     * length <= 7 days); the last start is before the horizon, at most horizon / 23 h days on. */
    long kmin = -9, kmax = (long)ceil(horizon / (23.0 * 3600.0)) + 1;
    size_t cap = 0, n = 0;
    cs_clock_span *v = NULL;
    for (long k = kmin; k <= kmax; k++) {
        int wd = c->dated ? cs_date_weekday(c->start_day + k) : floor_mod7(k);
        for (size_t i = 0; i < n_shifts; i++) {
            const cs_shift *s = &shifts[i];
            if (!(s->days & (1u << wd)))
                continue;
            double a, e;
            if (c->dated) {
                a = cs_clock_t_of(c, k, s->start, CS_DATE_FOLD_FIRST, NULL);
                e = cs_clock_t_of(c, k, s->start + s->length, CS_DATE_FOLD_FIRST, NULL);
            } else {
                a = (double)k * 86400.0 + s->start;
                e = a + s->length;
            }
            if (!(e > a) || e <= 0 || a >= horizon)
                continue;
            if (n == cap) {
                size_t nc = cap ? 2 * cap : 64;
                cs_clock_span *nv = realloc(v, nc * sizeof *nv);
                if (!nv) {
                    free(v);
                    return cs_error_set(err, CS_ENOMEM, "out of memory expanding shifts");
                }
                v = nv;
                cap = nc;
            }
            v[n].start = a;
            v[n].end = e;
            v[n].index = i;
            v[n].day = k;
            n++;
        }
    }
    if (n > 1)
        qsort(v, n, sizeof *v, cmp_span);
    out->v = v;
    out->n = n;
    return CS_OK;
}

cs_status cs_clock_expand_weekly(const cs_clock *c, double wstart, double wend, double horizon,
                                 cs_clock_spans *out, cs_error *err)
{
    CS_REQUIRE(out != NULL);
    memset(out, 0, sizeof *out);
    if (!(wstart >= 0 && wstart < CS_WEEK) || !(wend >= 0 && wend <= CS_WEEK))
        return cs_error_set(err, CS_EINPUT,
                            "weekly window %g-%g s is not within the week (0 to 7 days)", wstart,
                            wend);
    if (wend == wstart) /* empty, as cs_window treats it */
        return CS_OK;
    int day = (int)(wstart / 86400.0);
    if (day > 6)
        day = 6;
    cs_shift s = {0};
    s.days = 1u << day;
    s.start = wstart - day * 86400.0;
    s.length = wend > wstart ? wend - wstart : wend + CS_WEEK - wstart;
    return cs_clock_expand_shifts(c, &s, 1, horizon, out, err);
}
