/* The lognormal ziggurat: table construction and the rare cases (see models/lnzig.h). */
#include "models/lnzig.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

#include "sim/status.h"

#define N CS_LNZIG_LAYERS
#define SIGMA_MIN 0.001
#define SIGMA_MAX 4.0

enum { LAYER_REJECT = 0, LAYER_WEDGE = 1, LAYER_BASE = 2 };
enum { ABOVE = 0, BELOW = 1 };   /* the side of the mode */

typedef struct layer {
    double width;    /* X[i] 2^-53, in units of m: g = u width */
    double lo, hi;   /* the shape at the layer's bottom and top (a top layer's hi exceeds 1) */
    unsigned char kind, side;
} layer;

struct cs_lnzig {
    cs_lnzig_head head;    /* first: cs_lnzig_sample reads it */
    double mu, sigma, inv_2s2;
    double tail_z[2];      /* the bases' tails: Z > tail_z[ABOVE]; -Z > tail_z[BELOW] */
    double tail_keep[2];   /* the share of a base's tail part that is under the curve */
    double v;              /* the layers' common area, in units of m */
    double r[2];           /* the bases' edges, in units of m */
    unsigned n_side[2];    /* layers on each side, the base included */
    layer layer[N];
};

bool cs_lnzig_supported(double sigma) { return sigma >= SIGMA_MIN && sigma <= SIGMA_MAX; }

/* The density's shape on one side of the mode: 1 at g = 0, decreasing. */
static double shape(double inv_2s2, int side, double g)
{
    double l = log1p(side == ABOVE ? g : -g);
    return exp(-l * l * inv_2s2);
}

/* The g at which the shape on `side` is q, 0 < q <= 1 (log Y = -sigma^2 +- sigma sqrt(-2 ln q)). */
static double shape_inv(double sigma, int side, double q)
{
    double t = sigma * sqrt(-2.0 * log(q));
    return side == ABOVE ? expm1(t) : -expm1(-t);
}

/* Y beyond m (1 + r) is Z > the bound; Y below m (1 - r) is -Z > the bound. */
static double tail_bound(double sigma, int side, double r)
{
    double s2 = sigma * sigma;
    return side == ABOVE ? (log1p(r) - s2) / sigma : (s2 - log1p(-r)) / sigma;
}

/* The area under the shape beyond r on one side: the whole area under it (both sides) is
 * scale = sigma sqrt(2 pi) exp(sigma^2 / 2), and the tail holds P(tail) of it. */
static double tail_area(double sigma, double scale, int side, double r)
{
    return scale * gsl_cdf_ugaussian_Q(tail_bound(sigma, side, r));
}

/* Writes one side's layers of area v from entry `at` on; returns how many it took, or N + 1
 * when they do not fit. */
static unsigned build_side(cs_lnzig *z, int side, double v, double scale, unsigned at)
{
    const double sigma = z->sigma, inv = z->inv_2s2, sign = side == ABOVE ? 1.0 : -1.0;
    const double c = z->head.c;
    double mass = tail_area(sigma, scale, side, 0.0);
    double r = 0, keep = 1;
    if (v >= mass) {
        keep = mass / v;   /* the whole side is the base's tail, with room to spare */
    } else {
        /* The base: phi(r) = r h(r) + tail(r) = v, where phi falls from `mass` at r = 0 to 0
         * with phi'(r) = r h'(r).  Newton's steps, kept inside a bracket [lo, hi] with
         * phi(lo) > v >= phi(hi) (a bisection when a step leaves it), until the bracket is a
         * few ulps wide or the step vanishes. */
        double lo = 0, hi = 1;
        if (side == ABOVE)
            while (hi * shape(inv, side, hi) + tail_area(sigma, scale, side, hi) > v) {
                lo = hi;
                hi *= 2;
            }
        double x = 0.5 * (lo + hi);
        for (int it = 0; it < 100 && hi - lo > 0x1p-50 * hi; it++) {
            double hx = shape(inv, side, x);
            double f = x * hx + tail_area(sigma, scale, side, x) - v;
            if (f > 0)
                lo = x;
            else
                hi = x;
            double l = log1p(side == ABOVE ? x : -x);
            double dh = side == ABOVE ? -hx * l * 2 * inv / (1 + x) : hx * l * 2 * inv / (1 - x);
            double step = x * dh != 0 ? f / (x * dh) : 0;
            double nx = x - step;
            if (!(nx > lo && nx < hi)) nx = 0.5 * (lo + hi);
            if (fabs(nx - x) <= 0x1p-52 * x) break;
            x = nx;
        }
        /* r must have phi(r) <= v, so that the tail part is kept with probability <= 1: the
         * converged point moved right by a margin that grows until phi's rounding noise (larger
         * for a large sigma) no longer hides the step, or else the bracket's right end. */
        r = hi;
        for (double e = 0x1p-48; e < 1; e *= 4) {
            double t = x * (1 + e);
            if (!(t < hi)) break;
            if (t * shape(inv, side, t) + tail_area(sigma, scale, side, t) <= v) {
                r = t;
                break;
            }
        }
        double rest = v - r * shape(inv, side, r);
        keep = rest > 0 ? tail_area(sigma, scale, side, r) / rest : 1;
        if (keep > 1) keep = 1;
    }
    if (at >= N) return N + 1;
    double hr = shape(inv, side, r), x0 = v / hr;
    z->layer[at] = (layer){x0 * 0x1p-53, 0, hr, LAYER_BASE, (unsigned char)side};
    z->head.fast[at] = (cs_lnzig_fast){(uint64_t)(r / x0 * 0x1p53), sign * (c * (x0 * 0x1p-53))};   /* c x0 alone may overflow */
    z->tail_z[side] = tail_bound(sigma, side, r);
    z->tail_keep[side] = keep;
    z->r[side] = r;
    unsigned n = 1;
    double x = r, y = hr;
    while (x > 0) {
        if (at + n >= N) return N + 1;
        double top = y + v / x;
        z->layer[at + n] = (layer){x * 0x1p-53, y, top, LAYER_WEDGE, (unsigned char)side};
        cs_lnzig_fast *f = &z->head.fast[at + n];
        f->w = sign * (c * (x * 0x1p-53));
        n++;
        if (top >= 1) {
            f->k = 0;   /* the top layer: everything goes through the wedge test */
            break;
        }
        double xn = shape_inv(sigma, side, top);
        if (!(xn < x)) xn = x * (1 - 0x1p-52);   /* a layer thinner than rounding */
        f->k = (uint64_t)(xn / x * 0x1p53);
        x = xn;
        y = top;
    }
    return n;
}

/* Both sides with layer area v, the unused entries rejecting; N + 1 if they do not fit. */
static unsigned build(cs_lnzig *z, double v, double scale)
{
    unsigned a = build_side(z, ABOVE, v, scale, 0);
    if (a > N) return N + 1;
    unsigned b = build_side(z, BELOW, v, scale, a);
    if (a + b > N) return N + 1;
    for (unsigned i = a + b; i < N; i++) {
        z->layer[i] = (layer){0, 0, 0, LAYER_REJECT, ABOVE};
        z->head.fast[i] = (cs_lnzig_fast){0, 0};
    }
    z->n_side[ABOVE] = a;
    z->n_side[BELOW] = b;
    z->v = v;
    return a + b;
}

/* A table's storage: a whole number of cache lines, aligned to one (a draw reads one line). */
static cs_lnzig *table_alloc(void)
{
    return aligned_alloc(64, (sizeof(cs_lnzig) + 63) / 64 * 64);
}

cs_lnzig *cs_lnzig_create(double mu, double sigma)
{
    CS_REQUIRE(cs_lnzig_supported(sigma) && isfinite(mu));
    cs_lnzig *z = table_alloc();
    if (!z) return NULL;
    memset(z, 0, sizeof *z);
    z->mu = mu;
    z->sigma = sigma;
    z->inv_2s2 = 1.0 / (2.0 * sigma * sigma);
    z->head.c = exp(mu - sigma * sigma);
    const double scale = sigma * 2.5066282746310002 * exp(0.5 * sigma * sigma);   /* sqrt(2 pi) */
    /* The smallest v (fewest rejected entries) whose layers fit: about scale / N plus the
     * layers' overhang; the count is close to proportional to 1 / v, so a few proportional
     * steps, bracketed, settle it. */
    double v = scale * 1.02 / (N - 3), best = 0, too_small = 0, built = 0;
    for (int pass = 0; pass < 40; pass++) {
        unsigned n = build(z, v, scale);
        built = n <= N ? v : 0;
        double next;
        if (n <= N) {
            if (best == 0 || v < best) best = v;
            if (n >= N - 2) break;
            next = v * (double)n / (N - 1);
            if (too_small > 0 && next <= too_small) next = 0.5 * (v + too_small);
        } else {
            if (v > too_small) too_small = v;
            next = v * (N + 3.0) / N;
            if (best > 0 && next >= best) next = 0.5 * (v + best);
        }
        v = next;
    }
    if (best == 0) best = scale;   /* never on the supported range (tests/test_lnzig.c) */
    if (built != best) build(z, best, scale);
    return z;
}

cs_lnzig *cs_lnzig_copy(const cs_lnzig *z)
{
    cs_lnzig *c = table_alloc();
    if (c) memcpy(c, z, sizeof *z);
    return c;
}

void cs_lnzig_destroy(cs_lnzig *z) { free(z); }

double cs_lnzig_slow(const cs_lnzig *z, cs_rng_xoshiro_state *st, uint64_t x)
{
    for (;;) {
        unsigned i = (unsigned)(x & (N - 1));
        uint64_t u = x >> 11;
        const cs_lnzig_fast *f = &z->head.fast[i];
        if (u < f->k) return z->head.c + (double)u * f->w;
        const layer *l = &z->layer[i];
        if (l->kind == LAYER_WEDGE) {
            double y = l->lo + cs_rng_xoshiro_uniform(st) * (l->hi - l->lo);
            if (y < shape(z->inv_2s2, l->side, (double)u * l->width)) return z->head.c + (double)u * f->w;
        } else if (l->kind == LAYER_BASE) {
            /* Past r: the tail, which the base stands for with area v - r h(r). */
            if (z->tail_keep[l->side] >= 1 || cs_rng_xoshiro_uniform(st) < z->tail_keep[l->side]) {
                double t = cs_rng_xoshiro_normal_beyond(st, z->tail_z[l->side]);
                return exp(z->mu + z->sigma * (l->side == ABOVE ? t : -t));
            }
        }
        x = cs_rng_xoshiro_next(st);
    }
}
