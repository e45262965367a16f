/* Tests for the scenario loader (io/scenario*.c, io/yamldoc.c).
 *
 * Fixtures live in tests/data/scenarios/ (run from the repository root).  Good fixtures are
 * checked value by value against what README.md ("The scenario file") says they mean; each bad
 * fixture is checked for the file, line, column and a key phrase of the diagnostic it must
 * produce, so a message that moves to the wrong place fails the test. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "io/scenario.h"
#include "models/dist.h"
#include "models/scenario.h"

#define DIR "tests/data/scenarios/"
#define H 3600.0
#define D 86400.0

/* ---- helpers --------------------------------------------------------------------------- */

static void print_diags(const cs_diags *d)
{
    for (size_t i = 0; i < d->n; i++) {
        char buf[1024];
        cs_diag_format(&d->items[i], buf, sizeof buf);
        print_message("  %s\n", buf);
    }
}

static cs_scn *load_ok(const char *path)
{
    cs_scn *s = NULL;
    cs_diags d = {0};
    cs_status st = cs_scn_load(path, &s, &d);
    if (st != CS_OK) print_diags(&d);
    assert_int_equal(st, CS_OK);
    assert_non_null(s);
    assert_int_equal(d.n, 0);
    cs_diags_free(&d);
    return s;
}

/* Loads a bad file: must fail with CS_EINPUT, no scenario, at least one diagnostic. */
static void load_bad(const char *path, cs_diags *d)
{
    cs_scn *s = (cs_scn *)d;   /* non-NULL sentinel: the loader must reset it */
    cs_status st = cs_scn_load(path, &s, d);
    assert_int_equal(st, CS_EINPUT);
    assert_null(s);
    assert_true(d->n > 0);
}

/* Asserts that a diagnostic at file:line:col contains phrase (and path, if given). */
static void expect_diag(const cs_diags *d, const char *file, unsigned line, unsigned col,
                        const char *phrase, const char *path)
{
    for (size_t i = 0; i < d->n; i++) {
        const cs_diag *g = &d->items[i];
        if (strcmp(g->file, file) == 0 && g->line == line && g->col == col &&
            strstr(g->msg, phrase) && (!path || strcmp(g->path, path) == 0))
            return;
    }
    print_message("expected %s:%u:%u: ...%s... (at %s), got:\n", file, line, col, phrase,
                  path ? path : "*");
    print_diags(d);
    fail();
}

/* A bad fixture that must produce exactly n diagnostics, the first as described. */
static void bad_one(const char *name, size_t n, unsigned line, unsigned col, const char *phrase,
                    const char *path)
{
    char file[256];
    snprintf(file, sizeof file, DIR "%s", name);
    cs_diags d = {0};
    load_bad(file, &d);
    if (d.n != n) print_diags(&d);
    assert_int_equal(d.n, n);
    expect_diag(&d, file, line, col, phrase, path);
    cs_diags_free(&d);
}

static double week_volume(const cs_profile *p)
{
    double v = 0;
    for (size_t i = 0; i < p->n_slots; i++) v += p->rate[i] * p->slot_len;
    return v;
}

static double rate_at(const cs_profile *p, double t)
{
    return p->rate[(size_t)(t / p->slot_len)];
}

/* ---- good files ------------------------------------------------------------------------ */

static void test_erlang_a(void **state)
{
    (void)state;
    cs_scn *s = load_ok("scenarios/erlang_a.yaml");
    assert_string_equal(s->name, "Erlang-A check");
    assert_non_null(s->description);
    assert_string_equal(s->description, "");
    assert_true(s->horizon == 6 * D);
    assert_true(s->warmup == 1 * D);
    assert_int_equal(s->replications, 20);
    assert_true(s->seed == 1);
    assert_true(s->interval == 900);   /* default 15m */
    assert_int_equal(s->n_lines, 1);
    assert_int_equal(s->n_queues, 1);
    assert_int_equal(s->n_pools, 1);
    assert_int_equal(s->n_surges + s->n_effects + s->n_outages, 0);

    const cs_line *L = &s->lines[0];
    assert_string_equal(L->name, "101");
    assert_int_equal(L->priority, 0);
    assert_int_equal(L->demand.n_slots, 1);
    assert_true(L->demand.slot_len == CS_WEEK);
    assert_true(L->demand.rate[0] == 2.0);
    assert_true(L->daily_cv == 0);
    assert_int_equal(L->trunks, -1);
    assert_int_equal(L->queue_places, -1);
    assert_int_equal(L->ivr.enabled, 0);
    assert_int_equal(L->queue, 0);
    assert_int_equal(L->patience.kind, CS_DIST_EXPONENTIAL);
    assert_true(L->patience.a == 120.0);
    assert_true(L->target_within == 10.0);
    assert_true(L->target_share == 0.9);
    assert_int_equal(L->redial.max_attempts, 1);
    assert_true(L->redial.prob == 0);
    assert_int_equal(L->spill.to_line, -1);
    assert_int_equal(L->callback.enabled, 0);

    const cs_queue *Q = &s->queues[0];
    assert_string_equal(Q->name, "101");
    assert_int_equal(Q->line, 0);
    assert_int_equal(Q->handle.kind, CS_DIST_EXPONENTIAL);
    assert_true(Q->handle.a == 180.0);
    assert_int_equal(Q->wrap.kind, CS_DIST_DETERMINISTIC);
    assert_true(Q->wrap.a == 0.0);
    assert_int_equal(Q->has_patience, 0);
    assert_int_equal(Q->transfer_queue, -1);

    const cs_pool *P = &s->pools[0];
    assert_string_equal(P->name, "handlers");
    assert_int_equal(P->n_queues, 1);
    assert_int_equal(P->queues[0], 0);
    assert_int_equal(P->rule, CS_PICK_PRIORITY);
    assert_int_equal(P->n_shifts, 0);
    assert_int_equal(P->staffing.n, 1);
    assert_true(P->staffing.at[0] == 0.0);
    assert_int_equal(P->staffing.level[0], 380);
    cs_scn_free(s);
}

static void test_rich_top_and_lines(void **state)
{
    (void)state;
    cs_scn *s = load_ok(DIR "good_rich.yaml");
    assert_string_equal(s->name, "Rich fixture");
    assert_string_equal(s->description, "Uses every key");
    assert_true(s->horizon == 15 * D);
    assert_int_equal(s->replications, 30);
    assert_true(s->seed == UINT64_MAX);
    assert_true(s->interval == 1800);
    assert_int_equal(s->n_lines, 3);
    assert_int_equal(s->n_queues, 5);   /* 3 main queues, then crime and crb */
    assert_int_equal(cs_scn_queue_index(s, "crime"), 3);
    assert_int_equal(cs_scn_queue_index(s, "crb"), 4);

    const cs_line *L0 = &s->lines[0], *L1 = &s->lines[1], *L2 = &s->lines[2];
    /* 999 */
    assert_int_equal(L0->priority, 2);
    assert_int_equal(L0->trunks, 120);
    assert_int_equal(L0->queue_places, 80);
    assert_true(L0->daily_cv == 0.1);
    assert_true(L0->target_within == 10 && L0->target_share == 0.9);
    assert_true(L0->redial.prob == 0.6);
    assert_int_equal(L0->redial.max_attempts, 4);
    assert_int_equal(L0->redial.delay.kind, CS_DIST_EXPONENTIAL);
    assert_true(L0->redial.delay.a == 60);
    /* mixture patience: 15% exponential(30 s), 85% never */
    assert_int_equal(L0->patience.kind, CS_DIST_MIXTURE);
    assert_int_equal(L0->patience.n_comp, 2);
    assert_true(fabs(L0->patience.weights[0] - 0.15) < 1e-12);
    assert_true(fabs(L0->patience.weights[1] - 0.85) < 1e-12);
    assert_int_equal(L0->patience.comp[0].kind, CS_DIST_EXPONENTIAL);
    assert_true(L0->patience.comp[0].a == 30);
    assert_int_equal(L0->patience.comp[1].kind, CS_DIST_NEVER);
    assert_true(isinf(cs_dist_mean(&L0->patience)));
    assert_true(fabs(cs_dist_mean(&s->queues[0].handle) - 300) < 1e-9);   /* lognormal mean */
    assert_int_equal(s->queues[0].wrap.kind, CS_DIST_UNIFORM);
    assert_true(s->queues[0].wrap.a == 30 && s->queues[0].wrap.b == 90);

    /* 101: IVR routes to queue indexes */
    assert_int_equal(L1->ivr.enabled, 1);
    assert_int_equal(L1->ivr.time.kind, CS_DIST_GAMMA);
    assert_true(L1->ivr.time.a == 2 && L1->ivr.time.b == 20);
    assert_true(L1->ivr.abandon == 0.05 && L1->ivr.deflect == 0.1);
    assert_int_equal(L1->ivr.n_routes, 2);
    assert_string_equal(L1->ivr.routes[0].name, "crime");
    assert_int_equal(L1->ivr.routes[0].queue, 3);
    assert_true(L1->ivr.routes[0].share == 0.4);
    assert_string_equal(L1->ivr.routes[1].name, "other");
    assert_int_equal(L1->ivr.routes[1].queue, 1);   /* default: the line's main queue */
    assert_true(L1->ivr.routes[1].share == 0.6);
    assert_int_equal(s->queues[1].handle.kind, CS_DIST_GAMMA);
    assert_true(fabs(s->queues[1].handle.a - 4) < 1e-12);    /* mean 4m, sd 2m -> shape 4 */
    assert_true(fabs(s->queues[1].handle.b - 60) < 1e-9);   /* scale 60 s */
    assert_int_equal(s->queues[1].wrap.kind, CS_DIST_DETERMINISTIC);
    assert_true(s->queues[1].wrap.a == 60);
    assert_int_equal(L1->patience.kind, CS_DIST_WEIBULL);
    assert_true(fabs(cs_dist_mean(&L1->patience) - 540) < 1e-6);
    assert_true(L1->target_within == 20 && L1->target_share == 0.8);   /* defaults */
    /* spillover with defaults for delay */
    assert_int_equal(L1->spill.to_line, 0);
    assert_true(L1->spill.share == 0.05 && L1->spill.after == 600);
    assert_true(L1->spill.per_minute == 0.005 && L1->spill.max == 0.3);
    assert_int_equal(L1->spill.delay.kind, CS_DIST_DETERMINISTIC);
    assert_true(L1->spill.delay.a == 30);
    /* callback defaults */
    const cs_callback *cb = &L1->callback;
    assert_int_equal(cb->enabled, 1);
    assert_true(cb->offer_over == 300 && cb->accept == 0.5 && cb->deadline == 3600);
    assert_true(cb->expire == 86400 && cb->reach == 1.0 && cb->retry_after == 900);
    assert_int_equal(cb->max_attempts, 1);
    assert_int_equal(cb->fail_time.kind, CS_DIST_DETERMINISTIC);
    assert_true(cb->fail_time.a == 60);
    assert_int_equal(cb->pool, 2);
    /* enquiries */
    assert_int_equal(L2->priority, -1);
    assert_int_equal(L2->patience.kind, CS_DIST_NEVER);
    assert_int_equal(s->queues[2].handle.kind, CS_DIST_EMPIRICAL);
    assert_int_equal(s->queues[2].handle.n_values, 4);
    assert_int_equal(s->queues[2].priority, -1);

    /* queues and the transfer leg */
    const cs_queue *crime = &s->queues[3], *crb = &s->queues[4];
    assert_int_equal(crime->line, 1);
    assert_int_equal(crime->priority, 0);   /* the line's */
    assert_int_equal(crime->has_patience, 0);
    assert_int_equal(crime->wrap.kind, CS_DIST_DETERMINISTIC);
    assert_int_equal(crb->line, 1);
    assert_int_equal(crb->priority, 1);
    assert_int_equal(crb->has_patience, 1);
    assert_true(crb->patience.a == 1200);
    assert_true(crb->wrap.a == 120);
    assert_int_equal(crb->handle.kind, CS_DIST_WEIBULL);
    assert_int_equal(crb->is_transfer_leg, 1);
    assert_int_equal(crb->transfer_queue, -1);
    assert_int_equal(s->queues[1].transfer_queue, 4);
    assert_true(s->queues[1].transfer_share == 0.3);
    assert_int_equal(crime->transfer_queue, 4);   /* every first-leg queue of the line */
    assert_int_equal(s->queues[0].transfer_queue, -1);
    cs_scn_free(s);
}

static void test_rich_pools_and_roster(void **state)
{
    (void)state;
    cs_scn *s = load_ok(DIR "good_rich.yaml");
    const cs_pool *em = &s->pools[0], *gen = &s->pools[1], *cbp = &s->pools[2];
    /* staff 25, shrinkage 30%: 17.5 rounds half up to 18 */
    assert_int_equal(em->staffing.n, 1);
    assert_int_equal(em->staffing.level[0], 18);
    assert_true(em->shrinkage == 0.3);

    assert_int_equal(gen->rule, CS_PICK_WEIGHTED);
    assert_int_equal(gen->n_queues, 4);
    int expect_q[4] = {1, 3, 4, 2};
    double expect_w[4] = {1, 2, 0.5, 0};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(gen->queues[i], expect_q[i]);
        assert_true(gen->weights[i] == expect_w[i]);
    }
    assert_int_equal(gen->n_shifts, 4);
    assert_int_equal(gen->shifts[0].days, 0x1F);
    assert_true(gen->shifts[0].start == 7 * H && gen->shifts[0].length == 8 * H);
    assert_true(gen->shifts[0].staff == 20 && gen->shifts[0].break_time == 45 * 60);
    assert_int_equal(gen->shifts[2].days, 0x7F);
    assert_int_equal(gen->shifts[3].days, 0x60);
    /* Shares on duty (shrinkage 20%): early 20*(1-45/480)*0.8 = 14.5, late 15*(1-30/480)*0.8
     * = 11.25, night 6*0.8 = 4.8, weekend 10*(1-60/600)*0.8 = 7.2. */
    assert_true(gen->staffing.at[0] == 0);
    assert_int_equal(cs_scn_staff_at(gen, 3 * H), 5);            /* Sunday's night shift */
    assert_int_equal(cs_scn_staff_at(gen, 7.5 * H), 19);         /* 14.5 + 4.8 = 19.3 */
    assert_int_equal(cs_scn_staff_at(gen, 10 * H), 15);          /* 14.5 rounds half up */
    assert_int_equal(cs_scn_staff_at(gen, 16 * H), 11);          /* 11.25 */
    assert_int_equal(cs_scn_staff_at(gen, 22.5 * H), 16);        /* 11.25 + 4.8 = 16.05 */
    assert_int_equal(cs_scn_staff_at(gen, 5 * D + 7 * H), 12);   /* Sat: 7.2 + 4.8 */
    assert_int_equal(cs_scn_staff_at(gen, 5 * D + 15.5 * H), 18);   /* 7.2 + 11.25 = 18.45 */
    assert_int_equal(cs_scn_staff_at(gen, 6 * D + 23.5 * H), 5);
    for (size_t i = 1; i < gen->staffing.n; i++) {   /* merged and increasing */
        assert_true(gen->staffing.at[i] > gen->staffing.at[i - 1]);
        assert_true(gen->staffing.level[i] != gen->staffing.level[i - 1]);
    }
    assert_int_equal(cbp->staffing.level[0], 3);
    assert_int_equal(cbp->n_queues, 1);
    assert_int_equal(cbp->queues[0], 1);
    cs_scn_free(s);
}

static void test_rich_demand(void **state)
{
    (void)state;
    cs_scn *s = load_ok(DIR "good_rich.yaml");
    /* 999: per_day 1400 over hourly weights, weekends x1.5 */
    const cs_profile *p0 = &s->lines[0].demand;
    assert_true(p0->slot_len == 3600 && p0->n_slots == 168);
    assert_true(fabs(week_volume(p0) - 1400 * 7) < 1e-9);
    assert_true(fabs(rate_at(p0, 0) - 9800.0 * 1 / 384 / 3600) < 1e-15);
    assert_true(fabs(rate_at(p0, 5 * D + 12 * H) - 9800.0 * 4.5 / 384 / 3600) < 1e-15);
    /* 101: per_week 15400 over the CSV (time column -> interval slots) */
    const cs_profile *p1 = &s->lines[1].demand;
    assert_true(p1->slot_len == 1800 && p1->n_slots == 336);
    assert_true(fabs(week_volume(p1) - 15400) < 1e-9);
    assert_true(fabs(rate_at(p1, 7 * H) - 15400.0 * 4 / 119 / 1800) < 1e-15);
    assert_true(rate_at(p1, 7.5 * H) == 0);   /* rows not listed have weight 0 */
    assert_true(fabs(rate_at(p1, 3 * D + 23.5 * H) - 15400.0 / 119 / 1800) < 1e-15);
    /* enquiries: rates table, slot = gcd of the boundaries (30 min) */
    const cs_profile *p2 = &s->lines[2].demand;
    assert_true(p2->slot_len == 1800 && p2->n_slots == 336);
    assert_true(rate_at(p2, 18 * H) == 60.0 / 3600);
    assert_true(rate_at(p2, 18.5 * H) == 0);
    assert_true(rate_at(p2, 5 * D + 23 * H) == 30.0 / 3600);   /* Sat 22:00 -> Sun 02:00 */
    assert_true(rate_at(p2, 6 * D + 1.5 * H) == 30.0 / 3600);
    assert_true(rate_at(p2, 6 * D + 2 * H) == 0);
    assert_true(rate_at(p2, 5 * D + 12 * H) == 0);
    assert_true(fabs(week_volume(p2) - (5 * 10.5 * 60 + 4 * 30)) < 1e-9);
    cs_scn_free(s);
}

static void test_rich_windows(void **state)
{
    (void)state;
    cs_scn *s = load_ok(DIR "good_rich.yaml");
    assert_int_equal(s->n_surges, 2);
    assert_int_equal(s->surges[0].line, 0);
    assert_true(s->surges[0].start == 4 * D + 21 * H && s->surges[0].end == 4 * D + 27 * H);
    assert_true(s->surges[0].factor == 1.6);
    assert_int_equal(s->surges[0].weekly, 0);
    assert_int_equal(s->surges[1].line, -1);
    assert_true(s->surges[1].start == 8 * H && s->surges[1].end == 10 * H);
    assert_true(s->surges[1].factor == 1.2);
    assert_int_equal(s->surges[1].weekly, 1);

    assert_int_equal(s->n_effects, 2);
    assert_string_equal(s->effects[0].name, "new system");
    assert_int_equal(s->effects[0].on, CS_EFFECT_WRAP);
    assert_true(s->effects[0].factor == 0.7);
    assert_int_equal(s->effects[0].line, 1);
    assert_int_equal(s->effects[0].has_window, 1);
    assert_true(s->effects[0].window.start == 2 * D + 9 * H);
    assert_true(s->effects[0].window.end == 4 * D + 9 * H);
    assert_string_equal(s->effects[1].name, "headsets");
    assert_int_equal(s->effects[1].on, CS_EFFECT_HANDLE);
    assert_true(s->effects[1].factor == 0.95);
    assert_int_equal(s->effects[1].line, -1);
    assert_int_equal(s->effects[1].has_window, 0);

    assert_int_equal(s->n_outages, 2);
    assert_string_equal(s->outages[0].name, "telephony");
    assert_int_equal(s->outages[0].kind, CS_OUTAGE_CUT_OFF);
    assert_int_equal(s->outages[0].window.line, 1);
    assert_true(s->outages[0].window.start == 4 * D + 18 * H);
    assert_true(s->outages[0].window.end == 4 * D + 20 * H);
    assert_int_equal(s->outages[1].kind, CS_OUTAGE_SLOW);
    assert_true(s->outages[1].window.factor == 1.5);
    assert_int_equal(s->outages[1].window.line, -1);
    assert_true(s->outages[1].window.start == 8 * D + 10 * H);
    assert_true(s->outages[1].window.end == 8 * D + 12 * H);
    cs_scn_free(s);
}

/* ---- base: merging --------------------------------------------------------------------- */

static void test_base_variant(void **state)
{
    (void)state;
    cs_scn *s = load_ok(DIR "variant_roster.yaml");
    assert_string_equal(s->name, "night cover");   /* scalar overridden */
    assert_int_equal(s->replications, 50);
    assert_int_equal(s->n_lines, 2);               /* from the base */
    assert_int_equal(s->n_pools, 2);
    const cs_pool *first = &s->pools[0], *second = &s->pools[1];
    assert_string_equal(first->name, "first");
    assert_int_equal(first->n_queues, 1);          /* lines: kept from the base item */
    assert_int_equal(first->n_shifts, 2);          /* roster replaced, not appended */
    assert_int_equal(cs_scn_staff_at(first, 6 * H), 14);
    assert_int_equal(cs_scn_staff_at(first, 13 * H), 9);
    assert_int_equal(cs_scn_staff_at(first, 3 * D + 1 * H), 14);
    assert_string_equal(second->name, "second");
    assert_int_equal(second->staffing.level[0], 8);
    cs_scn_free(s);
}

static void test_base_chain(void **state)
{
    (void)state;
    cs_scn *s = load_ok(DIR "chain_a.yaml");   /* -> sub/chain_b.yaml -> ../chain_c.yaml */
    assert_string_equal(s->name, "chain a");
    assert_int_equal(s->replications, 7);      /* from a */
    assert_true(s->seed == 3);                 /* from c */
    assert_int_equal(s->n_lines, 2);           /* 999 appended by b */
    assert_string_equal(s->lines[0].name, "101");
    assert_string_equal(s->lines[1].name, "999");
    assert_true(s->lines[0].demand.rate[0] == 100.0 / 3600);   /* from c */
    assert_true(s->queues[0].handle.a == 360);                 /* b overrides c */
    assert_int_equal(s->pools[0].n_queues, 2);                 /* list from b */
    assert_int_equal(s->pools[0].staffing.level[0], 30);       /* staff from a */
    cs_scn_free(s);
}

static void test_base_error_in_base(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "variant_of_bad.yaml", &d);
    assert_int_equal(d.n, 2);
    /* file order: the variant first, then its base */
    assert_string_equal(d.items[0].file, DIR "variant_of_bad.yaml");
    expect_diag(&d, DIR "variant_of_bad.yaml", 3, 15, "whole number", "replications");
    assert_string_equal(d.items[1].file, DIR "base_with_error.yaml");
    expect_diag(&d, DIR "base_with_error.yaml", 6, 5, "unknown key 'patiense' (did you mean "
                "'patience'?)", "lines[0].patiense");
    cs_diags_free(&d);
}

static void test_base_loop_and_missing(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "loop_a.yaml", &d);
    assert_int_equal(d.n, 1);
    expect_diag(&d, DIR "loop_b.yaml", 1, 7,
                "base chain loops: " DIR "loop_a.yaml -> " DIR "loop_b.yaml -> " DIR
                "loop_a.yaml", "base");
    cs_diags_free(&d);

    load_bad(DIR "base_missing.yaml", &d);
    assert_int_equal(d.n, 1);
    expect_diag(&d, DIR "base_missing.yaml", 1, 7, "cannot read base scenario 'nowhere.yaml'",
                "base");
    cs_diags_free(&d);
}

static void test_base_conflict_and_removal(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "variant_staff.yaml", &d);
    assert_int_equal(d.n, 1);
    expect_diag(&d, DIR "variant_staff.yaml", 5, 5, "write 'roster: ~' in", "pools[0]");
    cs_diags_free(&d);

    /* The fix the message suggests: null removes the base's key. */
    const char *text = "base: base_baseline.yaml\n"
                       "name: flat\n"
                       "pools:\n"
                       "  - {name: first, staff: 12, roster: ~}\n";
    cs_scn *s = NULL;
    cs_status st = cs_scn_load_string(text, DIR "virtual.yaml", &s, &d);
    if (st != CS_OK) print_diags(&d);
    assert_int_equal(st, CS_OK);
    assert_int_equal(s->pools[0].n_shifts, 0);
    assert_int_equal(s->pools[0].staffing.n, 1);
    assert_int_equal(s->pools[0].staffing.level[0], 12);
    cs_scn_free(s);
    cs_diags_free(&d);
}

/* ---- bad files: one check each --------------------------------------------------------- */

static void test_bad_ivr_shares(void **state)
{
    (void)state;
    bad_one("bad_ivr_shares.yaml", 1, 9, 9, "IVR option shares add up to 90%",
            "lines[0].ivr.options");
}

static void test_bad_mixture_shares(void **state)
{
    (void)state;
    bad_one("bad_mixture_shares.yaml", 1, 8, 19, "shares add up to 95%",
            "lines[0].patience.components");
}

static void test_bad_abandon_deflect(void **state)
{
    (void)state;
    bad_one("bad_abandon_deflect.yaml", 1, 6, 10, "add up to 110%", "lines[0].ivr");
}

static void test_bad_unknown_pool_line(void **state)
{
    (void)state;
    bad_one("bad_unknown_pool_line.yaml", 1, 7, 30,
            "unknown line or queue '1O1' (did you mean '101'?)", "pools[0].lines[1]");
}

static void test_bad_unknown_transfer(void **state)
{
    (void)state;
    bad_one("bad_unknown_transfer.yaml", 1, 6, 35, "unknown queue 'crv' (did you mean 'crb'?)",
            "lines[0].transfer.queue");
}

static void test_bad_unknown_spill(void **state)
{
    (void)state;
    bad_one("bad_unknown_spill.yaml", 1, 6, 21, "unknown line '99' (did you mean '999'?)",
            "lines[0].spillover.to");
}

static void test_bad_unknown_callback_pool(void **state)
{
    (void)state;
    bad_one("bad_unknown_callback_pool.yaml", 1, 6, 75,
            "unknown pool 'callback' (did you mean 'callbacks'?)", "lines[0].callback.pool");
}

static void test_bad_spill_self(void **state)
{
    (void)state;
    bad_one("bad_spill_self.yaml", 1, 6, 21, "cannot spill over to itself",
            "lines[0].spillover.to");
}

static void test_bad_duplicate_names(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "bad_duplicate_names.yaml", &d);
    assert_int_equal(d.n, 2);   /* no echo from the roster check on the duplicate */
    expect_diag(&d, DIR "bad_duplicate_names.yaml", 6, 11,
                "duplicate line name '101' (first defined at line 3)", "lines[1].name");
    expect_diag(&d, DIR "bad_duplicate_names.yaml", 11, 12, "duplicate pool name 'p'",
                "pools[1].name");
    cs_diags_free(&d);
}

static void test_bad_queue_no_pool(void **state)
{
    (void)state;
    bad_one("bad_queue_no_pool.yaml", 1, 7, 5, "no pool takes queue 'crb'", "queues[0]");
}

static void test_bad_unstaffed(void **state)
{
    (void)state;
    bad_one("bad_unstaffed.yaml", 1, 3, 5,
            "line '101' has calls arriving Mon 02:00-06:00 but no handler on duty who can take "
            "them; add a shift or set allow_unstaffed: true", "lines[0]");
}

static void test_bad_unstaffed_wraps_week(void **state)
{
    (void)state;
    /* Nobody from Sunday 22:00 to Monday 06:00: the period is named across midnight. */
    const char *text = "name: x\n"
                       "lines:\n"
                       "  - {name: a, arrivals: {rate: 1/h}, handle: 1m}\n"
                       "pools:\n"
                       "  - name: p\n"
                       "    lines: [a]\n"
                       "    roster:\n"
                       "      - {days: [mon, tue, wed, thu, fri, sat], start: \"06:00\", "
                       "length: 24h, staff: 2}\n"
                       "      - {days: sun, start: \"06:00\", length: 16h, staff: 2}\n";
    cs_scn *s = NULL;
    cs_diags d = {0};
    assert_int_equal(cs_scn_load_string(text, "wrap.yaml", &s, &d), CS_EINPUT);
    assert_int_equal(d.n, 1);
    expect_diag(&d, "wrap.yaml", 3, 5, "arriving Sun 22:00-Mon 06:00 but", "lines[0]");
    cs_diags_free(&d);
}

static void test_bad_warmup(void **state)
{
    (void)state;
    bad_one("bad_warmup.yaml", 1, 3, 9, "warmup (2d) must be shorter than the horizon (2d)",
            "warmup");
}

static void test_bad_interval(void **state)
{
    (void)state;
    bad_one("bad_interval.yaml", 1, 2, 11, "interval 7m must divide the hour", "interval");
}

static void test_bad_shift_length(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "bad_shift_length.yaml", &d);
    assert_int_equal(d.n, 2);
    expect_diag(&d, DIR "bad_shift_length.yaml", 10, 45, "more than 0 and at most 24h, got 0s",
                "pools[0].roster[0].length");
    expect_diag(&d, DIR "bad_shift_length.yaml", 11, 45, "at most 24h, got 1d2h",
                "pools[0].roster[1].length");
    cs_diags_free(&d);
}

static void test_bad_breaks(void **state)
{
    (void)state;
    bad_one("bad_breaks.yaml", 1, 10, 69, "must be shorter than the shift",
            "pools[0].roster[0].breaks");
}

static void test_bad_missing_keys(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "bad_missing_keys.yaml", &d);
    assert_int_equal(d.n, 5);
    const char *f = DIR "bad_missing_keys.yaml";
    expect_diag(&d, f, 1, 1, "missing key 'name'", "name");
    expect_diag(&d, f, 3, 5, "missing key 'arrivals'", "lines[0].arrivals");
    expect_diag(&d, f, 3, 5, "missing key 'handle'", "lines[0].handle");
    expect_diag(&d, f, 5, 5, "missing key 'name'", "lines[1].name");
    expect_diag(&d, f, 8, 5, "missing key 'lines'", "pools[0].lines");
    cs_diags_free(&d);
}

static void test_bad_staff_roster(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "bad_staff_roster.yaml", &d);
    assert_int_equal(d.n, 2);
    expect_diag(&d, DIR "bad_staff_roster.yaml", 7, 5, "has both staff: and roster:", "pools[0]");
    expect_diag(&d, DIR "bad_staff_roster.yaml", 12, 5, "needs staff:", "pools[1]");
    cs_diags_free(&d);
}

static void test_bad_rates_overlap(void **state)
{
    (void)state;
    bad_one("bad_rates_overlap.yaml", 1, 7, 11, "overlaps row 1 (rates[0]) at Fri 18:00",
            "lines[0].arrivals.rates[1]");
}

static void test_bad_profile_csv(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "bad_profile_csv.yaml", &d);
    assert_int_equal(d.n, 4);
    const char *csv = DIR "bad_profile.csv";
    expect_diag(&d, csv, 3, 1, "row 3, column weight", "lines[0].arrivals.profile");
    expect_diag(&d, csv, 4, 1, "row 4, column hour", "lines[0].arrivals.profile");
    expect_diag(&d, csv, 6, 1, "row 6 gives Tue 05:00 again (already given on row 5)",
                "lines[0].arrivals.profile");
    expect_diag(&d, DIR "bad_profile_csv.yaml", 7, 39,
                "cannot read profile CSV 'no_such_profile.csv'", "lines[1].arrivals.profile");
    /* file order: the scenario file first, then the CSV, rows ascending */
    assert_string_equal(d.items[0].file, DIR "bad_profile_csv.yaml");
    assert_int_equal(d.items[1].line, 3);
    assert_int_equal(d.items[3].line, 6);
    cs_diags_free(&d);
}

static void test_bad_weights_zero(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "bad_weights_zero.yaml", &d);
    assert_int_equal(d.n, 2);
    expect_diag(&d, DIR "bad_weights_zero.yaml", 6, 16, "weights are all zero",
                "lines[0].arrivals.profile");
    expect_diag(&d, DIR "bad_weights_zero.yaml", 15, 14, "weights are all zero",
                "pools[0].weights");
    cs_diags_free(&d);
}

static void test_bad_types(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "bad_types.yaml", &d);
    assert_int_equal(d.n, 3);
    const char *f = DIR "bad_types.yaml";
    expect_diag(&d, f, 4, 15, "expected a mapping", "lines[0].arrivals");
    expect_diag(&d, f, 5, 13, "expected a distribution", "lines[0].handle");
    expect_diag(&d, f, 7, 22, "expected a list of line names", "pools[0].lines");
    cs_diags_free(&d);
}

static void test_bad_units(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "bad_units.yaml", &d);
    assert_int_equal(d.n, 3);
    const char *f = DIR "bad_units.yaml";
    expect_diag(&d, f, 4, 22, "no time unit", "lines[0].arrivals.rate");
    expect_diag(&d, f, 5, 39, "the number has no unit: write 45s, 45m or 45h",
                "lines[0].handle.mean");
    expect_diag(&d, f, 6, 41, "write 90% or 0.9", "lines[0].target.share");
    cs_diags_free(&d);
}

static void test_bad_syntax(void **state)
{
    (void)state;
    bad_one("bad_syntax.yaml", 1, 5, 4, "YAML syntax error: did not find expected", "");
}

static void test_bad_duplicate_key(void **state)
{
    (void)state;
    bad_one("bad_duplicate_key.yaml", 1, 6, 5, "duplicate key 'handle' (first given at line 5)",
            "");
}

static void test_three_errors(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "bad_three.yaml", &d);
    assert_int_equal(d.n, 3);
    const char *f = DIR "bad_three.yaml";
    /* all three, in file order */
    assert_int_equal(d.items[0].line, 6);
    assert_int_equal(d.items[1].line, 9);
    assert_int_equal(d.items[2].line, 13);
    expect_diag(&d, f, 6, 5, "unknown key 'patiense' (did you mean 'patience'?)",
                "lines[0].patiense");
    expect_diag(&d, f, 9, 13, "lognormal needs sd > 0", "lines[1].handle");
    expect_diag(&d, f, 13, 12, "unknown line '998' (did you mean '999'?)", "surges[0].line");
    cs_diags_free(&d);
}

static void test_did_you_mean(void **state)
{
    (void)state;
    cs_diags d = {0};
    load_bad(DIR "bad_unknown_key.yaml", &d);
    assert_int_equal(d.n, 1);   /* the misspelt key is not also reported as missing */
    char buf[512];
    int n = cs_diag_format(&d.items[0], buf, sizeof buf);
    assert_string_equal(buf, DIR "bad_unknown_key.yaml:5:5: error: unknown key 'handel' (did you "
                             "mean 'handle'?) (at lines[0].handel)");
    assert_int_equal(n, (int)strlen(buf));
    cs_diags_free(&d);

    /* a misspelt value (distribution name, pick rule) gets a suggestion too */
    const char *text = "name: x\n"
                       "lines:\n"
                       "  - {name: a, arrivals: {rate: 1/h}, handle: {dist: exponentail, mean: 1m}}\n"
                       "pools:\n"
                       "  - {name: p, lines: [a], staff: 1, pick: wieghted}\n";
    cs_scn *s = NULL;
    assert_int_equal(cs_scn_load_string(text, "t.yaml", &s, &d), CS_EINPUT);
    expect_diag(&d, "t.yaml", 3, 53, "unknown distribution 'exponentail' (did you mean "
                "'exponential'?)", "lines[0].handle.dist");
    expect_diag(&d, "t.yaml", 5, 43, "(did you mean 'weighted'?)", "pools[0].pick");
    cs_diags_free(&d);
}

/* ---- YAML features and robustness ------------------------------------------------------ */

static cs_status load_str(const char *text, cs_scn **s, cs_diags *d)
{
    *s = NULL;
    return cs_scn_load_string(text, "t.yaml", s, d);
}

static void test_aliases(void **state)
{
    (void)state;
    const char *good = "name: aliases\n"
                       "lines:\n"
                       "  - name: \"101\"\n"
                       "    arrivals: {rate: 100/h}\n"
                       "    handle: &h {dist: exponential, mean: 3m}\n"
                       "  - name: \"999\"\n"
                       "    arrivals: {rate: 10/h}\n"
                       "    handle: *h\n"
                       "pools:\n"
                       "  - {name: p, lines: [\"101\", \"999\"], staff: 5}\n";
    cs_scn *s;
    cs_diags d = {0};
    assert_int_equal(load_str(good, &s, &d), CS_OK);
    assert_true(s->queues[1].handle.kind == CS_DIST_EXPONENTIAL && s->queues[1].handle.a == 180);
    cs_scn_free(s);

    assert_int_equal(load_str("name: &a [*a]\n", &s, &d), CS_EINPUT);
    expect_diag(&d, "t.yaml", 1, 11, "inside the value it names", "");
    cs_diags_free(&d);

    assert_int_equal(load_str("name: *nope\n", &s, &d), CS_EINPUT);
    expect_diag(&d, "t.yaml", 1, 7, "has no anchor", "");
    cs_diags_free(&d);

    const char *merge_key = "name: x\n"
                            "lines:\n"
                            "  - &l {name: a, arrivals: {rate: 1/h}, handle: 1m}\n"
                            "  - <<: *l\n"
                            "    name: b\n"
                            "pools: [{name: p, lines: [a, b], staff: 1}]\n";
    assert_int_equal(load_str(merge_key, &s, &d), CS_EINPUT);
    expect_diag(&d, "t.yaml", 4, 5, "merge keys (<<) are not supported", "lines[1].<<");
    cs_diags_free(&d);

    /* "billion laughs": 10 levels of 10 aliases each must be refused, not expanded */
    char bomb[2048];
    size_t len = (size_t)snprintf(bomb, sizeof bomb, "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n");
    for (int i = 1; i < 10; i++) {
        len += (size_t)snprintf(bomb + len, sizeof bomb - len, "l%d: &l%d [", i, i);
        for (int j = 0; j < 10; j++)
            len += (size_t)snprintf(bomb + len, sizeof bomb - len, "%s*l%d", j ? ", " : "", i - 1);
        len += (size_t)snprintf(bomb + len, sizeof bomb - len, "]\n");
    }
    assert_int_equal(load_str(bomb, &s, &d), CS_EINPUT);
    assert_int_equal(d.n, 1);
    assert_non_null(strstr(d.items[0].msg, "too large"));
    cs_diags_free(&d);

    char deep[300];
    memset(deep, '[', 100);
    memset(deep + 100, ']', 100);
    deep[200] = '\0';
    assert_int_equal(load_str(deep, &s, &d), CS_EINPUT);
    assert_non_null(strstr(d.items[0].msg, "nested more than"));
    cs_diags_free(&d);
}

static void test_document_shape(void **state)
{
    (void)state;
    cs_scn *s;
    cs_diags d = {0};
    assert_int_equal(load_str("", &s, &d), CS_EINPUT);
    expect_diag(&d, "t.yaml", 1, 1, "a scenario must be a mapping", "");
    cs_diags_free(&d);

    /* required top-level lists, reported at the enclosing (root) mapping */
    assert_int_equal(load_str("# comment\nname: only a name\n", &s, &d), CS_EINPUT);
    assert_int_equal(d.n, 2);
    expect_diag(&d, "t.yaml", 2, 1, "missing key 'lines'", "lines");
    expect_diag(&d, "t.yaml", 2, 1, "missing key 'pools'", "pools");
    cs_diags_free(&d);

    assert_int_equal(load_str("name: a\n---\nname: b\n", &s, &d), CS_EINPUT);
    expect_diag(&d, "t.yaml", 2, 1, "one YAML document", "");
    cs_diags_free(&d);

    assert_int_equal(load_str("name: a\x80\n", &s, &d), CS_EINPUT);
    expect_diag(&d, "t.yaml", 1, 8, "UTF-8", "");
    cs_diags_free(&d);
    assert_null(s);
}

static void test_missing_file_and_format(void **state)
{
    (void)state;
    cs_scn *s = (cs_scn *)&s;
    cs_diags d = {0};
    assert_int_equal(cs_scn_load(DIR "does_not_exist.yaml", &s, &d), CS_EIO);
    assert_null(s);
    assert_int_equal(d.n, 1);
    char buf[256];
    cs_diag_format(&d.items[0], buf, sizeof buf);
    assert_string_equal(buf, DIR "does_not_exist.yaml: error: cannot read the scenario file: "
                             "No such file or directory");
    /* snprintf semantics: truncation still returns the full length */
    int full = cs_diag_format(&d.items[0], NULL, 0);
    assert_int_equal(full, (int)strlen(buf));
    char small[8];
    assert_int_equal(cs_diag_format(&d.items[0], small, sizeof small), full);
    assert_int_equal((int)strlen(small), 7);
    cs_diags_free(&d);
    cs_diags_free(NULL);

    /* diagnostics may be discarded */
    assert_int_equal(cs_scn_load(DIR "bad_three.yaml", &s, NULL), CS_EINPUT);
    assert_null(s);
    /* diagnostics are appended, not overwritten */
    load_bad(DIR "bad_warmup.yaml", &d);
    load_bad(DIR "bad_interval.yaml", &d);
    assert_int_equal(d.n, 2);
    cs_diags_free(&d);
}

/* Every prefix of the rich fixture must either load or fail cleanly with positioned
 * diagnostics (no crash, no leak under ASan, *out NULL on failure). */
static void test_truncated_inputs(void **state)
{
    (void)state;
    FILE *f = fopen(DIR "good_rich.yaml", "rb");
    assert_non_null(f);
    char text[8192];
    size_t n = fread(text, 1, sizeof text - 1, f);
    fclose(f);
    assert_true(n > 1000 && n < sizeof text - 1);
    size_t ok = 0, bad = 0;
    for (size_t len = 0; len <= n; len += 3) {
        char save = text[len];
        text[len] = '\0';
        cs_scn *s = NULL;
        cs_diags d = {0};
        cs_status st = cs_scn_load_string(text, DIR "prefix.yaml", &s, &d);
        text[len] = save;
        assert_true(st == CS_OK || st == CS_EINPUT);
        if (st == CS_OK) {
            assert_non_null(s);
            ok++;
        } else {
            assert_null(s);
            assert_true(d.n > 0);
            for (size_t i = 0; i < d.n; i++) assert_true(d.items[i].line >= 1);
            bad++;
        }
        cs_scn_free(s);
        cs_diags_free(&d);
    }
    assert_true(bad > 0);
    assert_true(ok > 0);   /* prefixes ending after the last pool and before the surges */
}

/* ---- plausibility limits and files that are not files (defects D5, D14, D15) ----------- */

/* Defect D5: a headcount beyond an int is an error at the value (it overflowed to
 * -2,147,483,648 handlers and ran with allow_unstaffed; without it the message blamed "no
 * handler on duty").  A roster whose shifts add up beyond the limit is an error at roster:,
 * saying when. */
static void test_staff_beyond_limit(void **state)
{
    (void)state;
    bad_one("bad_staff_overflow.yaml", 1, 12, 12, "2,147,483,648 handlers is more than the 100,000",
            "pools[0].staff");
    cs_diags d = {0};
    load_bad(DIR "bad_roster_huge.yaml", &d);
    assert_int_equal(d.n, 2);
    expect_diag(&d, DIR "bad_roster_huge.yaml", 12, 7,
                "from Mon 07:00 the roster has 120,000 handlers on duty at once", "pools[0].roster");
    expect_diag(&d, DIR "bad_roster_huge.yaml", 17, 57, "1,000,000,000 handlers",
                "pools[1].roster[0].staff");
    cs_diags_free(&d);
}

/* Defect D15: a horizon, rate, factor or time far beyond any control room is an error at its
 * key, every one of them in one load. */
static void test_implausible_values(void **state)
{
    (void)state;
    const char *f = DIR "bad_implausible.yaml";
    cs_diags d = {0};
    load_bad(f, &d);
    if (d.n != 13) print_diags(&d);
    assert_int_equal(d.n, 13);
    expect_diag(&d, f, 3, 10, "a horizon of 7000000d is more than the 5 years", "horizon");
    expect_diag(&d, f, 6, 22, "1000 calls a second is more than the 100 a second",
                "lines[0].arrivals.rate");
    expect_diag(&d, f, 7, 39, "is more than a week", "lines[0].handle.mean");
    expect_diag(&d, f, 8, 15, "8d is more than a week", "lines[0].patience");
    expect_diag(&d, f, 9, 29, "14d is more than a week", "lines[0].target.answer_within");
    expect_diag(&d, f, 10, 46, "10d is more than a week", "lines[0].spillover.after");
    expect_diag(&d, f, 12, 25, "calls a second at the busiest time of the profile",
                "lines[1].arrivals.per_day");
    expect_diag(&d, f, 13, 46, "30d is more than a week", "lines[1].handle.samples[1]");
    expect_diag(&d, f, 14, 69, "9d is more than a week", "lines[1].redial.delay.max");
    expect_diag(&d, f, 18, 57, "277.8 calls a second", "lines[2].arrivals.rates[0].rate");
    expect_diag(&d, f, 19, 44, "41d16h is more than a week", "lines[2].handle.scale");
    expect_diag(&d, f, 25, 59, "a factor of 1e+09 is more than x100", "surges[0].factor");
    expect_diag(&d, f, 27, 26, "a factor of 1000 is more than x100", "technology[0].factor");
    cs_diags_free(&d);
}

/* The limits admit what callsim is for: a two-year national line of 40 million calls a year
 * on a profile, at every limit exactly. */
static void test_limits_admit_national_scale(void **state)
{
    (void)state;
    static const char text[] =
        "name: national\nhorizon: 730d\nwarmup: 1d\n"
        "lines:\n"
        "  - name: all forces\n"
        "    arrivals: {per_week: 770000, profile: {hours: [1, 1, 1, 1, 1, 1, 1, 2, 3, 3, 3, 3,\n"
        "               3, 3, 3, 3, 3, 3, 4, 4, 3, 2, 2, 1]}}\n"
        "    handle: {dist: lognormal, mean: 5m, sd: 7d}\n"
        "    patience: 7d\n"
        "    target: {answer_within: 7d}\n"
        "  - name: limits\n"
        "    arrivals: {rate: 100/s}\n"
        "    handle: {dist: uniform, min: 1s, max: 1w}\n"
        "pools:\n"
        "  - {name: everyone, lines: [all forces, limits], staff: 100000}\n"
        "  - name: rostered\n"
        "    lines: [all forces]\n"
        "    roster: [{days: all, start: \"00:00\", length: 24h, staff: 50000},\n"
        "             {days: all, start: \"08:00\", length: 8h, staff: 50000}]\n"
        "surges: [{line: limits, start: \"Mon 10:00\", length: 1h, factor: x100}]\n";
    cs_scn *s = NULL;
    cs_diags d = {0};
    cs_status st = cs_scn_load_string(text, DIR "national.yaml", &s, &d);
    if (st != CS_OK) print_diags(&d);
    assert_int_equal(st, CS_OK);
    assert_int_equal(cs_scn_staff_at(&s->pools[0], 0), 100000);
    assert_int_equal(cs_scn_staff_at(&s->pools[1], 9 * H), 100000);
    cs_scn_free(s);
    cs_diags_free(&d);
}

/* Defects D14/D15: a base, profile or scenario that is a folder, a device or a FIFO is
 * refused at once with what it is (a FIFO used to hang the load, a folder to say
 * "Input/output error"). */
static void test_non_files_refused(void **state)
{
    (void)state;
    bad_one("bad_base_dir.yaml", 1, 2, 7, "(looked for tests/data/scenarios): it is a folder, "
            "not a file", "base");
    bad_one("bad_base_device.yaml", 1, 2, 7, "it is a device, not a file", "base");
    bad_one("bad_profile_device.yaml", 1, 5, 40, "it is a device or special file, not a file",
            "lines[0].arrivals.profile");

    char dir[] = "/tmp/cs_test_scenario_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char fifo[64], self[80];
    snprintf(fifo, sizeof fifo, "%s/base.yaml", dir);
    snprintf(self, sizeof self, "%s/variant.yaml", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);   /* nobody ever writes to it */
    cs_scn *s = NULL;
    cs_diags d = {0};
    assert_int_equal(cs_scn_load_string("base: base.yaml\nname: v\n", self, &s, &d), CS_EINPUT);
    expect_diag(&d, self, 1, 7, "it is a FIFO (named pipe), not a file", "base");
    cs_diags_free(&d);
    assert_int_equal(cs_scn_load(fifo, &s, &d), CS_EIO);
    assert_null(s);
    assert_int_equal(d.n, 1);
    assert_non_null(strstr(d.items[0].msg, "cannot read the scenario file: it is a FIFO"));
    cs_diags_free(&d);
    assert_int_equal(cs_scn_load(dir, &s, &d), CS_EIO);
    assert_non_null(strstr(d.items[0].msg, "cannot read the scenario file: it is a folder"));
    cs_diags_free(&d);
    assert_int_equal(unlink(fifo), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* The same through the command line: exit status 2 and file:line:col on stderr (D5 used to
 * exit 0).  Skipped when the binary is not there ($CALLSIM, set by make check). */
static void test_cli_exit_codes(void **state)
{
    (void)state;
    const char *bin = getenv("CALLSIM");
    if (!bin || access(bin, X_OK) != 0) {
        print_message("no callsim binary ($CALLSIM): skipped\n");
        skip();
    }
    static const char *const cases[][2] = {
        {"bad_staff_overflow.yaml", "bad_staff_overflow.yaml:12:12: error: 2,147,483,648 handlers"},
        {"bad_implausible.yaml", "bad_implausible.yaml:3:10: error: a horizon of"},
        {"bad_base_device.yaml", "bad_base_device.yaml:2:7: error: cannot read base scenario"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char cmd[512], errf[] = "/tmp/cs_test_scenario_err_XXXXXX";
        int fd = mkstemp(errf);
        assert_true(fd >= 0);
        close(fd);
        snprintf(cmd, sizeof cmd, "%s run " DIR "%s --reps 1 --quiet > /dev/null 2> %s", bin,
                 cases[i][0], errf);
        int rc = system(cmd);
        assert_true(WIFEXITED(rc));
        assert_int_equal(WEXITSTATUS(rc), 2);
        FILE *f = fopen(errf, "rb");
        assert_non_null(f);
        char err[4096];
        size_t n = fread(err, 1, sizeof err - 1, f);
        err[n] = '\0';
        fclose(f);
        unlink(errf);
        if (!strstr(err, cases[i][1])) fail_msg("stderr lacks \"%s\":\n%s", cases[i][1], err);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_erlang_a),
        cmocka_unit_test(test_rich_top_and_lines),
        cmocka_unit_test(test_rich_pools_and_roster),
        cmocka_unit_test(test_rich_demand),
        cmocka_unit_test(test_rich_windows),
        cmocka_unit_test(test_base_variant),
        cmocka_unit_test(test_base_chain),
        cmocka_unit_test(test_base_error_in_base),
        cmocka_unit_test(test_base_loop_and_missing),
        cmocka_unit_test(test_base_conflict_and_removal),
        cmocka_unit_test(test_bad_ivr_shares),
        cmocka_unit_test(test_bad_mixture_shares),
        cmocka_unit_test(test_bad_abandon_deflect),
        cmocka_unit_test(test_bad_unknown_pool_line),
        cmocka_unit_test(test_bad_unknown_transfer),
        cmocka_unit_test(test_bad_unknown_spill),
        cmocka_unit_test(test_bad_unknown_callback_pool),
        cmocka_unit_test(test_bad_spill_self),
        cmocka_unit_test(test_bad_duplicate_names),
        cmocka_unit_test(test_bad_queue_no_pool),
        cmocka_unit_test(test_bad_unstaffed),
        cmocka_unit_test(test_bad_unstaffed_wraps_week),
        cmocka_unit_test(test_bad_warmup),
        cmocka_unit_test(test_bad_interval),
        cmocka_unit_test(test_bad_shift_length),
        cmocka_unit_test(test_bad_breaks),
        cmocka_unit_test(test_bad_missing_keys),
        cmocka_unit_test(test_bad_staff_roster),
        cmocka_unit_test(test_bad_rates_overlap),
        cmocka_unit_test(test_bad_profile_csv),
        cmocka_unit_test(test_bad_weights_zero),
        cmocka_unit_test(test_bad_types),
        cmocka_unit_test(test_bad_units),
        cmocka_unit_test(test_bad_syntax),
        cmocka_unit_test(test_bad_duplicate_key),
        cmocka_unit_test(test_three_errors),
        cmocka_unit_test(test_did_you_mean),
        cmocka_unit_test(test_aliases),
        cmocka_unit_test(test_document_shape),
        cmocka_unit_test(test_missing_file_and_format),
        cmocka_unit_test(test_truncated_inputs),
        cmocka_unit_test(test_staff_beyond_limit),
        cmocka_unit_test(test_implausible_values),
        cmocka_unit_test(test_limits_admit_national_scale),
        cmocka_unit_test(test_non_files_refused),
        cmocka_unit_test(test_cli_exit_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
