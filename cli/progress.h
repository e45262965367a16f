/* A progress bar on stderr for long runs: replications done, simulated time, ETA.
 * Drawn only when stderr is a terminal and not --quiet; never written into files or JSON. */
#ifndef CS_PROGRESS_H
#define CS_PROGRESS_H

#include <stdint.h>

typedef struct cs_progress cs_progress;

cs_progress *cs_progress_create(const char *label, int enabled);
/* Matches models/run.h cs_progress_fn. */
void cs_progress_update(void *ud, uint32_t reps_done, uint32_t reps_total, double sim_time, double total_time);
/* 1 when the bar is drawn (stderr is a terminal and not --quiet).  Pass cs_progress_update to
 * a run only then: a run without a progress callback needs no reporting thread, so with one
 * worker it runs on the calling thread (sim/rep.c), without a thread to start. */
int cs_progress_shown(const cs_progress *p);
/* Clears the bar line. */
void cs_progress_finish(cs_progress *p);

#endif
