/* Charts of a replay: observed against simulated by hour of day (prefix cs_charts_replay).
 *
 * For each line, abandonment and mean wait by hour of the day, the log's own values as one line
 * and the simulation's mean as another, with the band a single replication falls in 95% of the
 * time (io/replay.h, cs_replay_compare): an observed value outside the band is one the model does
 * not reproduce.  Plain arrays in, files out through the caller's path function, like
 * plots/run_charts.h; file names start with "replay_". */
#ifndef CS_REPLAY_CHARTS_H
#define CS_REPLAY_CHARTS_H

#include <stddef.h>

#include "plots/run_charts.h"
#include "sim/status.h"

typedef struct cs_replay_hours {
    const char *line;
    int all;                       /* every line together (files replay_*_all) */
    size_t n;                      /* hours with calls */
    double hour[24];               /* hour of day (0..23) */
    double calls[24];              /* observed calls per hour */
    double obs_ab[24], sim_ab[24], lo_ab[24], hi_ab[24];   /* abandoned or cut off (share) */
    double obs_w[24], sim_w[24], lo_w[24], hi_w[24];       /* mean wait of all attempts (s) */
} cs_replay_hours;

/** @brief Two charts per line (replay_abandon_lineN, replay_wait_lineN), PNG, SVG and PDF. */
cs_status cs_charts_replay(const cs_replay_hours *h, size_t n_lines, cs_chart_path_fn *path, void *ud,
                           cs_chart_list *list, cs_error *err);

#endif
