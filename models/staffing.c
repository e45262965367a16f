/* Staffing over a dated run; see models/staffing.h. */
#include "models/staffing.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "models/scenario.h"

void cs_onduty_fini(cs_onduty *o)
{
    if (!o) return;
    free(o->from);
    free(o->to);
    free(o->level);
    o->from = o->to = NULL;
    o->level = NULL;
    o->n = 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

static cs_status alloc_steps(cs_staffing *out, size_t n, cs_error *err)
{
    out->at = malloc((n ? n : 1) * sizeof *out->at);
    out->level = malloc((n ? n : 1) * sizeof *out->level);
    out->n = 0;
    if (out->at && out->level) return CS_OK;
    cs_roster_fini(out);
    return cs_error_set(err, CS_ENOMEM, "out of memory");
}

/* Appends a step, merging it into the last one when the level does not change. */
static void push_step(cs_staffing *st, double at, int level)
{
    if (st->n > 0 && st->level[st->n - 1] == level) return;
    if (st->n > 0 && st->at[st->n - 1] == at) {
        st->level[st->n - 1] = level;
        if (st->n > 1 && st->level[st->n - 2] == level) st->n--;
        return;
    }
    st->at[st->n] = at;
    st->level[st->n] = level;
    st->n++;
}

cs_status cs_staffing_expand(const cs_clock *c, const cs_shift *shifts, size_t n,
                             double shrinkage, double horizon, cs_staffing *out, cs_error *err)
{
    out->at = NULL;
    out->level = NULL;
    out->n = 0;
    cs_clock_spans sp = {0};
    cs_status st = CS_OK;
    if (n > 0) {
        st = cs_clock_expand_shifts(c, shifts, n, horizon, &sp, err);
        if (st != CS_OK) return st;
    }
    /* Edges: 0 and every instance start and end inside the run. */
    double *edge = malloc((2 * sp.n + 1) * sizeof *edge);
    if (!edge) {
        cs_clock_spans_fini(&sp);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    size_t ne = 0;
    edge[ne++] = 0;
    for (size_t i = 0; i < sp.n; i++) {
        if (sp.v[i].start > 0 && sp.v[i].start < horizon) edge[ne++] = sp.v[i].start;
        if (sp.v[i].end > 0 && sp.v[i].end < horizon) edge[ne++] = sp.v[i].end;
    }
    qsort(edge, ne, sizeof *edge, cmp_double);
    if ((st = alloc_steps(out, ne, err)) != CS_OK) {
        free(edge);
        cs_clock_spans_fini(&sp);
        return st;
    }
    /* Instances are sorted by start; those running at an edge start at or before it.  An
     * instance lasts at most a day and a bit, so the scan from `first` is short. */
    size_t first = 0;
    for (size_t e = 0; e < ne && st == CS_OK; e++) {
        if (e > 0 && edge[e] == edge[e - 1]) continue;
        double t = edge[e], sum = 0;
        while (first < sp.n && sp.v[first].end <= t - 2 * 86400.0) first++;
        for (size_t i = first; i < sp.n && sp.v[i].start <= t; i++) {
            if (!(t < sp.v[i].end)) continue;
            const cs_shift *sh = &shifts[sp.v[i].index];
            sum += sh->staff * (1.0 - sh->break_time / sh->length) * (1.0 - shrinkage);
        }
        int lv;
        cs_error e2;
        st = cs_roster_round(sum, &lv, &e2);
        if (st != CS_OK) {
            char when[40];
            cs_clock_format(c, t, CS_CLOCK_FMT_MINUTE, when, sizeof when);
            st = cs_error_set(err, st, "from %s the roster has %s", when, e2.msg);
            break;
        }
        push_step(out, t, lv);
    }
    free(edge);
    cs_clock_spans_fini(&sp);
    if (st != CS_OK) cs_roster_fini(out);
    return st;
}

/* Level of a weekly staffing at t (as models/roster's cs_roster_level_at) and the next time
 * after t at which it may change. */
static int weekly_at(const cs_staffing *b, double t, double *next)
{
    double wbase = CS_WEEK * floor(t / CS_WEEK), w = t - wbase;
    size_t i = 0;
    while (i + 1 < b->n && b->at[i + 1] <= w) i++;
    *next = i + 1 < b->n ? wbase + b->at[i + 1] : wbase + CS_WEEK;
    return b->n ? b->level[i] : 0;
}

cs_status cs_staffing_overlay(const cs_staffing *base, int base_weekly, const cs_onduty *on,
                              double horizon, cs_staffing *out, cs_error *err)
{
    out->at = NULL;
    out->level = NULL;
    out->n = 0;
    size_t n_on = on ? on->n : 0;
    /* Upper bound on steps: the base's steps over the run plus two per override. */
    size_t cap = 2 * n_on + 2;
    if (base_weekly)
        cap += (base->n + 1) * ((size_t)(horizon / CS_WEEK) + 2);
    else
        cap += base->n;
    cs_status st = alloc_steps(out, cap, err);
    if (st != CS_OK) return st;
    size_t bi = 0, oi = 0;
    double t = 0;
    while (t < horizon) {
        while (oi < n_on && on->to[oi] <= t) oi++;
        int in_on = oi < n_on && on->from[oi] <= t;
        double next;
        int lv;
        if (in_on) {
            lv = on->level[oi];
            next = on->to[oi];
        } else {
            if (base_weekly) {
                lv = weekly_at(base, t, &next);
            } else {
                while (bi + 1 < base->n && base->at[bi + 1] <= t) bi++;
                lv = base->n ? base->level[bi] : 0;
                next = bi + 1 < base->n ? base->at[bi + 1] : INFINITY;
            }
            if (oi < n_on && on->from[oi] < next) next = on->from[oi];
        }
        if (out->n == cap) {   /* cannot happen with the bound above; kept for defence */
            cs_roster_fini(out);
            return cs_error_set(err, CS_EINTERNAL, "staffing overlay overflow");
        }
        push_step(out, t, lv);
        if (!(next > t)) next = nextafter(t, INFINITY);
        t = next;
    }
    if (out->n == 0) push_step(out, 0, 0);
    return CS_OK;
}

int cs_staffing_level_at(const cs_staffing *st, double t)
{
    if (st->n == 0) return 0;
    size_t lo = 0, hi = st->n - 1;
    while (lo < hi) {
        size_t mid = lo + (hi - lo + 1) / 2;
        if (st->at[mid] <= t) lo = mid;
        else hi = mid - 1;
    }
    return st->level[lo];
}
