/* Tests for sim/arena (one zeroed block, taken in order, freed at once) and for the replication
 * sums built on it (models/repstats: cs_repstats_need and cs_repstats_init_in; models/kpi: one
 * arena for a run's replications).
 *
 * What must hold: every take is zeroed, 64-byte aligned and apart from every other (each piece
 * is filled with its own byte and all are read back); an arena sized by the sum of
 * cs_arena_need of its takes holds exactly those takes and refuses one more, unchanged; a large
 * arena is mapped at a 2 MB boundary with the huge-page advice (read back from the kernel in
 * /proc/self/smaps where the kernel has transparent huge pages), a small one is not mapped.
 * Under AddressSanitizer (make check SANITIZE=1) the pieces are also checked for overruns by
 * the poisoned gaps, and a missed free or double free of a repstats would be reported. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/kpi.h"
#include "models/repstats.h"
#include "sim/arena.h"
#include "testutil.h"

#define MB ((size_t)1 << 20)

static int all_zero(const unsigned char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i]) return 0;
    return 1;
}

/* Takes of awkward sizes fill an arena sized for them exactly: each zeroed, aligned, and
 * apart from the others; one more byte is refused and changes nothing. */
static void check_takes(const size_t *sizes, size_t n, int expect_mapped)
{
    size_t total = 0;
    for (size_t i = 0; i < n; i++) total += cs_arena_need(sizes[i]);
    cs_arena *a = cs_arena_create(total);
    assert_non_null(a);
    assert_int_equal(cs_arena_mapped(a), expect_mapped);
    unsigned char **p = calloc(n, sizeof *p);
    assert_non_null(p);
    for (size_t i = 0; i < n; i++) {
        p[i] = cs_arena_take(a, sizes[i]);
        assert_non_null(p[i]);
        assert_int_equal((uintptr_t)p[i] % 64, 0);
        assert_true(all_zero(p[i], sizes[i]));
        memset(p[i], (int)(i % 250) + 1, sizes[i]);
    }
    size_t left = cs_arena_left(a);
    /* Whatever rounding the mapping added, the arena's own accounting is exact when the block
     * came from calloc; a mapped block may have more room (a whole huge page). */
    if (!expect_mapped) assert_int_equal(left, 0);
    assert_null(cs_arena_take(a, left + 1));
    assert_int_equal(cs_arena_left(a), left);
    for (size_t i = 0; i < n; i++)
        for (size_t k = 0; k < sizes[i]; k++) assert_int_equal(p[i][k], (int)(i % 250) + 1);
    if (expect_mapped) assert_int_equal((uintptr_t)p[0] % (2 * MB), 0);
    free(p);
    cs_arena_destroy(a);
}

static void test_small_takes(void **state)
{
    (void)state;
    const size_t sizes[] = {1, 63, 64, 65, 0, 4096, 7, 12345, 0, 100000};
    check_takes(sizes, sizeof sizes / sizeof *sizes, 0);
}

static void test_large_takes_are_mapped(void **state)
{
    (void)state;
    /* 20 pieces of 190 kB, the baseline's replications: 3.8 MB, rounded up to 4 MB. */
    size_t sizes[20];
    for (size_t i = 0; i < 20; i++) sizes[i] = 190 * 1024 + 8 * i;
    check_takes(sizes, 20, 1);
    /* 2.9 MB: past 2 MB, too far from 4 MB to round up (the tail stays in small pages). */
    const size_t odd[] = {2 * MB, 900 * 1024, 3};
    check_takes(odd, 3, 1);
}

static void test_empty_arena(void **state)
{
    (void)state;
    cs_arena *a = cs_arena_create(0);
    assert_non_null(a);
    assert_int_equal(cs_arena_mapped(a), 0);
    if (cs_arena_need(0) == 0) assert_non_null(cs_arena_take(a, 0));
    assert_null(cs_arena_take(a, 1));
    cs_arena_destroy(a);
    cs_arena_destroy(NULL);
}

static void test_need(void **state)
{
    (void)state;
    assert_true(cs_arena_need(1) >= 64 && cs_arena_need(1) % 64 == 0);
    assert_int_equal(cs_arena_need(64), cs_arena_need(1));
    assert_int_equal(cs_arena_need(65), cs_arena_need(1) + 64);
    assert_int_equal(cs_arena_need(SIZE_MAX), SIZE_MAX);
}

/* The VmFlags line of the mapping that holds address p in /proc/self/smaps, or "" when there is
 * no such file (not Linux). */
static void vmflags_of(const void *p, char *out, size_t n)
{
    out[0] = '\0';
    FILE *f = fopen("/proc/self/smaps", "r");
    if (!f) return;
    char line[512];
    int inside = 0;
    while (fgets(line, sizeof line, f)) {
        unsigned long lo, hi;
        if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2) {   /* a mapping's first line */
            inside = (uintptr_t)p >= lo && (uintptr_t)p < hi;
        } else if (inside && strncmp(line, "VmFlags:", 8) == 0) {
            snprintf(out, n, "%s", line + 8);
            break;
        }
    }
    fclose(f);
}

static void test_huge_page_advice(void **state)
{
    (void)state;
    if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) != 0) {
        skip(); /* no transparent huge pages in this kernel: the advice has no flag to show */
    }
    cs_arena *big = cs_arena_create(4 * MB - 1000), *small = cs_arena_create(64 * 1024);
    assert_non_null(big);
    assert_non_null(small);
    char fb[512], fs[512];
    vmflags_of(cs_arena_take(big, 1), fb, sizeof fb);
    vmflags_of(cs_arena_take(small, 1), fs, sizeof fs);
    if (!fb[0]) {
        cs_arena_destroy(big);
        cs_arena_destroy(small);
        skip();
    }
    assert_non_null(strstr(fb, " hg"));  /* MADV_HUGEPAGE */
    assert_null(strstr(fs, " hg"));      /* negative control: calloc's memory has no advice */
    cs_arena_destroy(big);
    cs_arena_destroy(small);
}

/* ---- replication sums in an arena ---- */

static void test_repstats_need_is_exact(void **state)
{
    (void)state;
    const size_t shapes[][3] = {{2, 2, 0}, {1, 0, 0}, {0, 3, 0}, {3, 1, 9}};
    for (size_t s = 0; s < sizeof shapes / sizeof *shapes; s++) {
        size_t nl = shapes[s][0], np = shapes[s][1], nd = shapes[s][2];
        size_t need = cs_repstats_need(nl, np, 900, nd);
        cs_arena *a = cs_arena_create(3 * need);
        assert_non_null(a);
        cs_repstats r[4];
        for (int i = 0; i < 3; i++) {
            assert_int_equal(cs_repstats_init_in(&r[i], a, nl, np, 900, 86400, nd), 0);
            assert_int_equal(r[i].n_slots, 672);
            assert_int_equal(r[i].n_days, nd);
            assert_true(nd ? r[i].line_day != NULL : r[i].line_day == NULL);
            for (size_t l = 0; l < nl; l++) {
                assert_true(isinf(r[i].wait_tally[l].min) && r[i].wait_tally[l].min > 0 && r[i].wait_tally[l].n == 0);
                assert_int_equal(r[i].wait[l].nbins, cs_hist_nbins(CS_HIST_FINE));
                assert_true(all_zero((const unsigned char *)r[i].wait[l].count,
                                     r[i].wait[l].nbins * sizeof *r[i].wait[l].count));
                /* Every counter of the line is writable (ASan checks the ends). */
                cs_rs_line(&r[i], l)[CS_LC_N - 1] = 1;
                cs_rs_line_slot(&r[i], l, 671)[CS_IC_N - 1] = 1;
                r[i].wait[l].count[r[i].wait[l].nbins - 1] = 1;
                if (nd) cs_rs_line_day(&r[i], l, nd - 1)[CS_DC_N - 1] = 1;
            }
            cs_rs_pool_slot(&r[i], np ? np - 1 : 0, 671)[CS_PC_N - 1] = 1;
            r[i].slot_time[671] = 1;
        }
        if (!cs_arena_mapped(a)) assert_int_equal(cs_arena_left(a), 0);
        if (cs_arena_left(a) < need) assert_int_equal(cs_repstats_init_in(&r[3], a, nl, np, 900, 86400, nd), -1);
        for (int i = 0; i < 3; i++) cs_repstats_fini(&r[i]);   /* forgets; the arena frees */
        cs_arena_destroy(a);
    }
}

static void test_repstats_own_arena(void **state)
{
    (void)state;
    cs_repstats r;
    assert_int_equal(cs_repstats_init(&r, 2, 1, 900, 7 * 86400), 0);
    assert_non_null(r.own);
    assert_null(r.line_day);
    cs_rs_line(&r, 1)[CS_LC_OFFERED] = 5;
    cs_repstats_clear(&r);
    assert_true(cs_rs_line(&r, 1)[CS_LC_OFFERED] == 0);
    assert_int_equal(cs_repstats_init_days(&r, 8), 0);
    assert_non_null(r.own);
    assert_int_equal(r.n_days, 8);
    assert_non_null(r.line_day);
    cs_rs_line_day(&r, 1, 7)[CS_DC_N - 1] = 2;
    cs_repstats_fini(&r);
    assert_null(r.line);
    cs_repstats_fini(&r);   /* twice is harmless */
}

/* A run's results: every replication's sums in the one arena, and trimming frees them. */
static void test_results_in_one_arena(void **state)
{
    (void)state;
    cs_scn *s = tu_single(0.01, 100, 2, 0, 20, 3600, 0, 5, 7);
    cs_results *r = cs_results_create(s, 5, s->interval);
    assert_non_null(r);
    assert_non_null(r->arena);
    for (uint32_t i = 0; i < 5; i++) {
        assert_null(r->reps[i].own);
        assert_non_null(r->reps[i].line);
        if (i) assert_true((char *)r->reps[i].slot_time > (char *)r->reps[i - 1].slot_time);
    }
    cs_results_trim(r);
    assert_null(r->arena);
    assert_null(r->reps[0].line);
    cs_results_free(r);
    cs_scn_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_small_takes),
        cmocka_unit_test(test_large_takes_are_mapped),
        cmocka_unit_test(test_empty_arena),
        cmocka_unit_test(test_need),
        cmocka_unit_test(test_huge_page_advice),
        cmocka_unit_test(test_repstats_need_is_exact),
        cmocka_unit_test(test_repstats_own_arena),
        cmocka_unit_test(test_results_in_one_arena),
    };
    return cmocka_run_group_tests_name("arena", tests, NULL, NULL);
}
