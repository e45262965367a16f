/* Scenario loader: the named lists and everything under a line or an extra queue (see
 * io/scenario_int.h): capacity, target, redial, spillover, callback, transfer, IVR. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/scenario_int.h"
#include "io/units.h"

/* ---- names ------------------------------------------------------------------------------- */

/* Index of a queue by name: a line's name is its main queue (index = line index), then the
 * extra queues.  -1 if unknown. */
int csi_scn_queue_lookup(const ld *c, const char *name)
{
    for (size_t i = 0; i < c->n_lines; i++)
        if (c->line_name[i] && strcmp(c->line_name[i], name) == 0) return (int)i;
    for (size_t j = 0; j < c->n_xq; j++)
        if (c->xq_name[j] && strcmp(c->xq_name[j], name) == 0) return (int)(c->n_lines + j);
    return -1;
}

int csi_scn_name_lookup(const char *const *names, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0) return (int)i;
    return -1;
}

/* "unknown line or queue 'x' (did you mean ...)" over the lines and the extra queues. */
void csi_scn_unknown_queue(ld *c, node *at, const char *name)
{
    size_t n = c->n_lines + c->n_xq;
    const char **all = malloc((n ? n : 1) * sizeof *all);
    if (!all) {
        csi_scn_oom(c);
        return;
    }
    for (size_t i = 0; i < c->n_lines; i++) all[i] = c->line_name[i];
    for (size_t j = 0; j < c->n_xq; j++) all[c->n_lines + j] = c->xq_name[j];
    csi_scn_unknown_name(c, at, "line or queue", name, all, n, "lines and queues");
    free(all);
}

/* A scalar naming a line: its index, or -1 (reported). */
static int v_line_ref(ld *c, node *v)
{
    if (csi_scn_need_kind(c, v, CS_YDOC_SCALAR, "a line name such as \"101\"") != 0) return -1;
    int i = csi_scn_name_lookup(c->line_name, c->n_lines, v->text);
    if (i < 0) csi_scn_unknown_name(c, v, "line", v->text, c->line_name, c->n_lines, "lines");
    return i;
}

/* Optional `line:` of a window or effect: 1 set, 0 absent (every line), -1 error. */
int csi_scn_get_line_ref(ld *c, node *map, int *out)
{
    node *v;
    *out = -1;
    int r = csi_scn_field(c, map, "line", 0, &v);
    if (r <= 0) return r;
    size_t pk = csi_scn_push_key(c, "line");
    *out = v_line_ref(c, v);
    csi_scn_pop(c, pk);
    return *out >= 0 ? 1 : -1;
}

/* Reads the list `key` of the top level: each item must be a mapping with a unique name.
 * Fills *n, maps[] (NULL for a broken item) and names[] (NULL when missing, invalid or a
 * duplicate, so lookups find the first definition). */
void csi_scn_collect(ld *c, node *root, const char *key, int required, const char *what,
                    const char *example, size_t *n, node ***maps, const char ***names)
{
    node *v;
    *n = 0;
    int r = csi_scn_field(c, root, key, required, &v);
    if (r <= 0) return;
    size_t pk = csi_scn_push_key(c, key);
    char expected[160];
    snprintf(expected, sizeof expected, "a list of %ss such as [%s, ...]", what, example);
    if (csi_scn_need_kind(c, v, CS_YDOC_SEQ, expected) != 0) {
        csi_scn_pop(c, pk);
        return;
    }
    if (v->n_items == 0 && required) {
        csi_scn_err_at(c, v, "at least one %s is needed", what);
        csi_scn_pop(c, pk);
        return;
    }
    *maps = calloc(v->n_items, sizeof **maps);
    *names = calloc(v->n_items, sizeof **names);
    if (!*maps || !*names) {
        csi_scn_oom(c);
        csi_scn_pop(c, pk);
        return;
    }
    *n = v->n_items;
    for (size_t i = 0; i < v->n_items; i++) {
        node *it = v->items[i];
        size_t pi = csi_scn_push_index(c, i);
        char ex[160];
        snprintf(ex, sizeof ex, "a %s such as %s", what, example);
        if (csi_scn_need_map(c, it, ex) == 0) {
            (*maps)[i] = it;
            node *nv;
            const char *name;
            if (csi_scn_field(c, it, "name", 1, &nv) == 1) {
                size_t pn = csi_scn_push_key(c, "name");
                if (csi_scn_v_name(c, nv, CS_NAME_MAX, &name) == 0) {
                    int j = csi_scn_name_lookup(*names, i, name);
                    if (j >= 0) {
                        node *first = cs_ydoc_get((*maps)[j], "name");
                        char where[300];
                        if (first->file == nv->file)
                            snprintf(where, sizeof where, "line %u", first->line);
                        else
                            snprintf(where, sizeof where, "%s:%u", first->file, first->line);
                        csi_scn_err_at(c, nv, "duplicate %s name '%s' (first defined at %s); names "
                                       "must be unique", what, name, where);
                    } else {
                        (*names)[i] = name;
                    }
                }
                csi_scn_pop(c, pn);
            }
        }
        csi_scn_pop(c, pi);
    }
    csi_scn_pop(c, pk);
}

/* ---- lines ------------------------------------------------------------------------------- */

static void parse_capacity(ld *c, node *v, cs_line *L)
{
    static const char *const keys[] = {"trunks", "queue_places", NULL};
    if (csi_scn_need_map(c, v, "such as {trunks: 60, queue_places: 40}") != 0) return;
    csi_scn_check_keys(c, v, keys);
    long x;
    if (csi_scn_get_count(c, v, "trunks", 0, 1, 1000000000L, &x) == 1) L->trunks = x;
    if (csi_scn_get_count(c, v, "queue_places", 0, 0, 1000000000L, &x) == 1) L->queue_places = x;
}

static void parse_target(ld *c, node *v, cs_line *L)
{
    static const char *const keys[] = {"answer_within", "share", "max_abandon", NULL};
    if (csi_scn_need_map(c, v, "such as {answer_within: 10s, share: 90%, max_abandon: 10%}") != 0) return;
    csi_scn_check_keys(c, v, keys);
    if (csi_scn_get_with(c, v, "answer_within", 0, csi_scn_v_dur, &L->target_within) == 1) {
        size_t pk = csi_scn_push_key(c, "answer_within");
        csi_scn_check_time(c, cs_ydoc_get(v, "answer_within"), L->target_within);
        csi_scn_pop(c, pk);
    }
    int has_share = csi_scn_get_with(c, v, "share", 0, csi_scn_v_share, &L->target_share);
    /* The staffing planner's abandonment ceiling (abandon_rate per interval). */
    int has_ceiling = csi_scn_get_with(c, v, "max_abandon", 0, csi_scn_v_share, &L->target_max_abandon);
    if (has_ceiling == 1 && !(L->target_max_abandon > 0 && L->target_max_abandon < 1)) {
        size_t pk = csi_scn_push_key(c, "max_abandon");
        csi_scn_err_at(c, cs_ydoc_get(v, "max_abandon"), "max_abandon must be above 0%% and below 100%%; "
                       "leave it out for no ceiling");
        csi_scn_pop(c, pk);
    }
    /* A ceiling without a share is a target on abandonment alone (101 today: "abandonment under
     * 10%"): the service level is still reported within answer_within, against no share. */
    if (has_ceiling == 1 && has_share == 0) L->target_share = 0;
}

static void parse_redial(ld *c, node *v, cs_line *L)
{
    static const char *const keys[] = {"probability", "delay", "max_attempts", NULL};
    if (csi_scn_need_map(c, v, "such as {probability: 30%, delay: 2m, max_attempts: 3}") != 0)
        return;
    csi_scn_check_keys(c, v, keys);
    csi_scn_get_with(c, v, "probability", 1, csi_scn_v_share, &L->redial.prob);
    csi_scn_get_dist(c, v, "delay", 1, 0, &L->redial.delay);
    long x;
    if (csi_scn_get_count(c, v, "max_attempts", 1, 1, 1000, &x) == 1)
        L->redial.max_attempts = (int)x;
}

static void parse_spill(ld *c, node *v, size_t li, cs_line *L)
{
    static const char *const keys[] = {"to", "share", "after", "per_minute", "max", "delay", NULL};
    if (csi_scn_need_map(c, v, "such as {to: \"999\", share: 5%}") != 0) return;
    csi_scn_check_keys(c, v, keys);
    node *tv;
    if (csi_scn_field(c, v, "to", 1, &tv) == 1) {
        size_t pk = csi_scn_push_key(c, "to");
        int to = v_line_ref(c, tv);
        if (to >= 0 && (size_t)to == li) {
            csi_scn_err_at(c, tv, "a line cannot spill over to itself; name another line");
            to = -1;
        }
        L->spill.to_line = to;
        csi_scn_pop(c, pk);
    }
    L->spill.max = 1.0;
    csi_scn_get_with(c, v, "share", 1, csi_scn_v_share, &L->spill.share);
    if (csi_scn_get_with(c, v, "after", 0, csi_scn_v_dur, &L->spill.after) == 1) {
        size_t pk = csi_scn_push_key(c, "after");
        csi_scn_check_time(c, cs_ydoc_get(v, "after"), L->spill.after);
        csi_scn_pop(c, pk);
    }
    csi_scn_get_with(c, v, "per_minute", 0, csi_scn_v_share, &L->spill.per_minute);
    csi_scn_get_with(c, v, "max", 0, csi_scn_v_share, &L->spill.max);
    if (csi_scn_get_dist(c, v, "delay", 0, 0, &L->spill.delay) == 0)
        cs_dist_deterministic(&L->spill.delay, 30.0, NULL);
}

static void parse_callback(ld *c, node *v, cs_line *L)
{
    static const char *const keys[] = {"offer_when_wait_over", "accept", "deadline", "expire",
                                       "reach", "attempts", "retry_after", "failed_attempt",
                                       "pool", NULL};
    if (csi_scn_need_map(c, v, "such as {offer_when_wait_over: 5m, accept: 50%, "
                         "deadline: 1h}") != 0)
        return;
    csi_scn_check_keys(c, v, keys);
    cs_callback *cb = &L->callback;
    cb->enabled = 1;
    cb->expire = 86400.0;
    cb->reach = 1.0;
    cb->max_attempts = 1;
    cb->retry_after = 900.0;
    csi_scn_get_with(c, v, "offer_when_wait_over", 1, csi_scn_v_dur, &cb->offer_over);
    csi_scn_get_with(c, v, "accept", 1, csi_scn_v_share, &cb->accept);
    int rd = csi_scn_get_with(c, v, "deadline", 1, csi_scn_v_dur, &cb->deadline);
    int re = csi_scn_get_with(c, v, "expire", 0, csi_scn_v_dur, &cb->expire);
    csi_scn_get_with(c, v, "reach", 0, csi_scn_v_share, &cb->reach);
    long x;
    if (csi_scn_get_count(c, v, "attempts", 0, 1, 100, &x) == 1) cb->max_attempts = (int)x;
    csi_scn_get_with(c, v, "retry_after", 0, csi_scn_v_dur, &cb->retry_after);
    if (csi_scn_get_dist(c, v, "failed_attempt", 0, 0, &cb->fail_time) == 0)
        cs_dist_deterministic(&cb->fail_time, 60.0, NULL);
    if (rd == 1 && !(cb->deadline > 0)) {
        size_t pk = csi_scn_push_key(c, "deadline");
        csi_scn_err_at(c, cs_ydoc_get(v, "deadline"), "the callback deadline must be more than 0");
        csi_scn_pop(c, pk);
    } else if (rd == 1 && re >= 0 && cb->expire < cb->deadline) {
        char a[32], b[32];
        cs_units_format_duration(cb->expire, a, sizeof a);
        cs_units_format_duration(cb->deadline, b, sizeof b);
        node *at = re == 1 ? cs_ydoc_get(v, "expire") : v;
        size_t pk = csi_scn_push_key(c, "expire");
        csi_scn_err_at(c, at, "callbacks expire after %s, before their deadline of %s; expire must "
                       "not be shorter than deadline", a, b);
        csi_scn_pop(c, pk);
    }
    node *pv;
    if (csi_scn_field(c, v, "pool", 0, &pv) == 1) {
        size_t pk = csi_scn_push_key(c, "pool");
        if (csi_scn_need_kind(c, pv, CS_YDOC_SCALAR, "a pool name") == 0) {
            cb->pool = csi_scn_name_lookup(c->pool_name, c->n_pools, pv->text);
            if (cb->pool < 0)
                csi_scn_unknown_name(c, pv, "pool", pv->text, c->pool_name, c->n_pools, "pools");
        }
        csi_scn_pop(c, pk);
    }
}

/* `ringback:` (models/scenario.h cs_ringback). */
static void parse_ringback(ld *c, node *v, cs_line *L)
{
    static const char *const keys[] = {"share", "within", "time", "priority", "pool", NULL};
    if (csi_scn_need_map(c, v, "such as {share: 100%, within: 30s, time: {dist: exponential, "
                         "mean: 20m}}") != 0)
        return;
    csi_scn_check_keys(c, v, keys);
    cs_ringback *rb = &L->ringback;
    rb->enabled = 1;
    rb->share = 1.0;
    rb->within = INFINITY;
    csi_scn_get_with(c, v, "share", 0, csi_scn_v_share, &rb->share);
    csi_scn_get_with(c, v, "within", 0, csi_scn_v_dur, &rb->within);
    csi_scn_get_dist(c, v, "time", 1, 0, &rb->time);
    node *pv;
    if (csi_scn_field(c, v, "priority", 0, &pv) == 1) {
        size_t pk = csi_scn_push_key(c, "priority");
        if (csi_scn_v_int(c, pv, 1000000, &rb->priority) == 0) rb->has_priority = 1;
        csi_scn_pop(c, pk);
    }
    if (csi_scn_field(c, v, "pool", 0, &pv) == 1) {
        size_t pk = csi_scn_push_key(c, "pool");
        if (csi_scn_need_kind(c, pv, CS_YDOC_SCALAR, "a pool name") == 0) {
            rb->pool = csi_scn_name_lookup(c->pool_name, c->n_pools, pv->text);
            if (rb->pool < 0)
                csi_scn_unknown_name(c, pv, "pool", pv->text, c->pool_name, c->n_pools, "pools");
        }
        csi_scn_pop(c, pk);
    }
}

static void parse_transfer(ld *c, node *v, size_t li)
{
    static const char *const keys[] = {"share", "queue", NULL};
    if (csi_scn_need_map(c, v, "such as {share: 30%, queue: crb}") != 0) return;
    csi_scn_check_keys(c, v, keys);
    double share;
    node *qv;
    int rs = csi_scn_get_with(c, v, "share", 1, csi_scn_v_share, &share);
    if (csi_scn_field(c, v, "queue", 1, &qv) != 1) return;
    size_t pk = csi_scn_push_key(c, "queue");
    if (csi_scn_need_kind(c, qv, CS_YDOC_SCALAR, "a queue name") == 0) {
        int j = csi_scn_name_lookup(c->xq_name, c->n_xq, qv->text);
        if (j < 0 && csi_scn_name_lookup(c->line_name, c->n_lines, qv->text) >= 0)
            csi_scn_err_at(c, qv, "'%s' is a line; a transfer goes to a queue defined under "
                           "queues: (the second leg, with its own handle time)", qv->text);
        else if (j < 0)
            csi_scn_unknown_name(c, qv, "queue", qv->text, c->xq_name, c->n_xq,
                                 "queues under queues:");
        else if (rs == 1) {
            c->transfer[li].queue = (int)(c->n_lines + (size_t)j);
            c->transfer[li].share = share;
            c->xfer_node[li] = qv;
        }
    }
    csi_scn_pop(c, pk);
}

static void parse_ivr(ld *c, node *v, size_t li, cs_line *L)
{
    static const char *const keys[] = {"time", "abandon", "deflect", "options", NULL};
    static const char *const okeys[] = {"name", "share", "queue", NULL};
    if (csi_scn_need_map(c, v, "such as {time: 45s, options: [...]}") != 0) return;
    csi_scn_check_keys(c, v, keys);
    cs_ivr *ivr = &L->ivr;
    ivr->enabled = 1;
    csi_scn_get_dist(c, v, "time", 1, 0, &ivr->time);
    int ra = csi_scn_get_with(c, v, "abandon", 0, csi_scn_v_share, &ivr->abandon);
    int rd = csi_scn_get_with(c, v, "deflect", 0, csi_scn_v_share, &ivr->deflect);
    if (ra >= 0 && rd >= 0 && ivr->abandon + ivr->deflect > 1.0 + CSI_SCN_SHARE_TOL)
        csi_scn_err_at(c, v, "abandon (%.6g%%) and deflect (%.6g%%) add up to %.6g%%, more than "
                       "100%% of callers", ivr->abandon * 100, ivr->deflect * 100,
                       (ivr->abandon + ivr->deflect) * 100);
    node *ov;
    int ro = csi_scn_field(c, v, "options", 0, &ov);
    if (ro == 0) {
        ivr->routes = calloc(1, sizeof *ivr->routes);
        if (!ivr->routes) {
            csi_scn_oom(c);
            return;
        }
        ivr->n_routes = 1;
        snprintf(ivr->routes[0].name, CS_NAME_MAX, "%s", L->name);
        ivr->routes[0].share = 1.0;
        ivr->routes[0].queue = (int)li;
        return;
    }
    size_t pk = csi_scn_push_key(c, "options");
    if (csi_scn_need_kind(c, ov, CS_YDOC_SEQ, "a list of options such as [{name: crime, share: "
                          "40%, queue: crime}, ...]") != 0 || ov->n_items == 0) {
        if (ov->kind == CS_YDOC_SEQ) csi_scn_err_at(c, ov, "options is empty; leave it out to send "
                                                    "everyone to the main queue");
        csi_scn_pop(c, pk);
        return;
    }
    ivr->routes = calloc(ov->n_items, sizeof *ivr->routes);
    if (!ivr->routes) {
        csi_scn_oom(c);
        csi_scn_pop(c, pk);
        return;
    }
    ivr->n_routes = ov->n_items;
    double sum = 0;
    int bad = 0;
    for (size_t i = 0; i < ov->n_items; i++) {
        node *m = ov->items[i];
        size_t pi = csi_scn_push_index(c, i);
        cs_ivr_route *r = &ivr->routes[i];
        r->queue = (int)li;
        if (csi_scn_need_map(c, m, "an option such as {name: crime, share: 40%, "
                             "queue: crime}") != 0) {
            bad = 1;
            csi_scn_pop(c, pi);
            continue;
        }
        csi_scn_check_keys(c, m, okeys);
        node *nv, *qv;
        const char *name;
        if (csi_scn_field(c, m, "name", 1, &nv) == 1) {
            size_t pn = csi_scn_push_key(c, "name");
            if (csi_scn_v_name(c, nv, CS_NAME_MAX, &name) == 0) {
                for (size_t j = 0; j < i; j++)
                    if (strcmp(ivr->routes[j].name, name) == 0) {
                        csi_scn_err_at(c, nv, "duplicate IVR option name '%s'", name);
                        break;
                    }
                snprintf(r->name, CS_NAME_MAX, "%s", name);
            }
            csi_scn_pop(c, pn);
        }
        if (csi_scn_get_with(c, m, "share", 1, csi_scn_v_share, &r->share) != 1) bad = 1;
        sum += r->share;
        if (csi_scn_field(c, m, "queue", 0, &qv) == 1) {
            size_t pq = csi_scn_push_key(c, "queue");
            if (csi_scn_need_kind(c, qv, CS_YDOC_SCALAR, "a queue name") == 0) {
                int q = csi_scn_queue_lookup(c, qv->text);
                if (q < 0) csi_scn_unknown_queue(c, qv, qv->text);
                else r->queue = q;
            }
            csi_scn_pop(c, pq);
        }
        csi_scn_pop(c, pi);
    }
    if (!bad && fabs(sum - 1.0) > CSI_SCN_SHARE_TOL)
        csi_scn_err_at(c, ov, "IVR option shares add up to %.6g%%, they must add up to 100%% (of "
                       "the callers who neither abandon nor are deflected)", sum * 100);
    csi_scn_pop(c, pk);
}

/* `by_time_of_day`: bands of the local clock with their own handle time, patience or IVR
 * shares (models/scenario.h, cs_tod_band).  Parsed after the line's own keys, so that a band's
 * `ivr` can be checked against the line's IVR. */
static void parse_bands(ld *c, node *v, cs_line *L)
{
    static const char *const keys[] = {"from", "to", "handle", "patience", "ivr", NULL};
    static const char *const ivr_keys[] = {"abandon", "deflect", NULL};
    if (csi_scn_need_kind(c, v, CS_YDOC_SEQ,
                          "a list of bands such as {from: \"07:00\", to: \"12:00\", handle: 3m}") != 0)
        return;
    if (v->n_items == 0) return;
    L->bands = calloc(v->n_items, sizeof *L->bands);
    if (!L->bands) {
        csi_scn_oom(c);
        return;
    }
    size_t nb = 0;
    for (size_t i = 0; i < v->n_items; i++) {
        node *m = v->items[i];
        size_t pi = csi_scn_push_index(c, i);
        if (csi_scn_need_map(c, m, "a band such as {from: \"07:00\", to: \"12:00\", handle: 3m}")) {
            csi_scn_pop(c, pi);
            continue;
        }
        csi_scn_check_keys(c, m, keys);
        cs_tod_band *b = &L->bands[nb];
        int bad = csi_scn_get_with(c, m, "from", 1, csi_scn_v_tod, &b->from) != 1;
        bad |= csi_scn_get_with(c, m, "to", 1, csi_scn_v_tod, &b->to) != 1;
        if (!bad && b->from >= CS_DAY) {
            csi_scn_err_at(c, m, "from must be before 24:00");
            bad = 1;
        }
        if (!bad && b->to <= b->from) {
            csi_scn_err_at(c, m, "to (%02ld:%02ld) must be after from (%02ld:%02ld): a band does not run past "
                           "midnight; write two bands, one ending at \"24:00\" and one starting at \"00:00\"",
                           (long)b->to / 3600, (long)b->to / 60 % 60, (long)b->from / 3600, (long)b->from / 60 % 60);
            bad = 1;
        }
        b->has_handle = csi_scn_get_dist(c, m, "handle", 0, 0, &b->handle) == 1;
        b->has_patience = csi_scn_get_dist(c, m, "patience", 0, 1, &b->patience) == 1;
        node *iv;
        if (csi_scn_field(c, m, "ivr", 0, &iv) == 1) {
            size_t pk = csi_scn_push_key(c, "ivr");
            if (csi_scn_need_map(c, iv, "{abandon: 5%, deflect: 2%}") == 0) {
                csi_scn_check_keys(c, iv, ivr_keys);
                b->ivr_abandon = L->ivr.abandon;
                b->ivr_deflect = L->ivr.deflect;
                int ra = csi_scn_get_with(c, iv, "abandon", 0, csi_scn_v_share, &b->ivr_abandon);
                int rd = csi_scn_get_with(c, iv, "deflect", 0, csi_scn_v_share, &b->ivr_deflect);
                if (!L->ivr.enabled)
                    csi_scn_err_at(c, iv, "the line has no ivr: give the line an `ivr:` (its time and options) "
                                   "before setting IVR shares by time of day");
                else if (ra >= 0 && rd >= 0 && b->ivr_abandon + b->ivr_deflect > 1.0 + CSI_SCN_SHARE_TOL)
                    csi_scn_err_at(c, iv, "abandon and deflect add up to %.6g%%, more than 100%% of callers",
                                   (b->ivr_abandon + b->ivr_deflect) * 100);
                else
                    b->has_ivr = ra >= 0 && rd >= 0;
            }
            csi_scn_pop(c, pk);
        }
        if (!b->has_handle && !b->has_patience && !b->has_ivr && !bad)
            csi_scn_err_at(c, m, "a band sets nothing: give it a handle, patience or ivr");
        if (!bad) {
            /* Kept in order of `from`; overlaps are refused. */
            size_t j = nb;
            while (j > 0 && L->bands[j - 1].from > b->from) j--;
            cs_tod_band tmp = *b;
            memmove(&L->bands[j + 1], &L->bands[j], (nb - j) * sizeof tmp);
            L->bands[j] = tmp;
            int overlap = (j > 0 && L->bands[j - 1].to > tmp.from) || (j + 1 <= nb && tmp.to > L->bands[j + 1].from);
            if (overlap) {
                const cs_tod_band *o = (j > 0 && L->bands[j - 1].to > tmp.from) ? &L->bands[j - 1] : &L->bands[j + 1];
                csi_scn_err_at(c, m, "this band (%02ld:%02ld-%02ld:%02ld) overlaps another (%02ld:%02ld-%02ld:%02ld)",
                               (long)tmp.from / 3600, (long)tmp.from / 60 % 60, (long)tmp.to / 3600,
                               (long)tmp.to / 60 % 60, (long)o->from / 3600, (long)o->from / 60 % 60,
                               (long)o->to / 3600, (long)o->to / 60 % 60);
            }
            nb++;
        } else {
            cs_dist_fini(&b->handle);
            cs_dist_fini(&b->patience);
            memset(b, 0, sizeof *b);
        }
        csi_scn_pop(c, pi);
    }
    L->n_bands = nb;
}

void csi_scn_parse_line(ld *c, size_t i, double interval)
{
    static const char *const keys[] = {"name", "priority", "arrivals", "capacity", "ivr",
                                       "handle", "wrap", "patience", "target", "redial",
                                       "spillover", "callback", "transfer", "allow_unstaffed",
                                       "connect", "ringback", "by_time_of_day", NULL};
    node *m = c->line_map[i];
    cs_line *L = &c->s->lines[i];
    cs_queue *Q = &c->s->queues[i];
    L->queue = (int)i;
    L->trunks = L->queue_places = -1;
    L->redial.max_attempts = 1;
    L->spill.to_line = -1;
    L->callback.pool = -1;
    L->ringback.pool = -1;
    L->target_within = 20.0;
    L->target_share = 0.8;
    Q->line = (int)i;
    Q->transfer_queue = -1;
    cs_dist_deterministic(&Q->wrap, 0.0, NULL);
    if (!m) return;
    size_t e0 = csi_scn_n_errors(c);
    size_t p0 = csi_scn_push_key(c, "lines");
    csi_scn_push_index(c, i);
    csi_scn_check_keys(c, m, keys);
    if (c->line_name[i]) {
        snprintf(L->name, CS_NAME_MAX, "%s", c->line_name[i]);
        snprintf(Q->name, CS_NAME_MAX, "%s", c->line_name[i]);
    }
    node *v;
    if (csi_scn_field(c, m, "priority", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "priority");
        csi_scn_v_int(c, v, 1000000, &L->priority);
        Q->priority = L->priority;
        csi_scn_pop(c, pk);
    }
    if (csi_scn_field(c, m, "arrivals", 1, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "arrivals");
        csi_scn_parse_arrivals(c, v, interval, L);
        csi_scn_pop(c, pk);
    }
    if (csi_scn_field(c, m, "capacity", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "capacity");
        parse_capacity(c, v, L);
        csi_scn_pop(c, pk);
    }
    csi_scn_get_dist(c, m, "handle", 1, 0, &Q->handle);
    cs_dist w;
    if (csi_scn_get_dist(c, m, "wrap", 0, 0, &w) == 1) Q->wrap = w;   /* the default owns nothing */
    csi_scn_get_dist(c, m, "patience", 0, 1, &L->patience);
    if (csi_scn_get_dist(c, m, "connect", 0, 0, &L->connect) == 1) L->has_connect = 1;
    struct {
        const char *key;
        int which;
    } const parts[] = {{"target", 0}, {"redial", 1}, {"spillover", 2}, {"callback", 3},
                       {"transfer", 4}, {"ivr", 5}, {"ringback", 6}};
    for (size_t k = 0; k < sizeof parts / sizeof parts[0]; k++) {
        if (csi_scn_field(c, m, parts[k].key, 0, &v) != 1) continue;
        size_t pk = csi_scn_push_key(c, parts[k].key);
        switch (parts[k].which) {
        case 0: parse_target(c, v, L); break;
        case 1: parse_redial(c, v, L); break;
        case 2: parse_spill(c, v, i, L); break;
        case 3: parse_callback(c, v, L); break;
        case 4: parse_transfer(c, v, i); break;
        case 5: parse_ivr(c, v, i, L); break;
        default: parse_ringback(c, v, L); break;
        }
        csi_scn_pop(c, pk);
    }
    if (csi_scn_field(c, m, "by_time_of_day", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "by_time_of_day");
        parse_bands(c, v, L);
        csi_scn_pop(c, pk);
    }
    csi_scn_get_bool(c, m, "allow_unstaffed", &c->allow_unstaffed[i]);
    c->line_ok[i] = csi_scn_n_errors(c) == e0 && c->line_name[i] != NULL;
    csi_scn_pop(c, p0);
}

/* ---- extra queues ------------------------------------------------------------------------ */

void csi_scn_parse_queue(ld *c, size_t j)
{
    static const char *const keys[] = {"name", "line", "priority", "handle", "wrap", "patience",
                                       NULL};
    node *m = c->xq_map[j];
    cs_queue *Q = &c->s->queues[c->n_lines + j];
    Q->transfer_queue = -1;
    cs_dist_deterministic(&Q->wrap, 0.0, NULL);
    if (!m) return;
    size_t p0 = csi_scn_push_key(c, "queues");
    csi_scn_push_index(c, j);
    csi_scn_check_keys(c, m, keys);
    if (c->xq_name[j]) snprintf(Q->name, CS_NAME_MAX, "%s", c->xq_name[j]);
    node *v;
    if (csi_scn_field(c, m, "line", 1, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "line");
        int li = v_line_ref(c, v);
        if (li >= 0) {
            Q->line = li;
            Q->priority = c->s->lines[li].priority;
        }
        csi_scn_pop(c, pk);
    }
    if (csi_scn_field(c, m, "priority", 0, &v) == 1) {
        size_t pk = csi_scn_push_key(c, "priority");
        csi_scn_v_int(c, v, 1000000, &Q->priority);
        csi_scn_pop(c, pk);
    }
    csi_scn_get_dist(c, m, "handle", 1, 0, &Q->handle);
    cs_dist w;
    if (csi_scn_get_dist(c, m, "wrap", 0, 0, &w) == 1) Q->wrap = w;
    if (csi_scn_get_dist(c, m, "patience", 0, 1, &Q->patience) == 1) Q->has_patience = 1;
    csi_scn_pop(c, p0);
}

