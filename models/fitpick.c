/* Luce weights of a pool's pick between lines, from a call log (see models/fitpick.h). */
#include "models/fitpick.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* One distinct choice: the set, the line chosen, how often. */
typedef struct choice {
    uint32_t mask;
    int pick;
    double count;
} choice;

static int cmp_choice(const void *x, const void *y)
{
    const choice *a = x, *b = y;
    if (a->mask != b->mask) return a->mask < b->mask ? -1 : 1;
    return (a->pick > b->pick) - (a->pick < b->pick);
}

static int popcount32(uint32_t m)
{
    int k = 0;
    for (; m; m &= m - 1) k++;
    return k;
}

cs_status cs_fitpick_luce(const uint32_t *mask, const int *pick, size_t n, size_t n_lines, cs_fitpick *out,
                          cs_error *err)
{
    memset(out, 0, sizeof *out);
    if (n_lines > CS_FITPICK_MAX_LINES)
        return cs_error_set(err, CS_EINPUT, "at most %d lines for pick weights (got %zu)", CS_FITPICK_MAX_LINES,
                            n_lines);
    out->n_lines = n_lines;
    for (size_t l = 0; l < n_lines; l++) out->weight[l] = 1;
    choice *c = malloc((n ? n : 1) * sizeof *c);
    if (!c) return cs_error_set(err, CS_ENOMEM, "out of memory");
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        if (pick[i] < 0 || (size_t)pick[i] >= n_lines || !(mask[i] >> pick[i] & 1u)) {
            free(c);
            return cs_error_set(err, CS_EINPUT, "choice %zu: line %d is not among its choices", i, pick[i]);
        }
        if (popcount32(mask[i]) < 2) continue;
        c[m++] = (choice){mask[i], pick[i], 1};
        out->chosen[pick[i]] += 1;
        for (size_t l = 0; l < n_lines; l++)
            if (mask[i] >> l & 1u) out->offered[l] += 1;
    }
    out->events = m;
    /* Distinct (set, pick) pairs: a handful for a few lines, so the iterations are cheap. */
    if (m > 1) qsort(c, m, sizeof *c, cmp_choice);
    size_t k = 0;
    for (size_t i = 0; i < m; i++) {
        if (k > 0 && c[k - 1].mask == c[i].mask && c[k - 1].pick == c[i].pick) c[k - 1].count += 1;
        else c[k++] = c[i];
    }
    /* Hunter's MM: w_l <- wins_l / sum over the events offering l of 1 / (sum of w over the set).
     * A line never chosen goes to 0; it is floored at the end. */
    double w[CS_FITPICK_MAX_LINES], den[CS_FITPICK_MAX_LINES];
    for (size_t l = 0; l < n_lines; l++) w[l] = 1;
    for (int it = 0; it < 10000 && k > 0; it++) {
        for (size_t l = 0; l < n_lines; l++) den[l] = 0;
        for (size_t i = 0; i < k; i++) {
            double tot = 0;
            for (size_t l = 0; l < n_lines; l++)
                if (c[i].mask >> l & 1u) tot += w[l];
            if (!(tot > 0)) continue;
            for (size_t l = 0; l < n_lines; l++)
                if (c[i].mask >> l & 1u) den[l] += c[i].count / tot;
        }
        double mx = 0, moved = 0;
        for (size_t l = 0; l < n_lines; l++) {
            double nw = den[l] > 0 ? out->chosen[l] / den[l] : w[l];
            if (nw > mx) mx = nw;
            w[l] = nw;
        }
        if (!(mx > 0)) break;
        for (size_t l = 0; l < n_lines; l++) {
            double nw = w[l] / mx;
            moved = fmax(moved, fabs(nw - out->weight[l]));
            out->weight[l] = nw;
            w[l] = nw;
        }
        if (moved < 1e-10) break;
    }
    free(c);
    for (size_t l = 0; l < n_lines; l++)
        if (!(out->weight[l] >= CS_FITPICK_FLOOR)) out->weight[l] = CS_FITPICK_FLOOR;
    out->ok = m >= CS_FITPICK_MIN_EVENTS;
    return CS_OK;
}

typedef struct span {
    double a, b;
} span;

static int cmp_span(const void *x, const void *y)
{
    const span *p = x, *q = y;
    return (p->a > q->a) - (p->a < q->a);
}

cs_status cs_fitpick_estimate(const double *a, const double *b, const int *wline, size_t n_waits,
                              const double *ans_arr, const double *ans_t, const int *ans_line, size_t n_ans,
                              size_t n_lines, cs_fitpick *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    if (n_lines > CS_FITPICK_MAX_LINES)
        return cs_error_set(err, CS_EINPUT, "at most %d lines for pick weights (got %zu)", CS_FITPICK_MAX_LINES,
                            n_lines);
    /* Per line, the waits sorted by start with the running maximum of their ends: "a caller of
     * line l arrived before x and still waited at t" is "the largest end among waits starting
     * before x is beyond t". */
    span *sp = malloc((n_waits ? n_waits : 1) * sizeof *sp);
    double *runmax = malloc((n_waits ? n_waits : 1) * sizeof *runmax);
    uint32_t *mask = malloc((n_ans ? n_ans : 1) * sizeof *mask);
    int *pick = malloc((n_ans ? n_ans : 1) * sizeof *pick);
    size_t from[CS_FITPICK_MAX_LINES + 1] = {0};
    if (!sp || !runmax || !mask || !pick) {
        free(sp);
        free(runmax);
        free(mask);
        free(pick);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    size_t k = 0;
    for (size_t l = 0; l < n_lines; l++) {
        from[l] = k;
        for (size_t i = 0; i < n_waits; i++)
            if (wline[i] == (int)l && b[i] > a[i]) sp[k++] = (span){a[i], b[i]};
        if (k - from[l] > 1) qsort(sp + from[l], k - from[l], sizeof *sp, cmp_span);
        for (size_t i = from[l]; i < k; i++)
            runmax[i] = i > from[l] && runmax[i - 1] > sp[i].b ? runmax[i - 1] : sp[i].b;
    }
    from[n_lines] = k;
    size_t m = 0;
    for (size_t j = 0; j < n_ans; j++) {
        int p = ans_line[j];
        if (p < 0 || (size_t)p >= n_lines) continue;
        uint32_t set = 1u << p;
        for (size_t l = 0; l < n_lines; l++) {
            if ((int)l == p) continue;
            /* Waits of line l starting strictly before the answered caller arrived. */
            size_t lo = from[l], hi = from[l + 1];
            while (lo < hi) {
                size_t mid = lo + (hi - lo) / 2;
                if (sp[mid].a < ans_arr[j]) lo = mid + 1;
                else hi = mid;
            }
            if (lo > from[l] && runmax[lo - 1] > ans_t[j]) set |= 1u << l;
        }
        mask[m] = set;
        pick[m] = p;
        m++;
    }
    free(sp);
    free(runmax);
    cs_status st = cs_fitpick_luce(mask, pick, m, n_lines, out, err);
    free(mask);
    free(pick);
    return st;
}
