/* Tests for sim/rep: replications on threads, results independent of the thread count.
 *
 * cmocka's assertions must run on the main thread (a failure longjmps), so the replication
 * callbacks only record what they see in atomics and per-replication slots; the checks run
 * after cs_rep_run returns.  Thread scheduling is not deterministic, so the tests that are
 * about "regardless of scheduling" make the unfavourable interleaving likely on purpose
 * (a slow low-numbered failure next to a fast high-numbered one) and repeat the run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>

#include "sim/rep.h"
#include "sim/rng.h"

#define MAX_REPS 200
#define MAX_WORKERS 16

static void sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    while (nanosleep(&ts, &ts) != 0) {
    }
}

/* ------------------------------------------------------------------------------------
 * Bookkeeping callback: counts calls per replication, checks the worker contract. */

typedef struct book {
    atomic_int calls[MAX_REPS];
    atomic_int in_use[MAX_WORKERS];   /* a worker id is never used by two calls at once */
    atomic_int bad_worker;            /* worker id outside [0, n_workers) */
    atomic_int overlap;               /* the same worker id in two concurrent calls */
    atomic_int out_of_range;          /* rep >= n_reps */
    atomic_int off_main;              /* calls not on the calling thread */
    int n_workers_expected;
    uint32_t n_reps;
    pthread_t main_thread;
} book;

static void book_init(book *b, uint32_t n_reps, int n_workers)
{
    memset(b, 0, sizeof *b);
    for (int i = 0; i < MAX_REPS; i++) atomic_init(&b->calls[i], 0);
    for (int i = 0; i < MAX_WORKERS; i++) atomic_init(&b->in_use[i], 0);
    atomic_init(&b->bad_worker, 0);
    atomic_init(&b->overlap, 0);
    atomic_init(&b->out_of_range, 0);
    atomic_init(&b->off_main, 0);
    b->n_workers_expected = n_workers < 1 ? 1 : n_workers;
    b->n_reps = n_reps;
    b->main_thread = pthread_self();
}

static cs_status book_fn(void *ud, int worker, uint32_t rep, cs_error *err)
{
    (void)err;
    book *b = ud;
    if (rep >= b->n_reps || rep >= MAX_REPS) {
        atomic_fetch_add(&b->out_of_range, 1);
        return CS_OK;
    }
    if (worker < 0 || worker >= b->n_workers_expected || worker >= MAX_WORKERS) {
        atomic_fetch_add(&b->bad_worker, 1);
    } else if (atomic_exchange(&b->in_use[worker], 1) != 0) {
        atomic_fetch_add(&b->overlap, 1);
    }
    if (!pthread_equal(pthread_self(), b->main_thread)) atomic_fetch_add(&b->off_main, 1);
    /* Some work of varying length, so workers interleave. */
    volatile double s = 0;
    for (uint32_t i = 0; i < 2000u * (rep % 7 + 1); i++) s += sqrt((double)i);
    atomic_fetch_add(&b->calls[rep], 1);
    if (worker >= 0 && worker < b->n_workers_expected && worker < MAX_WORKERS) atomic_store(&b->in_use[worker], 0);
    return CS_OK;
}

typedef struct ticks {
    uint32_t seen[4096];
    size_t n;
    bool off_main;
    pthread_t main_thread;
} ticks;

static void tick_fn(void *ud, uint32_t done)
{
    ticks *t = ud;
    if (!pthread_equal(pthread_self(), t->main_thread)) t->off_main = true;
    if (t->n < sizeof t->seen / sizeof t->seen[0]) t->seen[t->n++] = done;
}

/* ------------------------------------------------------------------------------------ */

static void test_every_rep_exactly_once(void **state)
{
    (void)state;
    const int workers[] = {1, 2, 7};
    const uint32_t reps[] = {0, 1, 5, 100};
    static book b;   /* large: keep it off the stack */
    static ticks t;
    for (int with_tick = 0; with_tick < 2; with_tick++)
        for (size_t w = 0; w < 3; w++)
            for (size_t r = 0; r < 4; r++) {
                book_init(&b, reps[r], workers[w]);
                memset(&t, 0, sizeof t);
                t.main_thread = pthread_self();
                cs_error err = {CS_OK, ""};
                cs_status st = cs_rep_run(reps[r], workers[w], book_fn, &b, with_tick ? tick_fn : NULL, &t, &err);
                assert_int_equal(st, CS_OK);
                for (uint32_t i = 0; i < reps[r]; i++) {
                    if (atomic_load(&b.calls[i]) != 1) {
                        print_error("workers %d, n %u, tick %d: replication %u ran %d times\n", workers[w], reps[r],
                                    with_tick, i, atomic_load(&b.calls[i]));
                        fail();
                    }
                }
                for (uint32_t i = reps[r]; i < MAX_REPS; i++) assert_int_equal(atomic_load(&b.calls[i]), 0);
                assert_int_equal(atomic_load(&b.out_of_range), 0);
                assert_int_equal(atomic_load(&b.bad_worker), 0);
                assert_int_equal(atomic_load(&b.overlap), 0);
                /* "1 = the calling thread only" (without a progress callback). */
                if (workers[w] == 1 && !with_tick) assert_int_equal(atomic_load(&b.off_main), 0);
                if (with_tick) {
                    assert_true(t.n >= 1);
                    assert_int_equal(t.seen[t.n - 1], reps[r]);
                    assert_false(t.off_main);
                } else {
                    assert_int_equal(t.n, 0);
                }
            }
}

/* n_workers below 1 means 1; more workers than replications is harmless. */
static void test_worker_count_edges(void **state)
{
    (void)state;
    static book b;
    const int odd[] = {0, -3};
    for (int i = 0; i < 2; i++) {
        book_init(&b, 10, 1);
        assert_int_equal(cs_rep_run(10, odd[i], book_fn, &b, NULL, NULL, NULL), CS_OK);
        for (int r = 0; r < 10; r++) assert_int_equal(atomic_load(&b.calls[r]), 1);
        assert_int_equal(atomic_load(&b.bad_worker), 0);
        assert_int_equal(atomic_load(&b.off_main), 0);
    }
    /* 12 workers for 3 replications: each still runs once, worker ids within [0, 12). */
    book_init(&b, 3, 12);
    assert_int_equal(cs_rep_run(3, 12, book_fn, &b, NULL, NULL, NULL), CS_OK);
    for (int r = 0; r < 3; r++) assert_int_equal(atomic_load(&b.calls[r]), 1);
    assert_int_equal(atomic_load(&b.bad_worker), 0);
    assert_true(cs_rep_cpus() >= 1);
}

/* ------------------------------------------------------------------------------------
 * Results by replication index do not depend on the number of workers. */

typedef struct sim_ud {
    double out_mean[MAX_REPS];
    double out_max[MAX_REPS];
    uint64_t out_first[MAX_REPS];
    double *scratch[MAX_WORKERS];   /* per-worker buffer, as the contract allows */
    atomic_int alloc_fail;
} sim_ud;

enum { SCRATCH = 4096 };

static cs_status sim_fn(void *ud, int worker, uint32_t rep, cs_error *err)
{
    sim_ud *u = ud;
    gsl_rng *r = cs_rng_stream(20240501, rep, "test/rep");
    if (!r) {
        atomic_fetch_add(&u->alloc_fail, 1);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    double *buf = u->scratch[worker];
    size_t n = 500 + (size_t)(rep % 13) * 250;   /* uneven work */
    double s = 0, mx = 0;
    for (size_t i = 0; i < n; i++) {
        buf[i] = gsl_ran_exponential(r, 180.0);
        s += buf[i];
        if (buf[i] > mx) mx = buf[i];
    }
    u->out_mean[rep] = s / (double)n;
    u->out_max[rep] = mx;
    u->out_first[rep] = gsl_rng_get(r);
    gsl_rng_free(r);
    return CS_OK;
}

static void run_sim(sim_ud *u, uint32_t n, int workers, bool tick)
{
    memset(u->out_mean, 0, sizeof u->out_mean);
    memset(u->out_max, 0, sizeof u->out_max);
    memset(u->out_first, 0, sizeof u->out_first);
    atomic_init(&u->alloc_fail, 0);
    static ticks t;
    memset(&t, 0, sizeof t);
    t.main_thread = pthread_self();
    assert_int_equal(cs_rep_run(n, workers, sim_fn, u, tick ? tick_fn : NULL, &t, NULL), CS_OK);
    assert_int_equal(atomic_load(&u->alloc_fail), 0);
}

static void test_results_independent_of_workers(void **state)
{
    (void)state;
    static sim_ud u, ref;
    for (int w = 0; w < MAX_WORKERS; w++) {
        u.scratch[w] = malloc(SCRATCH * sizeof(double));
        assert_non_null(u.scratch[w]);
    }
    const uint32_t n = 100;
    run_sim(&u, n, 1, false);
    memcpy(ref.out_mean, u.out_mean, sizeof ref.out_mean);
    memcpy(ref.out_max, u.out_max, sizeof ref.out_max);
    memcpy(ref.out_first, u.out_first, sizeof ref.out_first);
    for (uint32_t i = 0; i < n; i++) assert_true(ref.out_mean[i] > 0);   /* every slot written */
    for (uint32_t i = 1; i < n; i++) assert_true(ref.out_first[i] != ref.out_first[i - 1]);   /* reps differ */

    const int workers[] = {2, 7, 4};
    for (size_t k = 0; k < 4; k++) {
        bool tick = k == 3;
        run_sim(&u, n, tick ? 3 : workers[k], tick);
        assert_memory_equal(u.out_mean, ref.out_mean, n * sizeof(double));
        assert_memory_equal(u.out_max, ref.out_max, n * sizeof(double));
        assert_memory_equal(u.out_first, ref.out_first, n * sizeof(uint64_t));
    }
    for (int w = 0; w < MAX_WORKERS; w++) free(u.scratch[w]);
}

/* ------------------------------------------------------------------------------------
 * Error reporting: the lowest-numbered failing replication, whatever the timing. */

typedef struct fail_ud {
    atomic_int calls[MAX_REPS];
    uint32_t slow_rep;   /* this one sleeps before failing, so the other failure lands first */
} fail_ud;

static cs_status fail_fn(void *ud, int worker, uint32_t rep, cs_error *err)
{
    (void)worker;
    fail_ud *f = ud;
    atomic_fetch_add(&f->calls[rep], 1);
    if (rep == f->slow_rep) sleep_ms(3);
    if (rep == 3) return cs_error_set(err, CS_EIO, "replication %u: cannot write trace file", rep);
    if (rep == 7) return cs_error_set(err, CS_EINPUT, "replication %u: bad staffing table", rep);
    return CS_OK;
}

static void check_fail_run(int workers, uint32_t slow_rep, bool tick, cs_error *errp)
{
    static fail_ud f;
    for (int i = 0; i < MAX_REPS; i++) atomic_init(&f.calls[i], 0);
    f.slow_rep = slow_rep;
    static ticks t;
    memset(&t, 0, sizeof t);
    t.main_thread = pthread_self();
    cs_error err = {CS_OK, ""};
    if (errp) *errp = err;
    cs_status st = cs_rep_run(20, workers, fail_fn, &f, tick ? tick_fn : NULL, &t, errp);
    if (st != CS_EIO || (errp && (errp->code != CS_EIO || strcmp(errp->msg, "replication 3: cannot write trace file") != 0))) {
        print_error("workers %d, slow rep %u: status %d, message '%s'\n", workers, slow_rep, (int)st,
                    errp ? errp->msg : "(no err)");
        fail();
    }
    /* A failure does not stop the other replications. */
    for (int i = 0; i < 20; i++) assert_int_equal(atomic_load(&f.calls[i]), 1);
}

/* A replication may fail without filling in the message: the status still comes back, and
 * err carries that status (not CS_OK). */
static cs_status bare_fail_fn(void *ud, int worker, uint32_t rep, cs_error *err)
{
    (void)ud;
    (void)worker;
    (void)err;
    return rep == 5 || rep == 9 ? (rep == 5 ? CS_EDOM : CS_EINTERNAL) : CS_OK;
}

static void test_status_without_message(void **state)
{
    (void)state;
    for (int w = 1; w <= 4; w++) {
        cs_error err = {CS_OK, "untouched"};
        assert_int_equal(cs_rep_run(12, w, bare_fail_fn, NULL, NULL, NULL, &err), CS_EDOM);
        assert_int_equal(err.code, CS_EDOM);
    }
}

static void test_lowest_failing_rep_reported(void **state)
{
    (void)state;
    cs_error err;
    /* Rep 3 slow: rep 7 usually fails first in time and must be overridden.  Rep 7 slow:
     * rep 3 fails first and must not be overridden. */
    for (int run = 0; run < 120; run++) check_fail_run(4, run % 2 ? 3 : 7, false, &err);
    for (int run = 0; run < 20; run++) check_fail_run(1 + run % 8, 3, false, &err);
    check_fail_run(4, 3, false, NULL);   /* err may be NULL: only the status comes back */
    check_fail_run(4, 3, true, &err);
    check_fail_run(1, 3, true, &err);
}

/* ------------------------------------------------------------------------------------
 * Progress callback
 *
 * Regression (bug found and fixed): with a progress callback the calling thread used to write
 * args[0] while worker thread 0 was already reading it, a data race (undefined behaviour in
 * C11) with no visible wrong result.  sim/rep.c now fills every args[] entry before any thread
 * starts.  Not observable from a cmocka assertion; build this file with -fsanitize=thread to
 * check:
 *   gcc -std=c11 -O1 -g -fsanitize=thread -D_POSIX_C_SOURCE=200809L -I. sim/status.c
 *       sim/rng.c sim/rep.c tests/test_rep.c $(pkg-config --cflags --libs gsl cmocka)
 *       -lpthread -lm && ./a.out      (no "WARNING: ThreadSanitizer") */

static cs_status slow_fn(void *ud, int worker, uint32_t rep, cs_error *err)
{
    (void)ud;
    (void)worker;
    (void)rep;
    (void)err;
    sleep_ms(10);
    return CS_OK;
}

static void test_tick(void **state)
{
    (void)state;
    static ticks t;
    memset(&t, 0, sizeof t);
    t.main_thread = pthread_self();
    int marker = 0;
    /* 30 x 10 ms on 2 workers: ~150 ms, so at least one tick while running plus the last. */
    assert_int_equal(cs_rep_run(30, 2, slow_fn, &marker, tick_fn, &t, NULL), CS_OK);
    assert_true(t.n >= 2);
    assert_false(t.off_main);
    for (size_t i = 0; i < t.n; i++) {
        assert_true(t.seen[i] <= 30);
        if (i > 0) assert_true(t.seen[i] >= t.seen[i - 1]);   /* progress never goes back */
    }
    assert_true(t.seen[0] < 30);   /* the first report came while work remained */
    assert_int_equal(t.seen[t.n - 1], 30);
}

/* ------------------------------------------------------------------------------------
 * Plans with several parts per replication (cs_rep_exec). */

#define P_REPS 12
#define P_PARTS 5

typedef struct parts_ud {
    atomic_int runs[P_REPS][P_PARTS];
    atomic_int dones[P_REPS];
    atomic_int done_early;           /* done() ran before all parts of its replication */
    atomic_int order_pos;            /* items started so far (single-worker order check) */
    int started_at[P_REPS][P_PARTS]; /* position in the start order */
    double part_out[P_REPS][P_PARTS];
    double rep_out[P_REPS];          /* done() combines the parts */
    uint32_t fail_rep, fail_part;    /* this item fails (UINT32_MAX: none) */
    uint32_t fail_done_rep;          /* done() of this replication fails */
    uint32_t slow_rep;               /* sleeps before running */
} parts_ud;

static void parts_init(parts_ud *u)
{
    memset(u, 0, sizeof *u);
    for (int r = 0; r < P_REPS; r++) {
        atomic_init(&u->dones[r], 0);
        for (int p = 0; p < P_PARTS; p++) atomic_init(&u->runs[r][p], 0);
    }
    atomic_init(&u->done_early, 0);
    atomic_init(&u->order_pos, 0);
    u->fail_rep = u->fail_part = u->fail_done_rep = u->slow_rep = UINT32_MAX;
}

static cs_status parts_run(void *ud, int worker, uint32_t rep, uint32_t part, cs_error *err)
{
    (void)worker;
    parts_ud *u = ud;
    u->started_at[rep][part] = atomic_fetch_add(&u->order_pos, 1);
    if (rep == u->slow_rep) sleep_ms(3);
    /* Per-item output from a stream seeded by (rep, part): what a force of a national run is. */
    char name[32];
    snprintf(name, sizeof name, "part/%u", part);
    gsl_rng *r = cs_rng_stream(99, rep, name);
    if (!r) return cs_error_set(err, CS_ENOMEM, "out of memory");
    double s = 0;
    for (uint32_t i = 0; i < 300u * (part + 1); i++) s += gsl_rng_uniform(r);
    gsl_rng_free(r);
    u->part_out[rep][part] = s;
    atomic_fetch_add(&u->runs[rep][part], 1);
    if (rep == u->fail_rep && part == u->fail_part)
        return cs_error_set(err, CS_EIO, "replication %u part %u failed", rep, part);
    return CS_OK;
}

static cs_status parts_done(void *ud, int worker, uint32_t rep, cs_error *err)
{
    (void)worker;
    parts_ud *u = ud;
    double s = 0;
    for (uint32_t p = 0; p < P_PARTS; p++) {
        if (atomic_load(&u->runs[rep][p]) != 1) atomic_fetch_add(&u->done_early, 1);
        s += u->part_out[rep][p];
    }
    u->rep_out[rep] = s;
    atomic_fetch_add(&u->dones[rep], 1);
    if (rep == u->fail_done_rep) return cs_error_set(err, CS_EDOM, "replication %u: totals failed", rep);
    return CS_OK;
}

static cs_status exec_parts(parts_ud *u, int workers, const double *cost, bool tick, cs_error *err)
{
    static ticks t;
    memset(&t, 0, sizeof t);
    t.main_thread = pthread_self();
    cs_rep_plan plan;
    memset(&plan, 0, sizeof plan);
    plan.n_reps = P_REPS;
    plan.n_parts = P_PARTS;
    plan.part_cost = cost;
    plan.n_workers = workers;
    plan.run = parts_run;
    plan.done = parts_done;
    plan.ud = u;
    plan.tick = tick ? tick_fn : NULL;
    plan.tick_ud = &t;
    cs_status st = cs_rep_exec(&plan, err);
    if (tick) {
        assert_false(t.off_main);
        assert_true(t.n >= 1);
        assert_int_equal(t.seen[t.n - 1], st == CS_OK ? P_REPS : t.seen[t.n - 1]);
    }
    return st;
}

/* Every (rep, part) runs once, done() once per replication after all its parts, and the
 * combined results are the same bytes whatever the number of workers. */
static void test_parts_once_and_independent(void **state)
{
    (void)state;
    static parts_ud u;
    static double ref[P_REPS];
    const double cost[P_PARTS] = {1, 40, 3, 40, 7};
    const int workers[] = {1, 2, 3, 8};
    for (size_t k = 0; k < 8; k++) {
        parts_init(&u);
        assert_int_equal(exec_parts(&u, workers[k % 4], k % 2 ? cost : NULL, k >= 4, NULL), CS_OK);
        for (int r = 0; r < P_REPS; r++) {
            for (int p = 0; p < P_PARTS; p++) assert_int_equal(atomic_load(&u.runs[r][p]), 1);
            assert_int_equal(atomic_load(&u.dones[r]), 1);
        }
        assert_int_equal(atomic_load(&u.done_early), 0);
        if (k == 0) memcpy(ref, u.rep_out, sizeof ref);
        assert_memory_equal(u.rep_out, ref, sizeof ref);
    }
}

/* Largest parts first (ties in part order), each part across all replications: with one
 * worker the start order is exactly that. */
static void test_parts_largest_first(void **state)
{
    (void)state;
    static parts_ud u;
    const double cost[P_PARTS] = {1, 40, 3, 40, 7};
    const uint32_t want[P_PARTS] = {1, 3, 4, 2, 0};
    parts_init(&u);
    assert_int_equal(exec_parts(&u, 1, cost, false, NULL), CS_OK);
    for (int k = 0; k < P_PARTS; k++)
        for (int r = 0; r < P_REPS; r++) assert_int_equal(u.started_at[r][want[k]], k * P_REPS + r);
    /* Without costs: part 0 first. */
    parts_init(&u);
    assert_int_equal(exec_parts(&u, 1, NULL, false, NULL), CS_OK);
    for (int p = 0; p < P_PARTS; p++)
        for (int r = 0; r < P_REPS; r++) assert_int_equal(u.started_at[r][p], p * P_REPS + r);
}

/* A failing part: all items still run, its replication gets no done(), and the error is the
 * first failure in (rep, part) order; a failing done() counts after its replication's parts. */
static void test_parts_failures(void **state)
{
    (void)state;
    static parts_ud u;
    const double cost[P_PARTS] = {1, 40, 3, 40, 7};
    for (int run = 0; run < 24; run++) {
        parts_init(&u);
        u.fail_rep = 4;
        u.fail_part = 2;
        u.fail_done_rep = 6;
        u.slow_rep = run % 2 ? 4 : 6;   /* either failure may happen first in time */
        cs_error err = {CS_OK, ""};
        assert_int_equal(exec_parts(&u, 1 + run % 4, run % 3 ? cost : NULL, run % 5 == 0, &err), CS_EIO);
        assert_string_equal(err.msg, "replication 4 part 2 failed");
        for (int r = 0; r < P_REPS; r++) {
            for (int p = 0; p < P_PARTS; p++) assert_int_equal(atomic_load(&u.runs[r][p]), 1);
            assert_int_equal(atomic_load(&u.dones[r]), r == 4 ? 0 : 1);
        }
        /* Only the done() failure left: it is reported, after replication 6's parts. */
        parts_init(&u);
        u.fail_done_rep = 6;
        u.fail_rep = 6;
        u.fail_part = UINT32_MAX;
        assert_int_equal(exec_parts(&u, 1 + run % 4, cost, false, &err), CS_EDOM);
        assert_string_equal(err.msg, "replication 6: totals failed");
    }
}

/* With a progress callback the call returns when the work ends, not at the next 100 ms tick
 * (the runner used to poll, which rounded every run's wall time up to 100 ms). */
static cs_status quick_fn(void *ud, int worker, uint32_t rep, cs_error *err)
{
    (void)ud;
    (void)worker;
    (void)rep;
    (void)err;
    sleep_ms(1);
    return CS_OK;
}

static void test_returns_when_work_ends(void **state)
{
    (void)state;
    static ticks t;
    double best = 1e9;
    for (int run = 0; run < 5; run++) {
        memset(&t, 0, sizeof t);
        t.main_thread = pthread_self();
        struct timespec a, b;
        clock_gettime(CLOCK_MONOTONIC, &a);
        assert_int_equal(cs_rep_run(4, 2, quick_fn, NULL, tick_fn, &t, NULL), CS_OK);
        clock_gettime(CLOCK_MONOTONIC, &b);
        double ms = (double)(b.tv_sec - a.tv_sec) * 1e3 + (double)(b.tv_nsec - a.tv_nsec) * 1e-6;
        if (ms < best) best = ms;
        assert_int_equal(t.seen[t.n - 1], 4);
    }
    /* About 2 ms of work; best of 5 so that a busy machine does not make it flaky. */
    if (!(best < 50.0)) fail_msg("cs_rep_run with a progress callback took %.1f ms for 2 ms of work", best);
}

/* ------------------------------------------------------------------------------------ */

int main(void)
{
    gsl_set_error_handler_off();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_rep_exactly_once),
        cmocka_unit_test(test_worker_count_edges),
        cmocka_unit_test(test_results_independent_of_workers),
        cmocka_unit_test(test_status_without_message),
        cmocka_unit_test(test_lowest_failing_rep_reported),
        cmocka_unit_test(test_tick),
        cmocka_unit_test(test_parts_once_and_independent),
        cmocka_unit_test(test_parts_largest_first),
        cmocka_unit_test(test_parts_failures),
        cmocka_unit_test(test_returns_when_work_ends),
    };
    return cmocka_run_group_tests_name("rep", tests, NULL, NULL);
}
