/* A ziggurat for the lognormal: exact draws with no exp in about 96% of them (91% at sigma 4).
 *
 * Why.  Handle and IVR times are lognormal, drawn as exp(mu + sigma Z) with Z from the normal
 * ziggurat (sim/rng.h).  On the baseline that exp (glibc's) was about 4% of the CPU time, and
 * its latency lay on the way from each draw to the event calendar's comparisons: an inline
 * exp with a longer dependency chain made runs slower, not faster (README, Performance).  A
 * ziggurat on the lognormal's own density needs, in the common case, what the normal's does:
 * one 64-bit output, a table lookup, a compare and a multiply (and an add).
 *
 * Construction (Marsaglia and Tsang 2000, on each side of the mode).  Y = exp(sigma Z) has its
 * mode at m = exp(-sigma^2).  In units of m, g = |Y/m - 1|, the density on either side of the
 * mode is proportional to the decreasing shape
 *     h(g) = exp(-log1p(+g)^2 / (2 sigma^2))   above the mode (g >= 0),
 *     h(g) = exp(-log1p(-g)^2 / (2 sigma^2))   below it (0 <= g < 1),
 * with h(0) = 1 on both, so the two sides share one scale.  Each side is cut into layers of one
 * common area v: a base (the rectangle [0, r] x [0, h(r)] plus the tail beyond r; that sum is
 * v, which fixes r), then rectangles stacked up towards the mode, layer i of width X[i] from
 * h(X[i]) to h(X[i]) + v / X[i]; the top one overshoots h = 1, and the part of it above the
 * curve is rejected like any point above the curve.  Both sides' layers share one table of 256
 * (v is chosen, in a few passes, as small as lets them fit), the unused entries reject.  So a
 * uniformly chosen entry and a uniform point in its layer is a uniform point under the density
 * of (side, g), kept only under the curve: the draw is exact.  The only approximations are the
 * doubles' (a 53-bit uniform within the layer, tables to rounding).
 *
 * Drawing.  One 64-bit output x: the layer i = x & 255 and u = x >> 11, as in sim/rng.h; when
 * u < K[i] the point lies under the curve and the draw is c + u W[i], with c = exp(mu) m and
 * W[i] = +-exp(mu) m X[i] 2^-53 (negative below the mode).  Otherwise (about 4% of draws for
 * sigma up to 1, 9% at sigma 4, where nearly all layers are above the mode and the side below
 * it is one base), out of line: the wedge of a layer takes a fresh uniform height and compares
 * it with h; a base beyond r is the tail, exp(mu + sigma Z) for a normal Z beyond the matching
 * bound (Marsaglia's 1964 method: sim/rng.h, cs_rng_xoshiro_normal_beyond); an unused entry,
 * or a point above the curve, starts again from the next output.  Draws are reproducible bit
 * for bit for the same stream, the same parameters, the same C library and the same GSL (the
 * tables are built with log1p, expm1, log, exp and GSL's gsl_cdf_ugaussian_Q).
 *
 * Range.  cs_lnzig_supported(sigma) is true for 0.001 <= sigma <= 4 (a coefficient of
 * variation from 0.1% to 2981); outside it, and on another generator than ours, callers draw
 * exp(mu + sigma Z) as before. */
#ifndef CS_LNZIG_H
#define CS_LNZIG_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/rng.h"

#define CS_LNZIG_LAYERS 256

typedef struct cs_lnzig cs_lnzig;

/* One layer's fast-path pair, 16 bytes: a draw touches one. */
typedef struct cs_lnzig_fast {
    uint64_t k;   /* a 53-bit u < k lies under the curve */
    double w;     /* the draw is c + u w */
} cs_lnzig_fast;

/* The part of a cs_lnzig the inline sampler reads, first in the struct (the rest is private to
 * models/lnzig.c). */
typedef struct cs_lnzig_head {
    cs_lnzig_fast fast[CS_LNZIG_LAYERS];
    double c;     /* exp(mu) m: the mode of the distribution */
} cs_lnzig_head;

/* sigma in the range the tables are built and tested for (see the top of this file). */
bool cs_lnzig_supported(double sigma);

/* Tables for the lognormal of log-mean mu and log-sd sigma (cs_lnzig_supported(sigma), mu
 * finite).  NULL if out of memory.  About 12 KB and 0.1 ms. */
cs_lnzig *cs_lnzig_create(double mu, double sigma);
cs_lnzig *cs_lnzig_copy(const cs_lnzig *z);   /* NULL if out of memory */
void cs_lnzig_destroy(cs_lnzig *z);          /* NULL is a no-op */

/* The rare cases, continuing from the output x whose u was not below K[i]. */
double cs_lnzig_slow(const cs_lnzig *z, cs_rng_xoshiro_state *st, uint64_t x);

/* One draw from a xoshiro256** state (sim/rng.h). */
static inline double cs_lnzig_sample(const cs_lnzig *z, cs_rng_xoshiro_state *st)
{
    const cs_lnzig_head *h = (const cs_lnzig_head *)(const void *)z;
    uint64_t x = cs_rng_xoshiro_next(st);
    uint64_t u = x >> 11;
    const cs_lnzig_fast *f = &h->fast[x & (CS_LNZIG_LAYERS - 1)];
    if (u < f->k) return h->c + (double)u * f->w;
    return cs_lnzig_slow(z, st, x);
}

#endif
