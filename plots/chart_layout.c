/* Layout of a chart on the 160 mm design page (plots/chart_int.h): text measured on the
 * current PLplot stream, titles and labels wrapped or angled to fit, legend rows, and where the
 * target labels go. */
#include "plots/chart_int.h"

/* Font for the next text: size is the printed em size in design mm. */
void csi_chart_apply_font(const layout *L, double size, int bold, int italic)
{
    L->pl->plschr(size * L->k / PANGO_FIX, 1.0);
    L->pl->plsfont(PL_FCI_SANS, italic ? PL_FCI_ITALIC : PL_FCI_UPRIGHT,
            bold ? PL_FCI_BOLD : PL_FCI_MEDIUM);
}

/* Width in design mm of clean text s at font size `size` (design mm).  The current PLplot stream
 * must be the measuring stream. */
static double text_w(const layout *L, const char *s, double size, int bold)
{
    if (!s || !*s)
        return 0.0;
    csi_chart_apply_font(L, size, bold, 0);
    PLStream *pls = NULL;
    L->pl->plgpls(&pls);
    if (!pls || !pls->has_string_length) {
        size_t chars = 0;
        for (const char *q = s; *q; q += csi_chart_unit_len(q))
            chars++;
        return 0.6 * size * (double)chars; /* DejaVu Sans averages ~0.55 em */
    }
    pls->string_length = 0.0;
    pls->get_string_length = 1;
    L->pl->plmtex("t", 0.0, 0.5, 0.5, s);
    pls->get_string_length = 0;
    return pls->string_length / L->k;
}

/* s itself if it fits in maxw, else its longest prefix that fits followed by an ellipsis. */
static const char *fit_text(pool *mem, const layout *L, const char *s, double size, int bold,
                            double maxw)
{
    if (text_w(L, s, size, bold) <= maxw)
        return s;
    mem->shortened++;
    char *buf = csi_chart_pool_alloc(mem, strlen(s) + 4);
    if (!buf)
        return s;
    size_t units = 0;
    for (const char *q = s; *q; q += csi_chart_unit_len(q))
        units++;
    /* Bisection on the number of character units kept ("##" is one unit, never split). */
    size_t lo = 0, hi = units;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        const char *q = s;
        for (size_t u = 0; u < mid; u++)
            q += csi_chart_unit_len(q);
        size_t b = (size_t)(q - s);
        memcpy(buf, s, b);
        memcpy(buf + b, "\xE2\x80\xA6", 4);
        if (text_w(L, buf, size, bold) <= maxw)
            lo = mid;
        else
            hi = mid - 1;
    }
    const char *q = s;
    for (size_t u = 0; u < lo; u++)
        q += csi_chart_unit_len(q);
    size_t b = (size_t)(q - s);
    while (b > 0 && s[b - 1] == ' ')
        b--;
    memcpy(buf, s, b);
    memcpy(buf + b, "\xE2\x80\xA6", 4);
    return buf;
}

/* Greedy word wrap of s into at most MAX_WRAP_LINES lines no wider than maxw; 0 if impossible. */
static size_t wrap_text(pool *mem, const layout *L, const char *s, double size, double maxw,
                        const char **out)
{
    if (text_w(L, s, size, 0) <= maxw) {
        out[0] = s;
        return 1;
    }
    size_t len = strlen(s), nl = 0;
    char *cur = csi_chart_pool_alloc(mem, len + 1), *cand = csi_chart_pool_alloc(mem, len + 1);
    if (!cur || !cand)
        return 0;
    cur[0] = '\0';
    const char *p = s;
    for (;;) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t wl = strcspn(p, " "), cl = strlen(cur);
        if (cl) {
            memcpy(cand, cur, cl);
            cand[cl] = ' ';
            memcpy(cand + cl + 1, p, wl);
            cand[cl + 1 + wl] = '\0';
        } else {
            memcpy(cand, p, wl);
            cand[wl] = '\0';
        }
        if (text_w(L, cand, size, 0) <= maxw) {
            strcpy(cur, cand);
        } else {
            if (!cl || nl == MAX_WRAP_LINES - 1)
                return 0; /* a word wider than the slot, or too many lines */
            char *line = csi_chart_pool_alloc(mem, cl + 1);
            if (!line)
                return 0;
            strcpy(line, cur);
            out[nl++] = line;
            memcpy(cur, p, wl);
            cur[wl] = '\0';
            if (text_w(L, cur, size, 0) > maxw)
                return 0;
        }
        p += wl;
    }
    if (cur[0]) {
        char *line = csi_chart_pool_alloc(mem, strlen(cur) + 1);
        if (!line)
            return 0;
        strcpy(line, cur);
        out[nl++] = line;
    }
    return nl;
}

/* s on one line if it fits in maxw; else its longest first part ending at a space that fits,
 * and the rest on a second line (shortened with an ellipsis only if it does not fit either). */
static void split_two(pool *mem, const layout *L, const char *s, double size, int bold, double maxw,
                      const char **l1, const char **l2)
{
    *l2 = NULL;
    if (text_w(L, s, size, bold) <= maxw) {
        *l1 = s;
        return;
    }
    size_t len = strlen(s), best = 0;
    char *buf = csi_chart_pool_alloc(mem, len + 1);
    if (!buf) {
        *l1 = fit_text(mem, L, s, size, bold, maxw);
        return;
    }
    for (size_t i = 1; i < len; i++) {
        if (s[i] != ' ')
            continue;
        memcpy(buf, s, i);
        buf[i] = '\0';
        if (text_w(L, buf, size, bold) <= maxw)
            best = i;
        else
            break;
    }
    if (best == 0) {
        *l1 = fit_text(mem, L, s, size, bold, maxw);
        return;
    }
    buf[best] = '\0';
    memcpy(buf, s, best);
    *l1 = buf;
    const char *rest = s + best;
    while (*rest == ' ')
        rest++;
    *l2 = fit_text(mem, L, rest, size, bold, maxw);
}

double csi_chart_x_to_mm(const plan *P, const layout *L, double x)
{
    return L->px0 + (x - P->x0) / (P->x1 - P->x0) * (L->px1 - L->px0);
}

double csi_chart_y_to_mm(const plan *P, const layout *L, int axis, double y)
{
    double lo = axis == 1 ? P->y20 : P->y0, hi = axis == 1 ? P->y21 : P->y1;
    return L->py0 + (y - lo) / (hi - lo) * (L->py1 - L->py0);
}

/* Smallest stride so that every stride-th label (from the first) clears its neighbour. */
static size_t label_stride(const xlab *xl, const double *w, size_t n, double gap)
{
    for (size_t stride = 1; stride < n; stride++) {
        int ok = 1;
        for (size_t i = 0; i + stride < n && ok; i += stride)
            if (xl[i + stride].pos - xl[i].pos < (w[i] + w[i + stride]) / 2 + gap)
                ok = 0;
        if (ok)
            return stride;
    }
    return n ? n : 1;
}

/* Arranges x tick / category labels for the current plot width; returns the height they need
 * below the axis line. */
static double arrange_x(const plan *P, layout *L, pool *mem)
{
    const cs_chart *c = P->c;
    double s = SZ_TICK, flat = X_GAP + (ASCENT + DESCENT) * s;
    L->xmode = XL_FLAT;
    L->n_xl = 0;
    L->n_xmark = 0;
    if (P->bars) {
        size_t nc = c->n_categories;
        if (nc == 0)
            return flat;
        L->xl = csi_chart_pool_calloc(mem, nc, sizeof *L->xl);
        double *w = csi_chart_pool_calloc(mem, nc, sizeof *w);
        if (!L->xl || !w)
            return flat;
        L->n_xl = nc;
        double slot = (L->px1 - L->px0) / (double)nc, maxw = 0.0;
        for (size_t j = 0; j < nc; j++) {
            L->xl[j].pos = L->px0 + ((double)j + 0.5) * slot;
            L->xl[j].line[0] = P->cat[j];
            L->xl[j].nlines = 1;
            L->xl[j].shown = 1;
            w[j] = text_w(L, P->cat[j], s, 0);
            maxw = fmax(maxw, w[j]);
        }
        double room = slot - 1.5;
        if (maxw <= room)
            return flat;
        size_t rows = 1;
        int ok = 1;
        for (size_t j = 0; j < nc && ok; j++) {
            const char *lines[MAX_WRAP_LINES];
            size_t nl = wrap_text(mem, L, P->cat[j], s, room, lines);
            if (nl == 0) {
                ok = 0;
                break;
            }
            for (size_t q = 0; q < nl; q++)
                L->xl[j].line[q] = lines[q];
            L->xl[j].nlines = nl;
            if (nl > rows)
                rows = nl;
        }
        if (ok) {
            L->xmode = XL_WRAPPED;
            return flat + (double)(rows - 1) * 1.2 * s;
        }
        /* Angled at 45 degrees, shortened if need be, thinned if the slots are narrow.  Many
         * categories (forces ranked, ...) first get a smaller font, down to 3/4 of the tick
         * size, so that every one is named where that is enough. */
        L->xmode = XL_ANGLED;
        if (1.3 * s > slot) s = fmax(0.75 * SZ_TICK, 0.999 * slot / 1.3);
        L->xl_size = s;
        maxw = 0.0;
        for (size_t j = 0; j < nc; j++) {
            L->xl[j].line[0] = fit_text(mem, L, P->cat[j], s, 0, MAX_ROT_LEN);
            L->xl[j].nlines = 1;
            maxw = fmax(maxw, text_w(L, L->xl[j].line[0], s, 0));
        }
        size_t stride = (size_t)ceil(1.3 * s / slot);
        if (stride < 1)
            stride = 1;
        for (size_t j = 0; j < nc; j++)
            L->xl[j].shown = j % stride == 0;
        return X_GAP + 0.7071 * (maxw + s);
    }
    /* LINE / STEP: tick marks at every tick inside the x range, labels where not empty. */
    size_t nt = P->xt.n ? P->xt.n : 1;
    L->xl = csi_chart_pool_calloc(mem, nt, sizeof *L->xl);
    L->xmark = csi_chart_pool_calloc(mem, nt, sizeof *L->xmark);
    double *w = csi_chart_pool_calloc(mem, nt, sizeof *w);
    if (!L->xl || !L->xmark || !w)
        return flat;
    double eps = 1e-9 * (P->x1 - P->x0);
    for (size_t i = 0; i < P->xt.n; i++) {
        double x = P->xt.at[i];
        if (!isfinite(x) || x < P->x0 - eps || x > P->x1 + eps)
            continue;
        L->xmark[L->n_xmark++] = csi_chart_x_to_mm(P, L, x);
        if (!P->xt.label[i][0])
            continue;
        xlab *xl = &L->xl[L->n_xl];
        xl->pos = csi_chart_x_to_mm(P, L, x);
        xl->line[0] = P->xt.label[i];
        xl->nlines = 1;
        w[L->n_xl++] = text_w(L, P->xt.label[i], s, 0);
    }
    size_t stride = label_stride(L->xl, w, L->n_xl, 2.0);
    for (size_t i = 0; i < L->n_xl; i++)
        L->xl[i].shown = i % stride == 0;
    return flat;
}

void csi_chart_make_layout(const plapi *pl, const plan *P, layout *L, pool *mem, int dev_w,
                           int dev_h, unsigned in_legend)
{
    const cs_chart *c = P->c;
    double page_w_mm = dev_w * 25.4 / 72.0, page_h_mm = dev_h * 25.4 / 72.0;
    double k = page_w_mm / DESIGN_W;
    memset(L, 0, sizeof *L);
    mem->shortened = 0;
    L->pl = pl;
    L->k = k;
    L->W = DESIGN_W;
    L->H = page_h_mm / k;
    L->in_legend = in_legend;
    double avail = L->W - M_LEFT - M_RIGHT;

    /* Top: title, subtitle, legend rows. */
    double top = L->H - M_TOP;
    /* A title or subtitle too wide for the page goes on two lines (broken at a space) rather
     * than being cut; only text too long for two lines is shortened. */
    if (P->title[0]) {
        L->title_size = SZ_TITLE;
        if (text_w(L, P->title, SZ_TITLE, 1) > avail)
            L->title_size = SZ_TITLE * 0.85;
        split_two(mem, L, P->title, L->title_size, 1, avail, &L->title, &L->title2);
        L->title_base = top - ASCENT * L->title_size;
        top = L->title2 ? L->title_base - 1.2 * L->title_size : L->title_base;
        top -= DESCENT * L->title_size + 1.0;
    }
    if (P->subtitle[0]) {
        split_two(mem, L, P->subtitle, SZ_SUB, 0, avail, &L->subtitle, &L->subtitle2);
        L->sub_base = top - ASCENT * SZ_SUB;
        if (L->subtitle2)
            top = L->sub_base - 1.25 * SZ_SUB;
        else
            top = L->sub_base;
        top -= DESCENT * SZ_SUB + 0.8;
    }
    size_t nl = 2;
    for (size_t i = 0; i < c->n_series; i++)
        if (P->slabel[i])
            nl++;
    L->leg = csi_chart_pool_calloc(mem, nl, sizeof *L->leg);
    if (L->leg) {
        double x = M_LEFT, base = top - 1.6 - ASCENT * SZ_LEG;
        if (!P->title[0] && !P->subtitle[0])
            base = top - ASCENT * SZ_LEG;
        for (size_t q = 0; q < c->n_series + 2; q++) {
            int what = q < c->n_series ? LEG_SERIES : q == c->n_series ? LEG_HLINE : LEG_VLINE;
            const char *label = what == LEG_SERIES ? P->slabel[q]
                                : what == LEG_HLINE ? ((in_legend & TGT_H) ? P->hline_label : NULL)
                                                    : ((in_legend & TGT_V) ? P->vline_label : NULL);
            if (!label || !label[0])
                continue;
            double key = ((P->bars || P->hbar) && what == LEG_SERIES) ? 3.2 : 7.0;
            const char *t = fit_text(mem, L, label, SZ_LEG, 0, avail - key - 1.5);
            double wi = key + 1.5 + text_w(L, t, SZ_LEG, 0);
            if (x > M_LEFT && x + wi > L->W - M_RIGHT) {
                x = M_LEFT;
                base -= 1.45 * SZ_LEG;
            }
            leg_item *it = &L->leg[L->n_leg++];
            it->what = what;
            it->series = q;
            it->text = t;
            it->x = x;
            it->base = base;
            x += wi + 4.5;
        }
        if (L->n_leg > 0)
            top = base - DESCENT * SZ_LEG;
    }
    double plot_top = top - 4.0; /* the top y tick label rises ~1.2 mm above it */

    /* Bottom: footnote, x axis title. */
    double bottom = M_BOTTOM;
    if (P->footnote[0]) {
        L->footnote = fit_text(mem, L, P->footnote, SZ_NOTE, 0, avail);
        L->foot_base = bottom + DESCENT * SZ_NOTE;
        bottom = L->foot_base + ASCENT * SZ_NOTE + 1.6;
    }
    if (P->xlabel[0]) {
        L->xlabel_base = bottom + DESCENT * SZ_AXIS;
        bottom = L->xlabel_base + ASCENT * SZ_AXIS + 1.4;
    }

    /* Left: y axis title (rotated) and tick labels; right: the same for the second axis. */
    double left = M_LEFT;
    if (P->ylabel[0]) {
        L->ylabel_x = left;
        left += SZ_AXIS + 1.6;
    }
    double wy = 0.0;
    for (size_t i = 0; i < P->yt.n; i++)
        wy = fmax(wy, text_w(L, P->yt.label[i], SZ_TICK, 0));
    if (P->hbar) {
        /* Row names take up to 40% of the width; longer ones are shortened. */
        size_t nc = c->n_categories;
        L->rowlab = csi_chart_pool_calloc(mem, nc ? nc : 1, sizeof *L->rowlab);
        for (size_t j = 0; L->rowlab && j < nc; j++) {
            L->rowlab[j] = fit_text(mem, L, P->cat[j], SZ_TICK, 0, 0.4 * avail);
            wy = fmax(wy, text_w(L, L->rowlab[j], SZ_TICK, 0));
        }
    }
    left += wy + Y_GAP;
    double right = L->W - M_RIGHT;
    if (P->has_y2) {
        if (P->y2label[0]) {
            L->y2label_x = right - SZ_AXIS;
            right -= SZ_AXIS + 1.6;
        }
        double w2 = 0.0;
        for (size_t i = 0; i < P->y2t.n; i++)
            w2 = fmax(w2, text_w(L, P->y2t.label[i], SZ_TICK, 0));
        right -= w2 + Y_GAP;
    }
    L->px0 = left;
    L->px1 = right;
    L->py1 = plot_top;

    /* x labels depend on the plot width, and the outermost may need the plot narrowed. */
    double hx = arrange_x(P, L, mem);
    if (!P->bars) {
        double over_r = 0.0, over_l = 0.0;
        for (size_t i = 0; i < L->n_xl; i++) {
            if (!L->xl[i].shown)
                continue;
            double w = text_w(L, L->xl[i].line[0], SZ_TICK, 0);
            over_r = fmax(over_r, L->xl[i].pos + w / 2 - (L->W - M_RIGHT));
            over_l = fmax(over_l, M_LEFT - (L->xl[i].pos - w / 2));
        }
        if (over_r > 0 || over_l > 0) {
            L->px1 -= over_r * 1.05;
            L->px0 += over_l * 1.05;
            hx = arrange_x(P, L, mem);
        }
    } else if (L->xmode == XL_ANGLED && L->n_xl > 0) {
        /* The first angled label reaches down and left past its slot. */
        double w0 = text_w(L, L->xl[0].line[0], L->xl_size, 0);
        double need = M_LEFT + 0.7071 * w0 - (L->xl[0].pos - L->px0);
        if (need > L->px0) {
            L->px0 = need;
            hx = arrange_x(P, L, mem);
        }
    }
    L->py0 = bottom + hx;
    if (L->py1 - L->py0 < 10.0) /* absurd amounts of text: keep a visible plot */
        L->py0 = L->py1 - 10.0;

    if (P->xlabel[0])
        L->xlabel = fit_text(mem, L, P->xlabel, SZ_AXIS, 0, avail);
    if (P->ylabel[0])
        L->ylabel = fit_text(mem, L, P->ylabel, SZ_AXIS, 0, L->py1 - L->py0 + 6.0);
    if (P->has_y2 && P->y2label[0])
        L->y2label = fit_text(mem, L, P->y2label, SZ_AXIS, 0, L->py1 - L->py0 + 6.0);

    double pw = L->px1 - L->px0;
    if (P->hline_label[0] && !(in_legend & TGT_H)) {
        L->hl.text = fit_text(mem, L, P->hline_label, SZ_ANNOT, 0, 0.6 * pw);
        L->hl.w = text_w(L, L->hl.text, SZ_ANNOT, 0);
    }
    if (P->vline_label[0] && !(in_legend & TGT_V)) {
        L->vl.text = fit_text(mem, L, P->vline_label, SZ_ANNOT, 0, 0.45 * pw);
        L->vl.w = text_w(L, L->vl.text, SZ_ANNOT, 0);
    }

    if (P->bars) {
        double slot = pw / (double)(c->n_categories ? c->n_categories : 1);
        double ns = (double)(c->n_series ? c->n_series : 1);
        double gw = c->kind == CS_CHART_STACKED_BAR ? 0.62 : 0.8;
        double max_mm = c->kind == CS_CHART_STACKED_BAR ? 22.0 : 12.0 * ns;
        if (gw * slot > max_mm) /* one or two categories: keep bars bar-shaped */
            gw = max_mm / slot;
        L->group_w = gw;
    }
    if (P->hbar) {
        double slot = (L->py1 - L->py0) / (double)(c->n_categories ? c->n_categories : 1);
        double ns = (double)(c->n_series ? c->n_series : 1), gw = 0.72;
        if (gw * slot > 5.0 * ns) /* few rows: keep bars bar-shaped */
            gw = 5.0 * ns / slot;
        L->group_w = gw;
    }
}

/* ---------------------------------------------------------------------------------------------
 * Where target labels go: on the plot where they cover no data, else in the legend
 * ------------------------------------------------------------------------------------------- */

/* y of series si at x (linear, or held for steps); NAN where the series has no value. */
static double series_at(const cs_chart *c, size_t si, const double *v, double x)
{
    const cs_chart_series *s = &c->series[si];
    int step = csi_chart_series_step(c, si);
    for (size_t j = 0; j < s->n; j++) {
        if (!isfinite(s->x[j]) || !isfinite(v[j]))
            continue;
        if (step) {
            double e = csi_chart_step_end(s, j);
            if (x >= s->x[j] && x < e)
                return v[j];
        } else if (j + 1 < s->n && isfinite(s->x[j + 1]) && isfinite(v[j + 1]) &&
                   x >= s->x[j] && x <= s->x[j + 1]) {
            double dx = s->x[j + 1] - s->x[j];
            return dx > 0 ? v[j] + (v[j + 1] - v[j]) * (x - s->x[j]) / dx : v[j];
        } else if (x == s->x[j]) {
            return v[j];
        }
    }
    return NAN;
}

/* Does anything drawn in the plot (data, bands, bars, whiskers, the other target line) fall in
 * b?  Lines are sampled across the box; a line passing between two samples is caught because
 * the samples straddle the box. */
static int box_hits_data(const plan *P, const layout *L, box b, int skip_h, int skip_v)
{
    const cs_chart *c = P->c;
    if (!skip_v && c->has_vline && !P->bars) {
        double xv = csi_chart_x_to_mm(P, L, c->vline);
        if (xv >= b.x0 && xv <= b.x1)
            return 1;
    }
    if (!skip_h && c->has_hline) {
        double yh = csi_chart_y_to_mm(P, L, 0, c->hline);
        if (yh >= b.y0 && yh <= b.y1)
            return 1;
    }
    if (P->bars) {
        size_t nc = c->n_categories, ns = c->n_series;
        double gw = L->group_w, bw = gw / (double)(ns ? ns : 1);
        for (size_t j = 0; j < nc; j++) {
            double base = 0.0;
            for (size_t i = 0; i < ns; i++) {
                const cs_chart_series *s = &c->series[i];
                double v = s->y[j], xa, xb, ya, yb;
                if (!isfinite(v))
                    continue;
                if (c->kind == CS_CHART_STACKED_BAR) {
                    xa = (double)j - gw / 2, xb = (double)j + gw / 2;
                    ya = base, yb = base + v * P->bar_scale[j];
                    base = yb;
                } else {
                    xa = (double)j - gw / 2 + (double)i * bw, xb = xa + bw;
                    ya = fmin(0.0, v), yb = fmax(0.0, v);
                    if (s->lo && isfinite(s->lo[j]) && isfinite(s->hi[j])) {
                        ya = fmin(ya, s->lo[j]);
                        yb = fmax(yb, s->hi[j]);
                    }
                }
                double mx0 = csi_chart_x_to_mm(P, L, xa), mx1 = csi_chart_x_to_mm(P, L, xb);
                double my0 = csi_chart_y_to_mm(P, L, 0, ya), my1 = csi_chart_y_to_mm(P, L, 0, yb);
                if (mx1 >= b.x0 && mx0 <= b.x1 && my1 >= b.y0 && my0 <= b.y1)
                    return 1;
            }
        }
        return 0;
    }
    enum { NS = 32 };
    for (size_t i = 0; i < c->n_series; i++) {
        const cs_chart_series *s = &c->series[i];
        if (s->n == 0)
            continue;
        int prev_side = 0; /* -1 below the box, +1 above, 0 unknown */
        for (int q = 0; q <= NS; q++) {
            double xm = b.x0 + (b.x1 - b.x0) * q / NS;
            double x = P->x0 + (xm - L->px0) / (L->px1 - L->px0) * (P->x1 - P->x0);
            if (s->lo) {
                double lo = series_at(c, i, s->lo, x), hi = series_at(c, i, s->hi, x);
                if (isfinite(lo) && isfinite(hi)) {
                    double a = csi_chart_y_to_mm(P, L, s->axis, fmin(lo, hi));
                    double z = csi_chart_y_to_mm(P, L, s->axis, fmax(lo, hi));
                    if (z >= b.y0 && a <= b.y1)
                        return 1;
                }
            }
            double y = series_at(c, i, s->y, x);
            if (!isfinite(y)) {
                prev_side = 0;
                continue;
            }
            double ym = csi_chart_y_to_mm(P, L, s->axis, y);
            int side = ym < b.y0 ? -1 : ym > b.y1 ? 1 : 0;
            if (side == 0 || (prev_side != 0 && side != prev_side))
                return 1;
            prev_side = side;
        }
    }
    return 0;
}

static box annot_box(const annot *a)
{
    double left = a->x - a->just * a->w;
    box b = {left - 0.9, a->base - DESCENT * SZ_ANNOT - 0.6, left + a->w + 0.9,
             a->base + ASCENT * SZ_ANNOT + 0.6};
    return b;
}

/* Tries the candidate spots for each on-plot target label; returns the labels (TGT_H/TGT_V)
 * that found no spot free of data and so belong in the legend. */
unsigned csi_chart_place_targets(const plan *P, layout *L)
{
    const cs_chart *c = P->c;
    unsigned failed = 0;
    double s = SZ_ANNOT;
    if (L->hl.text && c->hline >= P->y0 && c->hline <= P->y1) {
        double y = csi_chart_y_to_mm(P, L, 0, c->hline);
        double above = y + 1.0 + DESCENT * s, below = y - 1.0 - ASCENT * s;
        const double cand[6][3] = {
            {L->px1 - 1.5, above, 1.0}, {L->px0 + 1.5, above, 0.0},
            {L->px1 - 1.5, below, 1.0}, {L->px0 + 1.5, below, 0.0},
            {(L->px0 + L->px1) / 2, above, 0.5}, {(L->px0 + L->px1) / 2, below, 0.5},
        };
        for (int q = 0; q < 6 && !L->hl.show; q++) {
            annot a = L->hl;
            a.x = cand[q][0], a.base = cand[q][1], a.just = cand[q][2];
            box b = annot_box(&a);
            if (b.y1 > L->py1 || b.y0 < L->py0 + 0.3)
                continue;
            if (!box_hits_data(P, L, b, 1, 0)) {
                a.show = 1;
                L->hl = a;
            }
        }
        if (!L->hl.show)
            failed |= TGT_H;
    }
    if (L->vl.text && !P->bars && c->vline >= P->x0 && c->vline <= P->x1) {
        double x = csi_chart_x_to_mm(P, L, c->vline);
        double top = L->py1 - 1.2 - ASCENT * s, bot = L->py0 + 1.4 + DESCENT * s;
        double mid = (L->py0 + L->py1) / 2 - 0.3 * s;
        const double cand[6][3] = {
            {x + 1.2, top, 0.0}, {x - 1.2, top, 1.0}, {x + 1.2, bot, 0.0},
            {x - 1.2, bot, 1.0}, {x + 1.2, mid, 0.0}, {x - 1.2, mid, 1.0},
        };
        for (int q = 0; q < 6 && !L->vl.show; q++) {
            annot a = L->vl;
            a.x = cand[q][0], a.base = cand[q][1], a.just = cand[q][2];
            box b = annot_box(&a);
            if (b.x0 < L->px0 || b.x1 > L->px1 || box_hits_data(P, L, b, 0, 1))
                continue;
            if (L->hl.show) { /* nor on the other target's label */
                box h = annot_box(&L->hl);
                if (!(b.x1 < h.x0 || b.x0 > h.x1 || b.y1 < h.y0 || b.y0 > h.y1))
                    continue;
            }
            a.show = 1;
            L->vl = a;
        }
        if (!L->vl.show)
            failed |= TGT_V;
    }
    return failed;
}
