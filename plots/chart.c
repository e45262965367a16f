/* Report charts on PLplot's cairo drivers.
 *
 * How a render goes.  cs_chart_render() first turns the description into a device-independent
 * "plan": validated input, sanitised strings, axis ranges and tick values.  Then, per format, it
 * opens a throw-away PLplot SVG stream of the same size writing to /dev/null, uses it to measure
 * text and computes a "layout" in millimetres of a 160 mm wide design page (where the title goes,
 * how many legend rows, how much room tick labels need, whether category names must wrap or
 * angle), closes it, and finally opens the real stream and draws the plan at the layout.
 *
 * Why a separate measuring stream.  PLplot 5.15 does not export plstrl(), and asking the cairo
 * driver for a string length the way plstrl() does (PLStream.get_string_length) still renders the
 * string in this version, so measuring in the output stream would leave stray text in the chart.
 *
 * Units.  The cairo drivers treat one device unit as 1/72 inch whatever the raster size, so a
 * 1600 px PNG is, to PLplot, a 564 mm page.  Layout is done on a 160 mm design page and every
 * length (text height, line width, dash length) is multiplied by k = device page width / 160 mm,
 * which makes the PNG a pixel-exact enlargement of the 16 x 10 cm vector charts.
 *
 * PLplot failure modes handled here (5.15):
 *  - plabort() (bad arguments) prints to stderr unless plsError() gave the stream an error code
 *    and buffer; we always do, and turn a set code into CS_EINTERNAL.
 *  - plexit() (fatal: cannot open the output after 10 tries, driver fails to load, ...) calls the
 *    plsexit() handler but then prints and exit()s regardless of what the handler returns.  The
 *    only way to survive is to leave the handler by longjmp, which we do; the stream is then
 *    abandoned (a small leak) because its state is unknown.  Because that handler is a bare
 *    function pointer, the jump target has to live in a thread-local variable: the one piece of
 *    mutable static state in this module, and harmless since PLplot is single-threaded anyway.
 *  - plOpenFile() on an unwritable path prints "Can't open" ten times and then plexit()s, and
 *    with no file name it prompts on stdin; so every target is opened by us before PLplot sees
 *    it and a bad path is an ordinary CS_EIO.
 *  - an unknown device name makes plinit() list devices and prompt on stdin; we check plgDevs(),
 *    inside the same trap (it exit()s when the temporary folder is full).
 *  - the cairo driver ignores strings of 500+ characters (printing to stdout), so text is capped
 *    at 200 characters.
 */
#include "plots/chart.h"

#include <errno.h>
#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <plplot.h>
#include <plstrm.h>

#include "sim/text.h"

/* ---------------------------------------------------------------------------------------------
 * Style constants (design millimetres / points on the 160 mm page)
 * ------------------------------------------------------------------------------------------- */

#define DESIGN_W 160.0 /* mm */
#define PNG_W 1600
#define PNG_H 1000
#define VEC_W 454 /* points: 160.2 mm */
#define VEC_H 283 /* points: 99.8 mm */

#define PT 0.3527777777777778 /* mm per point */
/* Font sizes as printed on the 16 cm chart. */
#define SZ_TITLE (12.0 * PT)
#define SZ_SUB (9.0 * PT)
#define SZ_AXIS (9.0 * PT)
#define SZ_TICK (8.0 * PT)
#define SZ_LEG (8.5 * PT)
#define SZ_NOTE (7.5 * PT)
#define SZ_ANNOT (8.0 * PT)
#define SZ_NODATA (10.0 * PT)
/* The cairo driver asks pango for "size in points" = PLplot character height, but pango-cairo
 * lays text out at 96 dpi on a 72 dpi surface, so glyphs come out 4/3 larger than asked.
 * Character heights are divided by this, and the driver's baseline offset (half the requested
 * height below the reference point) shrinks with them. */
#define PANGO_FIX (96.0 / 72.0)

#define M_LEFT 4.0
#define M_RIGHT 4.0
#define M_TOP 3.5
#define M_BOTTOM 3.0
#define TICK_LEN 1.2
#define X_GAP 2.3   /* axis line to the top of the x tick labels */
#define Y_GAP 1.8   /* y tick labels to the plot edge */
#define ASCENT 0.78 /* of the font size, baseline to top of capitals (plus a little) */
#define DESCENT 0.26

#define W_DATA 1.6   /* pt */
#define W_GRID 0.5
#define W_AXIS 0.8
#define W_TARGET 1.1
#define W_WHISKER 0.9
#define BAND_ALPHA 0.20

/* Data overshooting a tick by less than this fraction of a step does not add a whole step of
 * empty axis (the overshoot, under 0.1 mm, is clipped). */
#define SNAP 1e-3
#define MAX_TEXT_CP 200   /* characters kept from any user string */
#define MAX_AUTO_TICKS 64 /* enough for any nice-number axis */
#define MAX_WRAP_LINES 3
#define MAX_ROT_LEN 32.0 /* mm: longest angled category label */

typedef struct rgb {
    unsigned char r, g, b;
} rgb;

/* Okabe & Ito (2008), "Color Universal Design", in the order the brief fixes. */
static const rgb PALETTE[8] = {
    {0x00, 0x72, 0xB2}, {0xE6, 0x9F, 0x00}, {0x00, 0x9E, 0x73}, {0xD5, 0x5E, 0x00},
    {0xCC, 0x79, 0xA7}, {0x56, 0xB4, 0xE9}, {0xF0, 0xE4, 0x42}, {0x00, 0x00, 0x00},
};
static const rgb C_TITLE = {0x22, 0x22, 0x22};
static const rgb C_TEXT = {0x33, 0x33, 0x33};
static const rgb C_MUTED = {0x66, 0x66, 0x66};
static const rgb C_TICKTEXT = {0x44, 0x44, 0x44};
static const rgb C_GRID = {0xDD, 0xDD, 0xDD};
static const rgb C_ZERO = {0x99, 0x99, 0x99};
static const rgb C_AXIS = {0x44, 0x44, 0x44};
static const rgb C_TARGET = {0x33, 0x33, 0x33};
static const rgb C_WHITE = {0xFF, 0xFF, 0xFF};

/* ---------------------------------------------------------------------------------------------
 * Allocation pool: everything a render allocates is freed in one place, including on the
 * longjmp path out of PLplot.
 * ------------------------------------------------------------------------------------------- */

typedef struct pool {
    void **ptr;
    size_t n, cap;
    int failed;
    size_t shortened; /* texts of the current layout cut to fit (cs_chart_info) */
} pool;

static void *pool_alloc(pool *p, size_t size)
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

static void *pool_calloc(pool *p, size_t n, size_t size)
{
    if (size && n > (size_t)-1 / size) {
        p->failed = 1;
        return NULL;
    }
    size_t bytes = n * size;
    void *q = pool_alloc(p, bytes);
    if (q)
        memset(q, 0, bytes > 0 ? bytes : 1);
    return q;
}

static void pool_free(pool *p)
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
    char *out = pool_alloc(p, 2 * in + 8);
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
static size_t unit_len(const char *s)
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

static double nice_step(double span, double target)
{
    double raw = span / target;
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

/* ---------------------------------------------------------------------------------------------
 * The plan: what to draw, independent of the output device
 * ------------------------------------------------------------------------------------------- */

typedef struct ticks {
    size_t n;
    double *at;
    const char **label;
} ticks;

typedef struct plan {
    const cs_chart *c;
    int bars, hbar, has_y2, has_data;
    int y_percent, y2_percent;
    double x0, x1, y0, y1, y20, y21;
    ticks xt, yt, y2t;
    const char *title, *subtitle, *xlabel, *ylabel, *y2label, *footnote;
    const char *hline_label, *vline_label;
    const char **slabel; /* per series: legend text, or NULL for no entry */
    const char **cat;    /* per category */
    double *bar_scale;   /* per category: 1/total for stacked_percent, else 1 */
} plan;

static rgb series_colour(size_t i)
{
    return PALETTE[i % 8];
}

/* Series past the palette reuse its colours, so they are dashed to stay distinguishable. */
static int series_dashed(const cs_chart *c, size_t i)
{
    return c->series[i].dashed || i >= 8;
}

static int series_step(const cs_chart *c, size_t i)
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

static cs_status validate(const cs_chart *c, unsigned formats, cs_error *err)
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

/* Running min/max of the finite values seen. */
typedef struct span {
    double lo, hi;
    int any;
} span;

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
static double step_end(const cs_chart_series *s, size_t i)
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
    t->at = pool_calloc(mem, n, sizeof *t->at);
    t->label = pool_calloc(mem, n, sizeof *t->label);
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
    P->cat = pool_calloc(mem, nc ? nc : 1, sizeof *P->cat);
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

static cs_status build_plan(const cs_chart *c, pool *mem, plan *P, cs_error *err)
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
    P->slabel = pool_calloc(mem, c->n_series ? c->n_series : 1, sizeof *P->slabel);
    if (mem->failed)
        goto oom;

    for (size_t i = 0; i < c->n_series; i++) {
        const cs_chart_series *s = &c->series[i];
        if (!s->label || !*s->label)
            continue;
        if (s->axis == 1) {
            size_t len = strlen(s->label);
            char *t = pool_alloc(mem, len + 16);
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
        P->cat = pool_calloc(mem, nc ? nc : 1, sizeof *P->cat);
        P->bar_scale = pool_calloc(mem, nc ? nc : 1, sizeof *P->bar_scale);
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
                if (series_step(c, i))
                    span_add(&sx, step_end(s, j));
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
            P->y2t.at = pool_calloc(mem, n1, sizeof *P->y2t.at);
            P->y2t.label = pool_calloc(mem, n1, sizeof *P->y2t.label);
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
            P->xt.at = pool_calloc(mem, c->xticks.n, sizeof *P->xt.at);
            P->xt.label = pool_calloc(mem, c->xticks.n, sizeof *P->xt.label);
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

/* ---------------------------------------------------------------------------------------------
 * Layout (design millimetres, origin bottom left) and text measurement
 * ------------------------------------------------------------------------------------------- */

enum { LEG_SERIES, LEG_HLINE, LEG_VLINE };

typedef struct leg_item {
    int what;      /* LEG_SERIES or a target line moved into the legend */
    size_t series; /* LEG_SERIES: index */
    const char *text;
    double x, base; /* left of the key, text baseline */
} leg_item;

typedef struct xlab {
    double pos; /* mm, centre of the label */
    const char *line[MAX_WRAP_LINES];
    size_t nlines;
    int shown;
} xlab;

/* A target line's label drawn on the plot. */
typedef struct annot {
    int show;
    const char *text;
    double w, x, base, just;
} annot;

enum { XL_FLAT, XL_WRAPPED, XL_ANGLED };
enum { TGT_H = 1, TGT_V = 2 }; /* target labels moved into the legend */

typedef struct layout {
    double W, H, k;
    double px0, px1, py0, py1;
    const char *title, *subtitle, *xlabel, *ylabel, *y2label, *footnote;
    const char *title2, *subtitle2; /* second lines of a title or subtitle too long for one */
    double title_size, title_base, sub_base, xlabel_base, foot_base, ylabel_x, y2label_x;
    leg_item *leg;
    size_t n_leg;
    xlab *xl; /* x tick labels (only non-empty ones) */
    size_t n_xl;
    double *xmark; /* x tick marks (LINE/STEP), mm */
    size_t n_xmark;
    int xmode;
    double xl_size; /* font size of angled category labels (smaller when many) */
    double group_w; /* bars: world width of a group / stack */
    annot hl, vl;
    unsigned in_legend; /* TGT_H / TGT_V */
    const char **rowlab; /* HBAR: category names as drawn, shortened to fit */
} layout;

/* Font for the next text: size is the printed em size in design mm. */
static void apply_font(double k, double size, int bold, int italic)
{
    plschr(size * k / PANGO_FIX, 1.0);
    plsfont(PL_FCI_SANS, italic ? PL_FCI_ITALIC : PL_FCI_UPRIGHT,
            bold ? PL_FCI_BOLD : PL_FCI_MEDIUM);
}

/* Width in design mm of clean text s at font size `size` (design mm).  The current PLplot stream
 * must be the measuring stream. */
static double text_w(double k, const char *s, double size, int bold)
{
    if (!s || !*s)
        return 0.0;
    apply_font(k, size, bold, 0);
    PLStream *pls = NULL;
    plgpls(&pls);
    if (!pls || !pls->has_string_length) {
        size_t chars = 0;
        for (const char *q = s; *q; q += unit_len(q))
            chars++;
        return 0.6 * size * (double)chars; /* DejaVu Sans averages ~0.55 em */
    }
    pls->string_length = 0.0;
    pls->get_string_length = 1;
    plmtex("t", 0.0, 0.5, 0.5, s);
    pls->get_string_length = 0;
    return pls->string_length / k;
}

/* s itself if it fits in maxw, else its longest prefix that fits followed by an ellipsis. */
static const char *fit_text(pool *mem, double k, const char *s, double size, int bold,
                            double maxw)
{
    if (text_w(k, s, size, bold) <= maxw)
        return s;
    mem->shortened++;
    char *buf = pool_alloc(mem, strlen(s) + 4);
    if (!buf)
        return s;
    size_t units = 0;
    for (const char *q = s; *q; q += unit_len(q))
        units++;
    /* Bisection on the number of character units kept ("##" is one unit, never split). */
    size_t lo = 0, hi = units;
    while (lo < hi) {
        size_t mid = (lo + hi + 1) / 2;
        const char *q = s;
        for (size_t u = 0; u < mid; u++)
            q += unit_len(q);
        size_t b = (size_t)(q - s);
        memcpy(buf, s, b);
        memcpy(buf + b, "\xE2\x80\xA6", 4);
        if (text_w(k, buf, size, bold) <= maxw)
            lo = mid;
        else
            hi = mid - 1;
    }
    const char *q = s;
    for (size_t u = 0; u < lo; u++)
        q += unit_len(q);
    size_t b = (size_t)(q - s);
    while (b > 0 && s[b - 1] == ' ')
        b--;
    memcpy(buf, s, b);
    memcpy(buf + b, "\xE2\x80\xA6", 4);
    return buf;
}

/* Greedy word wrap of s into at most MAX_WRAP_LINES lines no wider than maxw; 0 if impossible. */
static size_t wrap_text(pool *mem, double k, const char *s, double size, double maxw,
                        const char **out)
{
    if (text_w(k, s, size, 0) <= maxw) {
        out[0] = s;
        return 1;
    }
    size_t len = strlen(s), nl = 0;
    char *cur = pool_alloc(mem, len + 1), *cand = pool_alloc(mem, len + 1);
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
        if (text_w(k, cand, size, 0) <= maxw) {
            strcpy(cur, cand);
        } else {
            if (!cl || nl == MAX_WRAP_LINES - 1)
                return 0; /* a word wider than the slot, or too many lines */
            char *line = pool_alloc(mem, cl + 1);
            if (!line)
                return 0;
            strcpy(line, cur);
            out[nl++] = line;
            memcpy(cur, p, wl);
            cur[wl] = '\0';
            if (text_w(k, cur, size, 0) > maxw)
                return 0;
        }
        p += wl;
    }
    if (cur[0]) {
        char *line = pool_alloc(mem, strlen(cur) + 1);
        if (!line)
            return 0;
        strcpy(line, cur);
        out[nl++] = line;
    }
    return nl;
}

/* s on one line if it fits in maxw; else its longest first part ending at a space that fits,
 * and the rest on a second line (shortened with an ellipsis only if it does not fit either). */
static void split_two(pool *mem, double k, const char *s, double size, int bold, double maxw,
                      const char **l1, const char **l2)
{
    *l2 = NULL;
    if (text_w(k, s, size, bold) <= maxw) {
        *l1 = s;
        return;
    }
    size_t len = strlen(s), best = 0;
    char *buf = pool_alloc(mem, len + 1);
    if (!buf) {
        *l1 = fit_text(mem, k, s, size, bold, maxw);
        return;
    }
    for (size_t i = 1; i < len; i++) {
        if (s[i] != ' ')
            continue;
        memcpy(buf, s, i);
        buf[i] = '\0';
        if (text_w(k, buf, size, bold) <= maxw)
            best = i;
        else
            break;
    }
    if (best == 0) {
        *l1 = fit_text(mem, k, s, size, bold, maxw);
        return;
    }
    buf[best] = '\0';
    memcpy(buf, s, best);
    *l1 = buf;
    const char *rest = s + best;
    while (*rest == ' ')
        rest++;
    *l2 = fit_text(mem, k, rest, size, bold, maxw);
}

static double x_to_mm(const plan *P, const layout *L, double x)
{
    return L->px0 + (x - P->x0) / (P->x1 - P->x0) * (L->px1 - L->px0);
}

static double y_to_mm(const plan *P, const layout *L, int axis, double y)
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
    double k = L->k, s = SZ_TICK, flat = X_GAP + (ASCENT + DESCENT) * s;
    L->xmode = XL_FLAT;
    L->n_xl = 0;
    L->n_xmark = 0;
    if (P->bars) {
        size_t nc = c->n_categories;
        if (nc == 0)
            return flat;
        L->xl = pool_calloc(mem, nc, sizeof *L->xl);
        double *w = pool_calloc(mem, nc, sizeof *w);
        if (!L->xl || !w)
            return flat;
        L->n_xl = nc;
        double slot = (L->px1 - L->px0) / (double)nc, maxw = 0.0;
        for (size_t j = 0; j < nc; j++) {
            L->xl[j].pos = L->px0 + ((double)j + 0.5) * slot;
            L->xl[j].line[0] = P->cat[j];
            L->xl[j].nlines = 1;
            L->xl[j].shown = 1;
            w[j] = text_w(k, P->cat[j], s, 0);
            maxw = fmax(maxw, w[j]);
        }
        double room = slot - 1.5;
        if (maxw <= room)
            return flat;
        size_t rows = 1;
        int ok = 1;
        for (size_t j = 0; j < nc && ok; j++) {
            const char *lines[MAX_WRAP_LINES];
            size_t nl = wrap_text(mem, k, P->cat[j], s, room, lines);
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
            L->xl[j].line[0] = fit_text(mem, k, P->cat[j], s, 0, MAX_ROT_LEN);
            L->xl[j].nlines = 1;
            maxw = fmax(maxw, text_w(k, L->xl[j].line[0], s, 0));
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
    L->xl = pool_calloc(mem, nt, sizeof *L->xl);
    L->xmark = pool_calloc(mem, nt, sizeof *L->xmark);
    double *w = pool_calloc(mem, nt, sizeof *w);
    if (!L->xl || !L->xmark || !w)
        return flat;
    double eps = 1e-9 * (P->x1 - P->x0);
    for (size_t i = 0; i < P->xt.n; i++) {
        double x = P->xt.at[i];
        if (!isfinite(x) || x < P->x0 - eps || x > P->x1 + eps)
            continue;
        L->xmark[L->n_xmark++] = x_to_mm(P, L, x);
        if (!P->xt.label[i][0])
            continue;
        xlab *xl = &L->xl[L->n_xl];
        xl->pos = x_to_mm(P, L, x);
        xl->line[0] = P->xt.label[i];
        xl->nlines = 1;
        w[L->n_xl++] = text_w(k, P->xt.label[i], s, 0);
    }
    size_t stride = label_stride(L->xl, w, L->n_xl, 2.0);
    for (size_t i = 0; i < L->n_xl; i++)
        L->xl[i].shown = i % stride == 0;
    return flat;
}

static void make_layout(const plan *P, layout *L, pool *mem, int dev_w, int dev_h,
                        unsigned in_legend)
{
    const cs_chart *c = P->c;
    double page_w_mm = dev_w * 25.4 / 72.0, page_h_mm = dev_h * 25.4 / 72.0;
    double k = page_w_mm / DESIGN_W;
    memset(L, 0, sizeof *L);
    mem->shortened = 0;
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
        if (text_w(k, P->title, SZ_TITLE, 1) > avail)
            L->title_size = SZ_TITLE * 0.85;
        split_two(mem, k, P->title, L->title_size, 1, avail, &L->title, &L->title2);
        L->title_base = top - ASCENT * L->title_size;
        top = L->title2 ? L->title_base - 1.2 * L->title_size : L->title_base;
        top -= DESCENT * L->title_size + 1.0;
    }
    if (P->subtitle[0]) {
        split_two(mem, k, P->subtitle, SZ_SUB, 0, avail, &L->subtitle, &L->subtitle2);
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
    L->leg = pool_calloc(mem, nl, sizeof *L->leg);
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
            const char *t = fit_text(mem, k, label, SZ_LEG, 0, avail - key - 1.5);
            double wi = key + 1.5 + text_w(k, t, SZ_LEG, 0);
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
        L->footnote = fit_text(mem, k, P->footnote, SZ_NOTE, 0, avail);
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
        wy = fmax(wy, text_w(k, P->yt.label[i], SZ_TICK, 0));
    if (P->hbar) {
        /* Row names take up to 40% of the width; longer ones are shortened. */
        size_t nc = c->n_categories;
        L->rowlab = pool_calloc(mem, nc ? nc : 1, sizeof *L->rowlab);
        for (size_t j = 0; L->rowlab && j < nc; j++) {
            L->rowlab[j] = fit_text(mem, k, P->cat[j], SZ_TICK, 0, 0.4 * avail);
            wy = fmax(wy, text_w(k, L->rowlab[j], SZ_TICK, 0));
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
            w2 = fmax(w2, text_w(k, P->y2t.label[i], SZ_TICK, 0));
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
            double w = text_w(k, L->xl[i].line[0], SZ_TICK, 0);
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
        double w0 = text_w(k, L->xl[0].line[0], L->xl_size, 0);
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
        L->xlabel = fit_text(mem, k, P->xlabel, SZ_AXIS, 0, avail);
    if (P->ylabel[0])
        L->ylabel = fit_text(mem, k, P->ylabel, SZ_AXIS, 0, L->py1 - L->py0 + 6.0);
    if (P->has_y2 && P->y2label[0])
        L->y2label = fit_text(mem, k, P->y2label, SZ_AXIS, 0, L->py1 - L->py0 + 6.0);

    double pw = L->px1 - L->px0;
    if (P->hline_label[0] && !(in_legend & TGT_H)) {
        L->hl.text = fit_text(mem, k, P->hline_label, SZ_ANNOT, 0, 0.6 * pw);
        L->hl.w = text_w(k, L->hl.text, SZ_ANNOT, 0);
    }
    if (P->vline_label[0] && !(in_legend & TGT_V)) {
        L->vl.text = fit_text(mem, k, P->vline_label, SZ_ANNOT, 0, 0.45 * pw);
        L->vl.w = text_w(k, L->vl.text, SZ_ANNOT, 0);
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

typedef struct box {
    double x0, y0, x1, y1; /* page mm */
} box;

/* y of series si at x (linear, or held for steps); NAN where the series has no value. */
static double series_at(const cs_chart *c, size_t si, const double *v, double x)
{
    const cs_chart_series *s = &c->series[si];
    int step = series_step(c, si);
    for (size_t j = 0; j < s->n; j++) {
        if (!isfinite(s->x[j]) || !isfinite(v[j]))
            continue;
        if (step) {
            double e = step_end(s, j);
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
        double xv = x_to_mm(P, L, c->vline);
        if (xv >= b.x0 && xv <= b.x1)
            return 1;
    }
    if (!skip_h && c->has_hline) {
        double yh = y_to_mm(P, L, 0, c->hline);
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
                double mx0 = x_to_mm(P, L, xa), mx1 = x_to_mm(P, L, xb);
                double my0 = y_to_mm(P, L, 0, ya), my1 = y_to_mm(P, L, 0, yb);
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
                    double a = y_to_mm(P, L, s->axis, fmin(lo, hi));
                    double z = y_to_mm(P, L, s->axis, fmax(lo, hi));
                    if (z >= b.y0 && a <= b.y1)
                        return 1;
                }
            }
            double y = series_at(c, i, s->y, x);
            if (!isfinite(y)) {
                prev_side = 0;
                continue;
            }
            double ym = y_to_mm(P, L, s->axis, y);
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
static unsigned place_targets(const plan *P, layout *L)
{
    const cs_chart *c = P->c;
    unsigned failed = 0;
    double s = SZ_ANNOT;
    if (L->hl.text && c->hline >= P->y0 && c->hline <= P->y1) {
        double y = y_to_mm(P, L, 0, c->hline);
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
        double x = x_to_mm(P, L, c->vline);
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

/* ---------------------------------------------------------------------------------------------
 * Drawing primitives
 * ------------------------------------------------------------------------------------------- */

static void pen(rgb c, double alpha)
{
    plscol0a(1, c.r, c.g, c.b, alpha);
    plcol0(1);
}

static void line_width(const layout *L, double pt)
{
    plwidth(pt * L->k);
}

/* For fills: cairo also strokes a filled polygon's outline, which would darken translucent
 * fills' edges, so the outline is made negligible. */
static void no_outline(const layout *L)
{
    plwidth(0.01 * L->k);
}

static void dash(const layout *L, double on_mm, double off_mm)
{
    PLINT mark = (PLINT)lround(on_mm * L->k * 1000.0);
    PLINT space = (PLINT)lround(off_mm * L->k * 1000.0);
    plstyl(1, &mark, &space);
}

static void solid(void)
{
    pllsty(1);
}

/* Page frame: world coordinates are design millimetres over the whole page. */
static void frame_page(const layout *L)
{
    plvpor(0.0, 1.0, 0.0, 1.0);
    plwind(0.0, L->W, 0.0, L->H);
}

/* Plot frame: data coordinates, clipped to the plot area grown by half a data line's width, so
 * a line running along the top or bottom (a 100% service level, an all-zero series) is drawn
 * whole rather than cut down its middle. */
static void frame_plot(const plan *P, const layout *L, int axis)
{
    double e = 0.5 * W_DATA * PT;
    double ylo = axis == 1 ? P->y20 : P->y0, yhi = axis == 1 ? P->y21 : P->y1;
    double ex = e * (P->x1 - P->x0) / (L->px1 - L->px0), ey = e * (yhi - ylo) / (L->py1 - L->py0);
    plvpor((L->px0 - e) / L->W, (L->px1 + e) / L->W, (L->py0 - e) / L->H, (L->py1 + e) / L->H);
    plwind(P->x0 - ex, P->x1 + ex, ylo - ey, yhi + ey);
}

static void set_font(const layout *L, double size, int bold, int italic)
{
    apply_font(L->k, size, bold, italic);
}

/* Text with its baseline at `base` (page frame). */
static void text_at(const layout *L, const char *s, double x, double base, double size, int bold,
                    double just, rgb col)
{
    if (!s || !*s)
        return;
    pen(col, 1.0);
    set_font(L, size, bold, 0);
    /* The cairo driver puts the baseline half the requested height below the reference. */
    plptex(x, base + 0.5 * size / PANGO_FIX, 1.0, 0.0, just, s);
}

/* Text reading bottom to top, centred on y, the glyphs' left edge at x (page frame). */
static void text_vertical(const layout *L, const char *s, double x, double y, double size,
                          rgb col)
{
    if (!s || !*s)
        return;
    pen(col, 1.0);
    set_font(L, size, 0, 0);
    /* Rotated, "up" points left: the baseline is 0.5 s / PANGO_FIX right of the reference
     * point and the capitals reach ASCENT s left of the baseline. */
    plptex(x + (ASCENT - 0.5 / PANGO_FIX) * size, y, 0.0, 1.0, 0.5, s);
}

static void fill_rect(double x0, double y0, double x1, double y1)
{
    PLFLT xs[4] = {x0, x1, x1, x0}, ys[4] = {y0, y0, y1, y1};
    plfill(4, xs, ys);
}

static void seg(double x0, double y0, double x1, double y1)
{
    PLFLT xs[2] = {x0, x1}, ys[2] = {y0, y1};
    plline(2, xs, ys);
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
    plfill(16, xs, ys);
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
    int step = series_step(c, si);
    PLFLT *xs = pool_alloc(mem, 4 * s->n * sizeof *xs);
    PLFLT *ys = pool_alloc(mem, 4 * s->n * sizeof *ys);
    if (!xs || !ys)
        return;
    frame_plot(P, L, s->axis);
    pen(series_colour(si), BAND_ALPHA);
    no_outline(L);
    size_t i = 0;
    while (i < s->n) {
        while (i < s->n && !finite3(s->x[i], s->lo[i], s->hi[i]))
            i++;
        size_t a = i;
        while (i < s->n && finite3(s->x[i], s->lo[i], s->hi[i]) &&
               (!step || isfinite(step_end(s, i))))
            i++;
        size_t b = i, m = 0;
        if (b <= a || (!step && b - a < 2))
            continue;
        for (size_t j = a; j < b; j++) {
            xs[m] = s->x[j], ys[m++] = s->hi[j];
            if (step)
                xs[m] = step_end(s, j), ys[m++] = s->hi[j];
        }
        for (size_t j = b; j-- > a;) {
            if (step)
                xs[m] = step_end(s, j), ys[m++] = s->lo[j];
            xs[m] = s->x[j], ys[m++] = s->lo[j];
        }
        plfill((PLINT)m, xs, ys);
    }
}

static void draw_series_line(const plan *P, const layout *L, pool *mem, size_t si)
{
    const cs_chart *c = P->c;
    const cs_chart_series *s = &c->series[si];
    if (s->n == 0)
        return;
    int step = series_step(c, si);
    PLFLT *xs = pool_alloc(mem, 2 * s->n * sizeof *xs);
    PLFLT *ys = pool_alloc(mem, 2 * s->n * sizeof *ys);
    if (!xs || !ys)
        return;
    rgb col = series_colour(si);
    size_t i = 0;
    while (i < s->n) {
        while (i < s->n && !(isfinite(s->x[i]) && isfinite(s->y[i])))
            i++;
        size_t a = i;
        while (i < s->n && isfinite(s->x[i]) && isfinite(s->y[i]) &&
               (!step || isfinite(step_end(s, i))))
            i++;
        size_t b = i, m = 0;
        if (b <= a)
            continue;
        for (size_t j = a; j < b; j++) {
            xs[m] = s->x[j], ys[m++] = s->y[j];
            if (step)
                xs[m] = step_end(s, j), ys[m++] = s->y[j];
        }
        if (m >= 2) {
            frame_plot(P, L, s->axis);
            pen(col, 1.0);
            line_width(L, W_DATA);
            if (series_dashed(c, si))
                dash(L, 3.0, 1.6);
            plline((PLINT)m, xs, ys);
            solid();
        } else {
            /* An isolated point: a one-point line is invisible, so mark it with a dot. */
            double ylo = s->axis == 1 ? P->y20 : P->y0, yhi = s->axis == 1 ? P->y21 : P->y1;
            if (xs[0] < P->x0 || xs[0] > P->x1 || ys[0] < ylo || ys[0] > yhi)
                continue;
            frame_page(L);
            pen(col, 1.0);
            dot(L, x_to_mm(P, L, xs[0]), y_to_mm(P, L, s->axis, ys[0]), 0.75);
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
                pen(series_colour(i), 1.0);
                no_outline(L);
                fill_rect(x0, base, x1, base + v);
                base += v;
            }
            /* Thin white rules between segments keep adjacent colours apart in print. */
            base = 0.0;
            pen(C_WHITE, 1.0);
            line_width(L, 0.6);
            int first = 1;
            for (size_t i = 0; i < ns; i++) {
                double v = c->series[i].y[j];
                if (!isfinite(v) || v <= 0)
                    continue;
                if (!first)
                    seg(x0, base, x1, base);
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
            pen(series_colour(i), 1.0);
            no_outline(L);
            fill_rect(x0 + pad, fmin(0.0, v), x0 + bw - pad, fmax(0.0, v));
        }
    }
    /* Whiskers after all bars so a neighbouring bar never hides one. */
    pen(C_TARGET, 1.0);
    line_width(L, W_WHISKER);
    for (size_t j = 0; j < nc; j++) {
        for (size_t i = 0; i < ns; i++) {
            const cs_chart_series *s = &c->series[i];
            if (!s->lo || !isfinite(s->y[j]) || !isfinite(s->lo[j]) || !isfinite(s->hi[j]))
                continue;
            double xc = (double)j - gw / 2 + ((double)i + 0.5) * bw;
            double cap = 0.2 * bw;
            seg(xc, s->lo[j], xc, s->hi[j]);
            seg(xc - cap, s->lo[j], xc + cap, s->lo[j]);
            seg(xc - cap, s->hi[j], xc + cap, s->hi[j]);
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
            pen(series_colour(i), 1.0);
            no_outline(L);
            fill_rect(fmin(0.0, v), y0 + pad, fmax(0.0, v), y1 - pad);
        }
    }
    pen(C_TARGET, 1.0);
    line_width(L, W_WHISKER);
    for (size_t j = 0; j < nc; j++) {
        double top = (double)(nc - 1 - j) + gw / 2;
        for (size_t i = 0; i < ns; i++) {
            const cs_chart_series *s = &c->series[i];
            if (!s->lo || !isfinite(s->y[j]) || !isfinite(s->lo[j]) || !isfinite(s->hi[j]))
                continue;
            double yc = top - ((double)i + 0.5) * bw, cap = 0.2 * bw;
            seg(s->lo[j], yc, s->hi[j], yc);
            seg(s->lo[j], yc - cap, s->lo[j], yc + cap);
            seg(s->hi[j], yc - cap, s->hi[j], yc + cap);
        }
    }
}

static void target_pen(const layout *L)
{
    pen(C_TARGET, 1.0);
    line_width(L, W_TARGET);
    dash(L, 2.4, 1.3);
}

static void draw_targets(const plan *P, const layout *L)
{
    const cs_chart *c = P->c;
    if (c->has_hline && c->hline >= P->y0 && c->hline <= P->y1) {
        frame_plot(P, L, 0);
        target_pen(L);
        seg(P->x0, c->hline, P->x1, c->hline);
        solid();
    }
    if (c->has_vline && !P->bars && c->vline >= P->x0 && c->vline <= P->x1) {
        frame_plot(P, L, 0);
        target_pen(L);
        seg(c->vline, P->y0, c->vline, P->y1);
        solid();
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
            seg(x, yc, x + key, yc);
            solid();
        } else if (P->bars || P->hbar) {
            key = 3.2;
            pen(series_colour(it->series), 1.0);
            no_outline(L);
            fill_rect(x, yc - 1.6, x + key, yc + 1.6);
        } else {
            size_t i = it->series;
            rgb col = series_colour(i);
            if (c->series[i].lo) {
                pen(col, BAND_ALPHA);
                no_outline(L);
                fill_rect(x, yc - 1.5, x + key, yc + 1.5);
            }
            pen(col, 1.0);
            line_width(L, W_DATA);
            if (series_dashed(c, i))
                dash(L, 1.6, 0.9);
            seg(x, yc, x + key, yc);
            solid();
        }
        text_at(L, it->text, x + key + 1.5, it->base, SZ_LEG, 0, 0.0, C_TEXT);
    }
}

/* Baseline along the bottom of the plot, with x tick marks. */
static void draw_baseline(const layout *L)
{
    frame_page(L);
    pen(C_AXIS, 1.0);
    line_width(L, W_AXIS);
    seg(L->px0, L->py0, L->px1, L->py0);
    for (size_t i = 0; i < L->n_xmark; i++)
        seg(L->xmark[i], L->py0, L->xmark[i], L->py0 - TICK_LEN);
}

static void draw_axes_and_text(const plan *P, const layout *L)
{
    frame_page(L);
    /* y tick labels, their digits centred on the grid lines. */
    for (size_t i = 0; i < P->yt.n; i++)
        text_at(L, P->yt.label[i], L->px0 - Y_GAP, y_to_mm(P, L, 0, P->yt.at[i]) - 0.37 * SZ_TICK,
                SZ_TICK, 0, 1.0, C_TICKTEXT);
    if (P->has_y2)
        for (size_t i = 0; i < P->y2t.n; i++)
            text_at(L, P->y2t.label[i], L->px1 + Y_GAP,
                    y_to_mm(P, L, 1, P->y2t.at[i]) - 0.37 * SZ_TICK, SZ_TICK, 0, 0.0, C_TICKTEXT);

    /* x tick / category labels. */
    double s = SZ_TICK;
    for (size_t i = 0; i < L->n_xl; i++) {
        const xlab *xl = &L->xl[i];
        if (!xl->shown)
            continue;
        if (L->xmode == XL_ANGLED) {
            double a = L->xl_size;
            pen(C_TICKTEXT, 1.0);
            set_font(L, a, 0, 0);
            plptex(xl->pos + 0.35 * a, L->py0 - X_GAP + 0.15 * a, 1.0, 1.0, 1.0, xl->line[0]);
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

static void draw_chart(const plan *P, const layout *L, pool *mem)
{
    const cs_chart *c = P->c;
    pladv(0);

    /* Grid lines under everything. */
    frame_plot(P, L, 0);
    pen(C_GRID, 1.0);
    line_width(L, W_GRID);
    for (size_t i = 0; i < P->yt.n; i++)
        seg(P->x0, P->yt.at[i], P->x1, P->yt.at[i]);
    if (P->hbar) /* the value axis is x: vertical grid lines and zero line */
        for (size_t i = 0; i < P->xt.n; i++)
            seg(P->xt.at[i], P->y0, P->xt.at[i], P->y1);
    if (!P->hbar && P->y0 < 0 && P->y1 > 0) {
        pen(C_ZERO, 1.0);
        line_width(L, W_AXIS);
        seg(P->x0, 0.0, P->x1, 0.0);
    }

    /* Bars stand on the baseline; lines at zero are drawn over it, not hidden by it. */
    if (P->hbar) {
        draw_hbars(P, L);
        if (P->x0 < 0 && P->x1 > 0) { /* over the bars: it is where they start */
            frame_plot(P, L, 0);
            pen(C_ZERO, 1.0);
            line_width(L, W_AXIS);
            seg(0.0, P->y0, 0.0, P->y1);
        }
        draw_baseline(L);
        frame_page(L);
        for (size_t j = 0; L->rowlab && j < c->n_categories; j++)
            text_at(L, L->rowlab[j], L->px0 - Y_GAP,
                    y_to_mm(P, L, 0, (double)(c->n_categories - 1 - j)) - 0.37 * SZ_TICK, SZ_TICK, 0,
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
        pen(C_MUTED, 1.0);
        set_font(L, SZ_NODATA, 0, 1);
        plptex((L->px0 + L->px1) / 2, (L->py0 + L->py1) / 2, 1.0, 0.0, 0.5, "No data");
    }
}

/* ---------------------------------------------------------------------------------------------
 * PLplot streams, error trapping, files
 * ------------------------------------------------------------------------------------------- */

typedef struct trap {
    jmp_buf jb;
    char msg[256];
    PLINT strm; /* stream being used, so it can be detached from our stack buffers */
} trap;

/* See the file comment: PLplot's exit hook is a bare function pointer, so the jump target of
 * the render in progress on this thread has to be found through thread-local state. */
static _Thread_local trap *cs_chart_active_trap;

static int on_plexit(const char *msg)
{
    trap *t = cs_chart_active_trap;
    if (!t)
        return 1; /* not inside cs_chart_render(): PLplot's usual behaviour */
    snprintf(t->msg, sizeof t->msg, "%s", msg ? msg : "fatal error");
    cs_chart_active_trap = NULL;
    longjmp(t->jb, 1);
}

typedef struct device {
    unsigned flag;
    const char *name, *ext;
    int w, h;
} device;

static const device DEVICES[3] = {
    {CS_CHART_PNG, "pngcairo", ".png", PNG_W, PNG_H},
    {CS_CHART_SVG, "svgcairo", ".svg", VEC_W, VEC_H},
    {CS_CHART_PDF, "pdfcairo", ".pdf", VEC_W, VEC_H},
};

/* Only inside the plexit trap (render_guarded, devices_guarded): plgDevs() reads PLplot's driver
 * list through a temporary file and exit()s when it cannot write one. */
static int device_available(const char *name)
{
    const char *menu[256], *names[256];
    const char **pm = menu, **pn = names;
    int n = 256;
    plgDevs(&pm, &pn, &n);
    for (int i = 0; i < n; i++)
        if (names[i] && strcmp(names[i], name) == 0)
            return 1;
    return 0;
}

/* Checks that PLplot has the drivers of `formats`, with PLplot's exit() turned into an error.
 * PLplot copies its driver list into a file in TMPDIR (or /tmp); when that folder is full or
 * not writable it says "No device drivers found - please check the environment variable
 * PLPLOT_DRV_DIR" and exits, which blames the installation: the message here names the
 * temporary folder instead.  t lives in the caller's frame, as for render_guarded. */
static cs_status devices_guarded(unsigned formats, trap *t, cs_error *err)
{
    t->msg[0] = '\0';
    t->strm = -1;
    plsexit(on_plexit);
    if (setjmp(t->jb)) {
        const char *tmp = getenv("TMPDIR");
        return cs_error_set(err, CS_EIO,
                            "cannot draw charts: PLplot could not list its drivers; it writes "
                            "that list to a temporary file in %s: check that this folder "
                            "exists, is writable and is not full (or set TMPDIR to one that "
                            "is); if it is, check the PLplot cairo driver is installed "
                            "(PLplot said: %s)",
                            tmp && *tmp ? tmp : "/tmp", t->msg);
    }
    cs_chart_active_trap = t;
    for (int d = 0; d < 3; d++) {
        if (!(formats & DEVICES[d].flag) || device_available(DEVICES[d].name))
            continue;
        cs_chart_active_trap = NULL;
        return cs_error_set(err, CS_EINTERNAL,
                            "PLplot has no '%s' driver; install the PLplot cairo driver "
                            "(Debian: plplot-driver-cairo)",
                            DEVICES[d].name);
    }
    cs_chart_active_trap = NULL;
    return CS_OK;
}

/* Starts a private stream on dev writing to path; errors go to ec/emsg, not stderr. */
static int open_stream(const device *d, const char *path, PLINT *ec, char *emsg, trap *t)
{
    PLINT strm = -1;
    plmkstrm(&strm);
    if (strm < 0)
        return -1;
    t->strm = strm;
    plsError(ec, emsg);
    plsdev(d->name);
    plsfnam(path);
    plspage(0.0, 0.0, d->w, d->h, 0, 0);
    plscolbg(255, 255, 255);
    plinit();
    return 0;
}

/* Detaches our error buffers from the stream before ending it (they live on our stack). */
static void close_stream(void)
{
    PLStream *pls = NULL;
    plgpls(&pls);
    if (pls) {
        pls->errcode = NULL;
        pls->errmsg = NULL;
    }
    plend1();
}

static cs_status render_device(const plan *P, const device *d, const char *path, pool *mem,
                               trap *t, cs_error *err)
{
    PLINT ec = 0;
    char emsg[1024] = "";
    layout L;

    /* Measuring pass: lay out, then move any target label that would cover data into the
     * legend and lay out again (the legend may gain a row). */
    /* Text metrics are the same on every cairo surface of a given size (checked: PLplot
     * rounds pango's sizes), so measure on SVG, which costs nothing to discard; a PNG stream
     * would spend ~60 ms encoding an empty 1600 x 1000 image. */
    device meter = *d;
    if (device_available("svgcairo"))
        meter.name = "svgcairo";
    if (open_stream(&meter, "/dev/null", &ec, emsg, t))
        return cs_error_set(err, CS_EINTERNAL, "PLplot: cannot create a plot stream");
    pladv(0);
    plvpor(0.0, 1.0, 0.0, 1.0);
    plwind(0.0, 1.0, 0.0, 1.0);
    unsigned in_legend = 0;
    for (int pass = 0; pass < 3; pass++) {
        make_layout(P, &L, mem, d->w, d->h, in_legend);
        unsigned failed = place_targets(P, &L);
        if (!failed)
            break;
        in_legend |= failed;
    }
    close_stream();
    if (ec)
        return cs_error_set(err, CS_EINTERNAL, "PLplot: %s", emsg);
    if (mem->failed)
        return cs_error_set(err, CS_ENOMEM, "out of memory while laying out %s", path);

    /* Drawing pass. */
    if (open_stream(d, path, &ec, emsg, t))
        return cs_error_set(err, CS_EINTERNAL, "PLplot: cannot create a plot stream");
    draw_chart(P, &L, mem);
    close_stream();
    if (ec)
        return cs_error_set(err, CS_EINTERNAL, "PLplot: %s (while drawing %s)", emsg, path);
    if (mem->failed)
        return cs_error_set(err, CS_ENOMEM, "out of memory while drawing %s", path);
    return CS_OK;
}

/* Runs render_device() with PLplot's exit() turned into a returned error.  The trap lives in
 * the caller's frame: what PLplot writes into it before jumping back (message, stream) must not
 * be an automatic variable of the function that called setjmp, whose value would then be
 * indeterminate. */
static cs_status render_guarded(const plan *P, const device *d, const char *path, pool *mem,
                                trap *t, cs_error *err)
{
    PLINT prev = 0;
    plgstrm(&prev);
    t->msg[0] = '\0';
    t->strm = -1;
    /* Stays installed after we return; with no render in progress it defers to PLplot. */
    plsexit(on_plexit);
    if (setjmp(t->jb)) {
        /* PLplot gave up half way; its stream is in an unknown state, so it is abandoned
         * (never ended, a small leak) after unhooking our stack buffers from it. */
        if (t->strm >= 0) {
            PLStream *pls = NULL;
            plsstrm(t->strm);
            plgpls(&pls);
            if (pls) {
                pls->errcode = NULL;
                pls->errmsg = NULL;
            }
        }
        plsstrm(prev);
        return cs_error_set(err, CS_EINTERNAL, "PLplot: %s (while drawing %s)", t->msg, path);
    }
    cs_chart_active_trap = t;
    cs_status st = render_device(P, d, path, mem, t, err);
    cs_chart_active_trap = NULL;
    plsstrm(prev);
    return st;
}

/* cairo 1.16 stamps /CreationDate with the wall clock; a fixed date of the same length keeps
 * byte offsets (and so the xref table) valid and makes the PDF reproducible. */
static cs_status pdf_fix_date(const char *path, cs_error *err)
{
    FILE *f = fopen(path, "r+b");
    if (!f)
        return cs_error_set(err, CS_EIO, "cannot reopen %s: %s", path, strerror(errno));
    static const char key[] = "/CreationDate (D:";
    const size_t klen = sizeof key - 1;
    char buf[8192];
    size_t have = 0;
    long base = 0;
    cs_status st = CS_OK;
    for (;;) {
        size_t got = fread(buf + have, 1, sizeof buf - have, f);
        have += got;
        size_t hit = (size_t)-1;
        for (size_t i = 0; i + klen + 22 <= have; i++)
            if (buf[i] == '/' && memcmp(buf + i, key, klen) == 0) {
                hit = i;
                break;
            }
        if (hit != (size_t)-1) {
            char *d = buf + hit + klen;
            size_t nd = 0;
            while (nd < 14 && d[nd] >= '0' && d[nd] <= '9')
                nd++;
            if (nd == 14) {
                memcpy(d, "20000101000000", 14);
                size_t plen = 14;
                char *z = d + 14;
                if ((z[0] == '+' || z[0] == '-') && z[1] >= '0' && z[1] <= '9' && z[2] >= '0' &&
                    z[2] <= '9' && z[3] == '\'' && z[4] >= '0' && z[4] <= '9' && z[5] >= '0' &&
                    z[5] <= '9') {
                    memcpy(z, "+00'00", 6);
                    plen += 6;
                }
                if (fseek(f, base + (long)(hit + klen), SEEK_SET) != 0 ||
                    fwrite(d, 1, plen, f) != plen)
                    st = cs_error_set(err, CS_EIO, "cannot update %s: %s", path,
                                      strerror(errno));
            }
            break;
        }
        if (got == 0)
            break;
        /* Keep a tail in case the key straddles two reads. */
        size_t keep = have > klen + 22 ? klen + 22 : have;
        memmove(buf, buf + have - keep, keep);
        base += (long)(have - keep);
        have = keep;
    }
    if (fclose(f) != 0 && st == CS_OK)
        st = cs_error_set(err, CS_EIO, "cannot write %s: %s", path, strerror(errno));
    return st;
}

/* cairo names the SVG's drawing group "surface<N>" from a process-wide counter, so the same
 * chart drawn later in a run would differ; renumber such ids from 1 in order of appearance. */
static cs_status svg_pin_ids(const char *path, cs_error *err)
{
    static const char key[] = "surface";
    const size_t klen = sizeof key - 1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return cs_error_set(err, CS_EIO, "cannot reopen %s: %s", path, strerror(errno));
    char *in = NULL, *out = NULL;
    unsigned long *seen = NULL;
    cs_status st = CS_OK;
    long len = -1;
    if (fseek(f, 0, SEEK_END) == 0)
        len = ftell(f);
    if (len < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return cs_error_set(err, CS_EIO, "cannot read back %s: %s", path, strerror(errno));
    }
    size_t n = (size_t)len, nseen = 0;
    in = malloc(n + 1);
    out = malloc(n + n / 4 + 64); /* new ids are never more than 2 digits longer */
    seen = malloc((n / klen + 1) * sizeof *seen);
    if (!in || !out || !seen) {
        st = cs_error_set(err, CS_ENOMEM, "out of memory while finishing %s", path);
        goto done;
    }
    if (fread(in, 1, n, f) != n) {
        st = cs_error_set(err, CS_EIO, "cannot read back %s", path);
        goto done;
    }
    fclose(f);
    f = NULL;
    in[n] = '\0';
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        if (in[i] == 's' && i + klen < n && memcmp(in + i, key, klen) == 0 &&
            in[i + klen] >= '0' && in[i + klen] <= '9') {
            size_t j = i + klen;
            unsigned long num = 0;
            while (j < n && in[j] >= '0' && in[j] <= '9')
                num = num * 10 + (unsigned long)(in[j++] - '0');
            size_t q = 0;
            while (q < nseen && seen[q] != num)
                q++;
            if (q == nseen)
                seen[nseen++] = num;
            o += (size_t)sprintf(out + o, "surface%zu", q + 1);
            i = j;
        } else {
            out[o++] = in[i++];
        }
    }
    f = fopen(path, "wb");
    if (!f || fwrite(out, 1, o, f) != o) {
        st = cs_error_set(err, CS_EIO, "cannot write %s: %s", path, strerror(errno));
        goto done;
    }
    if (fclose(f) != 0)
        st = cs_error_set(err, CS_EIO, "cannot write %s: %s", path, strerror(errno));
    f = NULL;
done:
    if (f)
        fclose(f);
    free(in);
    free(out);
    free(seen);
    return st;
}

void cs_chart_init(cs_chart *chart, cs_chart_kind kind)
{
    CS_REQUIRE(chart != NULL);
    memset(chart, 0, sizeof *chart);
    chart->kind = kind;
    chart->xmin = chart->xmax = NAN;
    chart->ymin = chart->ymax = NAN;
    chart->y2min = chart->y2max = NAN;
    chart->hline = NAN;
    chart->vline = NAN;
}

/* The cairo drivers write the files themselves and report no write error, so a full disk
 * leaves a truncated chart that looks written (finding F2).  Each format has a known ending: an
 * SVG's "</svg>", a PDF's "%%EOF", a PNG's IEND chunk; a file without it is incomplete. */
static cs_status check_complete(const char *path, unsigned flag, cs_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cs_error_set(err, CS_EIO, "cannot read back %s: %s", path, strerror(errno));
    char tail[64];
    size_t got = 0;
    if (fseek(f, -(long)sizeof tail, SEEK_END) != 0)
        rewind(f);
    got = fread(tail, 1, sizeof tail, f);
    int bad = ferror(f);
    fclose(f);
    static const unsigned char iend[8] = {'I', 'E', 'N', 'D', 0xAE, 0x42, 0x60, 0x82};
    int ok = 0;
    if (!bad && flag == CS_CHART_PNG)
        ok = got >= 8 && memcmp(tail + got - 8, iend, 8) == 0;
    else if (!bad) {
        const char *want = flag == CS_CHART_SVG ? "</svg>" : "%%EOF";
        size_t wl = strlen(want);
        for (size_t i = 0; i + wl <= got; i++)
            if (memcmp(tail + i, want, wl) == 0)
                ok = 1;
    }
    if (!ok)
        return cs_error_set(err, CS_EIO, "writing %s failed: the file is incomplete (disk full?)", path);
    return CS_OK;
}

cs_status cs_chart_render(const cs_chart *chart, const char *path_base, unsigned formats,
                          cs_error *err)
{
    return cs_chart_render_info(chart, path_base, formats, NULL, err);
}

cs_status cs_chart_render_info(const cs_chart *chart, const char *path_base, unsigned formats,
                               cs_chart_info *info, cs_error *err)
{
    CS_REQUIRE(chart != NULL);
    if (info)
        memset(info, 0, sizeof *info);
    CS_REQUIRE(path_base != NULL);
    cs_status st = validate(chart, formats, err);
    if (st != CS_OK)
        return st;

    pool mem = {NULL, 0, 0, 0, 0};
    char *paths[3] = {NULL, NULL, NULL};
    size_t blen = strlen(path_base);
    if (blen == 0) {
        st = cs_error_set(err, CS_EINPUT, "chart output path is empty");
        goto done;
    }
    /* PLplot treats "%n" in a file name as a family-member pattern and would write elsewhere. */
    if (strstr(path_base, "%n")) {
        st = cs_error_set(err, CS_EINPUT, "chart output path '%s' must not contain '%%n'",
                          path_base);
        goto done;
    }
    for (int d = 0; d < 3; d++) {
        if (!(formats & DEVICES[d].flag))
            continue;
        paths[d] = pool_alloc(&mem, blen + 5);
        if (!paths[d]) {
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
            goto done;
        }
        memcpy(paths[d], path_base, blen);
        memcpy(paths[d] + blen, DEVICES[d].ext, 5);
        /* Open every target before drawing anything: a bad path must never reach PLplot. */
        FILE *f = fopen(paths[d], "wb");
        if (!f) {
            int e = errno;
            st = cs_error_set(err, CS_EIO, "cannot write %s: %s%s", paths[d], strerror(e),
                              e == ENOENT ? " (create the folder first)" : "");
            goto done;
        }
        fclose(f);
    }
    {
        trap t;
        st = devices_guarded(formats, &t, err);
        if (st != CS_OK)
            goto done;
    }

    plan P;
    st = build_plan(chart, &mem, &P, err);
    if (st != CS_OK)
        goto done;
    for (int d = 0; d < 3 && st == CS_OK; d++) {
        if (!paths[d])
            continue;
        trap t;
        st = render_guarded(&P, &DEVICES[d], paths[d], &mem, &t, err);
        if (st != CS_OK)
            break;
        struct stat sb;
        if (stat(paths[d], &sb) != 0 || sb.st_size == 0) {
            st = cs_error_set(err, CS_EIO, "writing %s failed (nothing was written; disk full?)",
                              paths[d]);
            break;
        }
        st = check_complete(paths[d], DEVICES[d].flag, err);
        if (st == CS_OK && DEVICES[d].flag == CS_CHART_PDF)
            st = pdf_fix_date(paths[d], err);
        else if (st == CS_OK && DEVICES[d].flag == CS_CHART_SVG)
            st = svg_pin_ids(paths[d], err);
    }
    if (st == CS_OK && info) {
        info->texts_shortened = mem.shortened;
        for (size_t i = 0; i < chart->n_series; i++) {
            if (chart->kind != CS_CHART_LINE && chart->kind != CS_CHART_STEP)
                break;
            if (chart->series[i].n > info->max_points)
                info->max_points = chart->series[i].n;
            if (chart->series[i].axis == 1)
                info->right_axis = 1;
        }
    }
done:
    pool_free(&mem);
    return st;
}
