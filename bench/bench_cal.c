/* Hold-model benchmark of the event calendar: keep N events pending, repeatedly pop the
 * earliest and schedule a new one an exponential time later (the classic "hold" operation),
 * with one cancel for every four holds, as patience timers do (CPU time of this process, so a
 * busy machine does not inflate it much).  Built twice by `make bench`,
 * with CS_CAL_ARITY=2 and =4, to justify the choice in sim/cal.c. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sim/cal.h"

#ifndef CS_CAL_ARITY
#define CS_CAL_ARITY 4
#endif

typedef struct bench {
    cs_cal *cal;
    uint64_t state;
    cs_event_id last;
    long holds;
} bench;

static double uniform(bench *b)
{
    b->state = b->state * 6364136223846793005ULL + 1442695040888963407ULL;
    return ((double)(b->state >> 11) + 0.5) * 0x1.0p-53;
}

static void on_event(void *ctx, void *obj)
{
    (void)obj;
    bench *b = ctx;
    double now = cs_cal_now(b->cal);
    cs_event_id id = cs_cal_schedule(b->cal, now - log(uniform(b)) * 100.0, 0, on_event, NULL);
    if ((b->holds++ & 3) == 0) {
        cs_cal_cancel(b->cal, b->last);
        cs_cal_schedule(b->cal, now - log(uniform(b)) * 100.0, 0, on_event, NULL);
    }
    b->last = id;
}

int main(int argc, char **argv)
{
    long ops = argc > 1 ? atol(argv[1]) : 4000000;
    printf("calendar hold benchmark, %d-ary heap (CPU ns per hold)\n", CS_CAL_ARITY);
    size_t sizes[] = {64, 512, 4096, 32768};
    for (size_t i = 0; i < sizeof sizes / sizeof sizes[0]; i++) {
        bench b = {cs_cal_create(sizes[i]), 42, 0, 0};
        for (size_t k = 0; k < sizes[i]; k++) cs_cal_schedule(b.cal, -log(uniform(&b)) * 100.0, 0, on_event, NULL);
        struct timespec t0, t1;
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t0);
        while (b.holds < ops) cs_cal_step(b.cal, INFINITY, &b);
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t1);
        double ns = ((double)(t1.tv_sec - t0.tv_sec) * 1e9 + (double)(t1.tv_nsec - t0.tv_nsec)) / (double)b.holds;
        printf("  pending %6zu: %6.1f ns\n", sizes[i], ns);
        cs_cal_destroy(b.cal);
    }
    return 0;
}
