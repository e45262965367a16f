/* Tests for the scenario key `by_time_of_day` (loader, io/scenario_lines.c) and its use by the
 * engine (models/centre.c).
 *
 * Known answers: a line whose talk time is 60 s from 12:00 and 180 s before, with 30% IVR
 * hang-ups in the afternoon and 5% otherwise, run on 8 handlers for a week: the mean talk time of
 * answered calls and the IVR hang-up share lie within 4.5 standard errors of the time-weighted
 * truth; a band's patience `never` means nobody abandons in it.  Every loader error is refused
 * with its position and a message saying what to do. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/scenario.h"
#include "models/kpi.h"
#include "models/run.h"

static cs_scn *load(const char *text, cs_diags *d)
{
    cs_scn *s = NULL;
    memset(d, 0, sizeof *d);
    cs_scn_load_string(text, "bands.yaml", &s, d);
    return s;
}

static int has_error(const cs_diags *d, const char *needle)
{
    for (size_t i = 0; i < d->n; i++)
        if (strstr(d->items[i].msg, needle)) return 1;
    return 0;
}

static long night_queue_abandons, day_queue_abandons;

static void count_abandons(void *ud, const cs_trace_rec *t)
{
    (void)ud;
    if (t->outcome != CS_OUT_ABANDONED_QUEUE) return;
    double tod = fmod(t->arrival, 86400.0);
    if (tod < 6 * 3600) night_queue_abandons++;
    else day_queue_abandons++;
}

static const char *GOOD =
    "name: bands\nhorizon: 7d\nreplications: 4\nseed: 3\n"
    "lines:\n  - name: \"101\"\n    arrivals: {per_day: 2400}\n"
    "    ivr: {time: 5s, abandon: 5%}\n"
    "    handle: {dist: exponential, mean: 3m}\n    patience: 2m\n"
    "    by_time_of_day:\n"
    "      - {from: \"12:00\", to: \"24:00\", handle: {dist: exponential, mean: 1m}, ivr: {abandon: 30%}}\n"
    "      - {from: \"00:00\", to: \"06:00\", patience: never}\n"
    "pools:\n  - {name: h, lines: [\"101\"], staff: 8}\n";

static void test_bands_load_and_drive_the_engine(void **state)
{
    (void)state;
    cs_diags d;
    cs_scn *s = load(GOOD, &d);
    assert_non_null(s);
    cs_diags_free(&d);
    const cs_line *L = &s->lines[0];
    assert_int_equal(L->n_bands, 2);
    /* Sorted by from. */
    assert_true(L->bands[0].from == 0 && L->bands[0].to == 6 * 3600 && L->bands[0].has_patience);
    assert_true(L->bands[1].from == 12 * 3600 && L->bands[1].to == 86400 && L->bands[1].has_handle &&
                L->bands[1].has_ivr && fabs(L->bands[1].ivr_abandon - 0.30) < 1e-12);
    cs_run_opts o;
    memset(&o, 0, sizeof o);
    o.threads = 1;
    o.trace = count_abandons;
    cs_results *r = NULL;
    cs_error err = {CS_OK, ""};
    assert_int_equal(cs_run(s, &o, &r, &err), CS_OK);
    /* Arrivals are uniform over the day: half of them in each talk-time regime; the answered
     * ones are thinned by the IVR shares (95% of the morning's, 70% of the afternoon's), so
     * the expected mean talk time is the weighted mean. */
    double w_am = 0.95, w_pm = 0.70;
    double truth = (w_am * 180 + w_pm * 60) / (w_am + w_pm);
    double m, h;
    cs_results_line(r, 0, CS_LK_AHT, &m, &h);
    double calls = 2400.0 * 7 * (w_am + w_pm) / 2;
    /* An exponential mixture: sd of one talk time at most 180 s; the mean of ~14,000. */
    double se = 180.0 / sqrt(calls);
    print_message("  mean talk %.2f s, truth %.2f s, se %.2f\n", m, truth, se);
    assert_true(fabs(m - truth) < 4.5 * se);
    double ivr, hi;
    cs_results_line(r, 0, CS_LK_ABANDONED_IVR, &ivr, &hi);
    double offered, ho;
    cs_results_line(r, 0, CS_LK_OFFERED, &offered, &ho);
    double p = (0.05 + 0.30) / 2, sd = sqrt(p * (1 - p) / offered);
    print_message("  IVR hang-ups %.4f, truth %.4f, sd %.4f\n", ivr / offered, p, sd);
    assert_true(fabs(ivr / offered - p) < 4.5 * sd);
    /* Nobody abandons in the queue between 00:00 and 06:00 (patience never), though they do
     * at other times (patience 10 minutes, talk 3 minutes before noon on 8 handlers). */
    assert_int_equal(night_queue_abandons, 0);
    assert_true(day_queue_abandons > 0);
    cs_results_free(r);
    cs_scn_free(s);
}

static void test_bands_errors(void **state)
{
    (void)state;
    static const struct {
        const char *band, *message;
    } cases[] = {
        {"{from: \"12:00\", to: \"11:00\", handle: 1m}", "must be after from"},
        {"{from: \"05:00\", to: \"07:00\", handle: 1m}\n      - {from: \"06:00\", to: \"08:00\", handle: 2m}", "overlaps"},
        {"{from: \"01:00\", to: \"02:00\"}", "sets nothing"},
        {"{from: \"01:00\", to: \"02:00\", ivr: {abandon: 3%}}", "the line has no ivr"},
        {"{from: \"01:00\", to: \"02:00\", handle: 1m, colour: red}", "colour"},
        {"{from: \"25:00\", to: \"26:00\", handle: 1m}", "time of day"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "name: bad\nhorizon: 1d\nlines:\n  - name: \"101\"\n    arrivals: {per_day: 100}\n    handle: 3m\n"
                 "    by_time_of_day:\n      - %s\npools:\n  - {name: h, lines: [\"101\"], staff: 2}\n",
                 cases[i].band);
        cs_diags d;
        cs_scn *s = load(text, &d);
        if (s || !has_error(&d, cases[i].message)) {
            for (size_t k = 0; k < d.n; k++) print_message("  %s\n", d.items[k].msg);
            fail_msg("case %zu: expected an error with '%s'", i, cases[i].message);
        }
        /* Every problem has a position. */
        for (size_t k = 0; k < d.n; k++) assert_true(d.items[k].line > 0);
        cs_diags_free(&d);
        cs_scn_free(s);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bands_load_and_drive_the_engine),
        cmocka_unit_test(test_bands_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
