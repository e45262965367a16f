/* The plan of a chart (plots/chart_int.h): the description validated, its text sanitised for
 * PLplot, axis ranges and nice tick values; nothing here calls PLplot. */
#include "plots/chart_int.h"

void *csi_chart_pool_alloc(pool *p, size_t size)
{
    if (p->n == p->cap) {
        size_t cap = p->cap ? 2 * p->cap : 64;
        void **np = realloc(p->ptr, cap * sizeof *np);
        if (!np) {
            p->failed = 1;
            return NULL;
        }
        p->ptr = np;
        p->cap = cap;
    }
    void *q = malloc(size ? size : 1);
    if (!q) {
        p->failed = 1;
        return NULL;
    }
    p->ptr[p->n++] = q;
    return q;
}

void *csi_chart_pool_calloc(pool *p, size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size) {
        p->failed = 1;
        return NULL;
    }
    size_t bytes = n * size;
    void *q = csi_chart_pool_alloc(p, bytes);
    if (q)
        memset(q, 0, bytes > 0 ? bytes : 1);
    return q;
}

void csi_chart_pool_free(pool *p)
{
    for (size_t i = 0; i < p->n; i++)
        free(p->ptr[i]);
    free(p->ptr);
    p->ptr = NULL;
    p->n = p->cap = 0;
}

/* ---------------------------------------------------------------------------------------------
 * Text: UTF-8 sanitising and PLplot escaping
 * ------------------------------------------------------------------------------------------- */

/* A copy of user text that PLplot prints literally: '#' (PLplot's escape character) doubled,
 * control characters as spaces, malformed bytes as '?', at most MAX_TEXT_CP characters (then
 * an ellipsis).  NULL becomes "".  Returns NULL only when out of memory. */
static const char *clean_text(pool *p, const char *s)
{
    if (!s)
        s = "";
    size_t in = strlen(s);
    char *out = csi_chart_pool_alloc(p, 2 * in + 8);
    if (!out)
        return NULL;
    const unsigned char *u = (const unsigned char *)s;
    size_t o = 0, chars = 0;
    while (*u) {
        if (chars == MAX_TEXT_CP) {
            memcpy(out + o, "\xE2\x80\xA6", 3); /* U+2026 ellipsis */
            o += 3;
            break;
        }
        unsigned long cp;
        size_t len = cs_text_utf8_len((const char *)u, in - (size_t)(u - (const unsigned char *)s), &cp);
        if (len == 0) {
            out[o++] = '?';
            u++;
        } else if (cp < 0x20 || cp == 0x7F || (cp >= 0x80 && cp < 0xA0)) {
            out[o++] = ' ';
            u += len;
        } else if (cp == '#') {
            out[o++] = '#';
            out[o++] = '#';
            u++;
        } else {
            memcpy(out + o, u, len);
            o += len;
            u += len;
        }
        chars++;
    }
    out[o] = '\0';
    return out;
}

/* Bytes in the character unit at s of a clean_text() string ("##" is one unit). */
size_t csi_chart_unit_len(const char *s)
{
    unsigned long cp;
    if (s[0] == '#')
        return s[1] == '#' ? 2 : 1;
    size_t n = cs_text_utf8_len(s, strnlen(s, 4), &cp);
    return n ? n : 1;
}

/* ---------------------------------------------------------------------------------------------
 * Numbers: nice ticks and labels
 * ------------------------------------------------------------------------------------------- */

static double nice_step(double width, double target)
{
    double raw = width / target;
    double mag = pow(10.0, floor(log10(raw)));
    double f = raw / mag;
    double m = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0; /* 2.5 gives "12.5%" */
    return m * mag;
}

/* Decimals needed to print every multiple of step exactly. */
static int step_decimals(double step)
{
    for (int d = 0; d < 8; d++) {
        double s = step * pow(10.0, d);
        if (fabs(s - round(s)) < 1e-6 * fmax(1.0, fabs(s)))
            return d;
    }
    return 8;
}

/* "12,500", "0.25", "80%": thousands separated by commas as in UK official statistics. */
static void format_number(char *buf, size_t cap, double v, int decimals, int percent)
{
    int len = cs_text_fmt_fixed(buf, cap, percent ? 100.0 * v : v, decimals, CS_TEXT_GROUP);
    if (percent && len >= 0 && (size_t)len + 1 < cap) {
        buf[len] = '%';
        buf[len + 1] = '\0';
    }
}

rgb csi_chart_series_colour(size_t i)
{
    return PALETTE[i % 8];
}

/* Series past the palette reuse its colours, so they are dashed to stay distinguishable. */
int csi_chart_series_dashed(const cs_chart *c, size_t i)
{
    return c->series[i].dashed || i >= 8;
}

int csi_chart_series_step(const cs_chart *c, size_t i)
{
    return c->kind == CS_CHART_STEP || c->series[i].step;
}

static void series_name(const cs_chart *c, size_t i, char *buf, size_t cap)
{
    const char *l = c->series[i].label;
    if (l && *l)
        snprintf(buf, cap, "series %zu ('%.60s')", i + 1, l);
    else
        snprintf(buf, cap, "series %zu", i + 1);
}

cs_status csi_chart_validate(const cs_chart *c, unsigned formats, cs_error *err)
{
    char nm[96];
    if (formats == 0 || (formats & ~(unsigned)(CS_CHART_PNG | CS_CHART_SVG | CS_CHART_PDF)))
        return cs_error_set(err, CS_EINPUT,
                            "chart formats must be a non-empty combination of PNG, SVG and PDF "
                            "(got 0x%x)",
                            formats);
    if (c->kind != CS_CHART_LINE && c->kind != CS_CHART_STEP && c->kind != CS_CHART_STACKED_BAR &&
        c->kind != CS_CHART_GROUPED_BAR && c->kind != CS_CHART_HBAR)
        return cs_error_set(err, CS_EINPUT, "unknown chart kind %d", (int)c->kind);
    int bars = c->kind == CS_CHART_STACKED_BAR || c->kind == CS_CHART_GROUPED_BAR ||
               c->kind == CS_CHART_HBAR;
    if (c->kind == CS_CHART_HBAR && (c->has_hline || c->has_vline))
        return cs_error_set(err, CS_EINPUT, "a horizontal bar chart has no target lines");
    if (c->n_series > 0 && !c->series)
        return cs_error_set(err, CS_EINPUT, "chart has %zu series but no series array",
                            c->n_series);
    if (bars && c->n_categories > 0 && !c->categories)
        return cs_error_set(err, CS_EINPUT, "bar chart has %zu categories but no names",
                            c->n_categories);
    for (size_t i = 0; i < c->n_series; i++) {
        const cs_chart_series *s = &c->series[i];
        series_name(c, i, nm, sizeof nm);
        if (s->n > 0 && !s->y)
            return cs_error_set(err, CS_EINPUT, "%s has %zu values but no y array", nm, s->n);
        if (!bars && s->n > 0 && !s->x)
            return cs_error_set(err, CS_EINPUT, "%s has %zu values but no x array", nm, s->n);
        if ((s->lo == NULL) != (s->hi == NULL))
            return cs_error_set(err, CS_EINPUT,
                                "%s has only one of lo/hi; a band or whisker needs both", nm);
        if (s->axis != 0 && s->axis != 1)
            return cs_error_set(err, CS_EINPUT, "%s: axis must be 0 (left) or 1 (right), got %d",
                                nm, s->axis);
        if (bars && s->axis == 1)
            return cs_error_set(err, CS_EINPUT,
                                "%s: the right-hand axis is only for LINE and STEP charts", nm);
        if (bars && s->n != c->n_categories)
            return cs_error_set(err, CS_EINPUT,
                                "%s has %zu values but the chart has %zu categories", nm, s->n,
                                c->n_categories);
        if (c->kind == CS_CHART_STACKED_BAR) {
            for (size_t j = 0; j < s->n; j++) {
                if (s->y[j] < 0 || isinf(s->y[j]))
                    return cs_error_set(err, CS_EINPUT,
                                        "%s: stacked bars need finite values >= 0, category %zu "
                                        "has %g",
                                        nm, j + 1, s->y[j]);
            }
        }
    }
    struct {
        const char *name;
        double lo, hi;
    } lim[3] = {{"x", c->xmin, c->xmax}, {"y", c->ymin, c->ymax}, {"y2", c->y2min, c->y2max}};
    for (int a = 0; a < 3; a++) {
        if (isinf(lim[a].lo) || isinf(lim[a].hi))
            return cs_error_set(err, CS_EINPUT, "%smin/%smax must be finite or NAN (automatic)",
                                lim[a].name, lim[a].name);
        if (!isnan(lim[a].lo) && !isnan(lim[a].hi) && !(lim[a].lo < lim[a].hi))
            return cs_error_set(err, CS_EINPUT,
                                "%smin (%g) must be less than %smax (%g); unset limits must be "
                                "NAN (start from cs_chart_init())",
                                lim[a].name, lim[a].lo, lim[a].name, lim[a].hi);
    }
    if (c->xticks.n > 0 && (!c->xticks.at || !c->xticks.labels))
        return cs_error_set(err, CS_EINPUT, "xticks has %zu entries but no positions or labels",
                            c->xticks.n);
    if (c->has_hline && !isfinite(c->hline))
        return cs_error_set(err, CS_EINPUT, "the target line (hline) must be a finite value");
    if (c->has_vline && !isfinite(c->vline))
        return cs_error_set(err, CS_EINPUT, "the vertical line (vline) must be a finite value");
    return CS_OK;
}

static void span_add(span *s, double v)
{
    if (!isfinite(v))
        return;
    if (!s->any || v < s->lo)
        s->lo = v;
    if (!s->any || v > s->hi)
        s->hi = v;
    s->any = 1;
}

/* Where step i of series s ends: the next x, or for the last step one more interval of the
 * same width (see STEP in the header). */
double csi_chart_step_end(const cs_chart_series *s, size_t i)
{
    if (i + 1 < s->n)
        return s->x[i + 1];
    if (s->n >= 2 && isfinite(s->x[i - 1]))
        return s->x[i] + (s->x[i] - s->x[i - 1]);
    return s->x[i] + 1.0;
}

/* Ticks at multiples of step inside [lo, hi].  Counted in doubles: for data far from zero
 * (x = 1e20 + small offsets) the multiples would not fit a long; such axes just get no ticks. */
static int fill_ticks(pool *mem, ticks *t, double lo, double hi, double step, int percent)
{
    double k0 = ceil(lo / step - 1e-9), k1 = floor(hi / step + 1e-9);
    size_t n = 0;
    if (isfinite(k0) && isfinite(k1) && k1 >= k0 && fabs(k0) < 1e15 && fabs(k1) < 1e15)
        n = (size_t)(k1 - k0) + 1;
    if (n > MAX_AUTO_TICKS)
        n = MAX_AUTO_TICKS;
    t->n = n;
    t->at = csi_chart_pool_calloc(mem, n, sizeof *t->at);
    t->label = csi_chart_pool_calloc(mem, n, sizeof *t->label);
    if (!t->at || !t->label)
        return -1;
    int dec = step_decimals(percent ? step * 100.0 : step);
    for (size_t i = 0; i < n; i++) {
        double v = (k0 + (double)i) * step;
        if (fabs(v) < 1e-9 * step)
            v = 0.0;
        char buf[64];
        format_number(buf, sizeof buf, v, dec, percent);
        t->at[i] = v;
        t->label[i] = clean_text(mem, buf);
        if (!t->label[i])
            return -1;
    }
    return 0;
}

/* The 1-2-5 step whose axis (widened to whole steps at automatic ends) has the number of
 * intervals closest to target, too few counting more than too many; ties go to the larger step.
 * Rounding span/target alone can give 0-15% in steps of 5 where 0-12% in steps of 2 reads
 * better. */
static double axis_step(double a, double b, int auto_lo, int auto_hi, double target)
{
    double raw = (b - a) / target, mag = pow(10.0, floor(log10(raw)));
    static const double mult[] = {0.5, 1.0, 2.0, 5.0, 10.0, 20.0};
    double best = nice_step(b - a, target), best_score = INFINITY;
    for (size_t i = 0; i < sizeof mult / sizeof mult[0]; i++) {
        double st = mult[i] * mag;
        double lo = auto_lo ? floor(a / st + SNAP) * st : a;
        double hi = auto_hi ? ceil(b / st - SNAP) * st : b;
        double n = (hi - lo) / st;
        if (n < 2.0 || n > 10.0)
            continue;
        double score = n < target ? 1.5 * (target - n) : n - target; /* sparse axes read worse */
        if (score <= best_score + 1e-9) { /* ascending steps: ties keep the larger */
            best = st;
            best_score = fmin(score, best_score);
        }
    }
    return best;
}

/* Axis range from data: includes 0 when the data do not cross it (bars always), ends on nice
 * ticks where automatic.  Returns the step used. */
static double auto_axis(span d, double fixed_lo, double fixed_hi, int with_zero, double *lo,
                        double *hi)
{
    double a, b;
    if (!d.any) {
        a = 0.0;
        b = 1.0;
    } else {
        a = d.lo;
        b = d.hi;
        if (with_zero && a > 0)
            a = 0.0;
        if (with_zero && b < 0)
            b = 0.0;
    }
    if (!isnan(fixed_lo))
        a = fixed_lo;
    if (!isnan(fixed_hi))
        b = fixed_hi;
    if (!(b > a)) {
        double w = fabs(a) > 0 ? fabs(a) : 1.0;
        if (isnan(fixed_hi))
            b = a + w;
        else
            a = b - w;
    }
    /* Spans below ~1e-9 of the magnitude cannot be labelled meaningfully; widen them. */
    if ((b - a) < 1e-9 * fmax(fabs(a), fabs(b))) {
        double w = 0.05 * fmax(fabs(a), fabs(b));
        a -= w;
        b += w;
    }
    double step = axis_step(a, b, isnan(fixed_lo), isnan(fixed_hi), 5.0);
    if (isnan(fixed_lo))
        a = floor(a / step + SNAP) * step;
    if (isnan(fixed_hi))
        b = ceil(b / step - SNAP) * step;
    *lo = a;
    *hi = b;
    return step;
}

/* HBAR: rows are categories (world y = row counted from the bottom, the first category in the
 * top row), the value axis is x. */
static cs_status plan_hbar(const cs_chart *c, pool *mem, plan *P, cs_error *err)
{
    P->hbar = 1;
    size_t nc = c->n_categories;
    P->cat = csi_chart_pool_calloc(mem, nc ? nc : 1, sizeof *P->cat);
    if (mem->failed)
        goto oom;
    span sx = {0, 0, 0};
    for (size_t j = 0; j < nc; j++) {
        P->cat[j] = clean_text(mem, c->categories[j]);
        if (!P->cat[j])
            goto oom;
        for (size_t i = 0; i < c->n_series; i++) {
            const cs_chart_series *s = &c->series[i];
            if (!isfinite(s->y[j]))
                continue;
            P->has_data = 1;
            span_add(&sx, s->y[j]);
            if (s->lo) {
                span_add(&sx, s->lo[j]);
                span_add(&sx, s->hi[j]);
            }
        }
    }
    if (sx.any && !isfinite(sx.hi - sx.lo))
        return cs_error_set(err, CS_EINPUT,
                            "chart '%.80s': values are too large to plot (their range overflows)",
                            c->title ? c->title : "");
    double step = auto_axis(sx, c->xmin, c->xmax, 1, &P->x0, &P->x1);
    if (fill_ticks(mem, &P->xt, P->x0, P->x1, step, c->y_percent))
        goto oom;
    P->y0 = -0.5;
    P->y1 = nc > 0 ? (double)nc - 0.5 : 0.5;
    return CS_OK;
oom:
    return cs_error_set(err, CS_ENOMEM, "out of memory while preparing chart '%.80s'",
                        c->title ? c->title : "");
}

cs_status csi_chart_build_plan(const cs_chart *c, pool *mem, plan *P, cs_error *err)
{
    memset(P, 0, sizeof *P);
    P->c = c;
    P->bars = c->kind == CS_CHART_STACKED_BAR || c->kind == CS_CHART_GROUPED_BAR;
    P->y_percent = c->y_percent || (c->kind == CS_CHART_STACKED_BAR && c->stacked_percent);
    P->y2_percent = c->y2_percent;

    P->title = clean_text(mem, c->title);
    P->subtitle = clean_text(mem, c->subtitle);
    P->xlabel = clean_text(mem, c->xlabel);
    P->ylabel = clean_text(mem, c->ylabel);
    P->y2label = clean_text(mem, c->y2label);
    P->footnote = clean_text(mem, c->footnote);
    P->hline_label = clean_text(mem, c->has_hline ? c->hline_label : NULL);
    P->vline_label = clean_text(mem, (c->has_vline && !P->bars) ? c->vline_label : NULL);
    P->slabel = csi_chart_pool_calloc(mem, c->n_series ? c->n_series : 1, sizeof *P->slabel);
    if (mem->failed)
        goto oom;

    for (size_t i = 0; i < c->n_series; i++) {
        const cs_chart_series *s = &c->series[i];
        if (!s->label || !*s->label)
            continue;
        if (s->axis == 1) {
            size_t len = strlen(s->label);
            char *t = csi_chart_pool_alloc(mem, len + 16);
            if (!t)
                goto oom;
            memcpy(t, s->label, len);
            memcpy(t + len, " (right axis)", 14);
            P->slabel[i] = clean_text(mem, t);
        } else {
            P->slabel[i] = clean_text(mem, s->label);
        }
        if (!P->slabel[i])
            goto oom;
    }
    for (size_t i = 0; i < c->n_series; i++)
        if (c->series[i].axis == 1)
            P->has_y2 = 1; /* also when unlabelled */
    if (c->kind == CS_CHART_HBAR)
        return plan_hbar(c, mem, P, err);

    span sy = {0, 0, 0}, sy2 = {0, 0, 0};
    if (P->bars) {
        size_t nc = c->n_categories;
        P->cat = csi_chart_pool_calloc(mem, nc ? nc : 1, sizeof *P->cat);
        P->bar_scale = csi_chart_pool_calloc(mem, nc ? nc : 1, sizeof *P->bar_scale);
        if (mem->failed)
            goto oom;
        for (size_t j = 0; j < nc; j++) {
            P->cat[j] = clean_text(mem, c->categories[j]);
            if (!P->cat[j])
                goto oom;
            P->bar_scale[j] = 1.0;
        }
        for (size_t j = 0; j < nc; j++) {
            if (c->kind == CS_CHART_STACKED_BAR) {
                double tot = 0.0;
                for (size_t i = 0; i < c->n_series; i++)
                    if (isfinite(c->series[i].y[j]))
                        tot += c->series[i].y[j];
                if (c->stacked_percent)
                    P->bar_scale[j] = tot > 0 ? 1.0 / tot : 0.0;
                if (tot > 0)
                    P->has_data = 1;
                span_add(&sy, tot * P->bar_scale[j]);
            } else {
                for (size_t i = 0; i < c->n_series; i++) {
                    const cs_chart_series *s = &c->series[i];
                    if (isfinite(s->y[j])) {
                        P->has_data = 1;
                        span_add(&sy, s->y[j]);
                        if (s->lo) {
                            span_add(&sy, s->lo[j]);
                            span_add(&sy, s->hi[j]);
                        }
                    }
                }
            }
        }
        P->x0 = -0.5;
        P->x1 = nc > 0 ? (double)nc - 0.5 : 0.5;
    } else {
        span sx = {0, 0, 0};
        for (size_t i = 0; i < c->n_series; i++) {
            const cs_chart_series *s = &c->series[i];
            span *sv = s->axis == 1 ? &sy2 : &sy;
            for (size_t j = 0; j < s->n; j++) {
                if (!isfinite(s->x[j]))
                    continue;
                int drawn = isfinite(s->y[j]) || (s->lo && isfinite(s->lo[j]) &&
                                                  isfinite(s->hi[j]));
                if (!drawn)
                    continue;
                P->has_data = 1;
                span_add(&sx, s->x[j]);
                if (csi_chart_series_step(c, i))
                    span_add(&sx, csi_chart_step_end(s, j));
                span_add(sv, s->y[j]);
                if (s->lo) {
                    span_add(sv, s->lo[j]);
                    span_add(sv, s->hi[j]);
                }
            }
        }
        if (c->has_vline)
            span_add(&sx, c->vline);
        double a = sx.any ? sx.lo : 0.0, b = sx.any ? sx.hi : 1.0;
        if (!isnan(c->xmin))
            a = c->xmin;
        if (!isnan(c->xmax))
            b = c->xmax;
        if (!(b > a)) {
            if (isnan(c->xmax))
                b = a + 1.0;
            else
                a = b - 1.0;
        }
        P->x0 = a;
        P->x1 = b;
    }
    if (c->has_hline)
        span_add(&sy, c->hline);
    if (!isfinite(P->x1 - P->x0) || (sy.any && !isfinite(sy.hi - sy.lo)) ||
        (sy2.any && !isfinite(sy2.hi - sy2.lo)))
        return cs_error_set(err, CS_EINPUT,
                            "chart '%.80s': values are too large to plot (their range overflows)",
                            c->title ? c->title : "");

    double ystep = auto_axis(sy, c->ymin, c->ymax, 1, &P->y0, &P->y1);
    if (fill_ticks(mem, &P->yt, P->y0, P->y1, ystep, P->y_percent))
        goto oom;

    if (P->has_y2) {
        /* Align the right axis with the left one when the left ticks split its range evenly,
         * so one set of grid lines serves both axes. */
        size_t n1 = P->yt.n;
        int aligned = n1 >= 3 && fabs(P->yt.at[0] - P->y0) < 1e-9 * ystep &&
                      fabs(P->yt.at[n1 - 1] - P->y1) < 1e-9 * ystep;
        if (aligned) {
            double intervals = (double)(n1 - 1);
            double a, b;
            if (!sy2.any) {
                a = 0.0;
                b = 1.0;
            } else {
                a = sy2.lo > 0 ? 0.0 : sy2.lo;
                b = sy2.hi < 0 ? 0.0 : sy2.hi;
            }
            if (!isnan(c->y2min))
                a = c->y2min;
            if (!isnan(c->y2max))
                b = c->y2max;
            if (!(b > a))
                b = a + (fabs(a) > 0 ? fabs(a) : 1.0);
            double step;
            if (!isnan(c->y2min) && !isnan(c->y2max)) {
                step = (b - a) / intervals;
                double m = step / pow(10.0, floor(log10(step)));
                if (fabs(m - 1) > 1e-6 && fabs(m - 2) > 1e-6 && fabs(m - 2.5) > 1e-6 &&
                    fabs(m - 5) > 1e-6)
                    aligned = 0; /* fixed limits that split unevenly: own ticks, no grid */
            } else {
                step = nice_step(b - a, intervals);
                for (int guard = 0; guard < 40; guard++) {
                    double lo = isnan(c->y2min) ? floor(a / step + SNAP) * step : a;
                    if (lo + intervals * step >= b - SNAP * step)
                        break;
                    step = nice_step(step * 1.0001 * intervals, intervals);
                }
                if (isnan(c->y2min))
                    a = floor(a / step + SNAP) * step;
                if (isnan(c->y2max) || !isnan(c->y2min))
                    b = a + intervals * step;
                else
                    a = b - intervals * step;
            }
            P->y20 = a;
            P->y21 = b;
        }
        if (aligned) {
            double step = (P->y21 - P->y20) / (double)(n1 - 1);
            P->y2t.n = n1;
            P->y2t.at = csi_chart_pool_calloc(mem, n1, sizeof *P->y2t.at);
            P->y2t.label = csi_chart_pool_calloc(mem, n1, sizeof *P->y2t.label);
            if (mem->failed)
                goto oom;
            int dec = step_decimals(P->y2_percent ? step * 100.0 : step);
            for (size_t i = 0; i < n1; i++) {
                char buf[64];
                double v = P->y20 + (double)i * step;
                format_number(buf, sizeof buf, v, dec, P->y2_percent);
                P->y2t.at[i] = v;
                P->y2t.label[i] = clean_text(mem, buf);
                if (!P->y2t.label[i])
                    goto oom;
            }
        } else {
            double s2 = auto_axis(sy2, c->y2min, c->y2max, 1, &P->y20, &P->y21);
            if (fill_ticks(mem, &P->y2t, P->y20, P->y21, s2, P->y2_percent))
                goto oom;
        }
    }

    if (!P->bars) {
        if (c->xticks.n > 0) {
            P->xt.n = c->xticks.n;
            P->xt.at = csi_chart_pool_calloc(mem, c->xticks.n, sizeof *P->xt.at);
            P->xt.label = csi_chart_pool_calloc(mem, c->xticks.n, sizeof *P->xt.label);
            if (mem->failed)
                goto oom;
            for (size_t i = 0; i < c->xticks.n; i++) {
                P->xt.at[i] = c->xticks.at[i];
                P->xt.label[i] = clean_text(mem, c->xticks.labels[i]);
                if (!P->xt.label[i])
                    goto oom;
            }
        } else {
            double xs = nice_step(P->x1 - P->x0, 6.0);
            /* Automatic ends close to a tick (0..398 s) are taken out to it (0..400 s). */
            double span_x = P->x1 - P->x0;
            if (isnan(c->xmin) && P->x0 - floor(P->x0 / xs) * xs < 0.05 * span_x)
                P->x0 = floor(P->x0 / xs) * xs;
            if (isnan(c->xmax) && ceil(P->x1 / xs) * xs - P->x1 < 0.05 * span_x)
                P->x1 = ceil(P->x1 / xs) * xs;
            if (fill_ticks(mem, &P->xt, P->x0, P->x1, xs, 0))
                goto oom;
        }
    }
    if (mem->failed)
        goto oom;
    return CS_OK;
oom:
    return cs_error_set(err, CS_ENOMEM, "out of memory while preparing chart '%.80s'",
                        c->title ? c->title : "");
}
