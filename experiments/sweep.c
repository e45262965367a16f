/* A grid of input values on common random numbers.  See experiments/sweep.h. */
#include "experiments/sweep.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

size_t cs_sweep_index(const cs_sweep *s, size_t point, size_t axis)
{
    size_t stride = 1;
    for (size_t a = s->n_axes; a-- > axis + 1;) stride *= s->axes[a].n;
    return (point / stride) % s->axes[axis].n;
}

int cs_sweep_point_label(const cs_sweep *s, size_t point, char *buf, size_t n)
{
    size_t o = 0;
    int total = 0;
    if (n) buf[0] = '\0';
    for (size_t a = 0; a < s->n_axes; a++) {
        int k = snprintf(buf + o, o < n ? n - o : 0, "%s%s=%s", a ? ", " : "", s->axes[a].in.path,
                         s->axes[a].text[cs_sweep_index(s, point, a)]);
        if (k < 0) break;
        total += k;
        o = o + (size_t)k < n ? o + (size_t)k : (n ? n - 1 : 0);
    }
    return total;
}

void cs_sweep_free(cs_sweep *s)
{
    if (!s) return;
    for (size_t p = 0; p < s->n_points; p++) {
        if (s->res) cs_results_free(s->res[p]);
        if (s->scn) cs_scn_free(s->scn[p]);
    }
    free(s->res);
    free(s->scn);
    free(s);
}

cs_status cs_sweep_run(const cs_sweep_axis *axes, size_t n_axes, const cs_scn *base, cs_exp_build_fn *build,
                       void *ud, const cs_exp_opts *opts, cs_sweep **out, cs_error *err)
{
    *out = NULL;
    CS_REQUIRE(n_axes >= 1 && n_axes <= CS_SWEEP_MAX_AXES);
    size_t np = 1;
    for (size_t a = 0; a < n_axes; a++) {
        CS_REQUIRE(axes[a].n >= 1);
        if (np > CS_SWEEP_MAX_POINTS / axes[a].n)
            return cs_error_set(err, CS_EINPUT, "the grid has more than %d points; use fewer values",
                                CS_SWEEP_MAX_POINTS);
        np *= axes[a].n;
    }
    cs_sweep *s = calloc(1, sizeof *s);
    if (!s) return cs_error_set(err, CS_ENOMEM, "out of memory");
    s->axes = axes;
    s->n_axes = n_axes;
    s->scn = calloc(np, sizeof *s->scn);
    s->res = calloc(np, sizeof *s->res);
    char (*labels)[48] = calloc(np, sizeof *labels);
    const char **lp = calloc(np, sizeof *lp);
    if (!s->scn || !s->res || !labels || !lp) {
        free(labels);
        free(lp);
        cs_sweep_free(s);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    s->n_points = np;
    cs_status st = CS_OK;
    for (size_t p = 0; p < np && st == CS_OK; p++) {
        cs_exp_setting set[CS_SWEEP_MAX_AXES];
        for (size_t a = 0; a < n_axes; a++) {
            size_t i = cs_sweep_index(s, p, a);
            set[a] = (cs_exp_setting){a, axes[a].text[i], axes[a].x[i]};
        }
        st = build(ud, set, n_axes, &s->scn[p], err);
        snprintf(labels[p], sizeof labels[p], "point %zu", p + 1);
        lp[p] = labels[p];
    }
    if (st == CS_OK) st = cs_exp_run_trimmed(s->scn, np, base, lp, opts, s->res, err);
    free(labels);
    free(lp);
    if (st != CS_OK) {
        cs_sweep_free(s);
        return st;
    }
    *out = s;
    return CS_OK;
}
