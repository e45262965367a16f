/* White-box tests of the event calendar: this file includes sim/cal.c itself, so it can set
 * a slot's generation counter near its wrap-around instead of scheduling 2^32 events.
 *
 * Regression (bug found and fixed): a slot's 32-bit generation wrapped to 0 after 2^32 - 1
 * releases, and for slot 0 the handle ((uint64_t)gen << 32) | slot then became 0, the "no
 * event" value that cal.h promises is never a valid handle.  The calendar now skips 0.
 *
 * Also white-box: the renumbering of sequence numbers when the 32-bit counter runs out (set
 * near its end instead of scheduling 2^32 events), the cache-line alignment of the
 * children that the heap's layout promises, and the front entry kept outside the heap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdlib.h>

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

typedef struct order_log {
    cs_cal *cal;
    uintptr_t got[64];
    size_t n;
} order_log;

static void log_fn(void *ctx, void *obj)
{
    order_log *l = ctx;
    assert_true(l->n < 64);
    l->got[l->n++] = (uintptr_t)obj;
}

/* Events with equal time and priority scheduled on both sides of the sequence counter's
 * wrap-around still leave in insertion order, and handles survive the renumbering. */
static void test_sequence_renumbering(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    cal->seq = SEQ_LIMIT - 5;
    cs_event_id ids[40];
    /* Tags 1..40: time 2.0 for odd tags, 1.0 for even; priorities 0 or 5 by tag / 10. */
    for (uintptr_t i = 1; i <= 40; i++) {
        ids[i - 1] = cs_cal_schedule(cal, (i & 1) ? 2.0 : 1.0, (i / 10) % 2 ? 5 : 0, log_fn, (void *)i);
        assert_true(ids[i - 1] != 0);
        assert_true(cal->seq <= SEQ_LIMIT);
    }
    assert_true(cal->seq < 100);   /* renumbered */
    assert_true(cs_cal_time_of(cal, ids[0]) == 2.0);
    assert_true(cs_cal_cancel(cal, ids[1]));   /* tag 2 */
    order_log l = {cal, {0}, 0};
    cs_cal_run_until(cal, 10.0, &l);
    assert_int_equal(l.n, 39);
    /* Expected: by time, then priority 5 before 0, then tag order. */
    size_t k = 0;
    for (int pass = 0; pass < 4; pass++) {
        double t = pass < 2 ? 1.0 : 2.0;
        int prio = pass % 2 == 0 ? 5 : 0;
        for (uintptr_t i = 1; i <= 40; i++) {
            if (i == 2 || ((i & 1) ? 2.0 : 1.0) != t || ((i / 10) % 2 ? 5 : 0) != prio) continue;
            assert_int_equal(l.got[k], i);
            k++;
        }
    }
    assert_int_equal(k, 39);
    cs_cal_destroy(cal);
}

/* Renumbering keeps the lanes' pending entries in order with the heap's (equal times and
 * priorities: insertion order decides), and leaves them on their lanes, several on one. */
static void test_renumbering_with_lanes(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    int a = cs_cal_lane_new(cal), b = cs_cal_lane_new(cal);
    assert_true(a == 0 && b == 1);
    cal->seq = SEQ_LIMIT - 10;   /* runs out at the 11th schedule, with both lanes holding entries */
    cs_event_id ids[12];
    for (uintptr_t i = 1; i <= 12; i++) {
        if (i == 2 || i == 4 || i == 9 || i == 7 || i == 8)
            ids[i - 1] = cs_cal_schedule_lane(cal, i == 7 || i == 8 ? b : a, 1.0, 0, log_fn, (void *)i);
        else
            ids[i - 1] = cs_cal_schedule(cal, 1.0, 0, log_fn, (void *)i);
        assert_true(ids[i - 1] != 0);
    }
    assert_true(cal->seq < 100);   /* renumbered */
    assert_int_equal(cal->slots[(uint32_t)ids[1]].heap_pos, LANE_POS + (uint32_t)a);
    assert_int_equal(cal->slots[(uint32_t)ids[6]].heap_pos, LANE_POS + (uint32_t)b);
    assert_int_equal(cal->slots[(uint32_t)ids[8]].heap_pos, LANE_POS + (uint32_t)a);
    assert_int_equal(cal->lane_len[a], 3);
    assert_int_equal(cal->lane_len[b], 2);
    assert_int_equal(cal->n, 7);
    assert_true(cs_cal_time_of(cal, ids[1]) == 1.0);
    assert_true(cs_cal_time_of(cal, ids[8]) == 1.0);
    assert_int_equal(cs_cal_pending(cal), 12);
    order_log l = {cal, {0}, 0};
    cs_cal_run_until(cal, 10.0, &l);
    assert_int_equal(l.n, 12);
    for (uintptr_t i = 1; i <= 12; i++) assert_int_equal(l.got[i - 1], i);
    cs_cal_destroy(cal);
}

/* The four children of every entry share one 64-byte cache line, at every heap size. */
static void test_children_share_a_line(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    for (int i = 0; i < 5000; i++) {
        assert_true(cs_cal_schedule(cal, (double)(i % 97), 0, noop, NULL) != 0);
        assert_int_equal((uintptr_t)&cal->heap[1] % 64, 0);
    }
    assert_int_equal(CS_CAL_ARITY, 4);
    assert_int_equal(sizeof(heap_entry), 16);
    cs_cal_destroy(cal);
}

/* The front entry: every schedule in decreasing time becomes the front and demotes the last
 * one into the heap (as its root, without comparisons); cancelling the front and reading its
 * time work through the handle; the order stays exact. */
static void test_front_entry(void **state)
{
    (void)state;
    cs_cal *cal = cs_cal_create(0);
    assert_non_null(cal);
    enum { N = 600 };
    cs_event_id ids[N];
    for (uintptr_t i = 0; i < N; i++) {
        double t = (double)(N - i);   /* decreasing: each one is the new minimum */
        ids[i] = cs_cal_schedule(cal, t, 0, log_fn, (void *)(i + 1));
        assert_true(cal->has_front);
        assert_int_equal(cal->slots[(uint32_t)ids[i]].heap_pos, FRONT_POS);
        assert_true(cs_cal_time_of(cal, ids[i]) == t);
        assert_int_equal(cs_cal_pending(cal), i + 1);
    }
    /* The heap below the front is a valid heap. */
    for (size_t i = 1; i < cal->n; i++) assert_false(before(&cal->heap[i], &cal->heap[(i - 1) / CS_CAL_ARITY]));
    assert_true(before(&cal->front, &cal->heap[0]));
    /* Cancel the front: the next pop comes from the heap. */
    assert_true(cs_cal_cancel(cal, ids[N - 1]));
    assert_false(cal->has_front);
    assert_true(isnan(cs_cal_time_of(cal, ids[N - 1])));
    /* A later event does not take the front; an equal-time one with higher priority does. */
    assert_true(cs_cal_schedule(cal, 3.0, 0, log_fn, (void *)1000) != 0);
    assert_false(cal->has_front);
    assert_true(cs_cal_schedule(cal, 2.0, 1, log_fn, (void *)1001) != 0);
    assert_true(cal->has_front);
    order_log l = {cal, {0}, 0};
    cs_cal_run_until(cal, 3.0, &l);
    /* 2.0 prio 1 (1001), then 2.0 prio 0 (tag N-1), then 3.0: tag N-2 before 1000 (FIFO). */
    assert_int_equal(l.n, 4);
    assert_int_equal(l.got[0], 1001);
    assert_int_equal(l.got[1], N - 1);
    assert_int_equal(l.got[2], N - 2);
    assert_int_equal(l.got[3], 1000);
    cs_cal_destroy(cal);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_generation_skips_zero),
                                       cmocka_unit_test(test_sequence_renumbering),
                                       cmocka_unit_test(test_renumbering_with_lanes),
                                       cmocka_unit_test(test_children_share_a_line),
                                       cmocka_unit_test(test_front_entry)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
