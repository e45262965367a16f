#include "io/scenario_json.h"

#include <math.h>
#include <stdio.h>

#include "io/units.h"
#include "models/demand.h"

static const char *const weekday_full[7] = {"Monday", "Tuesday", "Wednesday", "Thursday", "Friday",
                                            "Saturday", "Sunday"};

/* A dated line's calendar: what its demand follows and the calls it expects in the run. */
static void write_line_calendar(cs_json_writer *w, const cs_scn *s, const cs_line *l)
{
    if (l->counts == CS_COUNTS_ATTEMPTS) {
        cs_json_kv_string(w, "counts", "attempts");
        cs_json_kv_number(w, "volume_factor", l->volume_factor > 0 ? l->volume_factor : 1.0);
    }
    if (!l->dated) return;
    const cs_demand *dm = l->dated;
    cs_json_key(w, "calendar");
    cs_json_begin_object(w);
    cs_json_kv_string(w, "bank_holidays", dm->holiday_as >= 0 ? weekday_full[dm->holiday_as] : "off");
    if (dm->has_months) {
        cs_json_key(w, "months");
        cs_json_begin_array(w);
        for (int m = 0; m < 12; m++) cs_json_number(w, dm->months[m]);
        cs_json_end_array(w);
    }
    cs_json_kv_int(w, "special_days", (long long)dm->n_special);
    cs_json_kv_number(w, "expected_first_attempts_measured",
                      cs_demand_integral(dm, s->days, s->warmup, s->horizon));
    cs_json_end_object(w);
}

static void write_dist(cs_json_writer *w, const char *key, const cs_dist *d)
{
    char text[256];
    cs_json_key(w, key);
    cs_json_begin_object(w);
    cs_json_kv_string(w, "dist", cs_dist_kind_name(d->kind));
    cs_dist_describe(d, text, sizeof text);
    cs_json_kv_string(w, "text", text);
    cs_json_kv_number(w, "mean_s", cs_dist_mean(d));
    cs_json_kv_number(w, "sd_s", sqrt(cs_dist_variance(d)));
    if (d->kind == CS_DIST_MIXTURE) {
        cs_json_key(w, "components");
        cs_json_begin_array(w);
        for (size_t i = 0; i < d->n_comp; i++) {
            cs_json_begin_object(w);
            cs_json_kv_number(w, "share", d->weights[i]);
            write_dist(w, "dist", &d->comp[i]);
            cs_json_end_object(w);
        }
        cs_json_end_array(w);
    } else if (d->kind == CS_DIST_EMPIRICAL) {
        cs_json_kv_int(w, "samples", (long long)d->n_values);
    }
    cs_json_end_object(w);
}

static void write_window(cs_json_writer *w, const cs_scn *s, const cs_window *win)
{
    char buf[64];
    if (s->clock.dated && !win->weekly)
        cs_clock_format(&s->clock, win->start, CS_CLOCK_FMT_MINUTE, buf, sizeof buf);
    else
        cs_units_format_instant(win->start, buf, sizeof buf);
    cs_json_kv_string(w, "start", buf);
    cs_json_kv_number(w, "start_s", win->start);
    cs_json_kv_number(w, "end_s", win->end);
    cs_json_kv_bool(w, "weekly", win->weekly);
}

static const char *line_name(const cs_scn *s, int i) { return i >= 0 ? s->lines[i].name : NULL; }

void cs_scn_write_json(cs_json_writer *w, const cs_scn *s)
{
    cs_json_begin_object(w);
    cs_json_kv_string(w, "name", s->name);
    cs_json_kv_string(w, "description", s->description ? s->description : "");
    cs_json_kv_number(w, "horizon_s", s->horizon);
    cs_json_kv_number(w, "warmup_s", s->warmup);
    cs_json_kv_int(w, "replications", s->replications);
    char seed[32];
    snprintf(seed, sizeof seed, "%llu", (unsigned long long)s->seed);
    cs_json_kv_string(w, "seed", seed);
    cs_json_kv_number(w, "interval_s", s->interval);
    if (s->clock.dated) {
        char d[16];
        cs_clock_format(&s->clock, 0, CS_CLOCK_FMT_DATE, d, sizeof d);
        cs_json_kv_string(w, "start", d);
    }

    cs_json_key(w, "lines");
    cs_json_begin_array(w);
    for (size_t i = 0; i < s->n_lines; i++) {
        const cs_line *l = &s->lines[i];
        cs_json_begin_object(w);
        cs_json_kv_string(w, "name", l->name);
        cs_json_kv_int(w, "priority", l->priority);
        double week = 0;
        for (size_t k = 0; k < l->demand.n_slots; k++) week += l->demand.rate[k] * l->demand.slot_len;
        cs_json_kv_number(w, "calls_per_week", week);
        cs_json_kv_number(w, "profile_slot_s", l->demand.slot_len);
        cs_json_key(w, "rate_per_hour_by_slot");
        cs_json_begin_array(w);
        for (size_t k = 0; k < l->demand.n_slots; k++) cs_json_number(w, l->demand.rate[k] * 3600.0);
        cs_json_end_array(w);
        cs_json_kv_number(w, "overdispersion_cv", l->daily_cv);
        write_line_calendar(w, s, l);
        if (l->trunks >= 0) cs_json_kv_int(w, "trunks", l->trunks); else cs_json_kv_string(w, "trunks", "unlimited");
        if (l->queue_places >= 0) cs_json_kv_int(w, "queue_places", l->queue_places);
        else cs_json_kv_string(w, "queue_places", "unlimited");
        if (l->ivr.enabled) {
            cs_json_key(w, "ivr");
            cs_json_begin_object(w);
            write_dist(w, "time", &l->ivr.time);
            cs_json_kv_number(w, "abandon", l->ivr.abandon);
            cs_json_kv_number(w, "deflect", l->ivr.deflect);
            cs_json_key(w, "options");
            cs_json_begin_array(w);
            for (size_t r = 0; r < l->ivr.n_routes; r++) {
                cs_json_begin_object(w);
                cs_json_kv_string(w, "name", l->ivr.routes[r].name);
                cs_json_kv_number(w, "share", l->ivr.routes[r].share);
                cs_json_kv_string(w, "queue", s->queues[l->ivr.routes[r].queue].name);
                cs_json_end_object(w);
            }
            cs_json_end_array(w);
            cs_json_end_object(w);
        }
        write_dist(w, "patience", &l->patience);
        if (l->n_bands) {
            /* Bands of the day with their own handle time, patience or IVR shares. */
            cs_json_key(w, "by_time_of_day");
            cs_json_begin_array(w);
            for (size_t b = 0; b < l->n_bands; b++) {
                const cs_tod_band *bd = &l->bands[b];
                cs_json_begin_object(w);
                cs_json_kv_number(w, "from_s", bd->from);
                cs_json_kv_number(w, "to_s", bd->to);
                if (bd->has_handle) write_dist(w, "handle", &bd->handle);
                if (bd->has_patience) write_dist(w, "patience", &bd->patience);
                if (bd->has_ivr) {
                    cs_json_kv_number(w, "ivr_abandon", bd->ivr_abandon);
                    cs_json_kv_number(w, "ivr_deflect", bd->ivr_deflect);
                }
                cs_json_end_object(w);
            }
            cs_json_end_array(w);
        }
        cs_json_key(w, "target");
        cs_json_begin_object(w);
        cs_json_kv_number(w, "answer_within_s", l->target_within);
        if (l->target_share > 0) cs_json_kv_number(w, "share", l->target_share);
        if (l->target_max_abandon > 0) cs_json_kv_number(w, "max_abandon", l->target_max_abandon);
        cs_json_end_object(w);
        if (l->redial.prob > 0) {
            cs_json_key(w, "redial");
            cs_json_begin_object(w);
            cs_json_kv_number(w, "probability", l->redial.prob);
            write_dist(w, "delay", &l->redial.delay);
            cs_json_kv_int(w, "max_attempts", l->redial.max_attempts);
            cs_json_end_object(w);
        }
        if (l->spill.to_line >= 0) {
            cs_json_key(w, "spillover");
            cs_json_begin_object(w);
            cs_json_kv_string(w, "to", line_name(s, l->spill.to_line));
            cs_json_kv_number(w, "share", l->spill.share);
            cs_json_kv_number(w, "after_s", l->spill.after);
            cs_json_kv_number(w, "per_minute", l->spill.per_minute);
            cs_json_kv_number(w, "max", l->spill.max);
            write_dist(w, "delay", &l->spill.delay);
            cs_json_end_object(w);
        }
        if (l->callback.enabled) {
            const cs_callback *c = &l->callback;
            cs_json_key(w, "callback");
            cs_json_begin_object(w);
            cs_json_kv_number(w, "offer_when_wait_over_s", c->offer_over);
            cs_json_kv_number(w, "accept", c->accept);
            cs_json_kv_number(w, "deadline_s", c->deadline);
            cs_json_kv_number(w, "expire_s", c->expire);
            cs_json_kv_number(w, "reach", c->reach);
            cs_json_kv_int(w, "attempts", c->max_attempts);
            cs_json_kv_number(w, "retry_after_s", c->retry_after);
            write_dist(w, "failed_attempt", &c->fail_time);
            cs_json_kv_string(w, "pool", c->pool >= 0 ? s->pools[c->pool].name : "any serving the line");
            cs_json_end_object(w);
        }
        if (l->has_connect) write_dist(w, "connect", &l->connect);
        if (l->ringback.enabled) {
            const cs_ringback *rb = &l->ringback;
            cs_json_key(w, "ringback");
            cs_json_begin_object(w);
            cs_json_kv_number(w, "share", rb->share);
            if (isfinite(rb->within)) cs_json_kv_number(w, "within_s", rb->within);
            else cs_json_kv_string(w, "within_s", "any");
            write_dist(w, "time", &rb->time);
            if (rb->has_priority) cs_json_kv_int(w, "priority", rb->priority);
            else cs_json_kv_string(w, "priority", "after live calls");
            cs_json_kv_string(w, "pool", rb->pool >= 0 ? s->pools[rb->pool].name : "any serving the line");
            cs_json_end_object(w);
        }
        cs_json_end_object(w);
    }
    cs_json_end_array(w);

    cs_json_key(w, "queues");
    cs_json_begin_array(w);
    for (size_t i = 0; i < s->n_queues; i++) {
        const cs_queue *q = &s->queues[i];
        cs_json_begin_object(w);
        cs_json_kv_string(w, "name", q->name);
        cs_json_kv_string(w, "line", s->lines[q->line].name);
        cs_json_kv_int(w, "priority", q->priority);
        write_dist(w, "handle", &q->handle);
        write_dist(w, "wrap", &q->wrap);
        if (q->has_patience) write_dist(w, "patience", &q->patience);
        if (q->transfer_queue >= 0) {
            cs_json_key(w, "transfer");
            cs_json_begin_object(w);
            cs_json_kv_number(w, "share", q->transfer_share);
            cs_json_kv_string(w, "queue", s->queues[q->transfer_queue].name);
            cs_json_end_object(w);
        }
        cs_json_end_object(w);
    }
    cs_json_end_array(w);

    cs_json_key(w, "pools");
    cs_json_begin_array(w);
    for (size_t i = 0; i < s->n_pools; i++) {
        const cs_pool *p = &s->pools[i];
        cs_json_begin_object(w);
        cs_json_kv_string(w, "name", p->name);
        cs_json_key(w, "queues");
        cs_json_begin_array(w);
        for (size_t k = 0; k < p->n_queues; k++) cs_json_string(w, s->queues[p->queues[k]].name);
        cs_json_end_array(w);
        cs_json_kv_string(w, "pick", p->rule == CS_PICK_WEIGHTED ? "weighted" : "priority");
        if (p->rule == CS_PICK_WEIGHTED && p->weights) {
            cs_json_key(w, "weights");
            cs_json_begin_array(w);
            for (size_t k = 0; k < p->n_queues; k++) cs_json_number(w, p->weights[k]);
            cs_json_end_array(w);
        }
        cs_json_kv_number(w, "shrinkage", p->shrinkage);
        cs_json_kv_string(w, "absence", p->absence == CS_ABSENCE_EXPECTED ? "expected" : "random");
        if (p->on_duty_file[0]) cs_json_kv_string(w, "on_duty_file", p->on_duty_file);
        if (p->cost_per_hour > 0) cs_json_kv_number(w, "cost_per_hour", p->cost_per_hour);
        cs_json_key(w, "staffing");
        cs_json_begin_array(w);
        for (size_t k = 0; k < p->staffing.n; k++) {
            char when[64];
            cs_units_format_instant(p->staffing.at[k], when, sizeof when);
            cs_json_begin_object(w);
            cs_json_kv_string(w, "from", when);
            cs_json_kv_int(w, "on_duty", p->staffing.level[k]);
            cs_json_end_object(w);
        }
        cs_json_end_array(w);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);

    cs_json_key(w, "surges");
    cs_json_begin_array(w);
    for (size_t i = 0; i < s->n_surges; i++) {
        cs_json_begin_object(w);
        cs_json_kv_string(w, "line", s->surges[i].line >= 0 ? s->lines[s->surges[i].line].name : "all");
        write_window(w, s, &s->surges[i]);
        cs_json_kv_number(w, "factor", s->surges[i].factor);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);

    cs_json_key(w, "technology");
    cs_json_begin_array(w);
    for (size_t i = 0; i < s->n_effects; i++) {
        const cs_effect *e = &s->effects[i];
        cs_json_begin_object(w);
        cs_json_kv_string(w, "name", e->name);
        cs_json_kv_string(w, "on", e->on == CS_EFFECT_WRAP ? "wrap" : "handle");
        cs_json_kv_string(w, "line", e->line >= 0 ? s->lines[e->line].name : "all");
        cs_json_kv_number(w, "factor", e->factor);
        if (e->has_window) write_window(w, s, &e->window);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);

    cs_json_key(w, "outages");
    cs_json_begin_array(w);
    for (size_t i = 0; i < s->n_outages; i++) {
        const cs_outage *o = &s->outages[i];
        cs_json_begin_object(w);
        cs_json_kv_string(w, "name", o->name);
        cs_json_kv_string(w, "effect", o->kind == CS_OUTAGE_CUT_OFF ? "cut_off" : "slow");
        if (o->kind == CS_OUTAGE_SLOW) cs_json_kv_number(w, "handle_factor", o->window.factor);
        cs_json_kv_string(w, "line", o->window.line >= 0 ? s->lines[o->window.line].name : "all");
        write_window(w, s, &o->window);
        cs_json_end_object(w);
    }
    cs_json_end_array(w);
    cs_json_end_object(w);
}
