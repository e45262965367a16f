/* White-box tests of the event calendar: this file includes sim/cal.c itself, so it can set
 * a slot's generation counter near its wrap-around instead of scheduling 2^32 events.
 *
 * Regression (bug found and fixed): a slot's 32-bit generation wrapped to 0 after 2^32 - 1
 * releases, and for slot 0 the handle ((uint64_t)gen << 32) | slot then became 0, the "no
 * event" value that cal.h promises is never a valid handle.  The calendar now skips 0. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "sim/cal.c"

static void noop(void *ctx, void *obj)
{
    (void)ctx;
    (void)obj;
}

static void test_generation_skips_zero(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    cs_event_id first = cs_cal_schedule(cal, 1.0, 0, noop, NULL);
    uint32_t slot_ix = (uint32_t)first;
    assert_true(cs_cal_cancel(cal, first));
    /* The next schedule reuses the same slot_ix (LIFO free list); put its generation at the top. */
    cal->slots[slot_ix].gen = UINT32_MAX;
    cs_event_id a = cs_cal_schedule(cal, 1.0, 0, noop, NULL);
    assert_int_equal((uint32_t)a, slot_ix);
    assert_int_equal(a >> 32, UINT32_MAX);
    assert_true(cs_cal_cancel(cal, a));          /* the release wraps the generation */
    assert_int_equal(cal->slots[slot_ix].gen, 1);   /* ...past 0, straight to 1 */
    cs_event_id b = cs_cal_schedule(cal, 1.0, 0, noop, NULL);
    assert_true(b != 0);
    assert_int_equal((uint32_t)b, slot_ix);
    /* The handle from before the wrap stays stale. */
    assert_false(cs_cal_cancel(cal, a));
    assert_true(cs_cal_cancel(cal, b));
    /* A reset bumps generations too, with the same rule. */
    cal->slots[slot_ix].gen = UINT32_MAX;
    cs_cal_reset(cal);
    assert_int_equal(cal->slots[slot_ix].gen, 1);
    cs_cal_destroy(cal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_generation_skips_zero)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
