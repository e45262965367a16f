#include "models/kpi.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/daily.h"
#include "sim/stat.h"
#include "sim/status.h"
#include "sim/text.h"

/* Shorthands for the catalogue's columns (kind, print, better, needs). */
#define COUNT CS_KPI_COUNT, CS_KPI_PRINT_WHOLE
#define SHARE CS_KPI_SHARE, CS_KPI_PRINT_PERCENT
#define TIME CS_KPI_TIME, CS_KPI_PRINT_DURATION
#define LEVEL CS_KPI_LEVEL, CS_KPI_PRINT_DECIMAL
#define HOURS CS_KPI_HOURS, CS_KPI_PRINT_DECIMAL
#define UP +1
#define DOWN -1
#define NEITHER 0
#define ALL CS_KPI_NEEDS_NOTHING

const cs_kpi_def cs_line_kpis[CS_LK_N] = {
    [CS_LK_OFFERED] = {"offered", "Calls received, including repeat attempts", "calls", COUNT, NEITHER, ALL,
                       "Every call attempt that reached the line in the measured period, redials and calls "
                       "from callers who gave up on another line included."},
    [CS_LK_CALLERS] = {"callers", "Different callers", "calls", COUNT, NEITHER, CS_KPI_NEEDS_REPEAT,
                       "People who called the line in the measured period, each counted once however many "
                       "times they tried."},
    [CS_LK_ANSWERED] = {"answered", "Calls answered", "calls", COUNT, UP, ALL,
                        "Call attempts answered by a handler."},
    [CS_LK_ABANDONED_IVR] = {"abandoned_ivr", "Hung up in the recorded menu (IVR)", "calls", COUNT, DOWN,
                             CS_KPI_NEEDS_IVR, "Call attempts that ended while the caller was still in the "
                             "recorded menu."},
    [CS_LK_ABANDONED_QUEUE] = {"abandoned_queue", "Hung up while waiting to be answered", "calls", COUNT, DOWN,
                               ALL, "Call attempts that ended in the queue because the caller gave up "
                               "waiting."},
    [CS_LK_CUT_OFF] = {"cut_off", "Cut off (no free line, queue full or outage)", "calls", COUNT, DOWN,
                       CS_KPI_NEEDS_CUT_OFF, "Call attempts that could not be connected or queued: every "
                       "trunk or queue place taken, or the system down."},
    [CS_LK_DEFLECTED] = {"deflected", "Sent elsewhere by the menu (e.g. online)", "calls", COUNT, NEITHER,
                         CS_KPI_NEEDS_IVR, "Call attempts the recorded menu sent elsewhere (online "
                         "reporting, another agency) instead of to a handler."},
    [CS_LK_CALLBACK] = {"callback", "Booked a callback instead of waiting", "calls", COUNT, NEITHER,
                        CS_KPI_NEEDS_CALLBACK, "Callers who left the queue with a callback booked."},
    [CS_LK_UNFINISHED] = {"unfinished", "Still in progress when the simulation ended", "calls", COUNT, NEITHER,
                          ALL, "Call attempts still in the menu or the queue at the end of the run, "
                          "counted in no outcome."},
    [CS_LK_ABANDONED] = {"abandoned", "Hung up before contact (menu and queue)", "calls", COUNT, DOWN, ALL,
                         "Call attempts that ended because the caller hung up before a handler answered, "
                         "in the menu or in the queue."},
    [CS_LK_LOST] = {"lost", "Calls abandoned or cut off before contact (number)", "calls", COUNT, DOWN, ALL,
                    "Call attempts that ended without reaching a handler: hung up in the menu or the queue, or "
                    "cut off."},
    [CS_LK_ABANDON_RATE] = {"abandon_rate", "Calls abandoned or cut off before contact", "share", SHARE, DOWN,
                            ALL, "The share of call attempts that ended without reaching a handler: "
                            "the caller hung up or was cut off."},
    [CS_LK_NEVER_REACHED_RATE] = {"never_reached_rate", "Callers who never got through", "share", SHARE, DOWN,
                                  CS_KPI_NEEDS_REPEAT, "The share of this line's callers whose every "
                                  "attempt on it was abandoned or cut off (and no callback reached them)."},
    [CS_LK_CALLERS_LOST] = {"callers_lost", "Callers who hung up or were cut off at least once", "calls", COUNT,
                            DOWN, CS_KPI_NEEDS_REPEAT, "Callers of this line with at least one attempt that "
                            "ended without contact, whatever happened to them next."},
    [CS_LK_SERVICE_LEVEL] = {"service_level", "Answered within the target time", "share", SHARE, UP, ALL,
                             "The share of call attempts answered within the line's target time; "
                             "abandoned and cut-off attempts count as not answered in time."},
    [CS_LK_ANSWERED_WITHIN_SHARE] = {"answered_within_share", "Of the calls answered, answered within the target time",
                                     "share", SHARE, UP, ALL, "The share of answered calls that were answered "
                                     "within the line's target time (abandoned calls left out, as some forces "
                                     "publish it)."},
    [CS_LK_ASA] = {"asa", "Average wait to be answered", "s", TIME, DOWN, ALL,
                   "The mean time answered callers waited in the queue (average speed of answer)."},
    [CS_LK_WAIT_SD] = {"wait_sd", "Spread of waits to be answered (standard deviation)", "s", TIME, DOWN, ALL,
                       "The standard deviation of the waits of answered calls: how much they vary around "
                       "the average."},
    [CS_LK_WAIT_P50] = {"wait_p50", "Half of answered calls waited no longer than", "s", TIME, DOWN, ALL,
                        "The median wait of answered calls."},
    [CS_LK_WAIT_P90] = {"wait_p90", "90% of answered calls waited no longer than", "s", TIME, DOWN, ALL,
                        "The 90th percentile of the waits of answered calls."},
    [CS_LK_WAIT_P99] = {"wait_p99", "99% of answered calls waited no longer than", "s", TIME, DOWN, ALL,
                        "The 99th percentile of the waits of answered calls."},
    [CS_LK_WAIT_MAX] = {"wait_max", "Longest wait of an answered call", "s", TIME, DOWN, ALL,
                        "The longest wait of any answered call in the measured period."},
    [CS_LK_P_WAIT] = {"p_wait", "Calls that had to queue", "share", SHARE, DOWN, ALL,
                      "The share of finished call attempts that found no handler free and had to wait."},
    [CS_LK_MEAN_WAIT] = {"mean_wait", "Average wait of all calls, answered or not", "s", TIME, DOWN, ALL,
                         "The mean time in the queue of every finished call attempt, including those "
                         "whose callers hung up."},
    [CS_LK_QUEUE_MEAN] = {"queue_mean", "Average number of callers waiting", "calls", LEVEL, DOWN, ALL,
                          "The number of callers in the queue at an instant, averaged over the measured "
                          "period."},
    [CS_LK_AHT] = {"aht", "Average talk time of answered calls", "s", TIME, NEITHER, ALL,
                   "The mean time a handler talked to an answered caller, after-call work not included."},
    [CS_LK_REDIALS] = {"redials", "Repeat attempts (redials)", "calls", COUNT, DOWN, CS_KPI_NEEDS_REPEAT,
                       "Call attempts by callers who had already tried the line."},
    [CS_LK_SPILLED] = {"spilled_to_999", "Callers who gave up and rang another line", "calls", COUNT, DOWN,
                       CS_KPI_NEEDS_SPILL_OUT, "Callers who hung up or were cut off here and then rang "
                       "another line instead (101 callers ringing 999)."},
    [CS_LK_FROM_101] = {"from_101", "Calls from callers who gave up on another line", "calls", COUNT, DOWN,
                        CS_KPI_NEEDS_SPILL_IN, "Callers who reached this line after giving up on another "
                        "(999 calls caused by 101 failing)."},
    [CS_LK_FROM_101_SHARE] = {"from_101_share", "Share of callers who came from another line", "share", SHARE,
                              DOWN, CS_KPI_NEEDS_SPILL_IN, "The share of this line's callers who came "
                              "after giving up on another line."},
    [CS_LK_FROM_101_ANSWERED] = {"from_101_answered", "Callers who gave up on another line and were answered here",
                                 "calls", COUNT, NEITHER, CS_KPI_NEEDS_SPILL_IN, "Callers who came after giving "
                                 "up on another line and were answered on this one."},
    [CS_LK_CB_ON_TIME] = {"callbacks_on_time", "Callbacks made on time", "calls", COUNT, UP,
                          CS_KPI_NEEDS_CALLBACK, "Booked callbacks first dialled within the promised time."},
    [CS_LK_CB_LATE] = {"callbacks_late", "Callbacks made late", "calls", COUNT, DOWN, CS_KPI_NEEDS_CALLBACK,
                       "Booked callbacks first dialled after the promised time."},
    [CS_LK_CB_MISSED] = {"callbacks_missed", "Booked callbacks never made", "calls", COUNT, DOWN,
                         CS_KPI_NEEDS_CALLBACK, "Booked callbacks never dialled before they expired or the "
                         "run ended."},
    [CS_LK_CB_REACHED] = {"callbacks_reached", "Callbacks that reached the caller", "calls", COUNT, UP,
                          CS_KPI_NEEDS_CALLBACK, "Callbacks in which the caller answered."},
    [CS_LK_TRANSFERRED] = {"transferred", "Passed on to a second team", "calls", COUNT, NEITHER,
                           CS_KPI_NEEDS_TRANSFER, "Answered calls passed on to a second queue (a crime "
                           "bureau) after the first conversation."},
    [CS_LK_TRANSFER_ABANDONED] = {"transfer_abandoned", "Hung up after being passed on", "calls", COUNT, DOWN,
                                  CS_KPI_NEEDS_TRANSFER, "Passed-on callers who hung up while waiting for "
                                  "the second team."},
    [CS_LK_TRANSFER_ASA] = {"transfer_asa", "Average further wait after being passed on", "s", TIME, DOWN,
                            CS_KPI_NEEDS_TRANSFER, "The mean wait for the second team of passed-on calls "
                            "that it answered."},
    [CS_LK_CALLERS_REACHED_ANY] = {"callers_reached_any", "Callers who reached someone on some line", "calls",
                                   COUNT, UP, CS_KPI_NEEDS_REPEAT, "Callers who started here and were "
                                   "answered on some line, reached by a callback, or sent elsewhere by a "
                                   "menu."},
    [CS_LK_CALLERS_NEVER_REACHED] = {"callers_never_reached", "Callers who never reached anyone on any line",
                                     "calls", COUNT, DOWN, CS_KPI_NEEDS_REPEAT, "Callers who started here "
                                     "and whose every attempt, on every line they tried, ended without "
                                     "contact."},
    [CS_LK_CALLERS_UNFINISHED] = {"callers_unfinished", "Callers still trying when the simulation ended",
                                  "calls", COUNT, NEITHER, CS_KPI_NEEDS_REPEAT, "Callers who started here "
                                  "and were still waiting, talking or about to redial at the end of the "
                                  "run."},
    [CS_LK_CALLERS_REACHED_ANY_RATE] = {"callers_reached_any_rate", "Share of callers who reached someone",
                                        "share", SHARE, UP, CS_KPI_NEEDS_REPEAT, "Of the callers who started "
                                        "here and finished, the share who reached someone on some line."},
    [CS_LK_CALLERS_NEVER_REACHED_RATE] = {"callers_never_reached_rate", "Share of callers who never reached "
                                          "anyone", "share", SHARE, DOWN, CS_KPI_NEEDS_REPEAT, "Of the "
                                          "callers who started here and finished, the share who reached "
                                          "no one on any line."},
    [CS_LK_RINGBACKS] = {"ringbacks", "Abandoned calls booked for a ring-back", "calls", COUNT, NEITHER,
                         CS_KPI_NEEDS_RINGBACK, "Abandoned call attempts the control room booked to ring "
                         "back."},
    [CS_LK_RINGBACK_WAIT] = {"ringback_wait", "Average time until the ring-back", "s", TIME, DOWN,
                             CS_KPI_NEEDS_RINGBACK, "The mean time from an abandoned call to the start of "
                             "its ring-back."},
};

const cs_kpi_def cs_pool_kpis[CS_PK_N] = {
    [CS_PK_OCCUPANCY] = {"occupancy", "Share of time on duty spent on calls (occupancy)", "share", SHARE,
                         NEITHER, ALL, "The share of handlers' time on duty spent talking or on after-call "
                         "work; above about 85% there is little slack for a busy hour."},
    [CS_PK_ON_DUTY] = {"on_duty", "Handlers on duty (average)", "handlers", LEVEL, NEITHER, ALL,
                       "The number of handlers at work at an instant (after leave, sickness and breaks), "
                       "averaged over the measured period."},
    [CS_PK_BUSY] = {"busy", "Handlers busy on calls (average)", "handlers", LEVEL, NEITHER, ALL,
                    "The number of handlers talking or on after-call work at an instant, averaged over "
                    "the measured period."},
    [CS_PK_RINGBACKS_MADE] = {"ringbacks_made", "Ring-backs made", "calls", COUNT, NEITHER,
                              CS_KPI_NEEDS_RINGBACK, "Ring-backs of abandoned calls the team started."},
    [CS_PK_RINGBACK_HOURS] = {"ringback_hours", "Handler hours spent on ring-backs", "hours", HOURS, NEITHER,
                              CS_KPI_NEEDS_RINGBACK, "Handler time spent on ring-backs in the measured "
                              "period, in hours."},
    [CS_PK_RINGBACK_SHARE] = {"ringback_share", "Share of time on duty spent on ring-backs", "share", SHARE,
                              NEITHER, CS_KPI_NEEDS_RINGBACK, "The share of handlers' time on duty spent "
                              "on ring-backs."},
};

const cs_kpi_def cs_interval_kpis[CS_IK_N] = {
    [CS_IK_OFFERED] = {"offered", "Calls received per interval", "calls", COUNT, NEITHER, ALL,
                       "Call attempts arriving in the interval, per occurrence of it (redials "
                       "included)."},
    [CS_IK_ANSWERED] = {"answered", "Calls answered per interval", "calls", COUNT, UP, ALL,
                        "Call attempts arriving in the interval that were answered, per occurrence."},
    [CS_IK_ABANDONED] = {"abandoned", "Hung up before contact per interval", "calls", COUNT, DOWN, ALL,
                         "Call attempts arriving in the interval whose callers hung up before contact, "
                         "per occurrence."},
    [CS_IK_CUT_OFF] = {"cut_off", "Cut off per interval", "calls", COUNT, DOWN, CS_KPI_NEEDS_CUT_OFF,
                       "Call attempts arriving in the interval that were cut off, per occurrence."},
    [CS_IK_ABANDON_RATE] = {"abandon_rate", "Calls abandoned or cut off before contact", "share", SHARE, DOWN,
                            ALL, "The share of call attempts arriving in the interval that ended without "
                            "reaching a handler."},
    [CS_IK_SERVICE_LEVEL] = {"service_level", "Answered within the target time", "share", SHARE, UP, ALL,
                             "The share of call attempts arriving in the interval answered within the "
                             "line's target time."},
    [CS_IK_ASA] = {"asa", "Average wait to be answered", "s", TIME, DOWN, ALL,
                   "The mean wait of the answered calls that arrived in the interval."},
    [CS_IK_QUEUE_MEAN] = {"queue_mean", "Average number of callers waiting", "calls", LEVEL, DOWN, ALL,
                          "The number of callers in the queue, averaged over the interval."},
    [CS_IK_P_WAIT] = {"p_wait", "Calls that had to queue", "share", SHARE, DOWN, ALL,
                      "The share of finished call attempts arriving in the interval that had to wait."},
    [CS_IK_MEAN_WAIT] = {"mean_wait", "Average wait of all calls, answered or not", "s", TIME, DOWN, ALL,
                         "The mean time in the queue of the finished call attempts that arrived in the "
                         "interval, answered or not."},
};

int cs_interval_kpi_is_count(int ik)
{
    return ik == CS_IK_OFFERED || ik == CS_IK_ANSWERED || ik == CS_IK_ABANDONED || ik == CS_IK_CUT_OFF;
}

const cs_kpi_def cs_interval_pool_kpis[CS_IPK_N] = {
    [CS_IPK_OCCUPANCY] = {"occupancy", "Share of time on duty spent on calls (occupancy)", "share", SHARE,
                          NEITHER, ALL, "The share of handlers' time on duty in the interval spent on "
                          "calls."},
    [CS_IPK_ON_DUTY] = {"on_duty", "Handlers on duty (average)", "handlers", LEVEL, NEITHER, ALL,
                        "The number of handlers at work, averaged over the interval."},
};

#undef COUNT
#undef SHARE
#undef TIME
#undef LEVEL
#undef HOURS
#undef UP
#undef DOWN
#undef NEITHER
#undef ALL

const cs_kpi_def *cs_kpi_table(int scope, size_t *n)
{
    switch (scope) {
    case CS_KPI_SCOPE_LINE: *n = CS_LK_N; return cs_line_kpis;
    case CS_KPI_SCOPE_POOL: *n = CS_PK_N; return cs_pool_kpis;
    case CS_KPI_SCOPE_INTERVAL: *n = CS_IK_N; return cs_interval_kpis;
    case CS_KPI_SCOPE_INTERVAL_POOL: *n = CS_IPK_N; return cs_interval_pool_kpis;
    case CS_KPI_SCOPE_DAILY: *n = CS_DK_N; return cs_daily_kpis;
    default: *n = 0; return NULL;
    }
}

const cs_kpi_def *cs_kpi_find(int scope, const char *name)
{
    size_t n;
    const cs_kpi_def *t = cs_kpi_table(scope, &n);
    for (size_t i = 0; name && i < n; i++)
        if (t[i].name && strcmp(t[i].name, name) == 0) return &t[i];
    return NULL;
}

int cs_kpi_kind_of(const cs_kpi_def *d)
{
    if (d->kind) return d->kind;
    if (strcmp(d->unit, "share") == 0) return CS_KPI_SHARE;
    if (strcmp(d->unit, "s") == 0) return CS_KPI_TIME;
    if (strcmp(d->unit, "handlers") == 0) return CS_KPI_LEVEL;
    if (strcmp(d->unit, "hours") == 0) return CS_KPI_HOURS;
    return CS_KPI_COUNT;
}

int cs_kpi_print_of(const cs_kpi_def *d)
{
    if (d->print) return d->print;
    switch (cs_kpi_kind_of(d)) {
    case CS_KPI_SHARE: return CS_KPI_PRINT_PERCENT;
    case CS_KPI_TIME: return CS_KPI_PRINT_DURATION;
    case CS_KPI_LEVEL: return CS_KPI_PRINT_DECIMAL;
    default: return CS_KPI_PRINT_WHOLE;
    }
}

/* A duration: "9.7 s" (one decimal under 10 s unless `whole`), "42 s", "4 min 05 s",
 * "1 h 02 min". */
static int fmt_duration(char *buf, size_t n, double v, int whole, unsigned flags)
{
    double a = fabs(v);
    int dec = !whole && round(a * 10.0) / 10.0 < 10.0;
    double r = dec ? round(a * 10.0) / 10.0 : round(a);
    char body[64];
    if (r < 60) {
        cs_text_fmt_fixed(body, sizeof body, r, dec, 0);
        strcat(body, " s");
    } else if (llround(a) < 3600) {
        long long t = llround(a);
        snprintf(body, sizeof body, "%lld min %02lld s", t / 60, t % 60);
    } else {
        long long m = llround(a / 60.0);
        snprintf(body, sizeof body, "%lld h %02lld min", m / 60, m % 60);
    }
    int zero = 1;
    for (const char *p = body; *p; p++)
        if (*p >= '1' && *p <= '9') zero = 0;
    const char *pfx = zero ? "" : v < 0 ? "-" : (flags & CS_KPI_FMT_SIGN) ? "+" : "";
    return snprintf(buf, n, "%s%s", pfx, body);
}

static int pct_decimals(unsigned flags) { return (flags & CS_KPI_FMT_FINE) ? 2 : 1; }

int cs_kpi_fmt(char *buf, size_t n, const cs_kpi_def *d, double v, unsigned flags)
{
    if (!isfinite(v)) return snprintf(buf, n, "-");
    unsigned tf = CS_TEXT_GROUP | ((flags & CS_KPI_FMT_SIGN) ? CS_TEXT_SIGN : 0);
    char t[80];
    switch (cs_kpi_print_of(d)) {
    case CS_KPI_PRINT_PERCENT:
        cs_text_fmt_fixed(t, sizeof t, 100.0 * v, pct_decimals(flags), tf);
        return snprintf(buf, n, "%s%s", t, (flags & CS_KPI_FMT_DIFF) ? " points" : "%");
    case CS_KPI_PRINT_DURATION: return fmt_duration(buf, n, v, 0, flags);
    case CS_KPI_PRINT_DECIMAL: return cs_text_fmt_fixed(buf, n, v, 1, tf);
    default:
        /* A mean count above 0 but under a half is real (it happens in some replications), so
         * it is not shown as 0. */
        if (!(flags & (CS_KPI_FMT_DIFF | CS_KPI_FMT_PLAIN)) && v > 0 && v < 0.5) return snprintf(buf, n, "under 1");
        return cs_text_fmt_fixed(buf, n, v, 0, tf);
    }
}

int cs_kpi_fmt_ci(char *buf, size_t n, const cs_kpi_def *d, double m, double h, unsigned flags)
{
    (void)m;
    if (!isfinite(h)) return snprintf(buf, n, "-");
    char t[80];
    switch (cs_kpi_print_of(d)) {
    case CS_KPI_PRINT_PERCENT:
        cs_text_fmt_fixed(t, sizeof t, 100.0 * h, pct_decimals(flags), CS_TEXT_GROUP);
        return snprintf(buf, n, "%s points", t);
    case CS_KPI_PRINT_DURATION: return fmt_duration(buf, n, h, 0, 0);
    case CS_KPI_PRINT_DECIMAL: return cs_text_fmt_fixed(buf, n, h, h < 0.05 ? 2 : 1, CS_TEXT_GROUP);
    default:
        if (h > 0 && h < 0.5) return snprintf(buf, n, "under 1");
        return cs_text_fmt_fixed(buf, n, h, 0, CS_TEXT_GROUP);
    }
}

/* True when a formatted number shows no non-zero digit. */
static int reads_zero(const char *s)
{
    for (; *s; s++)
        if (*s >= '1' && *s <= '9') return 0;
    return 1;
}

int cs_kpi_diff_verdict(const cs_kpi_def *def, double d, double h, unsigned flags)
{
    if (!isfinite(d) || !isfinite(h) || !(fabs(d) > h)) return CS_KPI_DIFF_NONE;
    /* The end of the interval nearer zero: if it prints as zero, the printed interval reaches
     * zero and the table cannot honestly call the change significant. */
    char near[80];
    cs_kpi_fmt(near, sizeof near, def, d > 0 ? d - h : d + h, (flags & CS_KPI_FMT_FINE) | CS_KPI_FMT_DIFF);
    return reads_zero(near) ? CS_KPI_DIFF_TINY : CS_KPI_DIFF_REAL;
}

double cs_kpi_data_value(double x)
{
    if (!isfinite(x) || x == 0) return x;
    /* %.15g rounds to 15 significant digits; strtod gives the double nearest that decimal, and
     * the shortest round-trip text of that double is the decimal itself (at most 15 digits).
     * Written and read in the same locale, so a decimal comma cannot get in the way. */
    char buf[64];
    snprintf(buf, sizeof buf, "%.15g", x);
    return strtod(buf, NULL);
}

static double ratio(double num, double den) { return den > 0 ? num / den : NAN; }

void cs_kpi_line_values(const cs_repstats *rs, size_t l, double *v)
{
    const double *c = cs_rs_line_c(rs, l);
    double offered = c[CS_LC_OFFERED];
    double abandoned = c[CS_LC_ABANDONED_IVR] + c[CS_LC_ABANDONED_QUEUE];
    v[CS_LK_OFFERED] = offered;
    v[CS_LK_CALLERS] = c[CS_LC_CALLERS];
    v[CS_LK_ANSWERED] = c[CS_LC_ANSWERED];
    v[CS_LK_ABANDONED_IVR] = c[CS_LC_ABANDONED_IVR];
    v[CS_LK_ABANDONED_QUEUE] = c[CS_LC_ABANDONED_QUEUE];
    v[CS_LK_CUT_OFF] = c[CS_LC_CUT_OFF];
    v[CS_LK_DEFLECTED] = c[CS_LC_DEFLECTED];
    v[CS_LK_CALLBACK] = c[CS_LC_CALLBACK];
    v[CS_LK_UNFINISHED] = c[CS_LC_UNFINISHED];
    v[CS_LK_ABANDONED] = abandoned;
    v[CS_LK_LOST] = abandoned + c[CS_LC_CUT_OFF];
    v[CS_LK_ABANDON_RATE] = ratio(abandoned + c[CS_LC_CUT_OFF], offered);
    v[CS_LK_NEVER_REACHED_RATE] = ratio(c[CS_LC_NEVER_REACHED], c[CS_LC_CALLERS_DONE]);
    v[CS_LK_CALLERS_LOST] = c[CS_LC_CALLERS_LOST];
    v[CS_LK_SERVICE_LEVEL] = ratio(c[CS_LC_ANSWERED_WITHIN], offered);
    v[CS_LK_ANSWERED_WITHIN_SHARE] = ratio(c[CS_LC_ANSWERED_WITHIN], c[CS_LC_ANSWERED]);
    v[CS_LK_ASA] = ratio(c[CS_LC_WAIT_SUM_ANSWERED], c[CS_LC_ANSWERED]);
    v[CS_LK_WAIT_SD] = rs->wait_tally ? sqrt(cs_tally_variance(&rs->wait_tally[l])) : NAN;
    v[CS_LK_WAIT_P50] = cs_hist_quantile(&rs->wait[l], 0.50);
    v[CS_LK_WAIT_P90] = cs_hist_quantile(&rs->wait[l], 0.90);
    v[CS_LK_WAIT_P99] = cs_hist_quantile(&rs->wait[l], 0.99);
    v[CS_LK_WAIT_MAX] = c[CS_LC_ANSWERED] > 0 ? c[CS_LC_WAIT_MAX] : NAN;
    v[CS_LK_P_WAIT] = ratio(c[CS_LC_QUEUED], offered - c[CS_LC_UNFINISHED]);
    v[CS_LK_MEAN_WAIT] = ratio(c[CS_LC_WAIT_SUM_ALL], offered - c[CS_LC_UNFINISHED]);
    v[CS_LK_QUEUE_MEAN] = ratio(c[CS_LC_QUEUE_AREA], rs->measured);
    v[CS_LK_AHT] = rs->talk_tally && rs->talk_tally[l].n > 0 ? rs->talk_tally[l].mean : NAN;
    v[CS_LK_REDIALS] = c[CS_LC_REDIALS];
    v[CS_LK_SPILLED] = c[CS_LC_SPILLED];
    v[CS_LK_FROM_101] = c[CS_LC_FROM_OTHER];
    v[CS_LK_FROM_101_SHARE] = ratio(c[CS_LC_FROM_OTHER], c[CS_LC_CALLERS]);
    v[CS_LK_FROM_101_ANSWERED] = c[CS_LC_FROM_OTHER_ANSWERED];
    v[CS_LK_CB_ON_TIME] = c[CS_LC_CB_ON_TIME];
    v[CS_LK_CB_LATE] = c[CS_LC_CB_LATE];
    v[CS_LK_CB_MISSED] = c[CS_LC_CB_MISSED];
    v[CS_LK_CB_REACHED] = c[CS_LC_CB_REACHED];
    v[CS_LK_TRANSFERRED] = c[CS_LC_TRANSFERRED];
    v[CS_LK_TRANSFER_ABANDONED] = c[CS_LC_TRANSFER_ABANDONED];
    v[CS_LK_TRANSFER_ASA] = ratio(c[CS_LC_TRANSFER_WAIT_SUM], c[CS_LC_TRANSFER_ANSWERED]);
    double settled = c[CS_LC_CALLERS_REACHED_ANY] + c[CS_LC_CALLERS_NEVER_ANY];
    v[CS_LK_CALLERS_REACHED_ANY] = c[CS_LC_CALLERS_REACHED_ANY];
    v[CS_LK_CALLERS_NEVER_REACHED] = c[CS_LC_CALLERS_NEVER_ANY];
    v[CS_LK_CALLERS_UNFINISHED] = c[CS_LC_CALLERS_OPEN];
    v[CS_LK_CALLERS_REACHED_ANY_RATE] = ratio(c[CS_LC_CALLERS_REACHED_ANY], settled);
    v[CS_LK_CALLERS_NEVER_REACHED_RATE] = ratio(c[CS_LC_CALLERS_NEVER_ANY], settled);
    v[CS_LK_RINGBACKS] = c[CS_LC_RB_BOOKED];
    v[CS_LK_RINGBACK_WAIT] = ratio(c[CS_LC_RB_WAIT_SUM], c[CS_LC_RB_MADE]);
}

static void pool_values(const cs_repstats *rs, size_t p, double *v)
{
    const double *c = cs_rs_pool_c(rs, p);
    v[CS_PK_OCCUPANCY] = ratio(c[CS_PC_BUSY_AREA], c[CS_PC_DUTY_AREA]);
    v[CS_PK_ON_DUTY] = ratio(c[CS_PC_DUTY_AREA], rs->measured);
    v[CS_PK_BUSY] = ratio(c[CS_PC_BUSY_AREA], rs->measured);
    v[CS_PK_RINGBACKS_MADE] = c[CS_PC_RB_MADE];
    v[CS_PK_RINGBACK_HOURS] = c[CS_PC_RB_TIME] / 3600.0;
    v[CS_PK_RINGBACK_SHARE] = ratio(c[CS_PC_RB_TIME], c[CS_PC_DUTY_AREA]);
}

cs_results *cs_results_create(const cs_scn *scn, uint32_t n_reps, double interval)
{
    cs_results *r = calloc(1, sizeof *r);
    if (!r) return NULL;
    r->scn = scn;
    r->n_reps = n_reps;
    r->reps = calloc(n_reps, sizeof *r->reps);
    r->line_vals = calloc(scn->n_lines * CS_LK_N * (size_t)n_reps, sizeof(double));
    r->pool_vals = calloc((scn->n_pools ? scn->n_pools : 1) * CS_PK_N * (size_t)n_reps, sizeof(double));
    r->wait = calloc(scn->n_lines, sizeof *r->wait);
    size_t n_days = cs_daily_days(scn);
    size_t need = cs_repstats_need(scn->n_lines, scn->n_pools, interval, n_days);
    /* One arena for all replications (see sim/arena.h for why), sized exactly. */
    if (r->reps && need <= SIZE_MAX / (n_reps ? n_reps : 1)) r->arena = cs_arena_create(need * n_reps);
    if (!r->reps || !r->line_vals || !r->pool_vals || !r->wait || !r->arena) {
        cs_results_free(r);
        return NULL;
    }
    for (uint32_t i = 0; i < n_reps; i++)
        CS_REQUIRE(cs_repstats_init_in(&r->reps[i], r->arena, scn->n_lines, scn->n_pools, interval,
                                       scn->horizon - scn->warmup, n_days) == 0);
    for (size_t l = 0; l < scn->n_lines; l++)
        if (cs_hist_init(&r->wait[l], CS_HIST_FINE) != 0) {
            cs_results_free(r);
            return NULL;
        }
    return r;
}

void cs_results_trim(cs_results *r)
{
    if (!r) return;
    if (r->reps)
        for (uint32_t i = 0; i < r->n_reps; i++) cs_repstats_fini(&r->reps[i]);
    cs_arena_destroy(r->arena);
    r->arena = NULL;
}

void cs_results_free(cs_results *r)
{
    if (!r) return;
    cs_results_trim(r);
    if (r->wait)
        for (size_t l = 0; l < r->scn->n_lines; l++) cs_hist_fini(&r->wait[l]);
    free(r->reps);
    free(r->line_vals);
    free(r->pool_vals);
    free(r->wait);
    free(r);
}

void cs_results_finish(cs_results *r)
{
    const cs_scn *s = r->scn;
    size_t n = r->n_reps;
    double v[CS_LK_N + CS_PK_N];   /* room for either set */
    for (uint32_t i = 0; i < r->n_reps; i++) {
        for (size_t l = 0; l < s->n_lines; l++) {
            cs_kpi_line_values(&r->reps[i], l, v);
            for (int k = 0; k < CS_LK_N; k++) r->line_vals[(l * CS_LK_N + (size_t)k) * n + i] = v[k];
            cs_hist_merge(&r->wait[l], &r->reps[i].wait[l]);
        }
        for (size_t p = 0; p < s->n_pools; p++) {
            pool_values(&r->reps[i], p, v);
            for (int k = 0; k < CS_PK_N; k++) r->pool_vals[(p * CS_PK_N + (size_t)k) * n + i] = v[k];
        }
    }
}

const double *cs_results_line_reps(const cs_results *r, size_t line, int kpi)
{
    return r->line_vals + (line * CS_LK_N + (size_t)kpi) * r->n_reps;
}

const double *cs_results_pool_reps(const cs_results *r, size_t pool, int kpi)
{
    return r->pool_vals + (pool * CS_PK_N + (size_t)kpi) * r->n_reps;
}

void cs_results_line(const cs_results *r, size_t line, int kpi, double *mean, double *ci95)
{
    cs_ci95(cs_results_line_reps(r, line, kpi), r->n_reps, mean, ci95);
}

void cs_results_pool(const cs_results *r, size_t pool, int kpi, double *mean, double *ci95)
{
    cs_ci95(cs_results_pool_reps(r, pool, kpi), r->n_reps, mean, ci95);
}

double cs_kpi_line_slots(const cs_repstats *rs, const cs_line *cfg, size_t line,
                         const size_t *slots, size_t n_slots, int ik)
{
    (void)cfg;
    double sum[CS_IC_N] = {0}, time = 0;
    for (size_t i = 0; i < n_slots; i++) {
        const double *c = cs_rs_line_slot_c(rs, line, slots[i]);
        for (int k = 0; k < CS_IC_N; k++) sum[k] += c[k];
        time += rs->slot_time[slots[i]];
    }
    double occurrences = time / rs->interval;
    switch (ik) {
    case CS_IK_OFFERED: return ratio(sum[CS_IC_OFFERED], occurrences);
    case CS_IK_ANSWERED: return ratio(sum[CS_IC_ANSWERED], occurrences);
    case CS_IK_ABANDONED: return ratio(sum[CS_IC_ABANDONED], occurrences);
    case CS_IK_CUT_OFF: return ratio(sum[CS_IC_CUT_OFF], occurrences);
    case CS_IK_ABANDON_RATE: return ratio(sum[CS_IC_ABANDONED] + sum[CS_IC_CUT_OFF], sum[CS_IC_OFFERED]);
    case CS_IK_SERVICE_LEVEL: return ratio(sum[CS_IC_ANSWERED_WITHIN], sum[CS_IC_OFFERED]);
    case CS_IK_ASA: return ratio(sum[CS_IC_WAIT_SUM_ANSWERED], sum[CS_IC_ANSWERED]);
    case CS_IK_QUEUE_MEAN: return ratio(sum[CS_IC_QUEUE_AREA], time);
    /* As the whole-run p_wait and mean_wait: over attempts that finished. */
    case CS_IK_P_WAIT: return ratio(sum[CS_IC_QUEUED], sum[CS_IC_OFFERED] - sum[CS_IC_UNFINISHED]);
    case CS_IK_MEAN_WAIT: return ratio(sum[CS_IC_WAIT_SUM_ALL], sum[CS_IC_OFFERED] - sum[CS_IC_UNFINISHED]);
    default: return NAN;
    }
}

static double kpi_pool_slots(const cs_repstats *rs, size_t pool, const size_t *slots, size_t n_slots, int ipk)
{
    double busy = 0, duty = 0, time = 0;
    for (size_t i = 0; i < n_slots; i++) {
        const double *c = cs_rs_pool_slot_c(rs, pool, slots[i]);
        busy += c[CS_PC_BUSY_AREA];
        duty += c[CS_PC_DUTY_AREA];
        time += rs->slot_time[slots[i]];
    }
    if (ipk == CS_IPK_OCCUPANCY) return ratio(busy, duty);
    if (ipk == CS_IPK_ON_DUTY) return ratio(duty, time);
    return NAN;
}

void cs_results_line_slots(const cs_results *r, size_t line, const size_t *slots, size_t n_slots,
                           int ik, double *mean, double *ci95)
{
    cs_ci_acc a = {0, 0, 0};
    for (uint32_t i = 0; i < r->n_reps; i++)
        cs_ci_acc_add(&a, cs_kpi_line_slots(&r->reps[i], &r->scn->lines[line], line, slots, n_slots, ik));
    cs_ci_acc_end(&a, 0.95, mean, ci95);
}

void cs_results_pool_slots(const cs_results *r, size_t pool, const size_t *slots, size_t n_slots,
                           int ipk, double *mean, double *ci95)
{
    cs_ci_acc a = {0, 0, 0};
    for (uint32_t i = 0; i < r->n_reps; i++) cs_ci_acc_add(&a, kpi_pool_slots(&r->reps[i], pool, slots, n_slots, ipk));
    cs_ci_acc_end(&a, 0.95, mean, ci95);
}
