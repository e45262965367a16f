/* The HTML report: the Charts section (see plots/report_int.h).  Each SVG listed in
 * charts/charts.json is checked and inlined as plots/report.h describes. */
#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plots/report_int.h"

/* ------------------------------------------------------------------------------------------
 * SVG inlining (see the header: prolog and xmlns dropped, viewBox ensured, ids prefixed,
 * anything active or external refused)
 * ---------------------------------------------------------------------------------------- */

typedef struct svgx {
    const char *s;
    size_t n, i;
    cs_text_buf *out;
    char prefix[16];
    const char *path;
    cs_error *err;
} svgx;

static const char *find_str(const char *s, size_t n, size_t from, const char *what)
{
    size_t w = strlen(what);
    for (size_t i = from; i + w <= n; i++)
        if (memcmp(s + i, what, w) == 0) return s + i;
    return NULL;
}

/* Copies an attribute value, prefixing url(#id) references; refuses url() to anything else. */
static cs_status svg_value(svgx *x, const char *v, size_t n)
{
    size_t i = 0;
    while (i < n) {
        const char *u = find_str(v, n, i, "url(");
        if (!u) break;
        size_t k = (size_t)(u - v) + 4;
        cs_text_putn(x->out, v + i, k - i);
        while (k < n && (cs_text_is_space(v[k]) || v[k] == '\'' || v[k] == '"')) cs_text_putn(x->out, v + k, 1), k++;
        if (k >= n || v[k] != '#')
            return cs_error_set(x->err, CS_EINPUT, "%s: refers to something outside the file (url(...) "
                                "not starting with '#'); a report must not load anything, so it is not inlined",
                                x->path);
        cs_text_putn(x->out, "#", 1);
        cs_text_puts(x->out, x->prefix);
        i = k + 1;
    }
    cs_text_putn(x->out, v + i, n - i);
    return CS_OK;
}

/* Converts an SVG length to CSS pixels (the user units of an SVG without a viewBox). */
static double svg_px(const char *v, size_t n)
{
    char tmp[64];
    if (n == 0 || n >= sizeof tmp) return NAN;
    memcpy(tmp, v, n);
    tmp[n] = '\0';
    char *end;
    double x = strtod(tmp, &end);
    if (end == tmp || !(x > 0)) return NAN;
    while (*end == ' ') end++;
    if (*end == '\0' || strcmp(end, "px") == 0) return x;
    if (strcmp(end, "pt") == 0) return x * 96.0 / 72.0;
    if (strcmp(end, "pc") == 0) return x * 16.0;
    if (strcmp(end, "mm") == 0) return x * 96.0 / 25.4;
    if (strcmp(end, "cm") == 0) return x * 96.0 / 2.54;
    if (strcmp(end, "in") == 0) return x * 96.0;
    return NAN;
}

/* What a chart may hold: the elements and attributes cairo's SVG surface writes (and the few
 * hand-written test charts use), nothing else.  An allowlist, because a list of what is
 * dangerous always misses something: an <img src> inside inline SVG leaves SVG for HTML and
 * loads its URL when the report is opened (finding F4). */
static const char *const ok_elements[] = {
    "svg", "g", "defs", "symbol", "use", "path", "rect", "circle", "ellipse", "line", "polyline", "polygon",
    "clipPath", "mask", "linearGradient", "radialGradient", "stop", "pattern", "image", "desc", "title", "text",
    "tspan", "filter", "feColorMatrix", "feComposite", "feFlood", "feOffset", "feGaussianBlur", "feBlend"};
static const char *const ok_attributes[] = {
    "id", "d", "x", "y", "x1", "y1", "x2", "y2", "cx", "cy", "r", "rx", "ry", "fx", "fy", "dx", "dy", "width",
    "height", "viewBox", "version", "style", "class", "transform", "overflow", "clip-path", "clip-rule",
    "clipPathUnits", "fill", "fill-rule", "fill-opacity", "stroke", "stroke-width", "stroke-linecap",
    "stroke-linejoin", "stroke-miterlimit", "stroke-dasharray", "stroke-dashoffset", "stroke-opacity", "opacity",
    "mask", "maskUnits", "maskContentUnits", "xlink:href", "href", "preserveAspectRatio", "points", "offset",
    "stop-color", "stop-opacity", "gradientUnits", "gradientTransform", "spreadMethod", "patternUnits",
    "patternContentUnits", "patternTransform", "text-anchor", "font-family", "font-size", "font-weight",
    "font-style", "dominant-baseline", "xmlns", "xmlns:xlink", "filter", "filterUnits", "color", "visibility",
    "display", "rotate", "textLength", "lengthAdjust", "xml:space", "type", "values", "in", "in2", "result",
    "operator", "mode", "stdDeviation", "flood-color", "flood-opacity", "k1", "k2", "k3", "k4", "image-rendering",
    "color-interpolation-filters", "encoding"};

static int in_list(const char *const *list, size_t n, const char *s, size_t len)
{
    for (size_t i = 0; i < n; i++)
        if (strlen(list[i]) == len && memcmp(list[i], s, len) == 0) return 1;
    return 0;
}

static int name_char(char c, int first)
{
    int letter = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    return first ? letter || c == '_' : letter || cs_text_is_digit((unsigned char)c) || c == '_' || c == ':' ||
                                            c == '.' || c == '-';
}

/* One start tag at x->i (just after '<').  *depth_delta is 1 unless the tag closes itself. */
static cs_status svg_start_tag(svgx *x, int root, const char *label, int *opened)
{
    static const char *const forbidden[] = {"script", "foreignObject", "style", "iframe", "object",
                                            "embed", "link", "meta", "set", "animate",
                                            "animateMotion", "animateTransform", "animateColor",
                                            "handler", "listener"};
    const char *s = x->s;
    size_t n = x->n, i = x->i;
    size_t name0 = i;
    while (i < n && !cs_text_is_space(s[i]) && s[i] != '>' && s[i] != '/') i++;
    size_t name_len = i - name0;
    if (name_len == 0) return cs_error_set(x->err, CS_EINPUT, "%s: malformed tag", x->path);
    /* A browser reads '<' followed by anything but a letter as text, so "<$x a=\"<script>\">"
     * would turn the quoted value into markup (finding F5): such a file is not a chart. */
    for (size_t k = 0; k < name_len; k++)
        if (!name_char(s[name0 + k], k == 0) || (k == 0 && s[name0] == '_'))
            return cs_error_set(x->err, CS_EINPUT, "%s: '<' is not followed by an element name (<%.*s); a chart "
                                "drawn by callsim never has that, so it is not inlined", x->path,
                                (int)(name_len > 40 ? 40 : name_len), s + name0);
    for (size_t f = 0; f < sizeof forbidden / sizeof forbidden[0]; f++)
        if (cs_text_ieq_n(s + name0, name_len, forbidden[f]))
            return cs_error_set(x->err, CS_EINPUT, "%s: contains a <%s> element; a chart drawn by callsim "
                                "never does, and the report runs nothing, so it is not inlined",
                                x->path, forbidden[f]);
    if (root && !cs_text_ieq_n(s + name0, name_len, "svg"))
        return cs_error_set(x->err, CS_EINPUT, "%s: not an SVG file (the first element is <%.*s>, "
                            "expected <svg>)", x->path, (int)(name_len > 40 ? 40 : name_len), s + name0);
    if (!in_list(ok_elements, sizeof ok_elements / sizeof ok_elements[0], s + name0, name_len))
        return cs_error_set(x->err, CS_EINPUT, "%s: contains a <%.*s> element, which is not one a chart drawn by "
                            "callsim has, so it is not inlined", x->path, (int)(name_len > 40 ? 40 : name_len),
                            s + name0);
    cs_text_putn(x->out, "<", 1);
    cs_text_putn(x->out, s + name0, name_len);
    double w = NAN, h = NAN;
    int has_vb = 0;
    for (;;) {
        while (i < n && cs_text_is_space(s[i])) i++;
        if (i >= n) return cs_error_set(x->err, CS_EINPUT, "%s: ends inside a tag (truncated file?)", x->path);
        if (s[i] == '>' || (s[i] == '/' && i + 1 < n && s[i + 1] == '>')) break;
        size_t a0 = i;
        while (i < n && !cs_text_is_space(s[i]) && s[i] != '=' && s[i] != '>' && s[i] != '/') i++;
        size_t alen = i - a0;
        if (alen == 0) return cs_error_set(x->err, CS_EINPUT, "%s: malformed attribute", x->path);
        while (i < n && cs_text_is_space(s[i])) i++;
        const char *val = NULL;
        size_t vlen = 0;
        char quote = '"';
        if (i < n && s[i] == '=') {
            i++;
            while (i < n && cs_text_is_space(s[i])) i++;
            if (i < n && (s[i] == '"' || s[i] == '\'')) {
                quote = s[i++];
                val = s + i;
                while (i < n && s[i] != quote) i++;
                if (i >= n) return cs_error_set(x->err, CS_EINPUT, "%s: unterminated attribute value", x->path);
                vlen = (size_t)(s + i - val);
                i++;
            } else {
                val = s + i;
                while (i < n && !cs_text_is_space(s[i]) && s[i] != '>') i++;
                vlen = (size_t)(s + i - val);
            }
        }
        const char *a = s + a0;
        for (size_t k = 0; k < alen; k++)
            if (!name_char(a[k], k == 0))
                return cs_error_set(x->err, CS_EINPUT, "%s: malformed attribute name '%.*s'", x->path,
                                    (int)(alen > 40 ? 40 : alen), a);
        if (alen > 2 && (a[0] == 'o' || a[0] == 'O') && (a[1] == 'n' || a[1] == 'N'))
            return cs_error_set(x->err, CS_EINPUT, "%s: has an event handler (%.*s=); the report runs "
                                "nothing, so it is not inlined", x->path, (int)(alen > 40 ? 40 : alen), a);
        if ((alen == 5 && memcmp(a, "xmlns", 5) == 0) || (alen > 6 && memcmp(a, "xmlns:", 6) == 0))
            continue; /* the HTML parser puts <svg> in the SVG namespace itself */
        if (!in_list(ok_attributes, sizeof ok_attributes / sizeof ok_attributes[0], a, alen))
            return cs_error_set(x->err, CS_EINPUT, "%s: has an attribute %.*s= that a chart drawn by callsim does "
                                "not have, so it is not inlined", x->path, (int)(alen > 40 ? 40 : alen), a);
        if (root) {
            if (alen == 5 && memcmp(a, "width", 5) == 0) {
                w = svg_px(val, vlen);
                continue;
            }
            if (alen == 6 && memcmp(a, "height", 6) == 0) {
                h = svg_px(val, vlen);
                continue;
            }
            if ((alen == 7 && memcmp(a, "version", 7) == 0) || (alen == 5 && memcmp(a, "style", 5) == 0) ||
                (alen == 5 && memcmp(a, "class", 5) == 0))
                continue; /* the page's stylesheet sizes the chart */
            if (alen == 7 && memcmp(a, "viewBox", 7) == 0) has_vb = 1;
        }
        cs_text_putn(x->out, " ", 1);
        cs_text_putn(x->out, a, alen);
        if (!val) continue;
        cs_text_putn(x->out, "=", 1);
        cs_text_putn(x->out, &quote, 1);
        if (alen == 2 && memcmp(a, "id", 2) == 0) {
            cs_text_puts(x->out, x->prefix);
            cs_text_putn(x->out, val, vlen);
        } else if (alen >= 4 && memcmp(a + alen - 4, "href", 4) == 0) {
            if (vlen > 0 && val[0] == '#') {
                cs_text_putn(x->out, "#", 1);
                cs_text_puts(x->out, x->prefix);
                cs_text_putn(x->out, val + 1, vlen - 1);
            } else if (vlen >= 5 && cs_text_ieq_n(val, 5, "data:")) {
                cs_text_putn(x->out, val, vlen);
            } else {
                return cs_error_set(x->err, CS_EINPUT, "%s: refers to something outside the file (%.*s=\"%.*s\"); "
                                    "a report must not load anything, so it is not inlined", x->path,
                                    (int)alen, a, (int)(vlen > 60 ? 60 : vlen), val);
            }
        } else {
            cs_status st = svg_value(x, val, vlen);
            if (st != CS_OK) return st;
        }
        cs_text_putn(x->out, &quote, 1);
    }
    int self_close = s[i] == '/';
    if (root) {
        if (!has_vb) {
            if (!(w > 0) || !(h > 0))
                return cs_error_set(x->err, CS_EINPUT, "%s: the <svg> element has neither a viewBox nor a "
                                    "width and height, so it cannot be scaled to the page", x->path);
            char vb[96];
            snprintf(vb, sizeof vb, " viewBox=\"0 0 %g %g\"", w, h);
            cs_text_puts(x->out, vb);
        }
        csi_rep_hf(x->out, " role=\"img\" aria-label=\"%s\"", label ? label : "Chart");
    }
    cs_text_puts(x->out, self_close ? "/>" : ">");
    x->i = i + (self_close ? 2 : 1);
    *opened = !self_close;
    return CS_OK;
}

static cs_status svg_inline(cs_text_buf *out, const char *s, size_t n, int seq, const char *path, const char *label,
                            cs_error *err)
{
    svgx x = {s, n, 0, out, "", path, err};
    snprintf(x.prefix, sizeof x.prefix, "c%d-", seq);
    if (n >= 3 && memcmp(s, "\xef\xbb\xbf", 3) == 0) x.i = 3;
    int depth = 0, started = 0;
    while (x.i < n) {
        size_t i = x.i;
        if (s[i] != '<') {
            size_t j = i;
            while (j < n && s[j] != '<') j++;
            if (!started) {
                for (size_t k = i; k < j; k++)
                    if (!cs_text_is_space(s[k]))
                        return cs_error_set(err, CS_EINPUT, "%s: not an SVG file (text before the <svg> element)", path);
            } else {
                cs_text_putn(out, s + i, j - i);
            }
            x.i = j;
            continue;
        }
        if (n - i >= 4 && memcmp(s + i, "<!--", 4) == 0) {
            const char *e = find_str(s, n, i + 4, "-->");
            if (!e) return cs_error_set(err, CS_EINPUT, "%s: unterminated comment", path);
            x.i = (size_t)(e - s) + 3;
        } else if (n - i >= 9 && memcmp(s + i, "<![CDATA[", 9) == 0) {
            const char *e = find_str(s, n, i + 9, "]]>");
            if (!e) return cs_error_set(err, CS_EINPUT, "%s: unterminated CDATA section", path);
            /* Its text, escaped, never the section itself: inside an HTML integration point
             * (<desc>, <title>) a browser reads "<![CDATA[" as a bogus comment that ends at the
             * first '>', so markup "inside" the section would be live HTML there. */
            if (started)
                for (const char *c = s + i + 9; c < e; c++) {
                    if (*c == '<') cs_text_puts(out, "&lt;");
                    else if (*c == '>') cs_text_puts(out, "&gt;");
                    else if (*c == '&') cs_text_puts(out, "&amp;");
                    else cs_text_putn(out, c, 1);
                }
            x.i = (size_t)(e - s) + 3;
        } else if (n - i >= 2 && s[i + 1] == '?') {
            const char *e = find_str(s, n, i + 2, "?>");
            if (!e) return cs_error_set(err, CS_EINPUT, "%s: unterminated processing instruction", path);
            x.i = (size_t)(e - s) + 2;
        } else if (n - i >= 2 && s[i + 1] == '!') {
            /* DOCTYPE, possibly with an internal subset in [...] */
            int bracket = 0;
            size_t j = i + 2;
            while (j < n && (s[j] != '>' || bracket > 0)) {
                if (s[j] == '[') bracket++;
                else if (s[j] == ']') bracket--;
                j++;
            }
            if (j >= n) return cs_error_set(err, CS_EINPUT, "%s: unterminated <!...> declaration", path);
            if (started) return cs_error_set(err, CS_EINPUT, "%s: a declaration inside <svg>", path);
            x.i = j + 1;
        } else if (n - i >= 2 && s[i + 1] == '/') {
            const char *e = memchr(s + i, '>', n - i);
            if (!e || !started) return cs_error_set(err, CS_EINPUT, "%s: malformed end tag", path);
            /* "</$..." is a bogus comment to a browser, not an end tag: refuse it as above. */
            size_t k = i + 2;
            for (; k < (size_t)(e - s) && !cs_text_is_space(s[k]); k++)
                if (!name_char(s[k], k == i + 2))
                    return cs_error_set(err, CS_EINPUT, "%s: malformed end tag (</%.*s)", path,
                                        (int)((size_t)(e - s) - i - 2 > 40 ? 40 : (size_t)(e - s) - i - 2), s + i + 2);
            /* An end tag names an element of the allowlist too (finding F9: a stray </script>
             * was copied into report.html; harmless to a browser with no <script> open, but a
             * chart drawn by callsim never has one, and the report keeps to what charts have). */
            if (!in_list(ok_elements, sizeof ok_elements / sizeof ok_elements[0], s + i + 2, k - (i + 2)))
                return cs_error_set(err, CS_EINPUT, "%s: contains an end tag </%.*s> of an element a chart "
                                    "drawn by callsim never has, so it is not inlined", path,
                                    (int)(k - (i + 2) > 40 ? 40 : k - (i + 2)), s + i + 2);
            cs_text_putn(out, s + i, (size_t)(e - s) + 1 - i);
            x.i = (size_t)(e - s) + 1;
            if (--depth == 0) return CS_OK; /* the root is closed: whatever follows is not drawn */
        } else {
            int opened = 0;
            x.i = i + 1;
            cs_status st = svg_start_tag(&x, !started, label, &opened);
            if (st != CS_OK) return st;
            if (!started && !opened) return CS_OK; /* <svg .../>: an empty chart, but valid */
            started = 1;
            depth += opened;
        }
    }
    return cs_error_set(err, CS_EINPUT, started ? "%s: ends before </svg> (truncated file?)"
                                                : "%s: not an SVG file (no <svg> element)", path);
}

/* ------------------------------------------------------------------------------------------
 * Charts
 * ---------------------------------------------------------------------------------------- */

static int safe_chart_name(const char *f)
{
    if (!f || !*f || f[0] == '.') return 0;
    for (const char *p = f; *p; p++)
        if (*p == '/' || *p == '\\' || (unsigned char)*p < 0x20) return 0;
    return 1;
}

/* Charts that lead their own section rather than the Charts section: 1 a replay's (observed
 * against simulated), 2 a staffing plan's (required against rostered, cost against
 * abandonment); 0 the rest. */
static int lead_kind(const char *file)
{
    if (strncmp(file, "replay_", 7) == 0) return 1;
    if (strncmp(file, "required_vs_rostered_", 21) == 0 || strncmp(file, "cost_vs_abandonment", 19) == 0) return 2;
    return 0;
}

static cs_status chart_figures(report *r, int replay, cs_error *err)
{
    cs_text_buf *b = &r->out;
    if (!replay) cs_text_puts(b, "<section class=\"charts\" id=\"charts\">\n<h2>Charts</h2>\n");
    const cs_json *list = cs_json_get(r->manifest, "charts");
    char *mpath = NULL;
    if (replay && (!r->manifest || cs_json_size(list) == 0)) return CS_OK;
    if (!r->manifest || cs_json_size(list) == 0) {
        cs_text_puts(b, "<p class=\"note\">This folder has no charts (charts/charts.json is missing or lists "
                   "none).</p>\n</section>\n");
        return CS_OK;
    }
    mpath = csi_rep_path_join(r->dir, "charts/charts.json");
    if (!mpath) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_status st = CS_OK;
    size_t total = 0;   /* bytes of SVG inlined so far */
    int fig = 0;        /* figures shown, for their numbers */
    for (size_t i = 0; i < cs_json_size(list) && st == CS_OK; i++) {
        const cs_json *c = cs_json_at(list, i);
        const char *file = csi_rep_jstr(c, "file");
        unsigned line, col;
        cs_json_position(c, &line, &col);
        if (!safe_chart_name(file)) {
            st = cs_error_set(err, CS_EINPUT, "%s: line %u, column %u: chart %zu needs \"file\": the name of a "
                              "file in charts/ without a folder (e.g. \"abandonment_by_hour\")", mpath, line, col, i + 1);
            break;
        }
        /* Replay and staffing charts are in their own sections; the Charts section has the rest. */
        if (lead_kind(file) != replay) continue;
        size_t fl = strlen(file);
        int has_ext = fl > 4 && strcmp(file + fl - 4, ".svg") == 0;
        char *rel = malloc(fl + 12);
        if (!rel) {
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
            break;
        }
        snprintf(rel, fl + 12, "charts/%s%s", file, has_ext ? "" : ".svg");
        char *path = csi_rep_path_join(r->dir, rel);
        free(rel);
        if (!path) {
            st = cs_error_set(err, CS_ENOMEM, "out of memory");
            break;
        }
        char *text = NULL;
        size_t len = 0;
        char why[64];
        snprintf(why, sizeof why, " (chart %zu of charts/charts.json)", i + 1);
        st = csi_rep_read_all(path, why, CSI_REP_MAX_FILE, &text, &len, NULL, err);
        if (st == CS_OK && (total += len) > CSI_REP_MAX_CHARTS)
            st = cs_error_set(err, CS_EINPUT, "%s: the charts listed in charts/charts.json add up to "
                              "more than %zu MiB, far beyond what callsim draws; is it the right "
                              "folder?", mpath, CSI_REP_MAX_CHARTS >> 20);
        if (st == CS_OK) {
            const char *title = csi_rep_jstr(c, "title");
            const char *caption = csi_rep_jstr(c, "caption");
            /* The chart draws its own title; the caption names the figure and says what it shows. */
            if (replay) csi_rep_hf(b, "<figure class=\"chart\" id=\"%s-chart-%d\">\n", replay == 1 ? "replay" : "staff",
                                   (int)i + 1);
            else csi_rep_hf(b, "<figure class=\"chart\" id=\"chart-%d\">\n", fig + 1);
            fig++;
            st = svg_inline(b, text, len, (int)i + 1, path, title && *title ? title : file, err);
            if (replay) csi_rep_hf(b, "\n<figcaption><b>%s.</b>", title && *title ? title : file);
            else csi_rep_hf(b, "\n<figcaption><b>Figure %d. %s.</b>", fig, title && *title ? title : file);
            if (caption && *caption) csi_rep_hf(b, " %s", caption);
            cs_text_puts(b, "</figcaption>\n</figure>\n");
        }
        free(text);
        free(path);
    }
    free(mpath);
    if (!replay) cs_text_puts(b, "</section>\n");
    return st;
}

cs_status csi_rep_charts(report *r, cs_error *err) { return chart_figures(r, 0, err); }
cs_status csi_rep_replay_figures(report *r, cs_error *err) { return chart_figures(r, 1, err); }
cs_status csi_rep_staff_figures(report *r, cs_error *err) { return chart_figures(r, 2, err); }

