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
 *
 * Loading.  PLplot is not linked: the first render loads it (dlopen) and every PLplot call goes
 * through a table of its functions (plapi, chart_int.h) that the render passes down.  A process
 * that draws no chart (a run without --out, a comparison, a staffing plan) would otherwise map
 * and relocate PLplot and the twelve libraries it brings at every start: about 0.6 ms of CPU, a
 * third of what `callsim --version` cost.  RTLD_NODELETE keeps the library, and the state PLplot
 * keeps in it (its streams, the exit hook), for the life of the process, as a linked library
 * would be; the handle itself is closed after each load (sim/dynlib.h).
 */
#include "plots/chart_int.h"

#include "sim/dynlib.h"

/* The run-time name of the library, from the Makefile (the SONAME the linker would record). */
#ifndef CS_PLPLOT_LIB
#define CS_PLPLOT_LIB "libplplot.so.17"
#endif
#define PL_NAME(f) PL_NAME2(f)
#define PL_NAME2(f) #f

/* Fills pl with PLplot's functions, loading the library if this process has not yet. */
static cs_status plplot_load(plapi *pl, cs_error *err)
{
    static const cs_dynlib lib = {CS_PLPLOT_LIB, "PLplot", "cannot draw charts: ", "",
                                  "PLplot's library and its cairo driver; Debian: libplplot17, "
                                  "plplot-driver-cairo"};
    static const char *const names[] = {
#define X(f) PL_NAME(f),
        CSI_PLPLOT_FUNCS(X)
#undef X
    };
    void *syms[sizeof names / sizeof *names];
    cs_status st = cs_dynlib_load(&lib, names, syms, sizeof names / sizeof *names, err);
    if (st != CS_OK) return st;
    size_t i = 0;
#define X(f) pl->f = (__typeof__(pl->f))syms[i++];
    CSI_PLPLOT_FUNCS(X)
#undef X
    return CS_OK;
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
static int device_available(const plapi *pl, const char *name)
{
    const char *menu[256], *names[256];
    const char **pm = menu, **pn = names;
    int n = 256;
    pl->plgDevs(&pm, &pn, &n);
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
static cs_status devices_guarded(const plapi *pl, unsigned formats, trap *t, cs_error *err)
{
    t->msg[0] = '\0';
    t->strm = -1;
    pl->plsexit(on_plexit);
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
        if (!(formats & DEVICES[d].flag) || device_available(pl, DEVICES[d].name))
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
static int open_stream(const plapi *pl, const device *d, const char *path, PLINT *ec, char *emsg,
                       trap *t)
{
    PLINT strm = -1;
    pl->plmkstrm(&strm);
    if (strm < 0)
        return -1;
    t->strm = strm;
    pl->plsError(ec, emsg);
    pl->plsdev(d->name);
    pl->plsfnam(path);
    pl->plspage(0.0, 0.0, d->w, d->h, 0, 0);
    pl->plscolbg(255, 255, 255);
    pl->plinit();
    return 0;
}

/* Detaches our error buffers from the stream before ending it (they live on our stack). */
static void close_stream(const plapi *pl)
{
    PLStream *pls = NULL;
    pl->plgpls(&pls);
    if (pls) {
        pls->errcode = NULL;
        pls->errmsg = NULL;
    }
    pl->plend1();
}

static cs_status render_device(const plapi *pl, const plan *P, const device *d, const char *path,
                               pool *mem, trap *t, cs_error *err)
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
    if (device_available(pl, "svgcairo"))
        meter.name = "svgcairo";
    if (open_stream(pl, &meter, "/dev/null", &ec, emsg, t))
        return cs_error_set(err, CS_EINTERNAL, "PLplot: cannot create a plot stream");
    pl->pladv(0);
    pl->plvpor(0.0, 1.0, 0.0, 1.0);
    pl->plwind(0.0, 1.0, 0.0, 1.0);
    unsigned in_legend = 0;
    for (int pass = 0; pass < 3; pass++) {
        csi_chart_make_layout(pl, P, &L, mem, d->w, d->h, in_legend);
        unsigned failed = csi_chart_place_targets(P, &L);
        if (!failed)
            break;
        in_legend |= failed;
    }
    close_stream(pl);
    if (ec)
        return cs_error_set(err, CS_EINTERNAL, "PLplot: %s", emsg);
    if (mem->failed)
        return cs_error_set(err, CS_ENOMEM, "out of memory while laying out %s", path);

    /* Drawing pass. */
    if (open_stream(pl, d, path, &ec, emsg, t))
        return cs_error_set(err, CS_EINTERNAL, "PLplot: cannot create a plot stream");
    csi_chart_draw_chart(P, &L, mem);
    close_stream(pl);
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
static cs_status render_guarded(const plapi *pl, const plan *P, const device *d,
                                const char *path, pool *mem, trap *t, cs_error *err)
{
    PLINT prev = 0;
    pl->plgstrm(&prev);
    t->msg[0] = '\0';
    t->strm = -1;
    /* Stays installed after we return; with no render in progress it defers to PLplot. */
    pl->plsexit(on_plexit);
    if (setjmp(t->jb)) {
        /* PLplot gave up half way; its stream is in an unknown state, so it is abandoned
         * (never ended, a small leak) after unhooking our stack buffers from it. */
        if (t->strm >= 0) {
            PLStream *pls = NULL;
            pl->plsstrm(t->strm);
            pl->plgpls(&pls);
            if (pls) {
                pls->errcode = NULL;
                pls->errmsg = NULL;
            }
        }
        pl->plsstrm(prev);
        return cs_error_set(err, CS_EINTERNAL, "PLplot: %s (while drawing %s)", t->msg, path);
    }
    cs_chart_active_trap = t;
    cs_status st = render_device(pl, P, d, path, mem, t, err);
    cs_chart_active_trap = NULL;
    pl->plsstrm(prev);
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
    cs_status st = csi_chart_validate(chart, formats, err);
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
        paths[d] = csi_chart_pool_alloc(&mem, blen + 5);
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
    plapi pl;
    st = plplot_load(&pl, err);
    if (st != CS_OK)
        goto done;
    {
        trap t;
        st = devices_guarded(&pl, formats, &t, err);
        if (st != CS_OK)
            goto done;
    }

    plan P;
    st = csi_chart_build_plan(chart, &mem, &P, err);
    if (st != CS_OK)
        goto done;
    for (int d = 0; d < 3 && st == CS_OK; d++) {
        if (!paths[d])
            continue;
        trap t;
        st = render_guarded(&pl, &P, &DEVICES[d], paths[d], &mem, &t, err);
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
    csi_chart_pool_free(&mem);
    return st;
}
