/* Volumes that count attempts; see models/volume.h. */
#include "models/volume.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/demand.h"
#include "models/run.h"

/** @brief Multiplies a line's first-attempt rate by f (its dated demand or its week profile). */
static void scale_line(cs_line *l, double f)
{
    if (l->dated) {
        cs_demand_scale(l->dated, 0, l->dated->n, f);
        return;
    }
    for (size_t i = 0; i < l->demand.n_slots; i++) l->demand.rate[i] *= f;
}

/* Attempts per own first attempt of line l over the pilot's replications; NaN without calls. */
static double attempts_ratio(const cs_results *r, size_t l, double *offered, double *own)
{
    *offered = *own = 0;
    for (uint32_t i = 0; i < r->n_reps; i++) {
        const double *c = cs_rs_line_c(&r->reps[i], l);
        *offered += c[CS_LC_OFFERED];
        *own += c[CS_LC_CALLERS] - c[CS_LC_FROM_OTHER];
    }
    return *own > 0 ? *offered / *own : NAN;
}

cs_status cs_volume_calibrate(cs_scn *scn, int threads, cs_volume_info *info, cs_error *err)
{
    cs_volume_info none;
    if (!info) info = &none;
    info->pilots = 0;
    info->converged = 1;
    if (!scn->volume_pending) return CS_OK;
    size_t n = scn->n_lines;
    double *f = malloc((n ? n : 1) * sizeof *f);
    unsigned char *settled = calloc(n ? n : 1, 1);
    if (!f || !settled) {
        free(f);
        free(settled);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t l = 0; l < n; l++) f[l] = 1.0;
    info->last_step = 0;
    int reps = scn->replications;
    scn->replications = reps < CS_VOLUME_PILOT_REPS ? reps : CS_VOLUME_PILOT_REPS;
    scn->volume_pending = 0;
    cs_run_opts ro;
    memset(&ro, 0, sizeof ro);
    ro.threads = threads;
    cs_status st = CS_OK;
    int done = 0;
    while (!done && info->pilots < CS_VOLUME_MAX_PILOTS) {
        cs_results *res = NULL;
        st = cs_run(scn, &ro, &res, err);
        if (st != CS_OK) break;
        info->pilots++;
        done = 1;
        info->last_step = 0;
        for (size_t l = 0; l < n; l++) {
            if (scn->lines[l].counts != CS_COUNTS_ATTEMPTS || settled[l]) continue;
            double offered, own;
            double R = attempts_ratio(res, l, &offered, &own);
            if (!isfinite(R)) continue;   /* no calls: nothing to match */
            double next = 1.0 / R;
            /* The pilot's R is itself an estimate: its relative noise is about that of the
             * extra attempts, sqrt(offered - own) / own.  A step smaller than twice that is
             * noise, not progress. */
            double noise = sqrt(offered - own > 1 ? offered - own : 1) / own;
            double tol = CS_VOLUME_TOL > 2 * noise ? CS_VOLUME_TOL : 2 * noise;
            /* A line whose factor moves by less than that has settled: it is not moved again,
             * so that many lines do not keep each other chasing noise. */
            double step = fabs(next / f[l] - 1.0);
            if (step >= tol) done = 0;
            else settled[l] = 1;
            if (step > info->last_step) info->last_step = step;
            scale_line(&scn->lines[l], next / f[l]);
            f[l] = next;
        }
        cs_results_free(res);
    }
    info->converged = done;
    scn->replications = reps;
    if (st == CS_OK) {
        for (size_t l = 0; l < n; l++)
            if (scn->lines[l].counts == CS_COUNTS_ATTEMPTS) scn->lines[l].volume_factor = f[l];
    } else {
        scn->volume_pending = 1;   /* half-calibrated: refuse to run it */
    }
    free(f);
    free(settled);
    return st;
}
