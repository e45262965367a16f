/* Report-quality charts of plain arrays, drawn with PLplot's cairo drivers.
 *
 * Concept.  A cs_chart describes one chart (kind, titles, series, axes, an optional target line)
 * in terms of plain C arrays; cs_chart_render() draws it to PNG, SVG and/or PDF files named
 * path_base + ".png" / ".svg" / ".pdf".  The module knows nothing about simulations: callers map
 * their results onto series (a line per scenario, a bar per category, ...).
 *
 * Look.  The house style is fixed so every chart in a report matches: white background, dark grey
 * text and baseline, light grey horizontal grid lines, DejaVu Sans text at 8-12 pt for a chart
 * printed half an A4 page wide (16 x 10 cm; the PNG is the same chart at 1600 x 1000 px), the
 * Okabe-Ito colour-blind-safe palette in series order (blue, orange, green, vermillion, purple,
 * sky, yellow, black), a left-aligned bold title with an optional subtitle, and the legend in a
 * band between the subtitle and the plot so it never hides data.  Confidence bands are a 20%
 * tint of the series colour behind its line; error whiskers are dark grey with caps.  A target is
 * a dashed dark grey line; its label sits on the plot next to the line where it covers no data
 * (several spots are tried), otherwise it becomes a legend entry.  Series 9+ reuse the palette:
 * lines are then dashed, but bars cannot be told apart, so keep bar charts to 8 series.
 *
 * Chart kinds.
 *   LINE         x/y series; NaN or infinite y (or x) leaves a gap.  lo/hi (both or neither) draw
 *                a band.  A series flagged `step` is drawn as steps (see STEP).
 *   STEP         piecewise constant: y[i] holds on [x[i], x[i+1]); the last value holds for the
 *                same width as the interval before it (a single point holds for width 1), so n
 *                interval starts draw n whole intervals.  x must be ascending.
 *   STACKED_BAR  categories along x, series stacked bottom to top in series order.  Values must be
 *                >= 0 (NaN counts as 0).  stacked_percent divides each bar by its total and shows
 *                the y axis as 0%..100%.  lo/hi are ignored.
 *   GROUPED_BAR  categories along x, series side by side; optional lo/hi draw error whiskers
 *                (e.g. a 95% confidence interval).  NaN values leave the slot empty.
 *   HBAR         horizontal bars (a tornado chart): one row per category from the top down, the
 *                category names on the left, values along the x axis; series side by side within
 *                a row (the first on top), each bar from 0 to its value, so negative values go
 *                left of the zero line; optional lo/hi draw horizontal whiskers.  y_percent shows
 *                the value axis (x) as percentages; xmin/xmax limit it; ylabel names the rows.
 *                No target lines.
 * Series with axis = 1 use a second y axis on the right (LINE/STEP only); its ticks are aligned
 * with the left axis where possible, so one set of grid lines serves both, and their legend
 * entries say "(right axis)".
 *
 * Axes.  Any of xmin..y2max may be NAN (automatic).  Automatic y limits end on a 1-2-5 tick and
 * reach 0 when the data do not cross it (so bars and rates start at zero) and include the target
 * line; automatic x limits span the data, taken out to a tick when one is within 5%.
 * cs_chart_init() sets all limits to NAN, so always start from it.  y_percent / y2_percent show
 * 0..1 data as 0%..100%.  Numbers get thousands separators ("12,500").  xticks replaces the
 * automatic x ticks with labelled positions (hours "00".."23", weekdays at day boundaries); an
 * empty label gives a tick mark alone, and labels that would collide are thinned (every 2nd,
 * 3rd, ...) while all tick marks stay.  Bar charts label each category; long names are wrapped
 * on spaces, else angled at 45 degrees (shortened with an ellipsis, thinned if crowded).
 *
 * Text.  All strings are plain UTF-8 shown literally: PLplot's escape character '#' is escaped,
 * control characters become spaces, invalid UTF-8 bytes become '?', and text longer than 200
 * characters or wider than the space available is shortened with an ellipsis.  NULL or "" means
 * "none" for every optional string.
 *
 * Ownership.  cs_chart and everything it points to belong to the caller and are only read during
 * the call; nothing is retained.
 *
 * Errors.  CS_EINPUT: the description is inconsistent (a series with 5 values for 6 categories,
 * xmin >= xmax, a negative value in a stacked bar, a path containing "%n", ...), with a message
 * naming the series.
 * CS_EIO: an output file cannot be created ("cannot write charts/x.png: No such file or
 * directory"); every target is opened before anything is drawn, so a bad path never reaches
 * PLplot.  CS_EINTERNAL: PLplot reported an error (message prefixed "PLplot: "), or the cairo
 * driver is missing.  CS_ENOMEM: an allocation failed.  PLplot errors that would normally make it
 * print and exit() the process are trapped (a plsexit() handler that longjmps back) and returned
 * instead; the PLplot stream involved is abandoned, a small one-off leak.  Normal operation prints
 * nothing on stdout or stderr.
 *
 * Threads.  PLplot keeps global state and is not thread-safe: draw charts from one thread at a
 * time (e.g. after the replications have joined).  Rendering uses private PLplot streams and
 * restores the caller's current stream, so it does not disturb other PLplot use on that thread.
 * The exit handler stays installed; outside a render it defers to PLplot's default (print, exit).
 * Under LeakSanitizer, fontconfig's process-lifetime font cache (reached through pango) shows as
 * a leak at exit; suppress "leak:libfontconfig.so" (see tests/test_chart.c).
 *
 * Determinism.  The same input gives byte-identical files, between runs and within a run.  Two
 * cairo 1.16 habits are undone after drawing: PDFs get a wall-clock /CreationDate (cairo ignores
 * SOURCE_DATE_EPOCH), overwritten in place with 2000-01-01; SVGs name their drawing group from
 * a process-wide surface counter ("surface2107"), renumbered from 1.
 */
#ifndef CS_CHART_H
#define CS_CHART_H

#include <stddef.h>

#include "sim/status.h"

typedef enum cs_chart_kind {
    CS_CHART_LINE = 0,
    CS_CHART_STEP = 1,
    CS_CHART_STACKED_BAR = 2,
    CS_CHART_GROUPED_BAR = 3,
    CS_CHART_HBAR = 4
} cs_chart_kind;

/* Output formats, combined with |. */
enum { CS_CHART_PNG = 1u, CS_CHART_SVG = 2u, CS_CHART_PDF = 4u };

/* One data series.  For LINE/STEP, x and y have n values (lo/hi too, when given).  For bars, y has
 * one value per category (n must equal n_categories) and x is ignored. */
typedef struct cs_chart_series {
    const char *label;  /* legend text; NULL or "" = no legend entry */
    size_t n;           /* number of values; 0 = nothing to draw */
    const double *x;    /* LINE/STEP: x positions (e.g. hours); ignored for bars */
    const double *y;    /* values */
    const double *lo;   /* optional lower edge of band / whisker (NULL = none) */
    const double *hi;   /* optional upper edge; given together with lo */
    int dashed;         /* draw the line dashed (e.g. a baseline or "required" series) */
    int axis;           /* 0 = left y axis, 1 = right y axis (LINE/STEP only) */
    int step;           /* LINE charts: draw this series as steps (e.g. staffing next to demand) */
} cs_chart_series;

/* Custom labelled ticks on the x axis (LINE/STEP).  n = 0 means automatic ticks. */
typedef struct cs_chart_ticks {
    size_t n;
    const double *at;              /* positions in x data units */
    const char *const *labels;     /* n labels */
} cs_chart_ticks;

typedef struct cs_chart {
    cs_chart_kind kind;
    const char *title;     /* bold, top left */
    const char *subtitle;  /* grey, under the title */
    const char *xlabel;    /* axis titles, with units: "Hour of day", "Calls per hour" */
    const char *ylabel;
    const char *y2label;   /* right axis title (when a series has axis = 1) */
    const char *footnote;  /* small grey note at the bottom left, e.g. the data source */

    const cs_chart_series *series;
    size_t n_series;

    const char *const *categories;  /* bars: n_categories names along the x axis */
    size_t n_categories;

    cs_chart_ticks xticks;  /* optional custom x tick labels (LINE/STEP) */

    double xmin, xmax, ymin, ymax, y2min, y2max;  /* NAN = automatic */
    int y_percent;        /* left axis shows 0..1 as 0%..100% */
    int y2_percent;       /* right axis likewise */
    int stacked_percent;  /* STACKED_BAR: normalise each bar to 100% of its total */

    int has_hline;            /* dashed horizontal target line at y = hline (left axis units) */
    double hline;
    const char *hline_label;  /* e.g. "Target 80%" */
    int has_vline;            /* LINE/STEP: dashed vertical line at x = vline (a CDF's target) */
    double vline;
    const char *vline_label;
} cs_chart;

/* What a render did, for callers and tests that check charts read at a glance. */
typedef struct cs_chart_info {
    size_t texts_shortened; /* strings cut short with an ellipsis to fit their space (titles
                               and subtitles first go on two lines; 0 = all text shown whole) */
    size_t max_points;      /* LINE/STEP: the most values in one series */
    int right_axis;         /* a series used the right-hand y axis */
} cs_chart_info;

/**
 * @brief Resets *chart to an empty chart of the given kind: no strings, no series, all axis
 *        limits NAN (automatic), no target lines.
 * @param chart OUT: the chart description to initialise (caller-owned).
 * @param kind  the chart kind.
 */
void cs_chart_init(cs_chart *chart, cs_chart_kind kind);

/**
 * @brief Draws one chart to each requested format.
 * @param chart     the chart description (read only, not retained; NULL is a bug: CS_REQUIRE).
 * @param path_base output path without extension (not NULL), e.g. "out/charts/abandonment";
 *                  the folder must exist.  Files path_base.png / .svg / .pdf are created or
 *                  replaced.
 * @param formats   a non-empty combination of CS_CHART_PNG | CS_CHART_SVG | CS_CHART_PDF.
 * @param err       OUT: message on failure (may be NULL).
 * @return CS_OK, or CS_EINPUT / CS_EIO / CS_EINTERNAL / CS_ENOMEM as described above.  On failure
 *         files of this call may be missing or incomplete.
 * Must not run concurrently with any other PLplot use (see "Threads").
 */
cs_status cs_chart_render(const cs_chart *chart, const char *path_base, unsigned formats,
                          cs_error *err);

/**
 * @brief cs_chart_render(), and what the render did in *info (may be NULL): how many texts had
 *        to be shortened to fit (measured with PLplot's string length on the page they are
 *        drawn on), the longest series, whether a right axis was used.  Every output file is
 *        also checked to be complete (a full disk truncates them silently): CS_EIO if not.
 */
cs_status cs_chart_render_info(const cs_chart *chart, const char *path_base, unsigned formats,
                               cs_chart_info *info, cs_error *err);

#endif
