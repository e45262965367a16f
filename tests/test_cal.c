/* Tests for sim/cal: the event calendar.
 *
 * The central property is the documented order (time ascending, priority descending,
 * insertion order), checked against an independent reference: a qsort of the same events for
 * a batch schedule, and a naive linear-scan priority queue for a random mix of schedule,
 * step, cancel and in-handler scheduling.  Times are drawn from small integer sets so that
 * exact ties are the common case, not the exception.  Random inputs come from GSL's mt19937
 * with fixed seeds (not sim/rng, so these tests do not depend on another module under test).
 *
 * Programming errors (scheduling in the past, non-finite times, priorities out of range) are
 * CS_REQUIRE failures that abort(); cmocka's expect_assert_failure cannot catch that, so the
 * death tests run the call in a fork()ed child and check it was killed by SIGABRT. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <fcntl.h>
#include <math.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_rng.h>

#include "sim/cal.h"

/* ------------------------------------------------------------------------------------
 * Helpers */

static gsl_rng *rng_new(unsigned long seed)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    assert_non_null(r);
    gsl_rng_set(r, seed);
    return r;
}

static void *tag_ptr(size_t tag) { return (void *)(uintptr_t)(tag + 1); }   /* never NULL */
static size_t ptr_tag(const void *p) { return (size_t)(uintptr_t)p - 1; }

/* Records which events ran, in order, and the clock when each ran. */
typedef struct recorder {
    cs_cal *cal;
    size_t *tags;
    double *when;
    size_t n, cap;
} recorder;

static void rec_init(recorder *r, cs_cal *cal, size_t cap)
{
    r->cal = cal;
    r->tags = malloc(cap * sizeof *r->tags);
    r->when = malloc(cap * sizeof *r->when);
    assert_non_null(r->tags);
    assert_non_null(r->when);
    r->n = 0;
    r->cap = cap;
}

static void rec_fini(recorder *r)
{
    free(r->tags);
    free(r->when);
}

static void rec_fn(void *ctx, void *obj)
{
    recorder *r = ctx;
    assert_true(r->n < r->cap);
    r->tags[r->n] = ptr_tag(obj);
    r->when[r->n] = cs_cal_now(r->cal);
    r->n++;
}

/* Reference ordering. */
typedef struct ref_ev {
    double t;
    int prio;
    uint64_t seq;
    size_t tag;
} ref_ev;

static bool ref_before(const ref_ev *a, const ref_ev *b)
{
    if (a->t != b->t) return a->t < b->t;
    if (a->prio != b->prio) return a->prio > b->prio;
    return a->seq < b->seq;
}

static int ref_cmp(const void *pa, const void *pb)
{
    const ref_ev *a = pa, *b = pb;
    return ref_before(a, b) ? -1 : ref_before(b, a) ? 1 : 0;
}

/* Priorities with heavy repetition plus both ends of the legal range. */
static const int PRIOS[] = {0, 0, 0, 1, -1, CS_PRIO_STATS, CS_PRIO_CONTROL, CS_PRIO_END, -128, 127};
#define N_PRIOS (sizeof PRIOS / sizeof PRIOS[0])

/* Runs f in a child and reports whether the child died of SIGABRT. */
static bool dies_with_sigabrt(void (*f)(void))
{
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        int fd = open("/dev/null", O_WRONLY);   /* keep the expected CS_REQUIRE message quiet */
        if (fd >= 0) dup2(fd, STDERR_FILENO);
        f();
        _exit(0);   /* f returned: no abort */
    }
    int status = 0;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    return WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT;
}

/* ------------------------------------------------------------------------------------
 * Order */

#define N_ORDER 100000

/* A batch of events with many exact ties leaves in exactly the reference order. */
static void test_order_random_ties(void **state)
{
    (void)state;
    gsl_rng *g = rng_new(20240501);
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    ref_ev *ref = malloc(N_ORDER * sizeof *ref);
    assert_non_null(ref);
    for (size_t i = 0; i < N_ORDER; i++) {
        /* 1000 distinct times for 100000 events: about 100 events per instant. */
        ref[i].t = (double)gsl_rng_uniform_int(g, 1000) * 0.25;
        ref[i].prio = PRIOS[gsl_rng_uniform_int(g, N_PRIOS)];
        ref[i].seq = i;
        ref[i].tag = i;
        cs_event_id id = cs_cal_schedule(cal, ref[i].t, ref[i].prio, rec_fn, tag_ptr(i));
        assert_true(id != 0);
    }
    assert_int_equal(cs_cal_pending(cal), N_ORDER);
    qsort(ref, N_ORDER, sizeof *ref, ref_cmp);

    recorder rec;
    rec_init(&rec, cal, N_ORDER);
    cs_cal_run_until(cal, 1e9, &rec);
    assert_int_equal(rec.n, N_ORDER);
    for (size_t i = 0; i < N_ORDER; i++) {
        if (rec.tags[i] != ref[i].tag || rec.when[i] != ref[i].t) {
            print_error("position %zu: ran event %zu at %g, expected event %zu at %g (prio %d)\n", i,
                        rec.tags[i], rec.when[i], ref[i].tag, ref[i].t, ref[i].prio);
            fail();
        }
    }
    assert_int_equal(cs_cal_pending(cal), 0);
    assert_int_equal(cs_cal_executed(cal), N_ORDER);
    rec_fini(&rec);
    free(ref);
    cs_cal_destroy(cal);
    gsl_rng_free(g);
}

/* Times over the whole range of doubles the calendar accepts (0, -0, subnormals, fractions,
 * 1e300), with interleaved cancels: the heap compares times as bit patterns, which is only
 * right for non-negative doubles, so every magnitude must come out in numeric order. */
static void test_order_wide_range(void **state)
{
    (void)state;
    enum { N = 20000 };
    gsl_rng *g = rng_new(31337);
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    ref_ev *ref = malloc(N * sizeof *ref);
    cs_event_id *id = malloc(N * sizeof *id);
    bool *gone = calloc(N, sizeof *gone);
    assert_true(ref && id && gone);
    static const double special[] = {0.0, -0.0, 4.9406564584124654e-324, 2.2250738585072009e-308,
                                     1e-300, 0.5, 1.0, 1.0000000000000002, 86400.0, 1e300};
    for (size_t i = 0; i < N; i++) {
        double t;
        unsigned kind = (unsigned)gsl_rng_uniform_int(g, 4);
        if (kind == 0)
            t = special[gsl_rng_uniform_int(g, sizeof special / sizeof special[0])];
        else if (kind == 1)
            t = ldexp(gsl_rng_uniform(g), (int)gsl_rng_uniform_int(g, 2000) - 1000);
        else
            t = floor(gsl_rng_uniform(g) * 50.0);   /* many exact ties */
        ref[i] = (ref_ev){t, PRIOS[gsl_rng_uniform_int(g, N_PRIOS)], i, i};
        id[i] = cs_cal_schedule(cal, t, ref[i].prio, rec_fn, tag_ptr(i));
        assert_true(id[i] != 0);
        if (i % 7 == 3) {   /* cancel an earlier one */
            size_t j = (size_t)gsl_rng_uniform_int(g, i + 1);
            assert_int_equal(cs_cal_cancel(cal, id[j]), !gone[j]);
            gone[j] = true;
        }
    }
    size_t live = 0;
    for (size_t i = 0; i < N; i++)
        if (!gone[i]) ref[live++] = ref[i];
    assert_int_equal(cs_cal_pending(cal), live);
    for (size_t i = 0; i < live; i++) ref[i].t += 0.0;   /* -0 and +0 are the same instant */
    qsort(ref, live, sizeof *ref, ref_cmp);
    recorder rec;
    rec_init(&rec, cal, live);
    cs_cal_run_until(cal, INFINITY, &rec);
    assert_int_equal(rec.n, live);
    for (size_t i = 0; i < live; i++) {
        if (rec.tags[i] != ref[i].tag) {
            print_error("position %zu: ran event %zu at %g, expected event %zu at %g\n", i, rec.tags[i],
                        rec.when[i], ref[i].tag, ref[i].t);
            fail();
        }
    }
    rec_fini(&rec);
    free(ref);
    free(id);
    free(gone);
    cs_cal_destroy(cal);
    gsl_rng_free(g);
}

/* Model-based test: a random mix of schedule (also from inside handlers, often at the
 * current instant), step, cancel of live and stale handles and time_of, each checked against
 * a naive reference queue (linear scan for the minimum). */
typedef struct model {
    cs_cal *cal;
    gsl_rng *g;
    ref_ev *live;            /* pending events in the reference */
    cs_event_id *live_id;
    int *live_lane;          /* the lane of each pending event, or -1 */
    size_t n_live, cap_live;
    int lanes;               /* lanes 0 .. lanes-1 of the calendar */
    unsigned lane_len[CS_CAL_LANES];  /* pending events held by each lane */
    size_t on_lanes;         /* events scheduled on a lane */
    size_t lane_full;        /* ... of which the lane was full, so they went to the heap */
    cs_event_id *dead;       /* handles that fired or were cancelled */
    size_t n_dead, cap_dead;
    uint64_t seq;
    size_t next_tag;
    size_t expect_tag;       /* the tag the reference says must run next */
    double expect_t;
    size_t ran;
} model;

static void model_fn(void *ctx, void *obj);

static void model_schedule(model *m, double dt)
{
    double t = cs_cal_now(m->cal) + dt;
    int prio = PRIOS[gsl_rng_uniform_int(m->g, N_PRIOS)];
    size_t tag = m->next_tag++;
    /* A third of the events go on a lane, whatever it holds already: in any order of times
     * (a new first, behind the last, in between), and past CS_CAL_LANE_CAP, where the heap
     * takes them. */
    int lane = m->lanes ? (int)gsl_rng_uniform_int(m->g, 3 * (unsigned long)m->lanes) : -1;
    if (lane >= m->lanes) lane = -1;
    cs_event_id id = lane >= 0 ? cs_cal_schedule_lane(m->cal, lane, t, prio, model_fn, tag_ptr(tag))
                               : cs_cal_schedule(m->cal, t, prio, model_fn, tag_ptr(tag));
    assert_true(id != 0);
    assert_true(m->n_live < m->cap_live);
    if (lane >= 0) {
        m->on_lanes++;
        if (m->lane_len[lane] == CS_CAL_LANE_CAP) {
            m->lane_full++;
            lane = -1;
        } else {
            m->lane_len[lane]++;
        }
    }
    m->live[m->n_live] = (ref_ev){t, prio, m->seq++, tag};
    m->live_id[m->n_live] = id;
    m->live_lane[m->n_live] = lane;
    m->n_live++;
}

static void model_kill(model *m, size_t i)
{
    assert_true(m->n_dead < m->cap_dead);
    m->dead[m->n_dead++] = m->live_id[i];
    if (m->live_lane[i] >= 0) m->lane_len[m->live_lane[i]]--;
    m->n_live--;
    m->live[i] = m->live[m->n_live];
    m->live_id[i] = m->live_id[m->n_live];
    m->live_lane[i] = m->live_lane[m->n_live];
}

static void model_fn(void *ctx, void *obj)
{
    model *m = ctx;
    size_t tag = ptr_tag(obj);
    assert_int_equal(tag, m->expect_tag);
    assert_true(cs_cal_now(m->cal) == m->expect_t);
    m->ran++;
    /* The running event is no longer pending (it stays in the heap as a hole until the
     * handler's first schedule takes its place: sim/cal.c). */
    assert_int_equal(cs_cal_pending(m->cal), m->n_live);
    /* Handlers schedule follow-ups, a third of them at the current instant, and cancel events
     * before or after their first schedule (with the hole at the root, or not). */
    unsigned r = (unsigned)gsl_rng_uniform_int(m->g, 9);
    if ((r == 3 || r == 4) && m->n_live > 0) {
        size_t i = (size_t)gsl_rng_uniform_int(m->g, m->n_live);
        cs_event_id id = m->live_id[i];
        assert_true(cs_cal_time_of(m->cal, id) == m->live[i].t);
        model_kill(m, i);
        assert_true(cs_cal_cancel(m->cal, id));
        assert_int_equal(cs_cal_pending(m->cal), m->n_live);
    }
    if (r == 5 && m->n_dead > 0) assert_false(cs_cal_cancel(m->cal, m->dead[gsl_rng_uniform_int(m->g, m->n_dead)]));
    if ((r < 2 || r == 4) && m->n_live + 2 < m->cap_live) model_schedule(m, 0.0);
    if ((r == 2 || r == 6) && m->n_live + 2 < m->cap_live) model_schedule(m, (double)gsl_rng_uniform_int(m->g, 4));
    if (r == 6 && m->n_live > 0) {
        size_t i = (size_t)gsl_rng_uniform_int(m->g, m->n_live);
        cs_event_id id = m->live_id[i];
        model_kill(m, i);
        assert_true(cs_cal_cancel(m->cal, id));
    }
    assert_int_equal(cs_cal_pending(m->cal), m->n_live);
}

static size_t model_min(const model *m)
{
    size_t best = 0;
    for (size_t i = 1; i < m->n_live; i++)
        if (ref_before(&m->live[i], &m->live[best])) best = i;
    return best;
}

static void test_order_model_based(void **state)
{
    (void)state;
    model m;
    memset(&m, 0, sizeof m);
    m.cal = cs_cal_create(8);
    m.g = rng_new(77);
    m.cap_live = 1024;
    m.live = malloc(m.cap_live * sizeof *m.live);
    m.live_id = malloc(m.cap_live * sizeof *m.live_id);
    m.live_lane = malloc(m.cap_live * sizeof *m.live_lane);
    m.cap_dead = 400000;
    m.dead = malloc(m.cap_dead * sizeof *m.dead);
    assert_true(m.cal && m.live && m.live_id && m.live_lane && m.dead);
    /* Three lanes (sim/cal.h), the fourth left unused. */
    for (m.lanes = 0; m.lanes < 3; m.lanes++) assert_int_equal(cs_cal_lane_new(m.cal), m.lanes);

    size_t steps = 0, cancels = 0, stale = 0;
    for (int op = 0; op < 150000; op++) {
        unsigned r = (unsigned)gsl_rng_uniform_int(m.g, 100);
        if (r < 45) {
            if (m.n_live + 4 < m.cap_live) model_schedule(&m, (double)gsl_rng_uniform_int(m.g, 8));
        } else if (r < 85) {
            bool want = m.n_live > 0;
            if (want) {
                size_t i = model_min(&m);
                m.expect_tag = m.live[i].tag;
                m.expect_t = m.live[i].t;
                model_kill(&m, i);   /* before the handler schedules into the reference */
            }
            bool did = cs_cal_step(m.cal, INFINITY, &m);
            assert_int_equal(did, want);
            steps += did;
        } else if (r < 95) {
            if (m.n_live > 0) {
                size_t i = (size_t)gsl_rng_uniform_int(m.g, m.n_live);
                cs_event_id id = m.live_id[i];
                assert_true(cs_cal_time_of(m.cal, id) == m.live[i].t);
                model_kill(&m, i);
                assert_true(cs_cal_cancel(m.cal, id));
                cancels++;
            }
        } else if (m.n_dead > 0) {
            cs_event_id id = m.dead[gsl_rng_uniform_int(m.g, m.n_dead)];
            size_t before = cs_cal_pending(m.cal);
            assert_false(cs_cal_cancel(m.cal, id));
            assert_true(isnan(cs_cal_time_of(m.cal, id)));
            assert_int_equal(cs_cal_pending(m.cal), before);
            stale++;
        }
        assert_int_equal(cs_cal_pending(m.cal), m.n_live);
    }
    /* Drain what is left, still in reference order. */
    while (m.n_live > 0) {
        size_t i = model_min(&m);
        m.expect_tag = m.live[i].tag;
        m.expect_t = m.live[i].t;
        model_kill(&m, i);
        assert_true(cs_cal_step(m.cal, INFINITY, &m));
        steps++;
    }
    assert_false(cs_cal_step(m.cal, INFINITY, &m));
    assert_int_equal(m.ran, steps);
    assert_int_equal(cs_cal_executed(m.cal), steps);
    /* The mix must actually have exercised every branch. */
    assert_true(steps > 50000 && cancels > 5000 && stale > 3000 && m.on_lanes > 20000 && m.lane_full > 100);
    assert_int_equal(cs_cal_lane_new(m.cal), 3);
    assert_int_equal(cs_cal_lane_new(m.cal), -1);   /* CS_CAL_LANES is 4 */

    free(m.live);
    free(m.live_lane);
    free(m.live_id);
    free(m.dead);
    gsl_rng_free(m.g);
    cs_cal_destroy(m.cal);
}

/* Both ends of the priority range and the named priorities at one instant. */
static void test_priority_extremes(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    const int prio[] = {0, -128, CS_PRIO_END, 127, CS_PRIO_STATS, CS_PRIO_CONTROL, 0, -1, 1};
    const size_t want[] = {3, 5, 4, 8, 0, 6, 7, 2, 1};   /* indices into prio[] */
    for (size_t i = 0; i < 9; i++) assert_true(cs_cal_schedule(cal, 7.0, prio[i], rec_fn, tag_ptr(i)) != 0);
    recorder rec;
    rec_init(&rec, cal, 16);
    cs_cal_run_until(cal, 7.0, &rec);
    assert_int_equal(rec.n, 9);
    for (size_t i = 0; i < 9; i++) assert_int_equal(rec.tags[i], want[i]);
    rec_fini(&rec);
    cs_cal_destroy(cal);
}

/* ------------------------------------------------------------------------------------
 * Cancellation and handles */

static void test_cancel_half(void **state)
{
    (void)state;
    gsl_rng *g = rng_new(4242);
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    ref_ev *ev = malloc(N_ORDER * sizeof *ev);
    cs_event_id *id = malloc(N_ORDER * sizeof *id);
    size_t *perm = malloc(N_ORDER * sizeof *perm);
    bool *cancelled = calloc(N_ORDER, sizeof *cancelled);
    assert_true(ev && id && perm && cancelled);
    for (size_t i = 0; i < N_ORDER; i++) {
        ev[i] = (ref_ev){(double)gsl_rng_uniform_int(g, 500), PRIOS[gsl_rng_uniform_int(g, N_PRIOS)], i, i};
        id[i] = cs_cal_schedule(cal, ev[i].t, ev[i].prio, rec_fn, tag_ptr(i));
        assert_true(id[i] != 0);
        perm[i] = i;
    }
    for (size_t i = N_ORDER - 1; i > 0; i--) {   /* Fisher-Yates */
        size_t j = (size_t)gsl_rng_uniform_int(g, i + 1), tmp = perm[i];
        perm[i] = perm[j];
        perm[j] = tmp;
    }
    for (size_t k = 0; k < N_ORDER / 2; k++) {
        size_t i = perm[k];
        assert_true(cs_cal_time_of(cal, id[i]) == ev[i].t);
        assert_true(cs_cal_cancel(cal, id[i]));
        cancelled[i] = true;
        assert_int_equal(cs_cal_pending(cal), N_ORDER - k - 1);
    }
    /* Cancelled handles are stale now: a second cancel is refused and changes nothing. */
    for (size_t k = 0; k < N_ORDER / 2; k += 97) {
        assert_false(cs_cal_cancel(cal, id[perm[k]]));
        assert_true(isnan(cs_cal_time_of(cal, id[perm[k]])));
    }
    assert_int_equal(cs_cal_pending(cal), N_ORDER / 2);
    /* The rest still know their times. */
    for (size_t k = N_ORDER / 2; k < N_ORDER; k += 13) assert_true(cs_cal_time_of(cal, id[perm[k]]) == ev[perm[k]].t);

    size_t n_ref = 0;
    for (size_t i = 0; i < N_ORDER; i++)
        if (!cancelled[i]) ev[n_ref++] = ev[i];
    assert_int_equal(n_ref, N_ORDER / 2);
    qsort(ev, n_ref, sizeof *ev, ref_cmp);

    recorder rec;
    rec_init(&rec, cal, N_ORDER);
    cs_cal_run_until(cal, 1e9, &rec);
    assert_int_equal(rec.n, n_ref);
    for (size_t i = 0; i < n_ref; i++) {
        assert_false(cancelled[rec.tags[i]]);
        assert_int_equal(rec.tags[i], ev[i].tag);
    }
    rec_fini(&rec);
    free(ev);
    free(id);
    free(perm);
    free(cancelled);
    cs_cal_destroy(cal);
    gsl_rng_free(g);
}

static void test_stale_handles(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    recorder rec;
    rec_init(&rec, cal, 64);

    /* Never-issued handles. */
    assert_false(cs_cal_cancel(cal, 0));
    assert_true(isnan(cs_cal_time_of(cal, 0)));
    assert_false(cs_cal_cancel(cal, ((uint64_t)1 << 32) | 0xfffffff0u));   /* slot beyond the pool */
    assert_false(cs_cal_cancel(cal, UINT64_MAX));

    /* Already fired; its slot is then reused by a new event (LIFO free list or not, the old
     * handle must not reach the new event). */
    cs_event_id a = cs_cal_schedule(cal, 1.0, 0, rec_fn, tag_ptr(0));
    assert_true(a != 0);
    cs_cal_run_until(cal, 1.0, &rec);
    assert_int_equal(rec.n, 1);
    cs_event_id b = cs_cal_schedule(cal, 2.0, 0, rec_fn, tag_ptr(1));
    assert_true(b != 0 && b != a);
    assert_false(cs_cal_cancel(cal, a));
    assert_true(isnan(cs_cal_time_of(cal, a)));
    assert_int_equal(cs_cal_pending(cal), 1);
    assert_true(cs_cal_time_of(cal, b) == 2.0);

    /* Already cancelled, then the slot reused. */
    assert_true(cs_cal_cancel(cal, b));
    assert_false(cs_cal_cancel(cal, b));
    cs_event_id c = cs_cal_schedule(cal, 3.0, 0, rec_fn, tag_ptr(2));
    assert_true(c != 0 && c != b);
    assert_false(cs_cal_cancel(cal, b));
    assert_int_equal(cs_cal_pending(cal), 1);
    assert_true(cs_cal_time_of(cal, c) == 3.0);

    /* From before a reset: pending at the reset, and fired before it. */
    cs_event_id d = cs_cal_schedule(cal, 4.0, 0, rec_fn, tag_ptr(3));
    cs_cal_reset(cal);
    assert_int_equal(cs_cal_pending(cal), 0);
    cs_event_id e[8];
    for (int i = 0; i < 8; i++) {
        e[i] = cs_cal_schedule(cal, 5.0, 0, rec_fn, tag_ptr(10 + (size_t)i));   /* refill the slots */
        assert_true(e[i] != 0);
    }
    const cs_event_id old[] = {a, b, c, d};
    for (int i = 0; i < 4; i++) {
        for (int j = 0; j < 8; j++) assert_true(old[i] != e[j]);
        assert_false(cs_cal_cancel(cal, old[i]));
        assert_true(isnan(cs_cal_time_of(cal, old[i])));
    }
    assert_int_equal(cs_cal_pending(cal), 8);
    rec.n = 0;
    cs_cal_run_until(cal, 10.0, &rec);
    assert_int_equal(rec.n, 8);   /* none of the new events was hit by an old handle */
    for (size_t i = 0; i < 8; i++) assert_int_equal(rec.tags[i], 10 + i);
    rec_fini(&rec);
    cs_cal_destroy(cal);
}

/* Inside its own handler an event is no longer pending. */
typedef struct self_ctx {
    cs_cal *cal;
    cs_event_id self;
    bool cancel_result;
    double time_of;
} self_ctx;

static void self_fn(void *ctx, void *obj)
{
    (void)obj;
    self_ctx *s = ctx;
    s->time_of = cs_cal_time_of(s->cal, s->self);
    s->cancel_result = cs_cal_cancel(s->cal, s->self);
}

static void test_time_of(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    cs_event_id x = cs_cal_schedule(cal, 12.5, 0, self_fn, NULL);
    cs_event_id y = cs_cal_schedule(cal, 0.0, -5, self_fn, NULL);
    cs_event_id z = cs_cal_schedule(cal, 1e12, 100, self_fn, NULL);
    assert_true(cs_cal_time_of(cal, x) == 12.5);
    assert_true(cs_cal_time_of(cal, y) == 0.0);
    assert_true(cs_cal_time_of(cal, z) == 1e12);
    assert_true(cs_cal_cancel(cal, y));
    assert_true(isnan(cs_cal_time_of(cal, y)));
    assert_true(cs_cal_time_of(cal, x) == 12.5);   /* the heap moved: the others still resolve */
    assert_true(cs_cal_time_of(cal, z) == 1e12);

    self_ctx s = {cal, x, true, 0.0};
    assert_true(cs_cal_step(cal, 20.0, &s));
    assert_true(isnan(s.time_of));
    assert_false(s.cancel_result);
    assert_true(isnan(cs_cal_time_of(cal, x)));
    assert_true(cs_cal_time_of(cal, z) == 1e12);
    cs_cal_destroy(cal);
}

/* ------------------------------------------------------------------------------------
 * Running */

/* Handler-scheduled events at the current instant run in the same run_until, after the
 * already-pending events of the same time and priority, and before lower priorities. */
typedef struct chain_ctx {
    recorder rec;
    cs_cal *cal;
} chain_ctx;

static void chain_fn(void *ctx, void *obj)
{
    chain_ctx *c = ctx;
    size_t tag = ptr_tag(obj);
    rec_fn(&c->rec, obj);
    double now = cs_cal_now(c->cal);
    if (tag == 0) {   /* A: schedules D (same prio) then E (higher prio) at the same instant */
        assert_true(cs_cal_schedule(c->cal, now, 0, chain_fn, tag_ptr(3)) != 0);
        assert_true(cs_cal_schedule(c->cal, now, 10, chain_fn, tag_ptr(4)) != 0);
    } else if (tag == 3) {   /* D: schedules F at the same instant, which runs after D */
        assert_true(cs_cal_schedule(c->cal, now, 0, chain_fn, tag_ptr(5)) != 0);
    }
}

static void test_handler_same_time_fifo(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    chain_ctx c;
    rec_init(&c.rec, cal, 16);
    c.cal = cal;
    /* Pending at t = 5: A, B, C at prio 0, and an end-of-run event. */
    assert_true(cs_cal_schedule(cal, 5.0, CS_PRIO_END, chain_fn, tag_ptr(6)) != 0);
    assert_true(cs_cal_schedule(cal, 5.0, 0, chain_fn, tag_ptr(0)) != 0);
    assert_true(cs_cal_schedule(cal, 5.0, 0, chain_fn, tag_ptr(1)) != 0);
    assert_true(cs_cal_schedule(cal, 5.0, 0, chain_fn, tag_ptr(2)) != 0);
    assert_true(cs_cal_schedule(cal, 6.0, 127, chain_fn, tag_ptr(7)) != 0);
    cs_cal_run_until(cal, 5.0, &c);
    /* A, E (higher prio than the pending B), B, C, D (FIFO behind B, C), F (behind D), END. */
    const size_t want[] = {0, 4, 1, 2, 3, 5, 6};
    assert_int_equal(c.rec.n, 7);
    for (size_t i = 0; i < 7; i++) {
        assert_int_equal(c.rec.tags[i], want[i]);
        assert_true(c.rec.when[i] == 5.0);
    }
    assert_int_equal(cs_cal_pending(cal), 1);   /* the event at 6 */
    assert_true(cs_cal_now(cal) == 5.0);
    rec_fini(&c.rec);
    cs_cal_destroy(cal);
}

static void test_run_until_clock(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    recorder rec;
    rec_init(&rec, cal, 16);
    assert_true(cs_cal_now(cal) == 0.0);
    const double t[] = {1.0, 2.0, 5.0, 5.0, nextafter(5.0, 6.0), 10.0};
    for (size_t i = 0; i < 6; i++) assert_true(cs_cal_schedule(cal, t[i], 0, rec_fn, tag_ptr(i)) != 0);

    cs_cal_run_until(cal, 5.0, &rec);
    assert_int_equal(rec.n, 4);   /* events at exactly t_end run; the one an ulp later does not */
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(rec.tags[i], i);
        assert_true(rec.when[i] == t[i]);
    }
    assert_true(cs_cal_now(cal) == 5.0);
    assert_int_equal(cs_cal_pending(cal), 2);

    cs_cal_run_until(cal, 7.5, &rec);   /* the clock goes to t_end, not to the last event */
    assert_int_equal(rec.n, 5);
    assert_true(cs_cal_now(cal) == 7.5);
    assert_int_equal(cs_cal_pending(cal), 1);

    cs_cal_run_until(cal, 9.0, &rec);   /* nothing to run: the clock still advances */
    assert_int_equal(rec.n, 5);
    assert_true(cs_cal_now(cal) == 9.0);

    /* Scheduling at the current instant is legal after the clock moved to t_end. */
    assert_true(cs_cal_schedule(cal, 9.0, 0, rec_fn, tag_ptr(9)) != 0);
    cs_cal_run_until(cal, 20.0, &rec);
    assert_int_equal(rec.n, 7);
    assert_int_equal(rec.tags[5], 9);
    assert_int_equal(rec.tags[6], 5);
    assert_true(cs_cal_now(cal) == 20.0);
    assert_int_equal(cs_cal_executed(cal), 7);

    /* An empty calendar still moves its clock. */
    cs_cal_run_until(cal, 30.0, &rec);
    assert_true(cs_cal_now(cal) == 30.0);
    rec_fini(&rec);
    cs_cal_destroy(cal);
}

static void test_step(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    recorder rec;
    rec_init(&rec, cal, 8);
    assert_false(cs_cal_step(cal, 100.0, &rec));   /* empty */
    assert_true(cs_cal_schedule(cal, 3.0, 0, rec_fn, tag_ptr(0)) != 0);
    assert_true(cs_cal_schedule(cal, 4.0, 0, rec_fn, tag_ptr(1)) != 0);
    assert_false(cs_cal_step(cal, 2.9, &rec));   /* next event after t_end: nothing happens */
    assert_int_equal(rec.n, 0);
    assert_true(cs_cal_now(cal) == 0.0);
    assert_true(cs_cal_step(cal, 3.0, &rec));
    assert_int_equal(rec.n, 1);
    assert_true(cs_cal_now(cal) == 3.0);   /* step moves the clock to the event, not to t_end */
    assert_false(cs_cal_step(cal, 3.5, &rec));
    assert_true(cs_cal_now(cal) == 3.0);
    assert_true(cs_cal_step(cal, 100.0, &rec));
    assert_true(cs_cal_now(cal) == 4.0);
    assert_int_equal(cs_cal_executed(cal), 2);
    rec_fini(&rec);
    cs_cal_destroy(cal);
}

typedef struct stop_ctx {
    recorder rec;
    cs_cal *cal;
    size_t stop_at_tag;
} stop_ctx;

static void stop_fn(void *ctx, void *obj)
{
    stop_ctx *s = ctx;
    rec_fn(&s->rec, obj);
    if (ptr_tag(obj) == s->stop_at_tag) cs_cal_stop(s->cal);
}

static void test_stop(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    stop_ctx s;
    rec_init(&s.rec, cal, 16);
    s.cal = cal;
    s.stop_at_tag = 2;
    for (size_t i = 0; i < 6; i++) assert_true(cs_cal_schedule(cal, (double)(i + 1), 0, stop_fn, tag_ptr(i)) != 0);
    /* A same-instant event behind the stopping one must not run either. */
    assert_true(cs_cal_schedule(cal, 3.0, 0, stop_fn, tag_ptr(10)) != 0);

    cs_cal_run_until(cal, 100.0, &s);
    assert_int_equal(s.rec.n, 3);   /* 1, 2, 3 and then the stop */
    assert_true(cs_cal_now(cal) == 3.0);   /* the clock stays at the stopping event */
    assert_int_equal(cs_cal_pending(cal), 4);

    /* The next run starts afresh and finishes normally. */
    s.stop_at_tag = SIZE_MAX;
    cs_cal_run_until(cal, 100.0, &s);
    assert_int_equal(s.rec.n, 7);
    assert_int_equal(s.rec.tags[3], 10);
    assert_true(cs_cal_now(cal) == 100.0);
    assert_int_equal(cs_cal_pending(cal), 0);
    rec_fini(&s.rec);
    cs_cal_destroy(cal);
}

static void test_pending_executed_reset(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(4);
    assert_non_null(cal);
    recorder rec;
    rec_init(&rec, cal, 512);
    for (int round = 0; round < 3; round++) {
        assert_int_equal(cs_cal_pending(cal), 0);
        assert_int_equal(cs_cal_executed(cal), 0);
        assert_true(cs_cal_now(cal) == 0.0);
        /* Reverse insertion order of times, all ties on the last batch. */
        for (size_t i = 0; i < 200; i++) {
            assert_true(cs_cal_schedule(cal, (double)(200 - i) * 0.5, 0, rec_fn, tag_ptr(i)) != 0);
            assert_int_equal(cs_cal_pending(cal), i + 1);
        }
        for (size_t i = 0; i < 50; i++) assert_true(cs_cal_schedule(cal, 120.0, 0, rec_fn, tag_ptr(300 + i)) != 0);
        assert_int_equal(cs_cal_pending(cal), 250);
        rec.n = 0;
        cs_cal_run_until(cal, 60.0, &rec);
        assert_int_equal(rec.n, 120);   /* times 0.5, 1.0, .., 60: tags 199 down to 80 */
        for (size_t i = 0; i < 120; i++) assert_int_equal(rec.tags[i], 199 - i);
        assert_int_equal(cs_cal_executed(cal), 120);
        assert_int_equal(cs_cal_pending(cal), 130);
        assert_true(cs_cal_now(cal) == 60.0);
        cs_cal_run_until(cal, 200.0, &rec);
        assert_int_equal(rec.n, 250);
        assert_int_equal(cs_cal_executed(cal), 250);
        for (size_t i = 120; i < 200; i++) assert_int_equal(rec.tags[i], 199 - i);
        for (size_t i = 200; i < 250; i++) assert_int_equal(rec.tags[i], 300 + (i - 200));   /* FIFO */
        cs_cal_reset(cal);
    }
    rec_fini(&rec);
    cs_cal_destroy(cal);
}

/* ------------------------------------------------------------------------------------
 * Pool growth */

#define N_BIG 1000000

static int cmp_u64(const void *pa, const void *pb)
{
    uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
    return (a > b) - (a < b);
}

typedef struct mono_ctx {
    cs_cal *cal;
    double last;
    size_t n;
    bool ok;
} mono_ctx;

static void mono_fn(void *ctx, void *obj)
{
    (void)obj;
    mono_ctx *m = ctx;
    double now = cs_cal_now(m->cal);
    if (now < m->last) m->ok = false;
    m->last = now;
    m->n++;
}

static void test_pool_growth(void **state)
{
    (void)state;
    gsl_rng *g = rng_new(9);
    cs_cal *cal = cs_cal_create(0);   /* the small default: grows many times */
    assert_non_null(cal);
    cs_event_id *id = malloc(N_BIG * sizeof *id);
    double *t = malloc(N_BIG * sizeof *t);
    assert_true(id && t);
    for (size_t i = 0; i < N_BIG; i++) {
        t[i] = floor(gsl_rng_uniform(g) * 1e5);
        id[i] = cs_cal_schedule(cal, t[i], 0, mono_fn, NULL);
        assert_true(id[i] != 0);
    }
    assert_int_equal(cs_cal_pending(cal), N_BIG);
    /* Handles issued before the pool grew still resolve to their events. */
    for (size_t i = 0; i < 1000; i++) assert_true(cs_cal_time_of(cal, id[i]) == t[i]);
    for (size_t i = 0; i < 1000; i += 2) assert_true(cs_cal_cancel(cal, id[i]));
    assert_int_equal(cs_cal_pending(cal), N_BIG - 500);
    /* All handles distinct. */
    qsort(id, N_BIG, sizeof *id, cmp_u64);
    for (size_t i = 1; i < N_BIG; i++) assert_true(id[i] != id[i - 1]);

    mono_ctx m = {cal, -1.0, 0, true};
    cs_cal_run_until(cal, 5e4, &m);
    size_t expect_first = 0;
    for (size_t i = 0; i < N_BIG; i++) expect_first += t[i] <= 5e4 && !(i < 1000 && i % 2 == 0);
    assert_int_equal(m.n, expect_first);
    cs_cal_run_until(cal, 1e6, &m);
    assert_true(m.ok);
    assert_int_equal(m.n, N_BIG - 500);
    assert_int_equal(cs_cal_pending(cal), 0);

    /* The grown pool is reused after a reset. */
    cs_cal_reset(cal);
    for (size_t i = 0; i < N_BIG; i++) assert_true(cs_cal_schedule(cal, t[i], 0, mono_fn, NULL) != 0);
    m = (mono_ctx){cal, -1.0, 0, true};
    cs_cal_run_until(cal, 1e6, &m);
    assert_true(m.ok);
    assert_int_equal(m.n, N_BIG);
    free(id);
    free(t);
    cs_cal_destroy(cal);
    gsl_rng_free(g);
}

/* A large capacity hint is honoured without scheduling anything. */
static void test_create_hint(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(5000);
    assert_non_null(cal);
    assert_int_equal(cs_cal_pending(cal), 0);
    for (size_t i = 0; i < 5000; i++) assert_true(cs_cal_schedule(cal, 1.0, 0, mono_fn, NULL) != 0);
    assert_int_equal(cs_cal_pending(cal), 5000);
    cs_cal_destroy(cal);
    cs_cal_destroy(NULL);   /* a no-op */
}

static void nop_fn(void *ctx, void *obj)
{
    (void)ctx;
    (void)obj;
}

static void child_schedule_in_past(void)
{
    cs_cal *cal = cs_cal_create(0);
    cs_cal_run_until(cal, 10.0, NULL);
    cs_cal_schedule(cal, nextafter(10.0, 0.0), 0, nop_fn, NULL);
}

static void child_schedule_nan(void)
{
    cs_cal *cal = cs_cal_create(0);
    cs_cal_schedule(cal, NAN, 0, nop_fn, NULL);
}

static void child_schedule_inf(void)
{
    cs_cal *cal = cs_cal_create(0);
    cs_cal_schedule(cal, INFINITY, 0, nop_fn, NULL);
}

static void child_prio_high(void)
{
    cs_cal *cal = cs_cal_create(0);
    cs_cal_schedule(cal, 1.0, 128, nop_fn, NULL);
}

static void child_prio_low(void)
{
    cs_cal *cal = cs_cal_create(0);
    cs_cal_schedule(cal, 1.0, -129, nop_fn, NULL);
}

static void child_null_fn(void)
{
    cs_cal *cal = cs_cal_create(0);
    cs_cal_schedule(cal, 1.0, 0, NULL, NULL);
}

static void child_ok(void)   /* control: a legal call must not abort */
{
    cs_cal *cal = cs_cal_create(0);
    cs_cal_run_until(cal, 10.0, NULL);
    cs_cal_schedule(cal, 10.0, 127, nop_fn, NULL);
    cs_cal_schedule(cal, 10.0, -128, nop_fn, NULL);
    cs_cal_destroy(cal);
}

static void test_death(void **state)
{
    (void)state;
    assert_false(dies_with_sigabrt(child_ok));
    assert_true(dies_with_sigabrt(child_schedule_in_past));
    assert_true(dies_with_sigabrt(child_schedule_nan));
    assert_true(dies_with_sigabrt(child_schedule_inf));
    assert_true(dies_with_sigabrt(child_prio_high));
    assert_true(dies_with_sigabrt(child_prio_low));
    assert_true(dies_with_sigabrt(child_null_fn));
}

/* ------------------------------------------------------------------------------------ */

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_order_random_ties),
        cmocka_unit_test(test_order_wide_range),
        cmocka_unit_test(test_order_model_based),
        cmocka_unit_test(test_priority_extremes),
        cmocka_unit_test(test_cancel_half),
        cmocka_unit_test(test_stale_handles),
        cmocka_unit_test(test_time_of),
        cmocka_unit_test(test_handler_same_time_fifo),
        cmocka_unit_test(test_run_until_clock),
        cmocka_unit_test(test_step),
        cmocka_unit_test(test_stop),
        cmocka_unit_test(test_pending_executed_reset),
        cmocka_unit_test(test_pool_growth),
        cmocka_unit_test(test_create_hint),
        cmocka_unit_test(test_death),
    };
    return cmocka_run_group_tests_name("cal", tests, NULL, NULL);
}
