/* Scenario loader: the staffing planner's keys of a pool (see io/scenario_int.h).
 *
 *   cost_per_hour: 21.50        the cost of one paid hour (any currency); `callsim staff` reports
 *                               cost next to paid hours when it is given
 *   max_heads: 120              the most people the planner may put on the pool's roster in a week
 *   patterns:                   the shifts the planner may use (without it: the roster's shifts)
 *     - {name: early, days: all, start: "07:00", length: 10h, breaks: 1h}
 *     - {name: flexi, days: weekdays, start: "06:00..10:00/30m", length: 8h, breaks: 30m, max: 6}
 *     - {name: watches, rotation: 4on4off, start: "07:00", night_start: "19:00", breaks: 1h}
 *
 * A run ignores all three (they are checked like every other key, so a typo is still an error).
 * A weekly pattern may start at one time or at every step of a window ("06:00..10:00/30m", the
 * notation of `callsim sweep`); by_day (default true) gives it a headcount per weekday, false one
 * headcount for all its days.  A rotation is the control rooms' 12-hour 4 on / 4 off: two day
 * shifts from `start`, two nights from `night_start` (default 12 hours later), four days off, in
 * four crews of equal size two days apart, so that one crew is on days and one on nights every
 * day.  min and max bound the headcount of the pattern (of each weekday when by_day, of each crew
 * for a rotation). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/scenario_int.h"
#include "io/units.h"

/* More starts than this in one window is almost certainly a unit mistake (a step of 1m), and
 * each start is a column of the integer program for every weekday. */
#define MAX_STARTS 96

static int v_start(ld *c, node *v, cs_shift_pattern *p)
{
    if (v->kind != CS_YDOC_SCALAR) {
        csi_scn_err_at(c, v, "expected a start time such as \"07:00\" or a window such as "
                       "\"06:00..10:00/30m\", got %s", cs_ydoc_kind_name(v->kind));
        return -1;
    }
    const char *dots = strstr(v->text, "..");
    cs_error e;
    if (!dots) {
        if (csi_scn_v_tod(c, v, &p->start_first) != 0) return -1;
        p->start_last = p->start_first;
        p->start_every = 3600;
        return 0;
    }
    char a[64], b[64], step[64] = "";
    size_t la = (size_t)(dots - v->text);
    const char *slash = strchr(dots + 2, '/');
    size_t lb = slash ? (size_t)(slash - dots - 2) : strlen(dots + 2);
    if (la >= sizeof a || lb >= sizeof b || (slash && strlen(slash + 1) >= sizeof step)) {
        csi_scn_err_at(c, v, "a start window is written \"06:00..10:00/30m\"; got '%s'", v->text);
        return -1;
    }
    memcpy(a, v->text, la);
    a[la] = '\0';
    memcpy(b, dots + 2, lb);
    b[lb] = '\0';
    if (slash) snprintf(step, sizeof step, "%s", slash + 1);
    if (cs_units_parse_time_of_day(a, &p->start_first, &e) != CS_OK ||
        cs_units_parse_time_of_day(b, &p->start_last, &e) != CS_OK) {
        csi_scn_err_at(c, v, "start window '%s': %s", v->text, e.msg);
        return -1;
    }
    if (!slash) {
        csi_scn_err_at(c, v, "start window '%s' needs a step: \"%s..%s/30m\" starts every 30 minutes",
                       v->text, a, b);
        return -1;
    }
    if (cs_units_parse_duration(step, &p->start_every, &e) != CS_OK || !(p->start_every >= 60)) {
        csi_scn_err_at(c, v, "start window '%s': the step must be a duration of at least 1 minute "
                       "such as 30m", v->text);
        return -1;
    }
    /* A window may run past midnight ("22:00..02:00/1h"): its later starts are the next
     * morning of the named day. */
    if (p->start_last < p->start_first) p->start_last += CS_DAY;
    if (p->start_first >= CS_DAY) {
        csi_scn_err_at(c, v, "a shift cannot start at 24:00; start it at 00:00");
        return -1;
    }
    double n = floor((p->start_last - p->start_first) / p->start_every + 1e-9) + 1;
    if (n > MAX_STARTS) {
        csi_scn_err_at(c, v, "start window '%s' has %.0f starts; at most %d (a longer step?)", v->text,
                       n, MAX_STARTS);
        return -1;
    }
    return 0;
}

static void parse_pattern(ld *c, node *m, size_t i, cs_shift_pattern *p)
{
    static const char *const keys[] = {"name", "days", "start", "length", "breaks", "unpaid_breaks",
                                       "by_day", "min", "max", "cost_per_hour", "rotation",
                                       "night_start", NULL};
    if (csi_scn_need_map(c, m, "a shift pattern such as {name: early, days: all, start: \"07:00\", "
                         "length: 10h, breaks: 1h}") != 0)
        return;
    csi_scn_check_keys(c, m, keys);
    csi_scn_get_label(c, m, "pattern", i, p->name);
    p->by_day = 1;
    p->max_heads = -1;
    p->cost_per_hour = -1;
    node *v;
    if (csi_scn_field(c, m, "rotation", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "rotation");
        if (v->kind == CS_YDOC_SCALAR && (cs_text_ieq(v->text, "4on4off") || cs_text_ieq(v->text, "4-on-4-off")))
            p->rotation = 1;
        else
            csi_scn_err_at(c, v, "the rotation callsim knows is 4on4off (two 12-hour days, two 12-hour "
                           "nights, four days off, in four crews)");
        csi_scn_pop(c, pk);
    }
    csi_scn_get_days(c, m, "days", &p->days);
    if (p->rotation && cs_ydoc_find(m, "days")) {
        size_t pk = csi_scn_push_key(c, "days");
        csi_scn_err_at(c, cs_ydoc_get(m, "days"), "a 4on4off rotation works every day of its cycle; "
                       "leave out days");
        csi_scn_pop(c, pk);
    }
    if (csi_scn_field(c, m, "start", !p->rotation, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "start");
        if (v_start(c, v, p) == 0 && p->rotation && p->start_last != p->start_first)
            csi_scn_err_at(c, v, "a rotation's start is one time (its day shifts' start)");
        csi_scn_pop(c, pk);
    } else if (p->rotation) {
        p->start_first = p->start_last = 7 * 3600.0;
    }
    double len = p->rotation ? 12 * 3600.0 : 0;
    int rl = csi_scn_get_with(c, m, "length", !p->rotation, csi_scn_v_dur, &len);
    size_t pk = csi_scn_push_key(c, "length");
    if (rl == 1 && p->rotation && len != 12 * 3600.0)
        csi_scn_err_at(c, cs_ydoc_get(m, "length"), "4on4off shifts last 12h");
    else if (rl == 1 && !(len > 0 && len <= CS_DAY))
        csi_scn_err_at(c, cs_ydoc_get(m, "length"), "a shift must last more than 0 and at most 24h");
    csi_scn_pop(c, pk);
    p->length = len;
    p->night_start = fmod(p->start_first + 12 * 3600.0, CS_DAY);
    if (csi_scn_get_with(c, m, "night_start", 0, csi_scn_v_tod, &p->night_start) == 1 && !p->rotation) {
        size_t pn = csi_scn_push_key(c, "night_start");
        csi_scn_err_at(c, cs_ydoc_get(m, "night_start"), "night_start belongs to a rotation "
                       "(rotation: 4on4off)");
        csi_scn_pop(c, pn);
    }
    if (csi_scn_get_with(c, m, "breaks", 0, csi_scn_v_dur, &p->break_time) == 1 && p->length > 0 &&
        p->break_time >= p->length) {
        size_t pb = csi_scn_push_key(c, "breaks");
        csi_scn_err_at(c, cs_ydoc_get(m, "breaks"), "breaks must be shorter than the shift; breaks is "
                       "the total break time per handler per shift");
        csi_scn_pop(c, pb);
    }
    csi_scn_get_bool(c, m, "unpaid_breaks", &p->unpaid_breaks);
    if (csi_scn_get_bool(c, m, "by_day", &p->by_day) == 1 && p->rotation) {
        size_t pb = csi_scn_push_key(c, "by_day");
        csi_scn_err_at(c, cs_ydoc_get(m, "by_day"), "a rotation's crews are the same every day; "
                       "leave out by_day");
        csi_scn_pop(c, pb);
    }
    long x;
    if (csi_scn_get_count(c, m, "min", 0, 0, CS_SCN_MAX_STAFF, &x) == 1) p->min_heads = (int)x;
    if (csi_scn_get_count(c, m, "max", 0, 0, CS_SCN_MAX_STAFF, &x) == 1) {
        p->max_heads = (int)x;
        if (p->max_heads < p->min_heads) {
            size_t pm = csi_scn_push_key(c, "max");
            csi_scn_err_at(c, cs_ydoc_get(m, "max"), "max (%d) is below min (%d)", p->max_heads,
                           p->min_heads);
            csi_scn_pop(c, pm);
        }
    }
    csi_scn_get_number(c, m, "cost_per_hour", 0, "a cost per paid hour", &p->cost_per_hour);
}

void csi_scn_parse_plan_keys(ld *c, node *m, cs_pool *P)
{
    csi_scn_get_number(c, m, "cost_per_hour", 0, "a cost per paid hour such as 21.50", &P->cost_per_hour);
    long x;
    if (csi_scn_get_count(c, m, "max_heads", 0, 1, CS_SCN_MAX_STAFF, &x) == 1) P->max_heads = (int)x;
    node *v;
    if (csi_scn_field(c, m, "patterns", 0, &v) != 1) return;
    size_t pk = csi_scn_push_key(c, "patterns");
    if (csi_scn_need_kind(c, v, CS_YDOC_SEQ, "a list of shift patterns such as [{name: early, start: "
                          "\"07:00\", length: 10h}]") == 0) {
        if (v->n_items == 0) csi_scn_err_at(c, v, "patterns has no patterns; leave it out to use the roster's shifts");
        P->patterns = calloc(v->n_items ? v->n_items : 1, sizeof *P->patterns);
        if (!P->patterns) {
            csi_scn_oom(c);
        } else {
            P->n_patterns = v->n_items;
            for (size_t i = 0; i < v->n_items; i++) {
                size_t pi = csi_scn_push_index(c, i);
                parse_pattern(c, v->items[i], i, &P->patterns[i]);
                for (size_t j = 0; j < i; j++)
                    if (strcmp(P->patterns[j].name, P->patterns[i].name) == 0)
                        csi_scn_err_at(c, v->items[i], "two patterns are called '%s'", P->patterns[i].name);
                csi_scn_pop(c, pi);
            }
        }
    }
    csi_scn_pop(c, pk);
}
