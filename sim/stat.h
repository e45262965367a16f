/* Streaming statistics: accumulators whose memory does not depend on how many observations
 * they see.
 *
 *  cs_tally    per-observation moments (Welford's update: numerically stable variance), min, max
 *  cs_timeavg  time-weighted average of a level (queue length, busy handlers), updated on change
 *  cs_hist     log-linear histogram for quantiles of non-negative values (waits, in seconds):
 *              an exact-zero bin, linear bins below 1, then S bins per octave, so the relative
 *              error of a quantile is at most 1/S whatever the scale (a 3 s or a 3 h wait)
 *  cs_ci95     mean and Student-t 95% half-width across replications (of an array, or streamed
 *              through a cs_ci_acc, so that callers need no array of per-replication values)
 *
 * All are plain value types (no allocation except cs_hist's fixed bin array) so that they can
 * be embedded in per-replication result structs and reset by a warm-up event. */
#ifndef CS_STAT_H
#define CS_STAT_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

typedef struct cs_tally {
    double n, mean, m2, min, max;
} cs_tally;

void cs_tally_reset(cs_tally *t);
/* Inline: the engine adds a wait and a talk time per answered call. */
static inline void cs_tally_add(cs_tally *t, double x)
{
    t->n += 1.0;
    double d = x - t->mean;
    t->mean += d / t->n;
    t->m2 += d * (x - t->mean);
    if (x < t->min) t->min = x;
    if (x > t->max) t->max = x;
}
double cs_tally_variance(const cs_tally *t);   /* sample variance (n-1); NAN if n < 2 */
/* Combines b into a (parallel Welford, Chan et al.), as if a had seen b's observations. */
void cs_tally_merge(cs_tally *a, const cs_tally *b);

typedef struct cs_timeavg {
    double t_last;     /* time of the last change */
    double level;      /* current level */
    double area;       /* integral of level since the reset */
    double t_start;
} cs_timeavg;

void cs_timeavg_reset(cs_timeavg *a, double t, double level);
/* The level changes to `level` at time t (t >= t_last). */
static inline void cs_timeavg_set(cs_timeavg *a, double t, double level)
{
    a->area += a->level * (t - a->t_last);
    a->t_last = t;
    a->level = level;
}
/* Area up to time t without changing the level. */
double cs_timeavg_area(const cs_timeavg *a, double t);
double cs_timeavg_mean(const cs_timeavg *a, double t);   /* NAN if no time has passed */

/* Histogram layout: L linear bins on (0,1), S bins per octave for [2^k, 2^(k+1)), k < K. */
typedef struct cs_hist_layout {
    int linear, per_octave, octaves;
} cs_hist_layout;

extern const cs_hist_layout CS_HIST_FINE;    /* waits per line: 100 linear, 32 per octave, 2^24 s */
extern const cs_hist_layout CS_HIST_COARSE;  /* waits per interval: 4 linear, 4 per octave */

typedef struct cs_hist {
    cs_hist_layout lay;
    size_t nbins;
    uint64_t *count;   /* nbins counts; the last bin also takes everything beyond the range */
    uint64_t total;
} cs_hist;

int cs_hist_init(cs_hist *h, cs_hist_layout lay);   /* 0 ok, -1 out of memory */
/* As cs_hist_init on counts the caller owns: cs_hist_nbins(lay) zeroed counters that outlive h
 * (an arena's, sim/arena.h); such an h is never given to cs_hist_fini. */
void cs_hist_init_at(cs_hist *h, cs_hist_layout lay, uint64_t *count);
void cs_hist_fini(cs_hist *h);
void cs_hist_clear(cs_hist *h);
size_t cs_hist_nbins(cs_hist_layout lay);
size_t cs_hist_bin(const cs_hist_layout *lay, double x);
/* Lower and upper edge of bin i (bin 0 is the single value 0). */
void cs_hist_edges(const cs_hist_layout *lay, size_t i, double *lo, double *hi);
static inline void cs_hist_add(cs_hist *h, double x)
{
    h->count[cs_hist_bin(&h->lay, x)]++;
    h->total++;
}
void cs_hist_merge(cs_hist *a, const cs_hist *b);   /* same layout required */
/* p-quantile (0 <= p <= 1) by linear interpolation inside the bin; NAN when empty. */
double cs_hist_quantile(const cs_hist *h, double p);
/* Share of observations <= x (interpolated inside x's bin). */
double cs_hist_cdf(const cs_hist *h, double x);

/* Mean and 95% confidence half-width (Student t, n-1 degrees of freedom) of the finite values
 * in x[0..n-1]; NAN values are skipped.  half is NAN with fewer than 2 values, 0 when all
 * values are equal.  Returns how many values were used. */
size_t cs_ci95(const double *x, size_t n, double *mean, double *half);
/* Same with a chosen two-sided confidence level (0.99 for the validation tests). */
size_t cs_ci(const double *x, size_t n, double level, double *mean, double *half);

/* cs_ci95 without the array: add the values one by one (NAN skipped), then end.  The same
 * arithmetic as cs_ci95 in the same order, so the same bits; and nothing to allocate, so
 * nothing that can fail between a result and its file. */
typedef struct cs_ci_acc {
    double m, m2;
    size_t k;
} cs_ci_acc;

static inline void cs_ci_acc_add(cs_ci_acc *a, double x)
{
    if (!isfinite(x)) return;
    a->k++;
    double d = x - a->m;
    a->m += d / (double)a->k;
    a->m2 += d * (x - a->m);
}
/* Mean and half-width at the two-sided level (0.95 as cs_ci95); returns the values used. */
size_t cs_ci_acc_end(const cs_ci_acc *a, double level, double *mean, double *half);

#endif
