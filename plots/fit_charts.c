/* Charts of `callsim fit` (see plots/fit_charts.h). */
#include "plots/fit_charts.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/chart.h"

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Empirical CDF (or KM survival) against every fitted family. */
cs_status cs_charts_fit(const char *dir, const char *file, const char *title, const char *line, const double *t,
                        const int *ev, size_t n, const cs_fit_set *set, const cs_fit_result *best, int censored,
                        cs_error *err)
{
    enum { NP = 200 };
    double tmax = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] > tmax) tmax = t[i];
    /* Show the bulk: up to the 99th percentile of the data (sorted copy). */
    double *sorted = malloc(n * sizeof *sorted);
    if (!sorted) return cs_error_set(err, CS_ENOMEM, "out of memory");
    memcpy(sorted, t, n * sizeof *sorted);
    qsort(sorted, n, sizeof *sorted, cmp_double);
    double xmax = sorted[(size_t)(0.99 * (double)(n - 1))] * 1.2;
    if (!(xmax > 0)) xmax = tmax > 0 ? tmax : 1;
    double x[NP], emp[NP], fy[CS_FIT_N_FAMILIES][NP], lo[NP], hi[NP];
    cs_fit_km_result km;
    memset(&km, 0, sizeof km);
    if (censored && cs_fit_km(t, ev, n, &km, err) != CS_OK) {
        free(sorted);
        return err->code;
    }
    size_t j = 0;
    for (int i = 0; i < NP; i++) {
        x[i] = xmax * i / (NP - 1);
        if (censored) {
            emp[i] = cs_fit_km_eval(&km, x[i]);
            lo[i] = hi[i] = emp[i];
            for (size_t k = 0; k < km.n_steps && km.time[k] <= x[i]; k++)
                if (isfinite(km.lo[k])) {
                    lo[i] = km.lo[k];
                    hi[i] = km.hi[k];
                }
        } else {
            while (j < n && sorted[j] <= x[i]) j++;
            emp[i] = (double)j / (double)n;
        }
        for (int f = 0; f < CS_FIT_N_FAMILIES; f++) {
            double c = set->fit[f].ok ? cs_dist_cdf(&set->fit[f].dist, x[i]) : NAN;
            fy[f][i] = censored ? 1 - c : c;
        }
    }
    if (censored) cs_fit_km_fini(&km);
    free(sorted);
    double unit = xmax > 1200 ? 60.0 : 1.0;
    for (int i = 0; i < NP; i++) x[i] /= unit;
    cs_chart_series ser[1 + CS_FIT_N_FAMILIES];
    char labels[CS_FIT_N_FAMILIES][64];
    size_t ns = 0;
    ser[ns++] = (cs_chart_series){censored ? "Kaplan-Meier estimate (95% band)" : "Data (empirical)", NP, x, emp,
                                  censored ? lo : NULL, censored ? hi : NULL, 0, 0, 1};
    for (int f = 0; f < CS_FIT_N_FAMILIES; f++) {
        if (!set->fit[f].ok) continue;
        snprintf(labels[f], sizeof labels[f], "%s%s", cs_fit_family_name((cs_fit_family)f),
                 &set->fit[f] == best ? " (chosen)" : "");
        ser[ns++] = (cs_chart_series){labels[f], NP, x, fy[f], NULL, NULL, &set->fit[f] != best, 0, 0};
    }
    char ttl[160], sub[200], xl[64], path[1200];
    snprintf(ttl, sizeof ttl, "Line %s: %s", line, title);
    snprintf(sub, sizeof sub, "%zu observations%s; maximum likelihood, lowest AIC chosen", n,
             censored ? ", answered callers censored" : "");
    snprintf(xl, sizeof xl, "Time (%s)", unit > 1 ? "minutes" : "seconds");
    cs_chart ch;
    cs_chart_init(&ch, CS_CHART_LINE);
    ch.title = ttl;
    ch.subtitle = sub;
    ch.xlabel = xl;
    ch.ylabel = censored ? "Share still willing to wait" : "Share of calls at most this long";
    ch.y_percent = 1;
    ch.ymin = 0;
    ch.ymax = 1;
    ch.xmin = 0;
    ch.xmax = xmax / unit;
    ch.series = ser;
    ch.n_series = ns;
    snprintf(path, sizeof path, "%s/%s", dir, file);
    return cs_chart_render(&ch, path, CS_CHART_PNG | CS_CHART_SVG | CS_CHART_PDF, err);
}
