/* The contact-centre engine.  Start reading at cs_ctr_run, then start_attempt: every other
 * function is a step of the caller's journey described in centre.h.
 *
 * Hot-path rules: no allocation per event (call records come from a free list of chunks),
 * no string work, loops only over the handful of queues or pools a call can use.  A call
 * record lives for a caller's whole journey (all attempts, the transfer leg, a callback), so
 * memory grows with callers in the system, not with calls simulated.
 *
 * Size.  This file is the event loop: every event handler and the small helpers they call,
 * about 1,350 lines.  It stays one translation unit on purpose: the helpers (slot_of,
 * handle_factor, count_entries, dispatch, ...) are static so that GCC inlines them into the
 * handlers; split across files they would become calls on every event.  Setting up, resetting
 * and tearing down an engine, which run once per scenario or replication, are in
 * centre_setup.c; the records shared by both are in centre_int.h. */
#include "models/centre_int.h"

static const char *const outcome_names[CS_OUT_N] = {
    "answered", "abandoned_ivr", "abandoned_queue", "cut_off", "deflected", "callback", "unfinished"};

const char *cs_outcome_name(cs_outcome o) { return (o >= 0 && o < CS_OUT_N) ? outcome_names[o] : "?"; }

/* ---------------------------------------------------------------- call records */

/* Every record is in use: callers are piling up.  Memory grows only here, so this is where
 * the cap on callers in the system is enforced, at no cost per event.  Returns 0 when the run
 * has to stop (cap or out of memory). */
__attribute__((noinline)) static int add_chunk(cs_ctr *c)
{
    if (c->n_chunks * CHUNK_CALLS >= CS_CTR_MAX_CALLERS) {
        c->overload = 1;
        cs_cal_stop(c->cal);
        return 0;
    }
    chunk *ch = calloc(1, sizeof *ch);
    if (!ch) {
        c->oom = 1;
        cs_cal_stop(c->cal);
        return 0;
    }
    ch->next = c->chunks;
    c->chunks = ch;
    c->n_chunks++;
    for (size_t i = CHUNK_CALLS; i-- > 0;) {
        ch->calls[i].state = ST_FREE;
        ch->calls[i].next = c->free_calls;
        c->free_calls = &ch->calls[i];
    }
    return 1;
}

static inline call *call_new(cs_ctr *c)
{
    if (!c->free_calls && !add_chunk(c)) return NULL;
    /* A copy of a constant record, which GCC writes as a few vector stores; a memset of this
     * size becomes `rep stos`, whose start-up cost was 3% of the baseline's time. */
    static const call fresh = {.pool = -1};
    call *k = c->free_calls;
    c->free_calls = k->next;
    memcpy(k, &fresh, sizeof *k);
    return k;
}

static inline void journey_done(cs_ctr *c, const call *k);

static inline void call_free(cs_ctr *c, call *k)
{
    if (k->n_entries) journey_done(c, k);
    k->state = ST_FREE;
    k->next = c->free_calls;
    c->free_calls = k;
}

/* ---------------------------------------------------------------- small helpers */

static inline double now_of(const cs_ctr *c) { return cs_cal_now(c->cal); }

/* floor(x), for the x >= 0 of simulated time, by a conversion (the same value: below 2^62 the
 * conversion truncates, and truncation is floor for x >= 0) instead of a call per attempt. */
static inline double floor_time(double x)
{
    return x >= 0 && x < 0x1p62 ? (double)(int64_t)x : floor(x);
}

static inline int32_t slot_of(const cs_ctr *c, size_t *cur, double t)
{
    double w = c->days ? cs_days_week_s(c->days, cur, t) : t - CS_WEEK * floor_time(t / CS_WEEK);
    long s = (long)(w / c->interval);
    if (s >= (long)c->rs->n_slots) s = (long)c->rs->n_slots - 1;
    return (int32_t)s;
}

/* The caller's patience for the current wait. */
static inline double patience_of(const call *k) { return k->patience; }

/* The attempt's local day for the daily counters (models/count.h), -1 when none are kept. */
static inline long day_index(const cs_ctr *c, const call *k) { return c->line_day ? (long)k->day : -1; }

/* Local day index of an arrival at t (the attempts' cursor: t never goes back). */
static int32_t day_of(cs_ctr *c, double t)
{
    long d = c->days ? (long)cs_days_find(c->days, &c->acur, t) : (long)floor(t / CS_DAY);
    if (d >= (long)c->rs->n_days) d = (long)c->rs->n_days - 1;
    return (int32_t)(d < 0 ? 0 : d);
}

/* First instance of a dated weekly window that ends after t.  Out of line, with the dated
 * branches below, so that undated runs' window checks stay as small as they were. */
__attribute__((noinline)) static size_t inst_after(const cs_window *w, double t)
{
    size_t lo = 0, hi = w->n_inst;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (w->inst[2 * mid + 1] <= t) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

__attribute__((noinline)) static int in_inst(const cs_window *w, double t)
{
    size_t i = inst_after(w, t);
    return i < w->n_inst && t >= w->inst[2 * i];
}

static int in_window(const cs_window *w, double t)
{
    if (w->inst) return in_inst(w, t);
    if (!w->weekly) return t >= w->start && t < w->end;
    double tm = t - CS_WEEK * floor(t / CS_WEEK);
    if (w->start <= w->end) return tm >= w->start && tm < w->end;
    return tm >= w->start || tm < w->end;   /* wraps past Sunday midnight */
}

/* The next instant after t at which membership of w may change. */
static double window_next_edge(const cs_window *w, double t)
{
    if (w->inst) {
        size_t i = inst_after(w, t);
        if (i == w->n_inst) return INFINITY;
        return t < w->inst[2 * i] ? w->inst[2 * i] : w->inst[2 * i + 1];
    }
    if (!w->weekly) {
        if (t < w->start) return w->start;
        if (t < w->end) return w->end;
        return INFINITY;
    }
    double base = CS_WEEK * floor(t / CS_WEEK), tm = t - base;
    double s = w->start, e = w->end;
    double best = INFINITY;
    double cand[4] = {s, e, s + CS_WEEK, e + CS_WEEK};
    for (int i = 0; i < 4; i++)
        if (cand[i] > tm && cand[i] < best) best = cand[i];
    return base + best;
}

static void set_line_waiting(cs_ctr *c, line_rt *L, long waiting)
{
    L->waiting = waiting;
    cs_timeavg_set(&L->qlen, now_of(c), (double)waiting);
}

static void set_pool_busy(cs_ctr *c, pool_rt *P, int busy)
{
    P->busy = busy;
    cs_timeavg_set(&P->busy_ta, now_of(c), (double)busy);
}

static void set_pool_duty(cs_ctr *c, pool_rt *P, int on_duty)
{
    P->on_duty = on_duty;
    cs_timeavg_set(&P->duty_ta, now_of(c), (double)on_duty);
}

/* The windowed part of handle_factor, out of line so that the common case (no windows) costs a
 * load and a test. */
__attribute__((noinline)) static double handle_factor_windows(const cs_ctr *c, const line_rt *L, double t,
                                                              double f)
{
    for (int i = 0; i < L->n_win; i++) {
        const cs_effect *e = &c->scn->effects[L->win_effects[i]];
        if (e->on == CS_EFFECT_HANDLE && in_window(&e->window, t)) f *= e->factor;
    }
    for (int i = 0; i < L->n_slow; i++) {
        const cs_outage *o = &c->scn->outages[L->slow_outages[i]];
        if (in_window(&o->window, t)) f *= o->window.factor;
    }
    return f;
}

static inline double handle_factor(const cs_ctr *c, const line_rt *L, double t)
{
    double f = L->handle_factor;
    return L->n_win || L->n_slow ? handle_factor_windows(c, L, t, f) : f;
}

__attribute__((noinline)) static double wrap_factor_windows(const cs_ctr *c, const line_rt *L, double t, double f)
{
    for (int i = 0; i < L->n_win; i++) {
        const cs_effect *e = &c->scn->effects[L->win_effects[i]];
        if (e->on == CS_EFFECT_WRAP && in_window(&e->window, t)) f *= e->factor;
    }
    return f;
}

static inline double wrap_factor(const cs_ctr *c, const line_rt *L, double t)
{
    double f = L->wrap_factor;
    return L->n_win ? wrap_factor_windows(c, L, t, f) : f;
}

static void emit_trace(cs_ctr *c, const call *k, cs_outcome o, double wait, double handle)
{
    if (!c->trace || !k->measured) return;
    cs_trace_rec r = {k->arrival, k->line, k->caller, k->attempt, o, wait, handle,
                      k->ivr_time, o == CS_OUT_ANSWERED ? k->pool : -1, k->transferred};
    c->trace(c->trace_ud, &r);
}

/* ---------------------------------------------------------------- forward declarations */

static void ev_arrival(void *ctx, void *obj);
static void ev_replay(void *ctx, void *obj);
static void ev_attempt(void *ctx, void *obj);
static void ev_ivr(void *ctx, void *obj);
static void ev_abandon(void *ctx, void *obj);
static void ev_talk_end(void *ctx, void *obj);
static void ev_wrap_end(void *ctx, void *obj);
static void ev_talk_wrap_end(void *ctx, void *obj);
static void ev_staff(void *ctx, void *obj);
static void ev_tick(void *ctx, void *obj);
static void ev_warmup(void *ctx, void *obj);
static void ev_cb_expire(void *ctx, void *obj);
static void ev_cb_retry(void *ctx, void *obj);
static void ev_cb_end(void *ctx, void *obj);
static void ev_connected(void *ctx, void *obj);
static inline void reach_force(cs_ctr *c, call *k);
static void ev_connect_abandon(void *ctx, void *obj);
static void ev_rb_end(void *ctx, void *obj);
static void enter_queue(cs_ctr *c, call *k, int q);
static void book_ringback(cs_ctr *c, const call *k);
static void dispatch(cs_ctr *c, pool_rt *P);
static void handler_free(cs_ctr *c, pool_rt *P);

static void schedule(cs_ctr *c, double t, int prio, cs_event_fn *fn, void *obj, cs_event_id *id)
{
    cs_event_id e = cs_cal_schedule(c->cal, t, prio, fn, obj);
    if (!e) {
        c->oom = 1;
        cs_cal_stop(c->cal);
    }
    if (id) *id = e;
}

/* ---------------------------------------------------------------- demand */

/* rate_piece for a dated line: the calendar's demand (models/demand.h), then the same daily
 * factor (one gamma variate per local day, in order) and surges. */
static void rate_piece_dated(cs_ctr *c, line_rt *L, double t, double *rate, double *end)
{
    const cs_line *cfg = L->cfg;
    double e;
    double r = cs_demand_piece(cfg->dated, c->days, &L->dcur, t, &e);
    if (cfg->daily_cv > 0) {
        long day = (long)L->dcur;   /* pieces end at local midnight, so this is t's day */
        while (L->day < day) {
            double k = 1.0 / (cfg->daily_cv * cfg->daily_cv);
            L->day_factor = gsl_ran_gamma(L->demand_rng, k, 1.0 / k);
            L->day++;
        }
        r *= L->day_factor;
    }
    for (int i = 0; i < L->n_surges; i++) {
        const cs_window *w = &c->scn->surges[L->surges[i]];
        if (in_window(w, t)) r *= w->factor;
        double edge = window_next_edge(w, t);
        if (edge < e) e = edge;
    }
    *rate = r;
    *end = e;
}

/* Rate of line L at time t and the end of the piece of constant rate that contains t. */
__attribute__((noinline)) static void rate_piece(cs_ctr *c, line_rt *L, double t, double *rate, double *end)
{
    const cs_line *cfg = L->cfg;
    if (cfg->dated) {
        rate_piece_dated(c, L, t, rate, end);
        return;
    }
    const cs_profile *p = &cfg->demand;
    double wstart = CS_WEEK * floor(t / CS_WEEK), tm = t - wstart;
    size_t s = (size_t)(tm / p->slot_len);
    if (s >= p->n_slots) s = p->n_slots - 1;
    double r = p->rate[s];
    double e = p->n_slots > 1 ? wstart + (double)(s + 1) * p->slot_len : INFINITY;
    if (cfg->daily_cv > 0) {
        long day = (long)floor(t / CS_DAY);
        while (L->day < day) {
            /* Days are drawn in order, one variate each, so day d's factor is the same
             * whatever happened earlier in the run. */
            double k = 1.0 / (cfg->daily_cv * cfg->daily_cv);
            L->day_factor = gsl_ran_gamma(L->demand_rng, k, 1.0 / k);
            L->day++;
        }
        r *= L->day_factor;
        double de = (double)(day + 1) * CS_DAY;
        if (de < e) e = de;
    }
    for (int i = 0; i < L->n_surges; i++) {
        const cs_window *w = &c->scn->surges[L->surges[i]];
        if (in_window(w, t)) r *= w->factor;
        double edge = window_next_edge(w, t);
        if (edge < e) e = edge;
    }
    *rate = r;
    *end = e;
}

/* Next arrival after t of a non-homogeneous Poisson process with piecewise-constant rate, by
 * inversion of the integrated rate: exact, and one exponential variate per arrival whatever
 * the rate profile (thinning would waste variates and break common random numbers). */
static inline double next_arrival(cs_ctr *c, line_rt *L, double t)
{
    double e = cs_rng_exponential(L->arr_rng, 1.0);
    for (;;) {
        if (t >= L->seg_end) rate_piece(c, L, t, &L->seg_rate, &L->seg_end);
        if (L->seg_rate > 0) {
            double dt = e / L->seg_rate;
            if (t + dt < L->seg_end) return t + dt;
            e -= L->seg_rate * (L->seg_end - t);
        }
        if (!isfinite(L->seg_end) || L->seg_end >= c->horizon) return INFINITY;
        t = L->seg_end;
    }
}

static inline void schedule_arrival(cs_ctr *c, line_rt *L, double t)
{
    if (L->arr_lane < 0) {
        schedule(c, t, CS_PRIO_NORMAL, ev_arrival, L, NULL);
    } else if (!cs_cal_schedule_lane(c->cal, L->arr_lane, t, CS_PRIO_NORMAL, ev_arrival, L)) {
        c->oom = 1;
        cs_cal_stop(c->cal);
    }
}

static void ev_arrival(void *ctx, void *obj)
{
    cs_ctr *c = ctx;
    line_rt *L = obj;
    double t = now_of(c);
    double nt = next_arrival(c, L, t);
    if (nt < c->horizon) schedule_arrival(c, L, nt);
    call *k = call_new(c);
    if (!k) return;
    k->line = (int16_t)(L - c->lines);
    k->caller = c->next_caller++;
    ev_attempt(c, k);
}

static void feed_advance(cs_ctr *c)
{
    c->pending_ok = c->feed_copy.next(c->feed_copy.ud, &c->pending) == 1;
    while (c->pending_ok && c->pending.t < now_of(c)) /* unsorted rows are the feed's job */
        c->pending_ok = c->feed_copy.next(c->feed_copy.ud, &c->pending) == 1;
    if (c->pending_ok && c->pending.t < c->horizon)
        schedule(c, c->pending.t, CS_PRIO_NORMAL, ev_replay, NULL, NULL);
}

static void ev_replay(void *ctx, void *obj)
{
    (void)obj;
    cs_ctr *c = ctx;
    cs_arrival a = c->pending;
    call *k = call_new(c);
    if (!k) return;
    k->line = (int16_t)a.line;
    k->caller = c->next_caller++;
    /* Replayed needs override the scenario's draws after they are made, so the streams stay
     * aligned with a synthetic run of the same scenario. */
    k->handle = a.handle;
    k->patience = a.patience;
    k->patience_min = a.patience_min;
    /* Marker for ev_attempt: 0xff apply overrides; 0xfc + exit also fix how the IVR ends (the
     * log says the caller went on, hung up there or was deflected). */
    k->ivr_exit = a.ivr_exit >= IVR_ROUTE && a.ivr_exit <= IVR_DEFLECT ? (uint8_t)(0xfc + a.ivr_exit) : 0xff;
    ev_attempt(c, k);
    feed_advance(c);
}

/* ---------------------------------------------------------------- the journey */

static void caller_done(cs_ctr *c, call *k, int reached)
{
    k->reached = (uint8_t)reached;
    if (!k->caller_measured) return;
    double *lc = c->lines[k->line].lc;
    lc[CS_LC_CALLERS_DONE] += 1;
    if (!reached) lc[CS_LC_NEVER_REACHED] += 1;
}

/* ---------------------------------------------------------------- callers across lines
 *
 * A caller's record lives for their whole journey, on every line they ring.  Each first
 * attempt on a line is an entry (counted in CS_LC_CALLERS of that line); the lines of later
 * entries follow from the first by spillover (a caller changes line only by spilling over, to
 * the line's spill.to_line), so the record keeps only the first line and the number of
 * entries.  When the journey ends, every measured entry is counted once on its line as reached
 * on some line or never reached on any; at the end of the run the journeys still going are
 * counted as open.  So per line reached_any + never_any + open == callers, and a 101 caller
 * answered on 999 counts as reached on 101: 101's never-reached count cannot rise because more
 * callers got through on 999. */

static void note_line_entry(call *k)
{
    if (k->n_entries == 0) k->first_line = k->line;
    if (k->measured && !k->measured_from) k->measured_from = k->n_entries + 1;
    k->n_entries++;
}

static inline void count_entries(cs_ctr *c, const call *k, int counter)
{
    if (k->n_entries == 1) {   /* most callers ring one line */
        if (k->measured_from) c->lines[k->first_line].lc[counter] += 1;
        return;
    }
    int l = k->first_line;
    for (uint32_t e = 0; e < k->n_entries && l >= 0; e++) {
        if (k->measured_from && e + 1 >= k->measured_from) c->lines[l].lc[counter] += 1;
        l = c->lines[l].cfg->spill.to_line;
    }
}

static inline void journey_done(cs_ctr *c, const call *k)
{
    count_entries(c, k, k->reached ? CS_LC_CALLERS_REACHED_ANY : CS_LC_CALLERS_NEVER_ANY);
}

typedef enum gave_up_from { FROM_IVR = CS_LC_SPILLED_IVR, FROM_QUEUE = CS_LC_SPILLED_QUEUE, FROM_CUT = CS_LC_SPILLED_CUT } gave_up_from;

/* After abandoning or being cut off: ring another line, redial, or give up for good. */
static void give_up(cs_ctr *c, call *k, double waited, gave_up_from from)
{
    line_rt *L = &c->lines[k->line];
    const cs_line *cfg = L->cfg;
    double t = now_of(c);
    /* Only a lost attempt leads to another, so a caller lost at least once here is one whose
     * first attempt here was lost. */
    if (k->measured && k->attempt == 1) L->lc[CS_LC_CALLERS_LOST] += 1;
    if (cfg->spill.to_line >= 0) {
        double p = 0;
        if (waited >= cfg->spill.after) {
            p = cfg->spill.share + cfg->spill.per_minute * (waited - cfg->spill.after) / 60.0;
            if (p > cfg->spill.max) p = cfg->spill.max;
        }
        if (p > 0 && cs_rng_uniform(L->spill_rng) < p) {
            double d = cs_dist_sample(&cfg->spill.delay, L->spill_rng);
            /* A caller cut off at once on every line of a cycle with no delay (101 -> 999 ->
             * 101 ...) would move between lines forever without time passing: after
             * CS_CTR_MAX_INSTANT_SPILLS moves at one instant they stop trying other lines. */
            int same_instant = k->arrival == t && !(t + d > t);
            if (!same_instant || k->instant_spills < CS_CTR_MAX_INSTANT_SPILLS) {
                k->instant_spills = same_instant ? (uint8_t)(k->instant_spills + 1) : 0;
                if (k->measured) {
                    L->lc[CS_LC_SPILLED] += 1;
                    L->lc[from] += 1;
                    cs_rs_line_slot(c->rs, (size_t)k->line, (size_t)k->slot)[CS_IC_SPILLED] += 1;
                }
                caller_done(c, k, 0);
                k->line = (int16_t)cfg->spill.to_line;
                k->attempt = 0;
                k->from_other = 1;
                k->state = ST_ORBIT;
                schedule(c, t + d, CS_PRIO_NORMAL, ev_attempt, k, NULL);
                return;
            }
        }
    }
    if (k->attempt < cfg->redial.max_attempts && cfg->redial.prob > 0 &&
        cs_rng_uniform(L->redial_rng) < cfg->redial.prob) {
        double d = cs_dist_sample(&cfg->redial.delay, L->redial_rng);
        if (t + d > t) k->instant_spills = 0;
        k->state = ST_ORBIT;
        schedule(c, t + d, CS_PRIO_NORMAL, ev_attempt, k, NULL);
        return;
    }
    caller_done(c, k, 0);
    call_free(c, k);
}

static void cut_off(cs_ctr *c, call *k)
{
    if (k->measured) cs_count_cut_off(c->rs, (size_t)k->line, (size_t)k->slot, day_index(c, k));
    emit_trace(c, k, CS_OUT_CUT_OFF, 0, 0);
    give_up(c, k, 0, FROM_CUT);
}

static int line_cut_by_outage(const cs_ctr *c, const line_rt *L, double t)
{
    for (int i = 0; i < L->n_cut; i++)
        if (in_window(&c->scn->outages[L->cut_outages[i]].window, t)) return 1;
    return 0;
}

/* The line's band of the day (by_time_of_day) covering time t, or NULL: the time of day is
 * the local clock's (with `start`, from the calendar, so bands keep their clock times across
 * the clock changes). */
static const cs_tod_band *tod_band(cs_ctr *c, const cs_line *cfg, double t)
{
    double w = c->days ? cs_days_week_s(c->days, &c->acur, t) : t;
    double tod = w - CS_DAY * floor(w / CS_DAY);
    for (size_t i = 0; i < cfg->n_bands; i++)
        if (tod >= cfg->bands[i].from && tod < cfg->bands[i].to) return &cfg->bands[i];
    return NULL;
}

/* A new attempt by the caller in k (first call, redial, or spillover onto this line). */
static void ev_attempt(void *ctx, void *obj)
{
    cs_ctr *c = ctx;
    call *k = obj;
    line_rt *L = &c->lines[k->line];
    const cs_line *cfg = L->cfg;
    double t = now_of(c);
    int replay = k->ivr_exit >= 0xfc;
    int rp_ivr = replay && k->ivr_exit != 0xff ? k->ivr_exit - 0xfc : -1;
    double rp_handle = k->handle, rp_patience = k->patience, rp_pmin = k->patience_min;

    k->attempt++;
    k->arrival = t;
    k->slot = slot_of(c, &c->acur, t);
    if (c->line_day) k->day = day_of(c, t);
    k->measured = t >= c->warmup;
    k->leg2 = 0;
    k->transferred = 0;
    k->ivr_time = 0;
    k->waited = 0;
    k->ivr_exit = IVR_ROUTE;
    if (k->attempt == 1) k->caller_measured = k->measured;
    if (k->attempt == 1) note_line_entry(k);
    if (k->measured) {
        cs_count_offered(c->rs, (size_t)k->line, (size_t)k->slot, day_index(c, k), k->attempt == 1);
        if (k->attempt == 1 && k->from_other) {
            L->lc[CS_LC_FROM_OTHER] += 1;
            cs_rs_line_slot(c->rs, (size_t)k->line, (size_t)k->slot)[CS_IC_FROM_OTHER] += 1;
        }
    }

    /* Everything random about this attempt is drawn now, in a fixed order. */
    int q = cfg->queue;
    const cs_tod_band *band = cfg->n_bands ? tod_band(c, cfg, t) : NULL;
    if (cfg->ivr.enabled) {
        double u = cs_rng_uniform(L->ivr_rng);
        double ivr_time = cs_dist_sample(&cfg->ivr.time, L->ivr_rng);
        double u_route = cs_rng_uniform(L->ivr_rng);
        double u_point = cs_rng_uniform(L->ivr_rng);
        double p_ab = band && band->has_ivr ? band->ivr_abandon : cfg->ivr.abandon;
        double p_de = band && band->has_ivr ? band->ivr_deflect : cfg->ivr.deflect;
        int ex = u < p_ab ? IVR_ABANDON : u < p_ab + p_de ? IVR_DEFLECT : IVR_ROUTE;
        if (rp_ivr >= 0) ex = rp_ivr;
        if (ex == IVR_ABANDON) {
            k->ivr_exit = IVR_ABANDON;
            ivr_time *= u_point;
        } else if (ex == IVR_DEFLECT) {
            k->ivr_exit = IVR_DEFLECT;
        } else {
            double acc = 0;
            size_t r = 0;
            for (; r + 1 < cfg->ivr.n_routes; r++) {
                acc += cfg->ivr.routes[r].share;
                if (u_route < acc) break;
            }
            q = cfg->ivr.routes[r].queue;
        }
        k->ivr_time = ivr_time;
    }
    k->queue = (int16_t)q;
    const cs_dist *pat = band && band->has_patience ? &band->patience : &cfg->patience;
    const cs_dist *hd = band && band->has_handle && q == cfg->queue ? &band->handle : &c->scn->queues[q].handle;
    k->patience = cs_dist_sample(pat, L->patience_rng);
    k->handle = cs_dist_sample(hd, c->queues[q].handle_rng);
    if (replay) {
        if (rp_handle >= 0) k->handle = rp_handle;
        if (rp_patience >= 0) {
            k->patience = rp_patience;
        } else if (rp_pmin > 0) {
            /* Rejection sampling from the conditional distribution; a patience that (almost)
             * never exceeds the observed wait falls back to the bound itself. */
            int tries = 0;
            while (k->patience <= rp_pmin && ++tries < 200)
                k->patience = cs_dist_sample(pat, L->patience_rng);
            if (k->patience <= rp_pmin) k->patience = rp_pmin;
        }
        k->patience_min = 0;
    }
    k->connect = cfg->has_connect ? cs_dist_sample(&cfg->connect, L->connect_rng) : 0.0;
    if (k->connect > 0) {
        /* BT connects the call first: it reaches the force (a trunk, the IVR, the queue) only
         * then, but the caller's wait and patience run from dialling. */
        k->state = ST_CONNECT;
        if (patience_of(k) < k->connect)
            schedule(c, t + k->patience, CS_PRIO_NORMAL, ev_connect_abandon, k, &k->timer);
        else
            schedule(c, t + k->connect, CS_PRIO_NORMAL, ev_connected, k, &k->timer);
        return;
    }
    reach_force(c, k);
}

static void ev_connected(void *ctx, void *obj)
{
    call *k = obj;
    k->timer = 0;
    reach_force(ctx, k);
}

/* The attempt reaches the force: cut off, or into the IVR, or into the queue. */
static inline void reach_force(cs_ctr *c, call *k)
{
    line_rt *L = &c->lines[k->line];
    const cs_line *cfg = L->cfg;
    double t = now_of(c);
    if ((L->n_cut && line_cut_by_outage(c, L, t)) || (cfg->trunks >= 0 && L->in_system >= cfg->trunks)) {
        cut_off(c, k);
        return;
    }
    L->in_system++;
    if (cfg->ivr.enabled) {
        k->state = ST_IVR;
        if (L->ivr_lane < 0) {
            schedule(c, t + k->ivr_time, CS_PRIO_NORMAL, ev_ivr, k, &k->timer);
        } else if (!(k->timer = cs_cal_schedule_lane(c->cal, L->ivr_lane, t + k->ivr_time, CS_PRIO_NORMAL, ev_ivr, k))) {
            c->oom = 1;
            cs_cal_stop(c->cal);
        }
        return;
    }
    enter_queue(c, k, k->queue);
}

/* Hung up while BT was connecting: an abandonment like one in the queue (the measured wait
 * had started), though the force never held the call. */
static void ev_connect_abandon(void *ctx, void *obj)
{
    cs_ctr *c = ctx;
    call *k = obj;
    double wait = now_of(c) - k->arrival;
    k->timer = 0;
    if (k->measured) cs_count_abandoned_queue(c->rs, (size_t)k->line, (size_t)k->slot, day_index(c, k), wait);
    emit_trace(c, k, CS_OUT_ABANDONED_QUEUE, wait, 0);
    book_ringback(c, k);
    give_up(c, k, wait, FROM_QUEUE);
}

static void ev_ivr(void *ctx, void *obj)
{
    cs_ctr *c = ctx;
    call *k = obj;
    line_rt *L = &c->lines[k->line];
    k->timer = 0;
    if (k->ivr_exit == IVR_ABANDON) {
        L->in_system--;
        if (k->measured) cs_count_abandoned_ivr(c->rs, (size_t)k->line, (size_t)k->slot, day_index(c, k));
        emit_trace(c, k, CS_OUT_ABANDONED_IVR, 0, 0);
        book_ringback(c, k);
        give_up(c, k, 0, FROM_IVR);
        return;
    }
    if (k->ivr_exit == IVR_DEFLECT) {
        L->in_system--;
        if (k->measured) cs_count_deflected(c->rs, (size_t)k->line);
        emit_trace(c, k, CS_OUT_DEFLECTED, 0, 0);
        caller_done(c, k, 1);
        call_free(c, k);
        return;
    }
    enter_queue(c, k, k->queue);
}

/* Expected wait of a caller joining queue q now: the work queued ahead of them divided among
 * the handlers who can take it.  Simple on purpose: it is what an IVR can compute. */
static double expected_wait(const cs_ctr *c, int q)
{
    const queue_rt *Q = &c->queues[q];
    double staff = 0;
    for (size_t i = 0; i < Q->n_pools; i++) staff += c->pools[Q->pools[i]].on_duty;
    double mean_handle = cs_dist_mean(&Q->cfg->handle) + cs_dist_mean(&Q->cfg->wrap);
    if (staff <= 0) return INFINITY;
    return (double)(Q->len + 1) * mean_handle / staff;
}

static void start_talk(cs_ctr *c, call *k, pool_rt *P)
{
    double t = now_of(c);
    line_rt *L = &c->lines[k->line];
    set_pool_busy(c, P, P->busy + 1);
    double wait = t - k->enq;
    if (!k->leg2) {
        k->waited = wait;
        if (k->measured) {
            cs_count_answered(c->rs, (size_t)k->line, (size_t)k->slot, day_index(c, k), wait, L->cfg->target_within);
            if (k->from_other) L->lc[CS_LC_FROM_OTHER_ANSWERED] += 1;
        }
    } else if (k->measured) {
        L->lc[CS_LC_TRANSFER_ANSWERED] += 1;
        L->lc[CS_LC_TRANSFER_WAIT_SUM] += wait;
    }
    k->pool = (int16_t)(P - c->pools);
    k->state = ST_TALK;
    double h = k->handle * handle_factor(c, L, t);
    double te = t + h;
    k->handle = h;
    k->talk_end = te;
    if (!k->leg2 && k->measured) cs_count_talk(c->rs, (size_t)k->line, h);
    /* How the talk ends is drawn now, in this order: whether it is transferred, then the
     * handler's wrap-up after it (wrap-up effects at the time the talk ends).  Known now, a talk
     * that is not transferred needs no event of its own when it ends: one event at the end of
     * the wrap-up ends both, unless something looks at the call between the two (a trace, which
     * is written in event order, or a trunk limit, which the caller holds until the talk ends).
     * The draws are the same either way, so the results do not depend on it. */
    const queue_rt *Q = &c->queues[k->queue];
    const cs_queue *qc = Q->cfg;
    /* Whether the talk is transferred is a coin toss: from here it selects values (the event's
     * time and function), not code, so that no branch depends on it. */
    int xfer = 0;
    if (!k->leg2 && qc->transfer_queue >= 0) xfer = cs_rng_uniform(Q->transfer_rng) < qc->transfer_share;
    k->xfer = (uint8_t)xfer;
    double w = cs_dist_sample(&qc->wrap, Q->wrap_rng);
    if (w > 0) w *= wrap_factor(c, L, te);
    k->wrap = w;
    int folded = !xfer & !c->trace & (L->cfg->trunks < 0);
    k->folded = (uint8_t)folded;
    double tw = w > 0 ? te + w : te;
    cs_event_fn *const fns[2] = {ev_talk_end, ev_talk_wrap_end};
    const double ts[2] = {te, tw};
    schedule(c, ts[folded], CS_PRIO_NORMAL, fns[folded], k, NULL);
}

static void enter_queue(cs_ctr *c, call *k, int q)
{
    queue_rt *Q = &c->queues[q];
    line_rt *L = &c->lines[k->line];
    const cs_line *cfg = L->cfg;
    double t = now_of(c);
    k->queue = (int16_t)q;
    k->enq = k->leg2 ? t : t - k->connect;   /* the measured wait includes BT's connection */
    for (size_t i = 0; i < Q->n_pools; i++) {
        pool_rt *P = &c->pools[Q->pools[i]];
        if (P->on_duty - P->busy > 0) {
            start_talk(c, k, P);
            return;
        }
    }
    if (!k->leg2 && cfg->callback.enabled && expected_wait(c, q) > cfg->callback.offer_over &&
        cs_rng_uniform(L->cb_rng) < cfg->callback.accept) {
        L->in_system--;
        if (k->measured) {
            cs_count_callback(c->rs, (size_t)k->line);
            cs_count_queued(c->rs, (size_t)k->line, (size_t)k->slot);
        }
        emit_trace(c, k, CS_OUT_CALLBACK, 0, 0);
        k->state = ST_CB_WAIT;
        k->booked = t;
        k->prev = L->cb_tail;
        k->next = NULL;
        if (L->cb_tail) L->cb_tail->next = k; else L->cb_head = k;
        L->cb_tail = k;
        schedule(c, t + cfg->callback.expire, CS_PRIO_NORMAL, ev_cb_expire, k, &k->timer);
        return;
    }
    if (cfg->queue_places >= 0 && L->waiting >= cfg->queue_places) {
        L->in_system--;
        if (k->leg2) {
            /* A transfer that finds the second queue full is lost like an abandonment. */
            if (k->measured) L->lc[CS_LC_TRANSFER_ABANDONED] += 1;
            caller_done(c, k, 1);
            call_free(c, k);
            return;
        }
        cut_off(c, k);
        return;
    }
    k->state = ST_QUEUED;
    k->prev = Q->tail;
    k->next = NULL;
    if (Q->tail) Q->tail->next = k; else Q->head = k;
    Q->tail = k;
    Q->len++;
    for (size_t i = 0; i < Q->n_pools; i++) c->pools[Q->pools[i]].waiting++;
    set_line_waiting(c, L, L->waiting + 1);
    if (k->measured && !k->leg2) cs_count_queued(c->rs, (size_t)k->line, (size_t)k->slot);
    k->timer = 0;
    if (isfinite(patience_of(k))) schedule(c, k->enq + k->patience, CS_PRIO_NORMAL, ev_abandon, k, &k->timer);
}

static void unlink_queued(cs_ctr *c, call *k)
{
    queue_rt *Q = &c->queues[k->queue];
    if (k->prev) k->prev->next = k->next; else Q->head = k->next;
    if (k->next) k->next->prev = k->prev; else Q->tail = k->prev;
    Q->len--;
    for (size_t i = 0; i < Q->n_pools; i++) c->pools[Q->pools[i]].waiting--;
    line_rt *L = &c->lines[k->line];
    set_line_waiting(c, L, L->waiting - 1);
}

static void ev_abandon(void *ctx, void *obj)
{
    cs_ctr *c = ctx;
    call *k = obj;
    line_rt *L = &c->lines[k->line];
    double wait = now_of(c) - k->enq;
    k->timer = 0;
    unlink_queued(c, k);
    L->in_system--;
    if (k->leg2) {
        if (k->measured) L->lc[CS_LC_TRANSFER_ABANDONED] += 1;
        caller_done(c, k, 1);
        call_free(c, k);
        return;
    }
    if (k->measured) cs_count_abandoned_queue(c->rs, (size_t)k->line, (size_t)k->slot, day_index(c, k), wait);
    emit_trace(c, k, CS_OUT_ABANDONED_QUEUE, wait, 0);
    book_ringback(c, k);
    give_up(c, k, wait, FROM_QUEUE);
}

/* The handler's wrap-up of w seconds (drawn before) starts now. */
static void wrap_up(cs_ctr *c, pool_rt *P, double w)
{
    if (w > 0)
        schedule(c, now_of(c) + w, CS_PRIO_NORMAL, ev_wrap_end, P, NULL);
    else
        handler_free(c, P);
}

/* Wrap-up after a callback: drawn when the callback ends. */
static void start_wrap(cs_ctr *c, pool_rt *P, const queue_rt *Q, const line_rt *L)
{
    double t = now_of(c);
    double w = cs_dist_sample(&Q->cfg->wrap, Q->wrap_rng);
    if (w > 0) w *= wrap_factor(c, L, t);
    wrap_up(c, P, w);
}

/* The end of a talk that has an event of its own (see start_talk). */
static void ev_talk_end(void *ctx, void *obj)
{
    cs_ctr *c = ctx;
    call *k = obj;
    queue_rt *Q = &c->queues[k->queue];
    line_rt *L = &c->lines[k->line];
    pool_rt *P = &c->pools[k->pool];
    const cs_queue *qc = Q->cfg;
    if (!k->leg2) emit_trace(c, k, CS_OUT_ANSWERED, k->waited, k->handle);
    if (k->xfer) {
        queue_rt *T = &c->queues[qc->transfer_queue];
        if (k->measured) L->lc[CS_LC_TRANSFERRED] += 1;
        k->leg2 = 1;
        k->transferred = 1;
        k->xfer = 0;
        const cs_dist *pd = T->cfg->has_patience ? &T->cfg->patience : &L->cfg->patience;
        k->patience = cs_dist_sample(pd, T->patience_rng);
        k->handle = cs_dist_sample(&T->cfg->handle, T->handle_rng);
        wrap_up(c, P, k->wrap);
        enter_queue(c, k, qc->transfer_queue);
        return;
    }
    double w = k->wrap;
    L->in_system--;
    caller_done(c, k, 1);
    call_free(c, k);
    wrap_up(c, P, w);
}

static void ev_wrap_end(void *ctx, void *obj) { handler_free(ctx, obj); }

/* The end of the wrap-up after a talk that ended without an event (see start_talk): the
 * caller's end, then the handler's. */
static void ev_talk_wrap_end(void *ctx, void *obj)
{
    cs_ctr *c = ctx;
    call *k = obj;
    line_rt *L = &c->lines[k->line];
    pool_rt *P = &c->pools[k->pool];
    L->in_system--;
    caller_done(c, k, 1);
    call_free(c, k);
    handler_free(c, P);
}

static void handler_free(cs_ctr *c, pool_rt *P)
{
    set_pool_busy(c, P, P->busy - 1);
    if (P->leaving > 0) {
        P->leaving--;
        set_pool_duty(c, P, P->on_duty - 1);
        return;
    }
    dispatch(c, P);
}

/* ---------------------------------------------------------------- callbacks */

static void cb_unlink(line_rt *L, call *k)
{
    if (k->prev) k->prev->next = k->next; else L->cb_head = k->next;
    if (k->next) k->next->prev = k->prev; else L->cb_tail = k->prev;
}

static void ev_cb_expire(void *ctx, void *obj)
{
    cs_ctr *c = ctx;
    call *k = obj;
    line_rt *L = &c->lines[k->line];
    k->timer = 0;
    cb_unlink(L, k);
    if (k->measured) L->lc[CS_LC_CB_MISSED] += 1;
    caller_done(c, k, 0);
    call_free(c, k);
}

static void start_callback(cs_ctr *c, call *k, pool_rt *P)
{
    line_rt *L = &c->lines[k->line];
    const cs_callback *cb = &L->cfg->callback;
    double t = now_of(c);
    cb_unlink(L, k);
    if (k->timer) {
        cs_cal_cancel(c->cal, k->timer);
        k->timer = 0;
    }
    if (k->cb_dials == 0 && k->measured)
        L->lc[t - k->booked <= cb->deadline ? CS_LC_CB_ON_TIME : CS_LC_CB_LATE] += 1;
    k->cb_dials++;
    set_pool_busy(c, P, P->busy + 1);
    k->pool = (int16_t)(P - c->pools);
    k->state = ST_CB_TALK;
    k->cb_reached = cs_rng_uniform(L->cb_rng) < cb->reach;
    double d = k->cb_reached ? k->handle * handle_factor(c, L, t) : cs_dist_sample(&cb->fail_time, L->cb_rng);
    schedule(c, t + d, CS_PRIO_NORMAL, ev_cb_end, k, NULL);
}

static void ev_cb_end(void *ctx, void *obj)
{
    cs_ctr *c = ctx;
    call *k = obj;
    line_rt *L = &c->lines[k->line];
    pool_rt *P = &c->pools[k->pool];
    const cs_callback *cb = &L->cfg->callback;
    const queue_rt *Q = &c->queues[k->queue];
    if (k->cb_reached) {
        if (k->measured) L->lc[CS_LC_CB_REACHED] += 1;
        caller_done(c, k, 1);
        call_free(c, k);
        start_wrap(c, P, Q, L);
        return;
    }
    if (k->cb_dials < cb->max_attempts) {
        k->state = ST_CB_RETRY;
        schedule(c, now_of(c) + cb->retry_after, CS_PRIO_NORMAL, ev_cb_retry, k, NULL);
    } else {
        caller_done(c, k, 0);
        call_free(c, k);
    }
    handler_free(c, P);
}

static void ev_cb_retry(void *ctx, void *obj)
{
    cs_ctr *c = ctx;
    call *k = obj;
    line_rt *L = &c->lines[k->line];
    /* Retries go to the front: the caller has waited longest of all. */
    k->state = ST_CB_WAIT;
    k->prev = NULL;
    k->next = L->cb_head;
    if (L->cb_head) L->cb_head->prev = k; else L->cb_tail = k;
    L->cb_head = k;
    int q = L->cfg->queue;
    const queue_rt *Q = &c->queues[q];
    for (size_t i = 0; i < Q->n_pools; i++) dispatch(c, &c->pools[Q->pools[i]]);
    if (L->cfg->callback.pool >= 0) dispatch(c, &c->pools[L->cfg->callback.pool]);
}

/* ---------------------------------------------------------------- ring-backs
 *
 * Ring-backs reuse the callback machinery: a record on a per-line list of work booked for
 * later, taken by the line's pools in dispatch() when nothing more urgent waits, a handler busy
 * for its duration.  Unlike a callback, it is work on its own record (the caller's record goes
 * on with their journey: redial, spill over or give up), with no deadline, no expiry and no
 * answer to wait for: its drawn time covers everything. */

static void rb_unlink(line_rt *L, call *k)
{
    if (k->prev) k->prev->next = k->next; else L->rb_head = k->next;
    if (k->next) k->next->prev = k->prev; else L->rb_tail = k->prev;
}

static void book_ringback(cs_ctr *c, const call *k)
{
    line_rt *L = &c->lines[k->line];
    const cs_ringback *rb = &L->cfg->ringback;
    if (!rb->enabled) return;
    double t = now_of(c);
    /* One uniform per abandonment whatever the rule, so a variant with another `within` or
     * share keeps the same draws for the same abandonments. */
    if (!(cs_rng_uniform(L->rb_rng) < rb->share) || t - k->arrival > rb->within) return;
    call *r = call_new(c);
    if (!r) return;
    r->line = k->line;
    r->queue = (int16_t)L->cfg->queue;
    r->booked = t;
    r->measured = k->measured;
    r->handle = cs_dist_sample(&rb->time, L->rb_rng);
    r->state = ST_RB_WAIT;
    r->prev = L->rb_tail;
    r->next = NULL;
    if (L->rb_tail) L->rb_tail->next = r; else L->rb_head = r;
    L->rb_tail = r;
    if (k->measured) L->lc[CS_LC_RB_BOOKED] += 1;
    if (rb->pool >= 0) {
        dispatch(c, &c->pools[rb->pool]);
    } else {
        const queue_rt *Q = &c->queues[L->cfg->queue];
        for (size_t i = 0; i < Q->n_pools; i++) dispatch(c, &c->pools[Q->pools[i]]);
    }
}

static void start_ringback(cs_ctr *c, call *r, pool_rt *P)
{
    line_rt *L = &c->lines[r->line];
    double t = now_of(c), end = t + r->handle;
    rb_unlink(L, r);
    set_pool_busy(c, P, P->busy + 1);
    r->pool = (int16_t)(P - c->pools);
    r->state = ST_RB_TALK;
    double *pc = cs_rs_pool(c->rs, (size_t)r->pool);
    if (t >= c->warmup) {
        pc[CS_PC_RB_MADE] += 1;
        L->lc[CS_LC_RB_MADE] += 1;
        L->lc[CS_LC_RB_WAIT_SUM] += t - r->booked;
    }
    /* Handler time within the measured period, as the on-duty time it is a share of. */
    double a = t > c->warmup ? t : c->warmup, b = end < c->horizon ? end : c->horizon;
    if (b > a) pc[CS_PC_RB_TIME] += b - a;
    schedule(c, end, CS_PRIO_NORMAL, ev_rb_end, r, NULL);
}

static void ev_rb_end(void *ctx, void *obj)
{
    cs_ctr *c = ctx;
    call *r = obj;
    pool_rt *P = &c->pools[r->pool];
    call_free(c, r);
    handler_free(c, P);
}

static inline call *oldest_callback(const cs_ctr *c, const pool_rt *P)
{
    call *oldest = NULL;
    for (size_t i = 0; i < P->n_cb_lines; i++) {
        call *h = c->lines[P->cb_lines[i]].cb_head;
        if (h && (!oldest || h->booked < oldest->booked)) oldest = h;
    }
    return oldest;
}

/* Makes a ring-back now if one goes before live call k (NULL: no live caller waits for P):
 * one with a priority above k's queue; with no live caller, one with a priority, else the
 * oldest booking among ring-backs and callbacks.  Returns 1 if it started one. */
static int ringback_first(cs_ctr *c, pool_rt *P, const call *k)
{
    int kp = k ? c->queues[k->queue].prio : 0;
    call *best = NULL;
    int bp = INT_MIN;
    for (size_t i = 0; i < P->n_rb_lines; i++) {
        const line_rt *L = &c->lines[P->rb_lines[i]];
        call *h = L->rb_head;
        if (!h) continue;
        const cs_ringback *rb = &L->cfg->ringback;
        int p = rb->has_priority ? rb->priority : INT_MIN;
        if (k && !(rb->has_priority && p > kp)) continue;
        if (!best || p > bp || (p == bp && h->booked < best->booked)) {
            best = h;
            bp = p;
        }
    }
    if (!best) return 0;
    if (!k && bp == INT_MIN) {
        const call *cb = oldest_callback(c, P);
        if (cb && cb->booked < best->booked) return 0;
    }
    start_ringback(c, best, P);
    return 1;
}

/* ---------------------------------------------------------------- handlers pick work */

static call *pick_call(cs_ctr *c, pool_rt *P)
{
    if (P->cfg->rule == CS_PICK_WEIGHTED) {
        double total = 0;
        for (size_t i = 0; i < P->n_queues; i++)
            if (c->queues[P->queues[i]].head) total += P->weights[i];
        if (total <= 0) return NULL;
        double u = cs_rng_uniform(P->route_rng) * total, acc = 0;
        call *last = NULL;
        for (size_t i = 0; i < P->n_queues; i++) {
            queue_rt *Q = &c->queues[P->queues[i]];
            if (!Q->head) continue;
            last = Q->head;
            acc += P->weights[i];
            if (u < acc) return Q->head;
        }
        return last;
    }
    call *best = NULL;
    int best_prio = 0;
    for (size_t i = 0; i < P->n_queues; i++) {
        queue_rt *Q = &c->queues[P->queues[i]];
        if (best && Q->prio < best_prio) break;   /* queues are sorted by priority */
        if (Q->head && (!best || Q->head->enq < best->enq)) {
            best = Q->head;
            best_prio = Q->prio;
        }
    }
    return best;
}

static void dispatch(cs_ctr *c, pool_rt *P)
{
    /* Most handlers come free with nobody waiting: nothing to look through. */
    if (P->waiting == 0 && P->n_rb_lines == 0 && P->n_cb_lines == 0) return;
    while (P->on_duty - P->busy > 0) {
        call *k = pick_call(c, P);
        if (P->n_rb_lines && ringback_first(c, P, k)) continue;
        if (k) {
            if (k->timer) cs_cal_cancel(c->cal, k->timer);
            k->timer = 0;
            unlink_queued(c, k);
            start_talk(c, k, P);
            continue;
        }
        /* Callbacks only when no live caller is waiting for this pool. */
        call *oldest = oldest_callback(c, P);
        if (!oldest) return;
        start_callback(c, oldest, P);
    }
}

/* ---------------------------------------------------------------- staffing, ticks */

/* Staffing is a step function over the whole run (models/roster.h), so the next change is
 * simply the next step. */
static void schedule_next_staff_change(cs_ctr *c, pool_rt *P)
{
    const cs_staffing *st = P->run;
    size_t next = P->step + 1;
    if (next >= st->n) return;
    double t = now_of(c), at = st->at[next];
    if (at < t) at = t;
    P->step = next;
    if (at < c->horizon) schedule(c, at, CS_PRIO_CONTROL, ev_staff, P, NULL);
}

static void apply_staff_level(cs_ctr *c, pool_rt *P, int target)
{
    int current = P->on_duty - P->leaving;
    if (target > current) {
        int up = target - current;
        int stay = up < P->leaving ? up : P->leaving;
        P->leaving -= stay;
        up -= stay;
        if (up > 0) set_pool_duty(c, P, P->on_duty + up);
        dispatch(c, P);
    } else if (target < current) {
        int down = current - target;
        int idle = P->on_duty - P->busy;
        int now_off = down < idle ? down : idle;
        if (now_off > 0) set_pool_duty(c, P, P->on_duty - now_off);
        P->leaving += down - now_off;   /* busy handlers finish their call, then go */
    }
}

static void ev_staff(void *ctx, void *obj)
{
    cs_ctr *c = ctx;
    pool_rt *P = obj;
    apply_staff_level(c, P, P->run->level[P->step]);
    schedule_next_staff_change(c, P);
}

/* Adds what accrued since the last tick to the interval it accrued in. */
static void flush_interval(cs_ctr *c, double t)
{
    cs_repstats *rs = c->rs;
    double from = c->tick_prev;
    c->tick_prev = t;
    if (t <= c->warmup || t <= from) return;
    if (from < c->warmup) from = c->warmup;
    size_t s = (size_t)slot_of(c, &c->tcur, from);
    rs->slot_time[s] += t - from;
    for (size_t l = 0; l < rs->n_lines; l++) {
        line_rt *L = &c->lines[l];
        double a = cs_timeavg_area(&L->qlen, t);
        cs_rs_line_slot(rs, l, s)[CS_IC_QUEUE_AREA] += a - L->qarea_mark;
        L->qarea_mark = a;
    }
    for (size_t p = 0; p < rs->n_pools; p++) {
        pool_rt *P = &c->pools[p];
        double b = cs_timeavg_area(&P->busy_ta, t), d = cs_timeavg_area(&P->duty_ta, t);
        double *ps = cs_rs_pool_slot(rs, p, s);
        ps[CS_PC_BUSY_AREA] += b - P->busy_mark;
        ps[CS_PC_DUTY_AREA] += d - P->duty_mark;
        P->busy_mark = b;
        P->duty_mark = d;
    }
}

static void ev_tick(void *ctx, void *obj)
{
    (void)obj;
    cs_ctr *c = ctx;
    double t = now_of(c);
    flush_interval(c, t);
    double next = t + c->tick_step;
    if (next < c->horizon) schedule(c, next, CS_PRIO_STATS, ev_tick, NULL, NULL);
    if (c->progress) atomic_store_explicit(c->progress, t, memory_order_relaxed);
}

static void ev_warmup(void *ctx, void *obj)
{
    (void)obj;
    cs_ctr *c = ctx;
    double t = now_of(c);
    flush_interval(c, t);
    for (size_t l = 0; l < c->scn->n_lines; l++) {
        line_rt *L = &c->lines[l];
        cs_timeavg_reset(&L->qlen, t, (double)L->waiting);
        L->qarea_mark = 0;
    }
    for (size_t p = 0; p < c->scn->n_pools; p++) {
        pool_rt *P = &c->pools[p];
        cs_timeavg_reset(&P->busy_ta, t, (double)P->busy);
        cs_timeavg_reset(&P->duty_ta, t, (double)P->on_duty);
        P->busy_mark = P->duty_mark = 0;
    }
}

/* At the end: what is still in the IVR or queue is unfinished; callbacks past their deadline
 * that nobody dialled are missed. */
static void close_books(cs_ctr *c)
{
    double t = c->horizon;
    for (chunk *ch = c->chunks; ch; ch = ch->next)
        for (size_t i = 0; i < CHUNK_CALLS; i++) {
            call *k = &ch->calls[i];
            if (k->state == ST_TALK && k->folded && k->talk_end <= t) {
                /* The talk ended (only the handler's wrap-up goes on): done, as an event at
                 * the end of the talk would have counted it. */
                caller_done(c, k, 1);
                if (k->n_entries) journey_done(c, k);
                continue;
            }
            if (k->state != ST_FREE && k->n_entries) count_entries(c, k, CS_LC_CALLERS_OPEN);
            if (k->state == ST_FREE || !k->measured) continue;
            line_rt *L = &c->lines[k->line];
            if (k->state == ST_IVR || k->state == ST_CONNECT || (k->state == ST_QUEUED && !k->leg2)) {
                cs_count_unfinished(c->rs, (size_t)k->line, (size_t)k->slot);
                emit_trace(c, k, CS_OUT_UNFINISHED, k->state == ST_QUEUED ? t - k->enq
                           : k->state == ST_CONNECT ? t - k->arrival : 0, 0);
            } else if (k->state == ST_TALK && !k->leg2) {
                /* Answered and still talking: traced with its whole talk time, as if it had
                 * ended, so calls.csv has every measured attempt. */
                emit_trace(c, k, CS_OUT_ANSWERED, k->waited, k->handle);
            } else if (k->state == ST_CB_WAIT && k->cb_dials == 0 &&
                       t - k->booked > L->cfg->callback.deadline) {
                L->lc[CS_LC_CB_MISSED] += 1;
            }
        }
    for (size_t l = 0; l < c->scn->n_lines; l++) {
        line_rt *L = &c->lines[l];
        L->lc[CS_LC_QUEUE_AREA] = cs_timeavg_area(&L->qlen, t);
    }
    for (size_t p = 0; p < c->scn->n_pools; p++) {
        pool_rt *P = &c->pools[p];
        double *pc = cs_rs_pool(c->rs, p);
        pc[CS_PC_BUSY_AREA] = cs_timeavg_area(&P->busy_ta, t);
        pc[CS_PC_DUTY_AREA] = cs_timeavg_area(&P->duty_ta, t);
    }
}

cs_status cs_ctr_run(cs_ctr *c, uint32_t rep, cs_repstats *out, cs_error *err)
{
    const cs_scn *s = c->scn;
    CS_REQUIRE(out->n_lines == s->n_lines && out->n_pools == s->n_pools);
    c->rs = out;
    c->warmup = s->warmup;
    c->horizon = s->horizon;
    c->interval = out->interval;
    c->days = s->days;
    c->line_day = out->line_day;
    /* Dated runs tick at least hourly: t = 0 is local midnight and the clocks move by an hour,
     * so hourly ticks fall on local interval boundaries all year; longer intervals would not. */
    c->tick_step = c->days && c->interval > 3600 ? 3600 : c->interval;
    cs_repstats_clear(out);
    csi_ctr_reset_state(c);
    csi_ctr_for_each_stream(c, rep, 0, err);

    for (size_t p = 0; p < s->n_pools; p++) {
        pool_rt *P = &c->pools[p];
        if (P->people) {
            char name[CS_NAME_MAX + 16];
            snprintf(name, sizeof name, "absence/%s", s->pools[p].name);
            P->run = cs_roster_people_draw(P->people, cs_rng_seed_for(s->seed, rep, name));
            const cs_onduty *on = s->pools[p].on_duty;
            if (on && on->n) {   /* handlers actually on duty: no absence drawn over them */
                cs_error e;
                cs_roster_fini(&P->overlaid);
                cs_status st = cs_staffing_overlay(P->run, 0, on, s->horizon, &P->overlaid, &e);
                if (st != CS_OK) return cs_error_set(err, st, "pool '%s': %s", s->pools[p].name, e.msg);
                P->run = &P->overlaid;
            }
        }
        const cs_staffing *st = P->run;
        P->step = 0;
        while (P->step + 1 < st->n && st->at[P->step + 1] <= 0) P->step++;
        set_pool_duty(c, P, st->n ? st->level[P->step] : 0);
        schedule_next_staff_change(c, P);
    }
    if (c->has_feed) {
        c->feed_copy.rewind(c->feed_copy.ud);
        feed_advance(c);
    } else {
        for (size_t l = 0; l < s->n_lines; l++) {
            line_rt *L = &c->lines[l];
            double t0 = next_arrival(c, L, 0);
            if (t0 < c->horizon) schedule_arrival(c, L, t0);
        }
    }
    if (c->warmup > 0) schedule(c, c->warmup, CS_PRIO_CONTROL, ev_warmup, NULL, NULL);
    schedule(c, c->tick_step < c->horizon ? c->tick_step : c->horizon, CS_PRIO_STATS, ev_tick, NULL, NULL);

    cs_cal_run_until(c->cal, c->horizon, c);
    c->events = cs_cal_executed(c->cal);
    if (c->oom) return cs_error_set(err, CS_ENOMEM, "out of memory while simulating replication %u", rep + 1);
    if (c->overload)
        return cs_error_set(err, CS_EINPUT,
                            "replication %u stopped at %.0f s of simulated time: more than %d callers were in the "
                            "system at once (callsim's cap, which keeps memory to a few hundred MB per thread). "
                            "The demand far exceeds what the handlers, queue places and patience can clear: check "
                            "the arrival rates, surges and staffing",
                            rep + 1, cs_cal_now(c->cal), CS_CTR_MAX_CALLERS);
    flush_interval(c, c->horizon);
    close_books(c);
    if (c->progress) atomic_store_explicit(c->progress, c->horizon, memory_order_relaxed);
    return CS_OK;
}
