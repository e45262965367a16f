/* Tests for models/roster: shifts to handlers on duty.
 *
 * Expected levels are worked by hand from the formula in models/roster.h
 * (staff x (1 - breaks/length) x (1 - shrinkage), summed over running shifts, rounded half
 * up), so a change of formula or rounding fails here before it reaches a scenario. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include <math.h>
#include <string.h>

#include "models/roster.h"

#define H 3600.0
#define D 86400.0

static void test_on_duty(void **state)
{
    (void)state;
    /* Weekdays 07:00-17:00 (10 h), 12 staff, 1 h of breaks: 12 x 0.9 = 10.8 before shrinkage. */
    cs_shift day = {0x1Fu, 7 * H, 10 * H, 12, 1 * H};
    assert_true(fabs(cs_roster_on_duty(&day, 1, 0.0, 8 * H) - 10.8) < 1e-12);
    assert_true(fabs(cs_roster_on_duty(&day, 1, 0.25, 8 * H) - 8.1) < 1e-12);
    assert_true(cs_roster_on_duty(&day, 1, 0.0, 6.99 * H) == 0.0);   /* before the start */
    assert_true(cs_roster_on_duty(&day, 1, 0.0, 17 * H) == 0.0);     /* end is exclusive */
    assert_true(cs_roster_on_duty(&day, 1, 0.0, 5 * D + 8 * H) == 0.0);   /* Saturday */
    /* Sunday 22:00 for 10 h runs into Monday 08:00 (the week wraps). */
    cs_shift night = {1u << 6, 22 * H, 10 * H, 5, 0};
    assert_true(cs_roster_on_duty(&night, 1, 0.0, 3 * H) == 5.0);
    assert_true(cs_roster_on_duty(&night, 1, 0.0, 7 * D + 3 * H) == 5.0);   /* any week */
    assert_true(cs_roster_on_duty(&night, 1, 0.0, 8 * H) == 0.0);
}

static void test_round(void **state)
{
    (void)state;
    int x;
    assert_int_equal(cs_roster_round(7.5, &x, NULL), CS_OK);
    assert_int_equal(x, 8);
    assert_int_equal(cs_roster_round(7.4999999999, &x, NULL), CS_OK);   /* 7.5 computed badly */
    assert_int_equal(x, 8);
    assert_int_equal(cs_roster_round(7.49, &x, NULL), CS_OK);
    assert_int_equal(x, 7);
    assert_int_equal(cs_roster_round(0.0, &x, NULL), CS_OK);
    assert_int_equal(x, 0);
    cs_error e;
    assert_int_equal(cs_roster_round(NAN, &x, &e), CS_EINPUT);
    assert_int_equal(cs_roster_round(-3.0, &x, &e), CS_EINPUT);
    assert_int_equal(cs_roster_round(4294967296.0, &x, &e), CS_EINPUT);   /* 2^32 */
    assert_int_equal(x, 0);
    assert_non_null(strstr(e.msg, "handlers on duty"));
}

static void test_build(void **state)
{
    (void)state;
    /* Every day: early 06:00-16:00 (10 staff), late 14:00-24:00 (6 staff); 20% shrinkage. */
    cs_shift sh[2] = {{0x7Fu, 6 * H, 10 * H, 10, 0}, {0x7Fu, 14 * H, 10 * H, 6, 0}};
    cs_staffing st;
    assert_int_equal(cs_roster_build(sh, 2, 0.2, &st, NULL), CS_OK);
    /* Levels: 00-06 none, 06-14 8, 14-16 12.8 -> 13, 16-24 4.8 -> 5; the same every day, so
     * 4 steps a day, merged across midnight (0 at 24:00 and 0 at 00:00 are one step). */
    assert_true(st.at[0] == 0.0);
    assert_int_equal(st.level[0], 0);
    assert_int_equal(cs_roster_level_at(&st, 7 * H), 8);
    assert_int_equal(cs_roster_level_at(&st, 15 * H), 13);
    assert_int_equal(cs_roster_level_at(&st, 23 * H), 5);
    assert_int_equal(cs_roster_level_at(&st, 3 * D + 15 * H), 13);
    assert_int_equal(cs_roster_level_at(&st, 9 * D + 7 * H), 8);   /* week 2 */
    assert_int_equal(st.n, 1 + 7 * 3 + 6);   /* 0 at Mon 00:00, then 8, 13, 5, 0 per day */
    for (size_t i = 1; i < st.n; i++) {
        assert_true(st.at[i] > st.at[i - 1]);
        assert_true(st.level[i] != st.level[i - 1]);
    }
    cs_roster_fini(&st);
    assert_int_equal(st.n, 0);
    assert_null(st.at);
    cs_roster_fini(&st);   /* twice is harmless */
    cs_roster_fini(NULL);
}

static void test_constant(void **state)
{
    (void)state;
    cs_staffing st;
    assert_int_equal(cs_roster_constant(380, 0.0, &st, NULL), CS_OK);
    assert_int_equal(st.n, 1);
    assert_int_equal(cs_roster_level_at(&st, 123456.0), 380);
    cs_roster_fini(&st);
    assert_int_equal(cs_roster_constant(25, 0.3, &st, NULL), CS_OK);   /* 17.5 rounds up */
    assert_int_equal(st.level[0], 18);
    cs_roster_fini(&st);
    cs_staffing empty = {NULL, NULL, 0};
    assert_int_equal(cs_roster_level_at(&empty, 0.0), 0);
}

/* A level that does not fit an int is an input error with the time it happens, not a wrapped
 * negative headcount (defect D5). */
static void test_overflow_refused(void **state)
{
    (void)state;
    cs_staffing st;
    cs_error e;
    assert_int_equal(cs_roster_constant(3e9, 0.0, &st, &e), CS_EINPUT);
    assert_int_equal(st.n, 0);
    assert_null(st.at);
    cs_shift big = {1u << 2, 9 * H, 8 * H, 2147483648.0, 0};   /* Wednesday 09:00 */
    assert_int_equal(cs_roster_build(&big, 1, 0.0, &st, &e), CS_EINPUT);
    assert_int_equal(st.n, 0);
    assert_non_null(strstr(e.msg, "Wed 09:00"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_on_duty),
        cmocka_unit_test(test_round),
        cmocka_unit_test(test_build),
        cmocka_unit_test(test_constant),
        cmocka_unit_test(test_overflow_refused),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
