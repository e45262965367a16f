#include "sim/stat.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gsl/gsl_cdf.h>

void cs_tally_reset(cs_tally *t)
{
    t->n = t->mean = t->m2 = 0.0;
    t->min = INFINITY;
    t->max = -INFINITY;
}

double cs_tally_variance(const cs_tally *t) { return t->n >= 2 ? t->m2 / (t->n - 1) : NAN; }

void cs_tally_merge(cs_tally *a, const cs_tally *b)
{
    if (b->n == 0) return;
    if (a->n == 0) {
        *a = *b;
        return;
    }
    double n = a->n + b->n, d = b->mean - a->mean;
    a->m2 += b->m2 + d * d * a->n * b->n / n;
    a->mean += d * b->n / n;
    a->n = n;
    if (b->min < a->min) a->min = b->min;
    if (b->max > a->max) a->max = b->max;
}

void cs_timeavg_reset(cs_timeavg *a, double t, double level)
{
    a->t_last = a->t_start = t;
    a->level = level;
    a->area = 0.0;
}

double cs_timeavg_area(const cs_timeavg *a, double t) { return a->area + a->level * (t - a->t_last); }

double cs_timeavg_mean(const cs_timeavg *a, double t)
{
    return t > a->t_start ? cs_timeavg_area(a, t) / (t - a->t_start) : NAN;
}

const cs_hist_layout CS_HIST_FINE = {100, 32, 24};
const cs_hist_layout CS_HIST_COARSE = {4, 4, 24};

size_t cs_hist_nbins(cs_hist_layout lay)
{
    return 1 + (size_t)lay.linear + (size_t)lay.per_octave * (size_t)lay.octaves;
}

size_t cs_hist_bin(const cs_hist_layout *lay, double x)
{
    if (!(x > 0)) return 0;
    /* 2^octaves exactly, without a call to ldexp for every wait (layouts have far fewer than
     * 63 octaves; ldexp for any other). */
    double top = lay->octaves >= 0 && lay->octaves < 63 ? (double)(1ULL << lay->octaves) : ldexp(1.0, lay->octaves);
    if (!(x < top)) return cs_hist_nbins(*lay) - 1;   /* incl. +inf */
    if (x < 1.0) {
        /* x * linear is rounded before the floor; nudge the index so that the bin's edges
         * (computed as (i-1)/linear and i/linear) really contain x. */
        size_t i = 1 + (size_t)(x * lay->linear);
        if (i > (size_t)lay->linear) i = (size_t)lay->linear;
        while (i > 1 && x < (double)(i - 1) / lay->linear) i--;
        while (i < (size_t)lay->linear && x >= (double)i / lay->linear) i++;
        return i;
    }
    /* frexp(x, &e) by its bits (x is normal here: 1 <= x < 2^octaves): x = f * 2^e with f in
     * [0.5, 1) the same mantissa under the exponent of 0.5, so octave k = e - 1. */
    uint64_t bits;
    memcpy(&bits, &x, sizeof bits);
    int k = (int)((bits >> 52) & 0x7ff) - 1023;
    bits = (bits & ~(0x7ffULL << 52)) | (0x3feULL << 52);
    double f;
    memcpy(&f, &bits, sizeof f);
    size_t j = (size_t)((2.0 * f - 1.0) * lay->per_octave);
    return 1 + (size_t)lay->linear + (size_t)k * (size_t)lay->per_octave + j;
}

void cs_hist_edges(const cs_hist_layout *lay, size_t i, double *lo, double *hi)
{
    if (i == 0) {
        *lo = *hi = 0.0;
        return;
    }
    if (i <= (size_t)lay->linear) {
        *lo = (double)(i - 1) / lay->linear;
        *hi = (double)i / lay->linear;
        return;
    }
    size_t r = i - 1 - (size_t)lay->linear;
    size_t k = r / (size_t)lay->per_octave, j = r % (size_t)lay->per_octave;
    double base = ldexp(1.0, (int)k);
    *lo = base * (1.0 + (double)j / lay->per_octave);
    *hi = base * (1.0 + (double)(j + 1) / lay->per_octave);
}

int cs_hist_init(cs_hist *h, cs_hist_layout lay)
{
    h->lay = lay;
    h->nbins = cs_hist_nbins(lay);
    h->count = calloc(h->nbins, sizeof *h->count);
    h->total = 0;
    return h->count ? 0 : -1;
}

void cs_hist_init_at(cs_hist *h, cs_hist_layout lay, uint64_t *count)
{
    h->lay = lay;
    h->nbins = cs_hist_nbins(lay);
    h->count = count;
    h->total = 0;
}

void cs_hist_fini(cs_hist *h)
{
    free(h->count);
    h->count = NULL;
    h->nbins = 0;
    h->total = 0;
}

void cs_hist_clear(cs_hist *h)
{
    memset(h->count, 0, h->nbins * sizeof *h->count);
    h->total = 0;
}

void cs_hist_merge(cs_hist *a, const cs_hist *b)
{
    for (size_t i = 0; i < a->nbins && i < b->nbins; i++) a->count[i] += b->count[i];
    a->total += b->total;
}

double cs_hist_quantile(const cs_hist *h, double p)
{
    if (h->total == 0) return NAN;
    double target = p * (double)h->total;
    double cum = 0.0;
    for (size_t i = 0; i < h->nbins; i++) {
        double c = (double)h->count[i];
        if (c > 0 && cum + c >= target) {
            double lo, hi;
            cs_hist_edges(&h->lay, i, &lo, &hi);
            double frac = (target - cum) / c;
            if (frac < 0) frac = 0;
            return lo + frac * (hi - lo);
        }
        cum += c;
    }
    double lo, hi;
    cs_hist_edges(&h->lay, h->nbins - 1, &lo, &hi);
    return hi;
}

double cs_hist_cdf(const cs_hist *h, double x)
{
    if (h->total == 0) return NAN;
    if (x < 0) return 0.0;
    size_t b = cs_hist_bin(&h->lay, x);
    double cum = 0.0;
    for (size_t i = 0; i < b; i++) cum += (double)h->count[i];
    double lo, hi;
    cs_hist_edges(&h->lay, b, &lo, &hi);
    double frac = hi > lo ? (x - lo) / (hi - lo) : 1.0;
    if (frac > 1) frac = 1;
    cum += frac * (double)h->count[b];
    return cum / (double)h->total;
}

size_t cs_ci_acc_end(const cs_ci_acc *a, double level, double *mean, double *half)
{
    *mean = a->k ? a->m : NAN;
    if (a->k < 2) {
        *half = NAN;
        return a->k;
    }
    double sd = sqrt(a->m2 / (double)(a->k - 1));
    double t = gsl_cdf_tdist_Pinv(0.5 + level / 2.0, (double)(a->k - 1));
    *half = t * sd / sqrt((double)a->k);
    return a->k;
}

size_t cs_ci(const double *x, size_t n, double level, double *mean, double *half)
{
    cs_ci_acc a = {0, 0, 0};
    for (size_t i = 0; i < n; i++) cs_ci_acc_add(&a, x[i]);
    return cs_ci_acc_end(&a, level, mean, half);
}

size_t cs_ci95(const double *x, size_t n, double *mean, double *half) { return cs_ci(x, n, 0.95, mean, half); }
