/* Scenario loader: pools and rosters, windows (surges, technology, outages) and the cross
 * checks that need the whole scenario (see io/scenario_int.h). */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/scenario_int.h"
#include "io/units.h"
#include "models/roster.h"

static void fmt_tod(double t, char *buf, size_t n)
{
    long s = lround(t);
    if (s % 60)
        snprintf(buf, n, "%02ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
    else
        snprintf(buf, n, "%02ld:%02ld", s / 3600, s / 60 % 60);
}

/* "Mon 02:00-06:00", "Sun 22:00-Mon 06:00": a period of the week [a, b), b may be <= a when
 * it wraps past Sunday midnight. */
static void fmt_period(double a, double b, char *buf, size_t n)
{
    char sa[48], sb[48];
    cs_units_format_instant(a, sa, sizeof sa);
    double day = floor(a / CS_DAY) * CS_DAY;
    if (b > a && b <= day + CS_DAY) {
        fmt_tod(b - day, sb, sizeof sb);
    } else {
        cs_units_format_instant(fmod(b, CS_WEEK), sb, sizeof sb);
    }
    snprintf(buf, n, "%s-%s", sa, sb);
}

/* ---- pools and rosters ------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y ? 1 : 0;
}

/* Staffing from models/roster, its problems reported at `at` (the staff: or roster: value). */
static void staffing(ld *c, node *at, cs_status st, const cs_error *e)
{
    if (st == CS_ENOMEM) csi_scn_oom(c);
    else if (st != CS_OK) csi_scn_err_at(c, at, "%s", e->msg);
}

static int parse_shift(ld *c, node *m, cs_shift *sh)
{
    static const char *const keys[] = {"name", "days", "start", "length", "staff", "breaks",
                                       NULL};
    if (csi_scn_need_map(c, m, "a shift such as {days: weekdays, start: \"07:00\", length: 10h, "
                         "staff: 12, breaks: 45m}") != 0)
        return -1;
    size_t e0 = csi_scn_n_errors(c);
    csi_scn_check_keys(c, m, keys);
    if (cs_ydoc_find(m, "name")) {
        char label[CS_NAME_MAX];
        csi_scn_get_label(c, m, "shift", 0, label);
    }
    csi_scn_get_days(c, m, "days", &sh->days);
    if (csi_scn_get_with(c, m, "start", 1, csi_scn_v_tod, &sh->start) == 1 && sh->start >= CS_DAY) {
        size_t pk = csi_scn_push_key(c, "start");
        csi_scn_err_at(c, cs_ydoc_get(m, "start"), "a shift cannot start at 24:00; start it at "
                       "00:00 of the next day");
        csi_scn_pop(c, pk);
    }
    int rl = csi_scn_get_with(c, m, "length", 1, csi_scn_v_dur, &sh->length);
    if (rl == 1 && !(sh->length > 0 && sh->length <= CS_DAY)) {
        char a[32];
        cs_units_format_duration(sh->length, a, sizeof a);
        size_t pk = csi_scn_push_key(c, "length");
        csi_scn_err_at(c, cs_ydoc_get(m, "length"), "a shift must last more than 0 and at most "
                       "24h, got %s; split longer cover into several shifts", a);
        csi_scn_pop(c, pk);
        rl = -1;
    }
    csi_scn_get_headcount(c, m, "staff", &sh->staff);
    if (csi_scn_get_with(c, m, "breaks", 0, csi_scn_v_dur, &sh->break_time) == 1 && rl == 1 &&
        sh->break_time >= sh->length) {
        char a[32], b[32];
        cs_units_format_duration(sh->break_time, a, sizeof a);
        cs_units_format_duration(sh->length, b, sizeof b);
        size_t pk = csi_scn_push_key(c, "breaks");
        csi_scn_err_at(c, cs_ydoc_get(m, "breaks"), "breaks (%s) must be shorter than the shift "
                       "(%s); breaks is the total break time per handler per shift", a, b);
        csi_scn_pop(c, pk);
    }
    return csi_scn_n_errors(c) == e0 ? 0 : -1;
}

static void parse_pool_queues(ld *c, node *m, cs_pool *P)
{
    const cs_ydoc_pair *lp = cs_ydoc_find(m, "lines"), *qp = cs_ydoc_find(m, "queues");
    if (lp && lp->val->kind == CS_YDOC_NULL) lp = NULL;
    if (qp && qp->val->kind == CS_YDOC_NULL) qp = NULL;
    if (lp && qp) {
        size_t pk = csi_scn_push_key(c, "queues");
        csi_scn_err_at(c, qp->key, "give either lines: or queues: (they are the same list), not "
                       "both");
        csi_scn_pop(c, pk);
        c->pools_lists_ok = 0;
        return;
    }
    if (!lp && !qp) {
        size_t pk = csi_scn_push_key(c, "lines");
        if (!csi_scn_was_typo(c, m, "lines") && !csi_scn_was_typo(c, m, "queues"))
            csi_scn_err_at(c, m, "missing key 'lines' (the lines or queues this pool answers)");
        csi_scn_pop(c, pk);
        c->pools_lists_ok = 0;
        return;
    }
    const char *key = lp ? "lines" : "queues";
    node *v = lp ? lp->val : qp->val;
    size_t pk = csi_scn_push_key(c, key);
    if (v->kind != CS_YDOC_SEQ || v->n_items == 0) {
        csi_scn_err_at(c, v, "expected a list of line names such as [\"101\", \"999\"], got %s",
                       v->kind == CS_YDOC_SEQ ? "an empty list" : cs_ydoc_kind_name(v->kind));
        c->pools_lists_ok = 0;
        csi_scn_pop(c, pk);
        return;
    }
    P->queues = malloc(v->n_items * sizeof *P->queues);
    P->weights = malloc(v->n_items * sizeof *P->weights);
    if (!P->queues || !P->weights) {
        csi_scn_oom(c);
        csi_scn_pop(c, pk);
        return;
    }
    for (size_t i = 0; i < v->n_items; i++) {
        node *it = v->items[i];
        size_t pi = csi_scn_push_index(c, i);
        int q = -1;
        if (it->kind != CS_YDOC_SCALAR) {
            csi_scn_err_at(c, it, "expected a list of line names such as [\"101\", \"999\"], found "
                           "%s in it", cs_ydoc_kind_name(it->kind));
        } else if ((q = csi_scn_queue_lookup(c, it->text)) < 0) {
            csi_scn_unknown_queue(c, it, it->text);
        } else {
            for (size_t j = 0; j < P->n_queues; j++)
                if (P->queues[j] == q) {
                    csi_scn_err_at(c, it, "'%s' is listed twice", it->text);
                    q = -2;
                    break;
                }
        }
        if (q >= 0) {
            P->queues[P->n_queues] = q;
            P->weights[P->n_queues] = 1.0;
            P->n_queues++;
        } else if (q == -1) {
            c->pools_lists_ok = 0;
        }
        csi_scn_pop(c, pi);
    }
    csi_scn_pop(c, pk);
}

static void parse_weights(ld *c, node *v, cs_pool *P)
{
    if (csi_scn_need_kind(c, v, CS_YDOC_MAP, "a mapping of weights such as {\"101\": 1, \"999\": "
                          "3}"))
        return;
    int bad = 0;
    for (size_t i = 0; i < v->n_pairs; i++) {
        node *k = v->pairs[i].key, *val = v->pairs[i].val;
        size_t pk = csi_scn_push_key(c, k->text);
        int q = csi_scn_queue_lookup(c, k->text);
        size_t j = 0;
        while (q >= 0 && j < P->n_queues && P->queues[j] != q) j++;
        if (q < 0) {
            csi_scn_unknown_queue(c, k, k->text);
            bad = 1;
        } else if (j == P->n_queues) {
            csi_scn_err_at(c, k, "'%s' is not one of this pool's lines, so it cannot have a weight",
                           k->text);
            bad = 1;
        } else if (csi_scn_v_number(c, val, "a weight", &P->weights[j]) != 0) {
            bad = 1;
        }
        csi_scn_pop(c, pk);
    }
    double sum = 0;
    for (size_t j = 0; j < P->n_queues; j++) sum += P->weights[j];
    if (!bad && P->n_queues > 0 && !(sum > 0))
        csi_scn_err_at(c, v, "the weights are all zero; a weighted pool needs a positive weight "
                       "for at least one line");
}

/* `absence: random | expected` (models/roster.h): people absent at random, or the rounded
 * expectation of the old model. */
static void parse_absence(ld *c, node *m, cs_pool *P)
{
    static const char *const kinds[] = {"random", "expected", NULL};
    node *v;
    if (csi_scn_field(c, m, "absence", 0, &v) != 1) return;
    size_t pk = csi_scn_push_key(c, "absence");
    int scalar = v->kind == CS_YDOC_SCALAR;
    if (scalar && cs_text_ieq(v->text, "random")) P->absence = CS_ABSENCE_RANDOM;
    else if (scalar && cs_text_ieq(v->text, "expected")) P->absence = CS_ABSENCE_EXPECTED;
    else if (scalar && csi_scn_suggest(v->text, kinds, 2))
        csi_scn_err_at(c, v, "unknown absence '%s' (did you mean '%s'?)", v->text,
                       csi_scn_suggest(v->text, kinds, 2));
    else
        csi_scn_err_at(c, v, "expected absence: random (each person-shift absent with the "
                       "shrinkage probability) or absence: expected (the rounded average)");
    csi_scn_pop(c, pk);
}

void csi_scn_parse_pool(ld *c, size_t k)
{
    static const char *const keys[] = {"name", "lines", "queues", "pick", "weights", "staff",
                                       "roster", "shrinkage", "absence", "on_duty", "placeholder",
                                       "cost_per_hour", "max_heads", "patterns", NULL};
    static const char *const picks[] = {"priority", "weighted", NULL};
    node *m = c->pool_map[k];
    cs_pool *P = &c->s->pools[k];
    if (!m) {
        c->pools_lists_ok = c->pools_staff_ok = 0;
        return;
    }
    size_t p0 = csi_scn_push_key(c, "pools");
    csi_scn_push_index(c, k);
    csi_scn_check_keys(c, m, keys);
    if (c->pool_name[k]) snprintf(P->name, CS_NAME_MAX, "%s", c->pool_name[k]);
    parse_pool_queues(c, m, P);
    node *v;
    if (csi_scn_field(c, m, "pick", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "pick");
        int scalar = v->kind == CS_YDOC_SCALAR;
        if (scalar && cs_text_ieq(v->text, "weighted")) P->rule = CS_PICK_WEIGHTED;
        else if (scalar && cs_text_ieq(v->text, "priority")) P->rule = CS_PICK_PRIORITY;
        else if (scalar && csi_scn_suggest(v->text, picks, 2))
            csi_scn_err_at(c, v, "unknown pick rule '%s' (did you mean '%s'?)", v->text,
                           csi_scn_suggest(v->text, picks, 2));
        else
            csi_scn_err_at(c, v, "expected pick: priority or pick: weighted");
        csi_scn_pop(c, pk);
    }
    if (csi_scn_field(c, m, "weights", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "weights");
        if (P->rule != CS_PICK_WEIGHTED)
            csi_scn_err_at(c, v, "weights only apply with pick: weighted");
        else
            parse_weights(c, v, P);
        csi_scn_pop(c, pk);
    }
    parse_absence(c, m, P);
    csi_scn_parse_plan_keys(c, m, P);   /* the staffing planner's keys (scenario_patterns.c) */
    size_t e0 = csi_scn_n_errors(c);
    csi_scn_get_bool(c, m, "placeholder", &P->placeholder);
    if (csi_scn_get_with(c, m, "shrinkage", 0, csi_scn_v_share, &P->shrinkage) == 1 &&
        P->shrinkage >= 1.0) {
        size_t pk = csi_scn_push_key(c, "shrinkage");
        csi_scn_err_at(c, cs_ydoc_get(m, "shrinkage"), "shrinkage must be below 100%%: it is the "
                       "share of rostered time lost");
        csi_scn_pop(c, pk);
    }
    const cs_ydoc_pair *sp = cs_ydoc_find(m, "staff"), *rp = cs_ydoc_find(m, "roster");
    if (sp && sp->val->kind == CS_YDOC_NULL) sp = NULL;
    if (rp && rp->val->kind == CS_YDOC_NULL) rp = NULL;
    int on_duty = csi_scn_parse_on_duty(c, m, k, P);
    if (!sp && !rp && on_duty != 0) {
        /* Dated on-duty numbers alone: nobody outside the file's cover. */
        cs_error e;
        staffing(c, m, cs_roster_constant(0, 0, &P->staffing, &e), &e);
    } else if (sp && rp) {
        char hint[300];
        csi_scn_conflict_hint(c, sp->key, "staff", rp->key, "roster", hint, sizeof hint);
        csi_scn_err_at(c, csi_scn_conflict_at(c, sp->key, rp->key, m),
                       "pool '%s' has both staff: and roster:; give one of them%s", P->name, hint);
    } else if (!sp && !rp) {
        csi_scn_err_at(c, m, "pool '%s' needs staff: (a constant headcount), roster: (a list of "
                       "shifts) or on_duty: (a dated CSV of handlers on duty)", P->name);
    } else if (sp) {
        double staff;
        if (csi_scn_get_headcount(c, m, "staff", &staff) == 1 &&
            csi_scn_n_errors(c) == e0) {
            cs_error e;
            size_t pk = csi_scn_push_key(c, "staff");
            staffing(c, sp->val, cs_roster_constant(staff, P->shrinkage, &P->staffing, &e), &e);
            P->headcount = staff;
            csi_scn_pop(c, pk);
        }
    } else {
        node *rv = rp->val;
        size_t pk = csi_scn_push_key(c, "roster");
        if (csi_scn_need_kind(c, rv, CS_YDOC_SEQ, "a list of shifts such as [{days: weekdays, "
                              "start: \"07:00\", length: 10h, staff: 12}]") == 0) {
            if (rv->n_items == 0) csi_scn_err_at(c, rv, "the roster has no shifts");
            P->shifts = calloc(rv->n_items ? rv->n_items : 1, sizeof *P->shifts);
            if (!P->shifts) {
                csi_scn_oom(c);
            } else {
                P->n_shifts = rv->n_items;
                for (size_t i = 0; i < rv->n_items; i++) {
                    size_t pi = csi_scn_push_index(c, i);
                    parse_shift(c, rv->items[i], &P->shifts[i]);
                    csi_scn_pop(c, pi);
                }
            }
        }
        if (csi_scn_n_errors(c) == e0 && !c->oom) {
            cs_error e;
            cs_status st = cs_roster_build(P->shifts, P->n_shifts, P->shrinkage, &P->staffing, &e);
            staffing(c, rv, st, &e);
        }
        csi_scn_pop(c, pk);
    }
    if (csi_scn_n_errors(c) != e0 || P->staffing.n == 0) c->pools_staff_ok = 0;
    csi_scn_pop(c, p0);
}

/* ---- windows: surges, technology, outages ------------------------------------------------ */

/* start + (length | end) -> w.  need_start: a window without start is an error (else it
 * means "the whole run" and *has is set to 0).  open_end: start without length/end runs to
 * the horizon.  Returns 0 or -1. */
static int parse_window(ld *c, node *m, int need_start, int open_end, double horizon,
                        cs_window *w, int *has)
{
    node *sv = cs_ydoc_get(m, "start"), *lv = cs_ydoc_get(m, "length"), *ev = cs_ydoc_get(m, "end");
    *has = 0;
    if (!sv) {
        if (need_start) {
            size_t pk = csi_scn_push_key(c, "start");
            csi_scn_err_at(c, m, "missing key 'start' (such as \"Fri 18:00\", \"day 5 18:00\" or "
                           "4d18h)");
            csi_scn_pop(c, pk);
            return -1;
        }
        if (lv || ev) {
            size_t pk = csi_scn_push_key(c, lv ? "length" : "end");
            csi_scn_err_at(c, lv ? lv : ev, "%s needs a start: (without start, it applies to the "
                           "whole run)", lv ? "length" : "end");
            csi_scn_pop(c, pk);
            return -1;
        }
        w->start = 0;
        w->end = horizon;
        return 0;
    }
    *has = 1;
    /* A weekly window is a time of the week, repeated; any other may be a dated time. */
    val_fn when = w->weekly ? csi_scn_v_instant : csi_scn_v_when;
    if (csi_scn_get_with(c, m, "start", 1, when, &w->start) != 1) return -1;
    if (lv && ev) {
        size_t pk = csi_scn_push_key(c, "end");
        csi_scn_err_at(c, ev, "give either length: or end:, not both");
        csi_scn_pop(c, pk);
        return -1;
    }
    if (lv) {
        double len;
        if (csi_scn_get_with(c, m, "length", 1, csi_scn_v_dur, &len) != 1) return -1;
        if (!(len > 0)) {
            size_t pk = csi_scn_push_key(c, "length");
            csi_scn_err_at(c, lv, "length must be more than 0");
            csi_scn_pop(c, pk);
            return -1;
        }
        w->end = w->weekly ? w->start + len : csi_scn_after(c, w->start, len);
    } else if (ev) {
        if (csi_scn_get_with(c, m, "end", 1, when, &w->end) != 1) return -1;
        if (!(w->end > w->start)) {
            char a[48], b[48];
            csi_scn_fmt_when(c, w->start, a, sizeof a);
            csi_scn_fmt_when(c, w->end, b, sizeof b);
            size_t pk = csi_scn_push_key(c, "end");
            csi_scn_err_at(c, ev, "end (%s) must be after start (%s)", b, a);
            csi_scn_pop(c, pk);
            return -1;
        }
    } else if (open_end) {
        w->end = horizon > w->start ? horizon : w->start;
    } else {
        size_t pk = csi_scn_push_key(c, "length");
        csi_scn_err_at(c, m, "missing key 'length' (or end:): how long the window lasts");
        csi_scn_pop(c, pk);
        return -1;
    }
    return 0;
}

static void window_in_run(ld *c, node *m, const cs_window *w, double horizon, const char *what)
{
    if (w->weekly || w->start < horizon) return;
    char a[48], h[32];
    csi_scn_fmt_when(c, w->start, a, sizeof a);
    cs_units_format_duration(horizon, h, sizeof h);
    size_t pk = csi_scn_push_key(c, "start");
    csi_scn_err_at(c, cs_ydoc_get(m, "start"), "the %s starts at %s, after the end of the run "
                   "(horizon %s), so it would never apply", what, a, h);
    csi_scn_pop(c, pk);
}

static void parse_surge(ld *c, node *m, double horizon, cs_window *w)
{
    static const char *const keys[] = {"name", "line", "start", "length", "end", "factor",
                                       "weekly", NULL};
    csi_scn_check_keys(c, m, keys);
    char label[CS_NAME_MAX];
    csi_scn_get_label(c, m, "surge", 0, label);
    int has;
    csi_scn_get_line_ref(c, m, &w->line);
    csi_scn_get_with(c, m, "factor", 1, csi_scn_v_mult, &w->factor);
    csi_scn_get_bool(c, m, "weekly", &w->weekly);
    if (parse_window(c, m, 1, 0, horizon, w, &has) != 0) return;
    if (w->weekly && w->end - w->start > CS_WEEK) {
        csi_scn_err_at(c, m, "a weekly surge must last at most a week");
        return;
    }
    window_in_run(c, m, w, horizon, "surge");
    csi_scn_surge_instances(c, m, w, horizon);
}

static void parse_effect(ld *c, node *m, size_t i, double horizon, cs_effect *f)
{
    static const char *const keys[] = {"name", "on", "factor", "line", "start", "length", "end",
                                       NULL};
    csi_scn_check_keys(c, m, keys);
    csi_scn_get_label(c, m, "technology", i, f->name);
    node *v;
    if (csi_scn_field(c, m, "on", 1, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "on");
        if (v->kind == CS_YDOC_SCALAR && cs_text_ieq(v->text, "handle")) f->on = CS_EFFECT_HANDLE;
        else if (v->kind == CS_YDOC_SCALAR && cs_text_ieq(v->text, "wrap")) f->on = CS_EFFECT_WRAP;
        else csi_scn_err_at(c, v, "expected on: handle or on: wrap");
        csi_scn_pop(c, pk);
    }
    csi_scn_get_with(c, m, "factor", 1, csi_scn_v_mult, &f->window.factor);
    f->factor = f->window.factor;
    csi_scn_get_line_ref(c, m, &f->line);
    f->window.line = f->line;
    if (parse_window(c, m, 0, 1, horizon, &f->window, &f->has_window) == 0 && f->has_window)
        window_in_run(c, m, &f->window, horizon, "technology change");
}

static void parse_outage(ld *c, node *m, size_t i, double horizon, cs_outage *o)
{
    static const char *const keys[] = {"name", "start", "length", "end", "effect", "line", NULL};
    csi_scn_check_keys(c, m, keys);
    csi_scn_get_label(c, m, "outage", i, o->name);
    o->kind = CS_OUTAGE_CUT_OFF;
    o->window.factor = 1.0;
    csi_scn_get_line_ref(c, m, &o->window.line);
    node *v;
    if (csi_scn_field(c, m, "effect", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "effect");
        if (v->kind == CS_YDOC_SCALAR && cs_text_ieq(v->text, "cut_off")) {
            o->kind = CS_OUTAGE_CUT_OFF;
        } else if (v->kind == CS_YDOC_MAP) {
            static const char *const ek[] = {"handle", NULL};
            csi_scn_check_keys(c, v, ek);
            o->kind = CS_OUTAGE_SLOW;
            csi_scn_get_with(c, v, "handle", 1, csi_scn_v_mult, &o->window.factor);
        } else {
            csi_scn_err_at(c, v, "expected effect: cut_off or effect: {handle: 1.5}");
        }
        csi_scn_pop(c, pk);
    }
    int has;
    if (parse_window(c, m, 1, 0, horizon, &o->window, &has) == 0)
        window_in_run(c, m, &o->window, horizon, "outage");
}

/* A list of windows: each item through fn.  Allocates *arr (n items, zeroed). */
void csi_scn_parse_list(ld *c, node *root, const char *key, size_t elem, void **arr, size_t *n,
                       double horizon, int kind)
{
    node *v;
    if (csi_scn_field(c, root, key, 0, &v) != 1) return;
    size_t pk = csi_scn_push_key(c, key);
    if (csi_scn_need_kind(c, v, CS_YDOC_SEQ, "a list") != 0 || v->n_items == 0) {
        csi_scn_pop(c, pk);
        return;
    }
    *arr = calloc(v->n_items, elem);
    if (!*arr) {
        csi_scn_oom(c);
        csi_scn_pop(c, pk);
        return;
    }
    *n = v->n_items;
    for (size_t i = 0; i < v->n_items; i++) {
        size_t pi = csi_scn_push_index(c, i);
        node *m = v->items[i];
        const char *ex = kind == 0 ? "a surge such as {line: \"999\", start: \"Fri 21:00\", "
                                     "length: 6h, factor: 1.6}"
                         : kind == 1 ? "a change such as {on: wrap, factor: 0.7}"
                                     : "an outage such as {start: \"Fri 18:00\", length: 2h}";
        if (csi_scn_need_map(c, m, ex) == 0) {
            char *base = (char *)*arr + i * elem;
            if (kind == 0) parse_surge(c, m, horizon, (cs_window *)(void *)base);
            else if (kind == 1) parse_effect(c, m, i, horizon, (cs_effect *)(void *)base);
            else parse_outage(c, m, i, horizon, (cs_outage *)(void *)base);
        }
        csi_scn_pop(c, pi);
    }
    csi_scn_pop(c, pk);
}

/* ---- stage 3: cross checks --------------------------------------------------------------- */

static int pool_takes(const cs_pool *P, int q)
{
    for (size_t j = 0; j < P->n_queues; j++)
        if (P->queues[j] == q) return 1;
    return 0;
}

/* Every queue that can receive calls must be taken by some pool.  A line's main queue
 * receives calls unless its IVR sends everyone elsewhere (and no callback needs it). */
void csi_scn_check_queues_taken(ld *c)
{
    cs_scn *s = c->s;
    size_t nq = c->n_lines + c->n_xq;
    for (size_t q = 0; q < nq; q++) {
        int used = 1;
        if (q < c->n_lines && s->lines[q].ivr.enabled) {
            used = (s->lines[q].callback.enabled && s->lines[q].callback.pool < 0) ||
                   (s->lines[q].ringback.enabled && s->lines[q].ringback.pool < 0);
            for (size_t i = 0; i < c->n_lines && !used; i++)
                for (size_t r = 0; r < s->lines[i].ivr.n_routes; r++)
                    if (s->lines[i].ivr.routes[r].queue == (int)q) used = 1;
        }
        if (!used) continue;
        size_t k = 0;
        while (k < c->n_pools && !pool_takes(&s->pools[k], (int)q)) k++;
        if (k < c->n_pools) continue;
        if (q < c->n_lines) {
            if (!c->line_map[q] || !c->line_name[q]) continue;
            size_t p0 = csi_scn_push_key(c, "lines");
            csi_scn_push_index(c, q);
            csi_scn_err_at(c, c->line_map[q], "no pool takes line '%s', so nobody could answer its "
                           "calls; add \"%s\" to a pool's lines:", c->line_name[q],
                           c->line_name[q]);
            csi_scn_pop(c, p0);
        } else {
            size_t j = q - c->n_lines;
            if (!c->xq_map[j] || !c->xq_name[j]) continue;
            size_t p0 = csi_scn_push_key(c, "queues");
            csi_scn_push_index(c, j);
            csi_scn_err_at(c, c->xq_map[j], "no pool takes queue '%s', so nobody could answer its "
                           "calls; add %s to a pool's lines:", c->xq_name[j], c->xq_name[j]);
            csi_scn_pop(c, p0);
        }
    }
}

/* A line's calls arrive at its entry queues (the main queue, or the IVR routes with a
 * positive share).  Finds the first period of the week in which the line has demand while
 * some entry queue has nobody on duty. */
void csi_scn_check_roster(ld *c, size_t li)
{
    cs_scn *s = c->s;
    cs_line *L = &s->lines[li];
    if (L->demand.n_slots == 0) return;
    size_t cap = L->demand.n_slots + 1;
    for (size_t k = 0; k < c->n_pools; k++) cap += s->pools[k].staffing.n;
    double *t = malloc(cap * sizeof *t);
    int *bad = malloc(cap * sizeof *bad);
    int *qbad = malloc(cap * sizeof *qbad);   /* first unstaffed queue per segment */
    if (!t || !bad || !qbad) {
        free(t);
        free(bad);
        free(qbad);
        csi_scn_oom(c);
        return;
    }
    size_t n = 0;
    for (size_t i = 0; i < L->demand.n_slots; i++) t[n++] = (double)i * L->demand.slot_len;
    for (size_t k = 0; k < c->n_pools; k++)
        for (size_t i = 0; i < s->pools[k].staffing.n; i++) t[n++] = s->pools[k].staffing.at[i];
    qsort(t, n, sizeof *t, cmp_double);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (m == 0 || t[i] != t[m - 1]) t[m++] = t[i];
    n = m;
    const cs_ivr_route one = {"", 1.0, (int)li};
    const cs_ivr_route *routes = L->ivr.enabled ? L->ivr.routes : &one;
    size_t n_routes = L->ivr.enabled ? L->ivr.n_routes : 1;
    int any = 0;
    for (size_t i = 0; i < n; i++) {
        size_t slot = (size_t)(t[i] / L->demand.slot_len);
        bad[i] = 0;
        if (slot >= L->demand.n_slots || !(L->demand.rate[slot] > 0)) continue;
        for (size_t r = 0; r < n_routes && !bad[i]; r++) {
            if (!(routes[r].share > 0)) continue;
            int staffed = 0;
            for (size_t k = 0; k < c->n_pools && !staffed; k++)
                /* A pool with a dated on-duty file may cover any time of the week. */
                if (pool_takes(&s->pools[k], routes[r].queue) &&
                    (cs_roster_level_at(&s->pools[k].staffing, t[i]) > 0 ||
                     s->pools[k].on_duty_file[0]))
                    staffed = 1;
            if (!staffed) {
                bad[i] = 1;
                qbad[i] = routes[r].queue;
                any = 1;
            }
        }
    }
    if (any) {
        size_t a = 0;
        while (!bad[a]) a++;
        size_t b = a;
        while (b < n && bad[b]) b++;
        double start = t[a], end = b < n ? t[b] : CS_WEEK;
        char when[120];
        if (a == 0 && b == n) {
            snprintf(when, sizeof when, "all week");
        } else {
            if (a == 0 && bad[n - 1]) {   /* the period runs on from Sunday night */
                size_t z = n - 1;
                while (z > 0 && bad[z - 1]) z--;
                start = t[z];
            }
            fmt_period(start, end, when, sizeof when);
        }
        char which[CS_NAME_MAX + 24] = "";
        if (qbad[a] != (int)li) snprintf(which, sizeof which, " (queue '%s')",
                                         s->queues[qbad[a]].name);
        size_t p0 = csi_scn_push_key(c, "lines");
        csi_scn_push_index(c, li);
        csi_scn_err_at(c, c->line_map[li], "line '%s' has calls arriving %s but no handler on duty "
                       "who can take them%s; add a shift or set allow_unstaffed: true", L->name,
                       when, which);
        csi_scn_pop(c, p0);
    }
    free(t);
    free(bad);
    free(qbad);
}

