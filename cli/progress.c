#include "cli/progress.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct cs_progress {
    char label[64];
    int enabled;
    int drawn;
    struct timespec start;
};

cs_progress *cs_progress_create(const char *label, int enabled)
{
    cs_progress *p = calloc(1, sizeof *p);
    if (!p) return NULL;
    snprintf(p->label, sizeof p->label, "%s", label);
    p->enabled = enabled && isatty(STDERR_FILENO);
    clock_gettime(CLOCK_MONOTONIC, &p->start);
    return p;
}

void cs_progress_update(void *ud, uint32_t done, uint32_t total, double sim_time, double total_time)
{
    cs_progress *p = ud;
    if (!p || !p->enabled || total_time <= 0) return;
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double el = (double)(now.tv_sec - p->start.tv_sec) + (double)(now.tv_nsec - p->start.tv_nsec) * 1e-9;
    double frac = sim_time / total_time;
    if (frac > 1) frac = 1;
    if (frac < 0) frac = 0;
    int width = 28, fill = (int)(frac * width);
    char bar[32];
    for (int i = 0; i < width; i++) bar[i] = i < fill ? '=' : (i == fill ? '>' : ' ');
    bar[width] = 0;
    char eta[32] = "--:--";
    if (frac > 0.01 && el > 0.5) {
        long s = (long)(el / frac - el);
        snprintf(eta, sizeof eta, "%ld:%02ld", s / 60, s % 60);
    }
    fprintf(stderr, "\r%s [%s] %3.0f%%  %u/%u replications  %.1f/%.1f simulated days  ETA %s ", p->label, bar,
            100 * frac, done, total, sim_time / 86400.0, total_time / 86400.0, eta);
    fflush(stderr);
    p->drawn = 1;
}

int cs_progress_shown(const cs_progress *p) { return p && p->enabled; }

void cs_progress_finish(cs_progress *p)
{
    if (!p) return;
    if (p->drawn) {
        fprintf(stderr, "\r%*s\r", 100, "");
        fflush(stderr);
    }
    free(p);
}
