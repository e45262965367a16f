/* Kaplan-Meier with Greenwood intervals (models/fit.h). */
#include "models/fit_int.h"

/* ------------------------------------------------------------------------------------
 * Kaplan-Meier */

typedef struct tev {
    double t;
    int ev;
} tev;

static int cmp_tev(const void *pa, const void *pb)
{
    const tev *a = pa, *b = pb;
    return (a->t > b->t) - (a->t < b->t);
}

void cs_fit_km_fini(cs_fit_km_result *km)
{
    if (!km)
        return;
    free(km->time); /* one block holds every array, see cs_fit_km */
    *km = (cs_fit_km_result){0};
}

cs_status cs_fit_km(const double *t, const int *event, size_t n, cs_fit_km_result *out,
                    cs_error *err)
{
    CS_REQUIRE(out != NULL);
    *out = (cs_fit_km_result){0};
    cs_status st = csi_fit_check_input(t, event, n, err);
    if (st)
        return st;

    tev *o = malloc(n * sizeof *o);
    if (!o)
        return cs_error_set(err, CS_ENOMEM, "out of memory sorting %zu durations", n);
    size_t n_ev = 0, n_dist = 0;
    for (size_t i = 0; i < n; i++) {
        o[i].t = t[i];
        o[i].ev = event ? event[i] : 1;
        n_ev += (size_t)o[i].ev;
    }
    qsort(o, n, sizeof *o, cmp_tev);
    for (size_t i = 0; i < n;) {
        size_t j = i;
        int any = 0;
        while (j < n && o[j].t == o[i].t)
            any |= o[j++].ev;
        n_dist += (size_t)any;
        i = j;
    }

    /* One block for the seven arrays: one allocation to fail, one free. */
    double *blk = n_dist ? malloc(7 * n_dist * sizeof *blk) : NULL;
    if (n_dist && !blk) {
        free(o);
        return cs_error_set(err, CS_ENOMEM, "out of memory for a Kaplan-Meier curve of %zu "
                            "steps", n_dist);
    }
    out->n = n;
    out->n_events = n_ev;
    out->n_steps = n_dist;
    out->time = blk;
    out->at_risk = blk ? blk + n_dist : NULL;
    out->events = blk ? blk + 2 * n_dist : NULL;
    out->surv = blk ? blk + 3 * n_dist : NULL;
    out->var = blk ? blk + 4 * n_dist : NULL;
    out->lo = blk ? blk + 5 * n_dist : NULL;
    out->hi = blk ? blk + 6 * n_dist : NULL;
    out->tau = o[n - 1].t;

    double at_risk = (double)n, s = 1.0, gw = 0.0;
    int gw_inf = 0;
    size_t k = 0;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        double d = 0, c = 0;
        while (j < n && o[j].t == o[i].t) {
            if (o[j].ev)
                d += 1;
            else
                c += 1;
            j++;
        }
        if (d > 0) {
            /* Events first: the c censorings at this time are still in at_risk. */
            s *= 1.0 - d / at_risk;
            if (d < at_risk)
                gw += d / (at_risk * (at_risk - d));
            else
                gw_inf = 1;
            out->time[k] = o[i].t;
            out->at_risk[k] = at_risk;
            out->events[k] = d;
            out->surv[k] = s;
            out->var[k] = gw_inf ? NAN : s * s * gw;
            if (!gw_inf && s > 0 && s < 1) {
                double se_ll = sqrt(gw) / fabs(log(s));
                out->lo[k] = pow(s, exp(CS_FIT_Z95 * se_ll));
                out->hi[k] = pow(s, exp(-CS_FIT_Z95 * se_ll));
            } else {
                out->lo[k] = out->hi[k] = NAN;
            }
            k++;
        }
        at_risk -= d + c;
        i = j;
    }
    free(o);

    out->median = NAN;
    for (size_t j = 0; j < n_dist; j++)
        if (out->surv[j] <= 0.5) {
            out->median_reached = 1;
            out->median = out->time[j];
            break;
        }

    /* Restricted mean and its SE.  A_j, the area under S from t_j to tau, is accumulated
     * backwards; the step with n_j = d_j has S = 0 after it, so A_j = 0 there and its
     * infinite Greenwood term is multiplied by zero area: it is skipped. */
    double area = 0, prev_t = 0, prev_s = 1;
    for (size_t j = 0; j < n_dist; j++) {
        area += prev_s * (out->time[j] - prev_t);
        prev_t = out->time[j];
        prev_s = out->surv[j];
    }
    area += prev_s * (out->tau - prev_t);
    out->rmean = area;
    double a_j = 0, v = 0;
    for (size_t jj = n_dist; jj-- > 0;) {
        double next_t = jj + 1 < n_dist ? out->time[jj + 1] : out->tau;
        a_j += out->surv[jj] * (next_t - out->time[jj]);
        if (a_j > 0 && out->at_risk[jj] > out->events[jj])
            v += a_j * a_j * out->events[jj] /
                 (out->at_risk[jj] * (out->at_risk[jj] - out->events[jj]));
    }
    out->rmean_se = sqrt(v);
    return CS_OK;
}

double cs_fit_km_eval(const cs_fit_km_result *km, double t)
{
    CS_REQUIRE(km != NULL);
    if (isnan(t))
        return NAN;
    /* Binary search for the last step at or before t. */
    size_t lo = 0, hi = km->n_steps;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (km->time[mid] <= t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo == 0 ? 1.0 : km->surv[lo - 1];
}
