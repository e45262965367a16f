/* Private to the chart module (plots/chart*.c): the style constants, the device-independent
 * plan, the layout in design millimetres, and the functions the parts share.
 *
 *   chart_plan.c    validated input, sanitised text, nice ticks: the plan (no PLplot call)
 *   chart_layout.c  text measurement, layout on the 160 mm design page, target labels
 *   chart_draw.c    drawing primitives and the chart itself on the current PLplot stream
 *   chart.c         PLplot streams, the exit trap, the files, the public cs_chart_render
 *
 * See plots/chart.c for how a render goes and the PLplot failure modes handled. */
#ifndef CS_CHART_INT_H
#define CS_CHART_INT_H

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
 * PLplot's functions, loaded with the library when the first chart is drawn (chart.c; see there
 * why).  Each member has the name and the type plplot.h gives the function (after plplot.h's
 * macros: pl->plfill is c_plfill), so calls read pl->plfill(n, x, y) and are checked against
 * PLplot's prototypes.
 * ------------------------------------------------------------------------------------------- */

#define CSI_PLPLOT_FUNCS(X)                                                                        \
    X(pladv) X(plcol0) X(plend1) X(plfill) X(plgstrm) X(plinit) X(plline) X(pllsty) X(plmkstrm)    \
    X(plmtex) X(plptex) X(plschr) X(plscol0a) X(plscolbg) X(plsdev) X(plsfnam) X(plsfont)         \
    X(plspage) X(plsstrm) X(plstyl) X(plvpor) X(plwidth) X(plwind) X(plgDevs) X(plgpls)           \
    X(plsError) X(plsexit)

typedef struct plapi {
#define CSI_PL_MEMBER(f) __typeof__(f) *f;
    CSI_PLPLOT_FUNCS(CSI_PL_MEMBER)
#undef CSI_PL_MEMBER
} plapi;

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
/* Running min/max of the finite values seen. */
typedef struct span {
    double lo, hi;
    int any;
} span;
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
    const plapi *pl; /* PLplot, for measuring and drawing */
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

typedef struct box {
    double x0, y0, x1, y1; /* page mm */
} box;

/* ---- chart_plan.c ---- */

void *csi_chart_pool_alloc(pool *p, size_t size);
void *csi_chart_pool_calloc(pool *p, size_t n, size_t size);
void csi_chart_pool_free(pool *p);
size_t csi_chart_unit_len(const char *s);
rgb csi_chart_series_colour(size_t i);
int csi_chart_series_dashed(const cs_chart *c, size_t i);
int csi_chart_series_step(const cs_chart *c, size_t i);
cs_status csi_chart_validate(const cs_chart *c, unsigned formats, cs_error *err);
double csi_chart_step_end(const cs_chart_series *s, size_t i);
cs_status csi_chart_build_plan(const cs_chart *c, pool *mem, plan *P, cs_error *err);

/* ---- chart_layout.c ---- */

void csi_chart_apply_font(const layout *L, double size, int bold, int italic);
double csi_chart_x_to_mm(const plan *P, const layout *L, double x);
double csi_chart_y_to_mm(const plan *P, const layout *L, int axis, double y);
void csi_chart_make_layout(const plapi *pl, const plan *P, layout *L, pool *mem, int dev_w,
                           int dev_h, unsigned in_legend);
unsigned csi_chart_place_targets(const plan *P, layout *L);

/* ---- chart_draw.c ---- */

void csi_chart_draw_chart(const plan *P, const layout *L, pool *mem);

#endif
