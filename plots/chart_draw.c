/* Drawing a planned, laid-out chart on the current PLplot stream (plots/chart_int.h). */
#include "plots/chart_int.h"

/* ---------------------------------------------------------------------------------------------
 * Drawing primitives
 * ------------------------------------------------------------------------------------------- */

static void pen(const layout *L, rgb c, double alpha)
{
    L->pl->plscol0a(1, c.r, c.g, c.b, alpha);
    L->pl->plcol0(1);
}

static void line_width(const layout *L, double pt)
{
    L->pl->plwidth(pt * L->k);
}

/* For fills: cairo also strokes a filled polygon's outline, which would darken translucent
 * fills' edges, so the outline is made negligible. */
static void no_outline(const layout *L)
{
    L->pl->plwidth(0.01 * L->k);
}

static void dash(const layout *L, double on_mm, double off_mm)
{
    PLINT mark = (PLINT)lround(on_mm * L->k * 1000.0);
    PLINT space = (PLINT)lround(off_mm * L->k * 1000.0);
    L->pl->plstyl(1, &mark, &space);
}

static void solid(const layout *L)
{
    L->pl->pllsty(1);
}

/* Page frame: world coordinates are design millimetres over the whole page. */
static void frame_page(const layout *L)
{
    L->pl->plvpor(0.0, 1.0, 0.0, 1.0);
    L->pl->plwind(0.0, L->W, 0.0, L->H);
}

/* Plot frame: data coordinates, clipped to the plot area grown by half a data line's width, so
 * a line running along the top or bottom (a 100% service level, an all-zero series) is drawn
 * whole rather than cut down its middle. */
static void frame_plot(const plan *P, const layout *L, int axis)
{
    double e = 0.5 * W_DATA * PT;
    double ylo = axis == 1 ? P->y20 : P->y0, yhi = axis == 1 ? P->y21 : P->y1;
    double ex = e * (P->x1 - P->x0) / (L->px1 - L->px0), ey = e * (yhi - ylo) / (L->py1 - L->py0);
    L->pl->plvpor((L->px0 - e) / L->W, (L->px1 + e) / L->W, (L->py0 - e) / L->H,
                  (L->py1 + e) / L->H);
    L->pl->plwind(P->x0 - ex, P->x1 + ex, ylo - ey, yhi + ey);
}

static void set_font(const layout *L, double size, int bold, int italic)
{
    csi_chart_apply_font(L, size, bold, italic);
}

/* Text with its baseline at `base` (page frame). */
static void text_at(const layout *L, const char *s, double x, double base, double size, int bold,
                    double just, rgb col)
{
    if (!s || !*s)
        return;
    pen(L, col, 1.0);
    set_font(L, size, bold, 0);
    /* The cairo driver puts the baseline half the requested height below the reference. */
    L->pl->plptex(x, base + 0.5 * size / PANGO_FIX, 1.0, 0.0, just, s);
}

/* Text reading bottom to top, centred on y, the glyphs' left edge at x (page frame). */
static void text_vertical(const layout *L, const char *s, double x, double y, double size,
                          rgb col)
{
    if (!s || !*s)
        return;
    pen(L, col, 1.0);
    set_font(L, size, 0, 0);
    /* Rotated, "up" points left: the baseline is 0.5 s / PANGO_FIX right of the reference
     * point and the capitals reach ASCENT s left of the baseline. */
    L->pl->plptex(x + (ASCENT - 0.5 / PANGO_FIX) * size, y, 0.0, 1.0, 0.5, s);
}

static void fill_rect(const layout *L, double x0, double y0, double x1, double y1)
{
    PLFLT xs[4] = {x0, x1, x1, x0}, ys[4] = {y0, y0, y1, y1};
    L->pl->plfill(4, xs, ys);
}

static void seg(const layout *L, double x0, double y0, double x1, double y1)
{
    PLFLT xs[2] = {x0, x1}, ys[2] = {y0, y1};
    L->pl->plline(2, xs, ys);
}

/* A small filled dot (page frame), for isolated points that a line cannot show. */
static void dot(const layout *L, double x, double y, double r)
{
    PLFLT xs[16], ys[16];
    for (int i = 0; i < 16; i++) {
        double a = (double)i * 0.39269908169872414; /* 2 pi / 16 */
        xs[i] = x + r * cos(a);
        ys[i] = y + r * sin(a);
    }
    no_outline(L);
    L->pl->plfill(16, xs, ys);
}

/* ---------------------------------------------------------------------------------------------
 * Drawing the chart
 * ------------------------------------------------------------------------------------------- */

static int finite3(double a, double b, double c)
{
    return isfinite(a) && isfinite(b) && isfinite(c);
}

static void draw_band(const plan *P, const layout *L, pool *mem, size_t si)
{
    const cs_chart *c = P->c;
    const cs_chart_series *s = &c->series[si];
    if (!s->lo || s->n == 0)
        return;
    int step = csi_chart_series_step(c, si);
    PLFLT *xs = csi_chart_pool_alloc(mem, 4 * s->n * sizeof *xs);
    PLFLT *ys = csi_chart_pool_alloc(mem, 4 * s->n * sizeof *ys);
    if (!xs || !ys)
        return;
    frame_plot(P, L, s->axis);
    pen(L, csi_chart_series_colour(si), BAND_ALPHA);
    no_outline(L);
    size_t i = 0;
    while (i < s->n) {
        while (i < s->n && !finite3(s->x[i], s->lo[i], s->hi[i]))
            i++;
        size_t a = i;
        while (i < s->n && finite3(s->x[i], s->lo[i], s->hi[i]) &&
               (!step || isfinite(csi_chart_step_end(s, i))))
            i++;
        size_t b = i, m = 0;
        if (b <= a || (!step && b - a < 2))
            continue;
        for (size_t j = a; j < b; j++) {
            xs[m] = s->x[j], ys[m++] = s->hi[j];
            if (step)
                xs[m] = csi_chart_step_end(s, j), ys[m++] = s->hi[j];
        }
        for (size_t j = b; j-- > a;) {
            if (step)
                xs[m] = csi_chart_step_end(s, j), ys[m++] = s->lo[j];
            xs[m] = s->x[j], ys[m++] = s->lo[j];
        }
        L->pl->plfill((PLINT)m, xs, ys);
    }
}

static void draw_series_line(const plan *P, const layout *L, pool *mem, size_t si)
{
    const cs_chart *c = P->c;
    const cs_chart_series *s = &c->series[si];
    if (s->n == 0)
        return;
    int step = csi_chart_series_step(c, si);
    PLFLT *xs = csi_chart_pool_alloc(mem, 2 * s->n * sizeof *xs);
    PLFLT *ys = csi_chart_pool_alloc(mem, 2 * s->n * sizeof *ys);
    if (!xs || !ys)
        return;
    rgb col = csi_chart_series_colour(si);
    size_t i = 0;
    while (i < s->n) {
        while (i < s->n && !(isfinite(s->x[i]) && isfinite(s->y[i])))
            i++;
        size_t a = i;
        while (i < s->n && isfinite(s->x[i]) && isfinite(s->y[i]) &&
               (!step || isfinite(csi_chart_step_end(s, i))))
            i++;
        size_t b = i, m = 0;
        if (b <= a)
            continue;
        for (size_t j = a; j < b; j++) {
            xs[m] = s->x[j], ys[m++] = s->y[j];
            if (step)
                xs[m] = csi_chart_step_end(s, j), ys[m++] = s->y[j];
        }
        if (m >= 2) {
            frame_plot(P, L, s->axis);
            pen(L, col, 1.0);
            line_width(L, W_DATA);
            if (csi_chart_series_dashed(c, si))
                dash(L, 3.0, 1.6);
            L->pl->plline((PLINT)m, xs, ys);
            solid(L);
        } else {
            /* An isolated point: a one-point line is invisible, so mark it with a dot. */
            double ylo = s->axis == 1 ? P->y20 : P->y0, yhi = s->axis == 1 ? P->y21 : P->y1;
            if (xs[0] < P->x0 || xs[0] > P->x1 || ys[0] < ylo || ys[0] > yhi)
                continue;
            frame_page(L);
            pen(L, col, 1.0);
            dot(L, csi_chart_x_to_mm(P, L, xs[0]), csi_chart_y_to_mm(P, L, s->axis, ys[0]), 0.75);
        }
    }
}

static void draw_bars(const plan *P, const layout *L)
{
    const cs_chart *c = P->c;
    size_t nc = c->n_categories, ns = c->n_series;
    if (nc == 0 || ns == 0)
        return;
    frame_plot(P, L, 0);
    double gw = L->group_w;
    if (c->kind == CS_CHART_STACKED_BAR) {
        for (size_t j = 0; j < nc; j++) {
            double x0 = (double)j - gw / 2, x1 = (double)j + gw / 2, base = 0.0;
            for (size_t i = 0; i < ns; i++) {
                double v = c->series[i].y[j];
                if (!isfinite(v) || v <= 0)
                    continue;
                v *= P->bar_scale[j];
                pen(L, csi_chart_series_colour(i), 1.0);
                no_outline(L);
                fill_rect(L, x0, base, x1, base + v);
                base += v;
            }
            /* Thin white rules between segments keep adjacent colours apart in print. */
            base = 0.0;
            pen(L, C_WHITE, 1.0);
            line_width(L, 0.6);
            int first = 1;
            for (size_t i = 0; i < ns; i++) {
                double v = c->series[i].y[j];
                if (!isfinite(v) || v <= 0)
                    continue;
                if (!first)
                    seg(L, x0, base, x1, base);
                first = 0;
                base += v * P->bar_scale[j];
            }
        }
        return;
    }
    double bw = gw / (double)ns;
    for (size_t j = 0; j < nc; j++) {
        for (size_t i = 0; i < ns; i++) {
            double v = c->series[i].y[j];
            if (!isfinite(v))
                continue;
            double x0 = (double)j - gw / 2 + (double)i * bw;
            double pad = ns > 1 ? 0.06 * bw : 0.0;
            pen(L, csi_chart_series_colour(i), 1.0);
            no_outline(L);
            fill_rect(L, x0 + pad, fmin(0.0, v), x0 + bw - pad, fmax(0.0, v));
        }
    }
    /* Whiskers after all bars so a neighbouring bar never hides one. */
    pen(L, C_TARGET, 1.0);
    line_width(L, W_WHISKER);
    for (size_t j = 0; j < nc; j++) {
        for (size_t i = 0; i < ns; i++) {
            const cs_chart_series *s = &c->series[i];
            if (!s->lo || !isfinite(s->y[j]) || !isfinite(s->lo[j]) || !isfinite(s->hi[j]))
                continue;
            double xc = (double)j - gw / 2 + ((double)i + 0.5) * bw;
            double cap = 0.2 * bw;
            seg(L, xc, s->lo[j], xc, s->hi[j]);
            seg(L, xc - cap, s->lo[j], xc + cap, s->lo[j]);
            seg(L, xc - cap, s->hi[j], xc + cap, s->hi[j]);
        }
    }
}

/* HBAR: bars from 0 along x, one row per category from the top; whiskers after all bars. */
static void draw_hbars(const plan *P, const layout *L)
{
    const cs_chart *c = P->c;
    size_t nc = c->n_categories, ns = c->n_series;
    if (nc == 0 || ns == 0)
        return;
    frame_plot(P, L, 0);
    double gw = L->group_w, bw = gw / (double)ns, pad = ns > 1 ? 0.06 * bw : 0.0;
    for (size_t j = 0; j < nc; j++) {
        double top = (double)(nc - 1 - j) + gw / 2;
        for (size_t i = 0; i < ns; i++) {
            double v = c->series[i].y[j];
            if (!isfinite(v))
                continue;
            double y1 = top - (double)i * bw, y0 = y1 - bw;
            pen(L, csi_chart_series_colour(i), 1.0);
            no_outline(L);
            fill_rect(L, fmin(0.0, v), y0 + pad, fmax(0.0, v), y1 - pad);
        }
    }
    pen(L, C_TARGET, 1.0);
    line_width(L, W_WHISKER);
    for (size_t j = 0; j < nc; j++) {
        double top = (double)(nc - 1 - j) + gw / 2;
        for (size_t i = 0; i < ns; i++) {
            const cs_chart_series *s = &c->series[i];
            if (!s->lo || !isfinite(s->y[j]) || !isfinite(s->lo[j]) || !isfinite(s->hi[j]))
                continue;
            double yc = top - ((double)i + 0.5) * bw, cap = 0.2 * bw;
            seg(L, s->lo[j], yc, s->hi[j], yc);
            seg(L, s->lo[j], yc - cap, s->lo[j], yc + cap);
            seg(L, s->hi[j], yc - cap, s->hi[j], yc + cap);
        }
    }
}

static void target_pen(const layout *L)
{
    pen(L, C_TARGET, 1.0);
    line_width(L, W_TARGET);
    dash(L, 2.4, 1.3);
}

static void draw_targets(const plan *P, const layout *L)
{
    const cs_chart *c = P->c;
    if (c->has_hline && c->hline >= P->y0 && c->hline <= P->y1) {
        frame_plot(P, L, 0);
        target_pen(L);
        seg(L, P->x0, c->hline, P->x1, c->hline);
        solid(L);
    }
    if (c->has_vline && !P->bars && c->vline >= P->x0 && c->vline <= P->x1) {
        frame_plot(P, L, 0);
        target_pen(L);
        seg(L, c->vline, P->y0, c->vline, P->y1);
        solid(L);
    }
}

static void draw_annot(const layout *L, const annot *a)
{
    if (!a->show)
        return;
    frame_page(L);
    text_at(L, a->text, a->x, a->base, SZ_ANNOT, 0, a->just, C_TARGET);
}

static void draw_legend(const plan *P, const layout *L)
{
    const cs_chart *c = P->c;
    frame_page(L);
    for (size_t q = 0; q < L->n_leg; q++) {
        const leg_item *it = &L->leg[q];
        double yc = it->base + 0.36 * SZ_LEG, x = it->x, key = 7.0;
        if (it->what != LEG_SERIES) {
            target_pen(L);
            seg(L, x, yc, x + key, yc);
            solid(L);
        } else if (P->bars || P->hbar) {
            key = 3.2;
            pen(L, csi_chart_series_colour(it->series), 1.0);
            no_outline(L);
            fill_rect(L, x, yc - 1.6, x + key, yc + 1.6);
        } else {
            size_t i = it->series;
            rgb col = csi_chart_series_colour(i);
            if (c->series[i].lo) {
                pen(L, col, BAND_ALPHA);
                no_outline(L);
                fill_rect(L, x, yc - 1.5, x + key, yc + 1.5);
            }
            pen(L, col, 1.0);
            line_width(L, W_DATA);
            if (csi_chart_series_dashed(c, i))
                dash(L, 1.6, 0.9);
            seg(L, x, yc, x + key, yc);
            solid(L);
        }
        text_at(L, it->text, x + key + 1.5, it->base, SZ_LEG, 0, 0.0, C_TEXT);
    }
}

/* Baseline along the bottom of the plot, with x tick marks. */
static void draw_baseline(const layout *L)
{
    frame_page(L);
    pen(L, C_AXIS, 1.0);
    line_width(L, W_AXIS);
    seg(L, L->px0, L->py0, L->px1, L->py0);
    for (size_t i = 0; i < L->n_xmark; i++)
        seg(L, L->xmark[i], L->py0, L->xmark[i], L->py0 - TICK_LEN);
}

static void draw_axes_and_text(const plan *P, const layout *L)
{
    frame_page(L);
    /* y tick labels, their digits centred on the grid lines. */
    for (size_t i = 0; i < P->yt.n; i++)
        text_at(L, P->yt.label[i], L->px0 - Y_GAP, csi_chart_y_to_mm(P, L, 0, P->yt.at[i]) - 0.37 * SZ_TICK,
                SZ_TICK, 0, 1.0, C_TICKTEXT);
    if (P->has_y2)
        for (size_t i = 0; i < P->y2t.n; i++)
            text_at(L, P->y2t.label[i], L->px1 + Y_GAP,
                    csi_chart_y_to_mm(P, L, 1, P->y2t.at[i]) - 0.37 * SZ_TICK, SZ_TICK, 0, 0.0, C_TICKTEXT);

    /* x tick / category labels. */
    double s = SZ_TICK;
    for (size_t i = 0; i < L->n_xl; i++) {
        const xlab *xl = &L->xl[i];
        if (!xl->shown)
            continue;
        if (L->xmode == XL_ANGLED) {
            double a = L->xl_size;
            pen(L, C_TICKTEXT, 1.0);
            set_font(L, a, 0, 0);
            L->pl->plptex(xl->pos + 0.35 * a, L->py0 - X_GAP + 0.15 * a, 1.0, 1.0, 1.0,
                          xl->line[0]);
            continue;
        }
        double base = L->py0 - X_GAP - ASCENT * s;
        for (size_t q = 0; q < xl->nlines; q++)
            text_at(L, xl->line[q], xl->pos, base - (double)q * 1.2 * s, s, 0, 0.5, C_TICKTEXT);
    }

    /* Axis titles, titles, footnote. */
    text_at(L, L->xlabel, (L->px0 + L->px1) / 2, L->xlabel_base, SZ_AXIS, 0, 0.5, C_TEXT);
    text_vertical(L, L->ylabel, L->ylabel_x, (L->py0 + L->py1) / 2, SZ_AXIS, C_TEXT);
    if (P->has_y2)
        text_vertical(L, L->y2label, L->y2label_x, (L->py0 + L->py1) / 2, SZ_AXIS, C_TEXT);
    text_at(L, L->title, M_LEFT, L->title_base, L->title_size, 1, 0.0, C_TITLE);
    if (L->title2)
        text_at(L, L->title2, M_LEFT, L->title_base - 1.2 * L->title_size, L->title_size, 1, 0.0,
                C_TITLE);
    double sub_base = L->sub_base;
    text_at(L, L->subtitle, M_LEFT, sub_base, SZ_SUB, 0, 0.0, C_MUTED);
    if (L->subtitle2)
        text_at(L, L->subtitle2, M_LEFT, sub_base - 1.25 * SZ_SUB, SZ_SUB, 0, 0.0, C_MUTED);
    text_at(L, L->footnote, M_LEFT, L->foot_base, SZ_NOTE, 0, 0.0, C_MUTED);
}

void csi_chart_draw_chart(const plan *P, const layout *L, pool *mem)
{
    const cs_chart *c = P->c;
    L->pl->pladv(0);

    /* Grid lines under everything. */
    frame_plot(P, L, 0);
    pen(L, C_GRID, 1.0);
    line_width(L, W_GRID);
    for (size_t i = 0; i < P->yt.n; i++)
        seg(L, P->x0, P->yt.at[i], P->x1, P->yt.at[i]);
    if (P->hbar) /* the value axis is x: vertical grid lines and zero line */
        for (size_t i = 0; i < P->xt.n; i++)
            seg(L, P->xt.at[i], P->y0, P->xt.at[i], P->y1);
    if (!P->hbar && P->y0 < 0 && P->y1 > 0) {
        pen(L, C_ZERO, 1.0);
        line_width(L, W_AXIS);
        seg(L, P->x0, 0.0, P->x1, 0.0);
    }

    /* Bars stand on the baseline; lines at zero are drawn over it, not hidden by it. */
    if (P->hbar) {
        draw_hbars(P, L);
        if (P->x0 < 0 && P->x1 > 0) { /* over the bars: it is where they start */
            frame_plot(P, L, 0);
            pen(L, C_ZERO, 1.0);
            line_width(L, W_AXIS);
            seg(L, 0.0, P->y0, 0.0, P->y1);
        }
        draw_baseline(L);
        frame_page(L);
        for (size_t j = 0; L->rowlab && j < c->n_categories; j++)
            text_at(L, L->rowlab[j], L->px0 - Y_GAP,
                    csi_chart_y_to_mm(P, L, 0, (double)(c->n_categories - 1 - j)) - 0.37 * SZ_TICK, SZ_TICK, 0,
                    1.0, C_TICKTEXT);
    } else if (P->bars) {
        draw_bars(P, L);
        draw_baseline(L);
        draw_targets(P, L); /* over the bars, or they would hide it */
    } else {
        for (size_t i = 0; i < c->n_series; i++)
            draw_band(P, L, mem, i);
        draw_baseline(L);
        draw_targets(P, L);
        for (size_t i = c->n_series; i-- > 0;) /* first series on top */
            draw_series_line(P, L, mem, i);
    }

    draw_axes_and_text(P, L);
    draw_annot(L, &L->hl);
    draw_annot(L, &L->vl);
    draw_legend(P, L);

    if (!P->has_data) {
        frame_page(L);
        pen(L, C_MUTED, 1.0);
        set_font(L, SZ_NODATA, 0, 1);
        L->pl->plptex((L->px0 + L->px1) / 2, (L->py0 + L->py1) / 2, 1.0, 0.0, 0.5, "No data");
    }
}
