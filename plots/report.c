/* The HTML report of a results folder: see plots/report.h for what the page contains and
 * plots/report_int.h for how the module is split into files.  This file is the driver: it reads
 * the folder, writes the page head, masthead, "What this is" and the appendix itself, calls the
 * other parts in page order and writes report.html atomically.
 *
 * The page is built in memory (a growable buffer) and written in one go at the end, so every
 * input problem is found before anything touches the disk.  Text from the folder goes through
 * hf()/esc(), which escape by default: only markup this module writes itself and the checked
 * SVG charts are copied raw. */
#include "plots/report.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io/json.h"
#include "plots/report_int.h"

#define WEEK_S 604800.0

/* ------------------------------------------------------------------------------------------
 * Files
 * ---------------------------------------------------------------------------------------- */

char *csi_rep_path_join(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    char *p = malloc(la + lb + 2);
    if (!p) return NULL;
    memcpy(p, a, la);
    size_t n = la;
    if (n > 0 && p[n - 1] != '/') p[n++] = '/';
    memcpy(p + n, b, lb + 1);
    return p;
}

cs_status csi_rep_read_all(const char *path, const char *why, size_t max, char **out, size_t *len,
                           int *absent, cs_error *err)
{
    *out = NULL;
    *len = 0;
    if (absent) *absent = 0;
    /* O_NONBLOCK so that opening a FIFO cannot wait for a writer; fstat then refuses anything
     * that is not a plain file (a FIFO, /dev/zero, a folder) before a byte is read. */
    int fd = open(path, O_RDONLY | O_NONBLOCK);
    if (fd < 0) {
        if (errno == ENOENT) {
            if (absent) *absent = 1;
            return cs_error_set(err, CS_EINPUT, "%s: not found%s", path, why ? why : "");
        }
        return cs_error_set(err, CS_EIO, "%s: cannot open: %s", path, strerror(errno));
    }
    struct stat sb;
    if (fstat(fd, &sb) != 0) {
        cs_status st = cs_error_set(err, CS_EIO, "%s: cannot open: %s", path, strerror(errno));
        close(fd);
        return st;
    }
    if (!S_ISREG(sb.st_mode)) {
        close(fd);
        return cs_error_set(err, CS_EINPUT, "%s: is %s, not a plain file; a results folder holds "
                            "the plain files callsim wrote", path,
                            S_ISDIR(sb.st_mode) ? "a folder" : S_ISFIFO(sb.st_mode) ? "a FIFO"
                            : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) ? "a device" : "a special file");
    }
    /* The size is checked as the bytes arrive, not from st_size: a file may grow while it is
     * read, and some (in /proc) report 0. */
    size_t cap = (size_t)1 << 14, n = 0;
    if (cap > max + 1) cap = max + 1;
    char *buf = malloc(cap + 1);
    cs_status st = CS_OK;
    for (;;) {
        if (!buf) {
            st = cs_error_set(err, CS_ENOMEM, "%s: out of memory", path);
            break;
        }
        if (n == cap) {   /* full: grow, but never past max + 1 bytes (one too many) */
            if (n > max) {
                st = cs_error_set(err, CS_EINPUT, "%s: larger than %zu MiB; callsim writes nothing "
                                  "that large there, so this is not the file it wrote", path,
                                  max >> 20);
                break;
            }
            size_t nc = cap > max / 2 ? max + 1 : 2 * cap;
            char *nb = realloc(buf, nc + 1);
            if (!nb) free(buf);
            buf = nb;
            cap = nc;
            continue;
        }
        ssize_t got = read(fd, buf + n, cap - n);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) {
            st = cs_error_set(err, CS_EIO, "%s: read error: %s", path, strerror(errno));
            break;
        }
        if (got == 0) break;
        n += (size_t)got;
    }
    close(fd);
    if (st != CS_OK) {
        free(buf);
        return st;
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return CS_OK;
}

static cs_status parse_json_file(const char *path, const char *why, cs_json **out, cs_error *err)
{
    char *text;
    size_t len;
    *out = NULL;
    cs_status st = csi_rep_read_all(path, why, CSI_REP_MAX_JSON, &text, &len, NULL, err);
    if (st != CS_OK) return st;
    cs_error e = {CS_OK, ""};
    st = cs_json_parse(text, len, out, &e);
    free(text);
    if (st != CS_OK) return cs_error_set(err, st, "%s: %s", path, e.msg);
    return CS_OK;
}

/* ------------------------------------------------------------------------------------------
 * Page parts
 * ---------------------------------------------------------------------------------------- */

static void page_head(report *r, const char *title)
{
    cs_text_buf *b = &r->out;
    cs_text_puts(b, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    csi_rep_hf(b, "<meta name=\"generator\" content=\"callsim %s\">\n", r->version);
    csi_rep_hf(b, "<title>%s: %s</title>\n", title, r->comparison ? "scenario comparison" : "simulation report");
    cs_text_puts(b, "<style>\n");
    cs_text_puts(b, csi_rep_css);
    cs_text_puts(b, "</style>\n</head>\n<body>\n<div class=\"page\">\n");
}

/* The names of the lines of the first scenario, for sentences ("999 and 101 calls"). */
static void lines_phrase(report *r, cs_text_buf *b)
{
    const cs_json *lines = r->sc[0].lines;
    size_t n = cs_json_size(lines);
    const char *names[16];
    if (n > 16) n = 16;
    for (size_t i = 0; i < n; i++) names[i] = cs_json_member_key(lines, i);
    csi_rep_name_list(b, names, n, "", "");
}

static void measured_phrase(report *r, cs_text_buf *b)
{
    double m = r->horizon - r->warmup;
    if (!isfinite(m) || m <= 0) {
        cs_text_puts(b, "The measured period is the simulated time after the warm-up.");
        return;
    }
    char len[48], start[48], warm[48];
    csi_rep_dur_words(len, sizeof len, m);
    if (r->measured_from && r->end) {
        if (isfinite(r->horizon_days) && isfinite(r->warmup_days))
            csi_rep_dur_words(len, sizeof len, (r->horizon_days - r->warmup_days) * 86400.0);
        char a[64], z[64];
        csi_rep_iso_words(a, sizeof a, r->measured_from);
        csi_rep_iso_words(z, sizeof z, r->end);
        csi_rep_hf(b, "The measured period is the %s from %s to %s (UK local time, with the clock "
              "changes)%s.", len, a, z, r->per_year ? ", one year, so counts are annual figures" : "");
        csi_rep_dur_words(warm, sizeof warm, r->warmup);
        if (r->warmup > 0)
            csi_rep_hf(b, " A warm-up of %s before it is not counted, so that queues have built up and "
                  "staff are busy when counting begins.", warm);
        return;
    }
    csi_rep_week_time_words(start, sizeof start, r->warmup);
    csi_rep_dur_words(warm, sizeof warm, r->warmup);
    if (r->warmup > 0)
        csi_rep_hf(b, "The measured period is the %s from %s. The simulation starts on Monday at 00:00 and runs "
              "a warm-up of %s first, which is not counted, so that queues have built up and staff are busy "
              "when counting begins, as in real life.", len, start, warm);
    else
        csi_rep_hf(b, "The measured period is the %s from Monday 00:00, with no warm-up.", len);
}

static void masthead(report *r)
{
    cs_text_buf *b = &r->out;
    const char *title = r->comparison ? NULL : r->sc[0].name;
    cs_text_puts(b, "<header class=\"masthead\">\n");
    if (r->comparison) {
        cs_text_puts(b, "<p class=\"kicker\">Control-room simulation &middot; scenario comparison</p>\n");
        csi_rep_hf(b, "<h1>%s compared with %d alternative%s</h1>\n", r->sc[0].name ? r->sc[0].name : "Base scenario",
           (int)(r->n_sc - 1), r->n_sc == 2 ? "" : "s");
    } else {
        if (r->whatif)
            csi_rep_hf(b, "<p class=\"kicker\">Control-room simulation &middot; %s</p>\n", csi_rep_whatif_kicker(r));
        else
            cs_text_puts(b, "<p class=\"kicker\">Control-room simulation report</p>\n");
        csi_rep_hf(b, "<h1>%s</h1>\n", title ? title : "Unnamed scenario");
    }
    csi_rep_hf(b, "<p class=\"meta\"><span>Generated %s</span><span>callsim %s</span><span>%s replications</span>"
          "<span>seed %s</span></p>\n</header>\n", r->generated, r->version, r->reps, r->seed);
}

static void about(report *r)
{
    cs_text_buf *b = &r->out;
    cs_text_puts(b, "<section class=\"about\" id=\"about\">\n<h2>What this is</h2>\n<p class=\"lead\">");
    if (r->comparison) {
        csi_rep_hf(b, "This report compares %d versions (scenarios) of a police control room taking ", (int)r->n_sc);
        lines_phrase(r, b);
        csi_rep_hf(b, " calls, using a computer simulation. The first, <b>%s</b>, is the base; each of the others "
              "changes part of it.</p>\n", r->sc[0].name ? r->sc[0].name : "base");
    } else if (r->national) {
        csi_rep_hf(b, "This report gives the results of a computer simulation of the control rooms of %d police "
                      "forces taking ", (int)cs_json_size(cs_json_get(r->summary, "forces")));
        lines_phrase(r, b);
        cs_text_puts(b, " calls. Its figures are the totals over all forces, except in the section "
                           "<a href=\"#forces\">Forces</a>, which gives each force.</p>\n");
    } else {
        cs_text_puts(b, "This report gives the results of a computer simulation of a police control room taking ");
        lines_phrase(r, b);
        cs_text_puts(b, " calls.</p>\n");
    }
    for (size_t i = 0; i < (r->comparison ? r->n_sc : 1); i++) {
        const char *d = csi_rep_jstr(r->sc[i].resolved, "description");
        if (!d || !*d) continue;
        if (i > 0 && csi_rep_jstreq(r->sc[0].resolved, "description", d)) continue; /* inherited through base: */
        cs_text_puts(b, "<p class=\"desc\">");
        if (r->comparison) csi_rep_hf(b, "<b>%s.</b> ", r->sc[i].name);
        csi_rep_hf(b, "%s</p>\n", d);
    }
    cs_text_puts(b, "<p>The simulation follows every call through a model of the lines, the staff on duty and the "
               "callers&rsquo; behaviour, set out under <a href=\"#assumptions\">Assumptions in words</a>: "
               "waiting, being answered, hanging up, trying again. ");
    if (r->comparison)
        csi_rep_hf(b, "Each scenario was played out %s times (replications), each time with a different random "
                   "pattern of calls; every scenario met the same patterns, so the differences shown come from the "
                   "changes and not from luck.</p>\n", r->reps);
    else
        csi_rep_hf(b, "It played out the same period %s times (replications), each time with a different random "
                   "pattern of calls.</p>\n", r->reps);
    cs_text_puts(b, "<p><b>Reading the figures.</b> Every figure is the average over the replications with its 95% "
               "confidence interval: &ldquo;12.3% (11.9% to 12.7%)&rdquo; means that the best estimate is 12.3% "
               "and that, under these assumptions, the long-run value very probably lies between 11.9% and "
               "12.7%. ");
    measured_phrase(r, b);
    cs_text_puts(b, "</p>\n<p>These are modelled figures, not measurements: they are as good as the assumptions, "
               "which are listed in full so that they can be checked and challenged.</p>\n");
    cs_text_puts(b, "<nav class=\"toc\"><b>Contents</b><ol><li><a href=\"#summary\">Summary</a></li>");
    if (r->whatif) csi_rep_hf(b, "<li><a href=\"#whatif\">The %s</a></li>", csi_rep_whatif_kicker(r));
    if (!r->comparison && cs_json_get(r->summary, "staffing"))
        cs_text_puts(b, "<li><a href=\"#staffing\">Staffing plan</a></li>");
    cs_text_puts(b, "<li><a href=\"#headline\">Headline results</a></li>"
               "<li><a href=\"#charts\">Charts</a></li><li><a href=\"#tables\">Full results</a></li>"
               "<li><a href=\"#assumptions\">Assumptions in words</a></li>"
               "<li><a href=\"#glossary\">Glossary of measures</a></li>"
               "<li><a href=\"#validation\">Appendix: validation</a></li>"
               "<li><a href=\"#appendix\">Appendix: scenario file");
    cs_text_puts(b, r->comparison ? "s" : "");
    cs_text_puts(b, " and run details</a></li></ol></nav>\n</section>\n");
}

/* ------------------------------------------------------------------------------------------
 * Appendix
 * ---------------------------------------------------------------------------------------- */

/* Scenario files of a comparison, sorted by their numeric prefix ("2-x" before "10-x"). */
static int natural_cmp(const void *pa, const void *pb)
{
    const char *a = *(const char *const *)pa, *b = *(const char *const *)pb;
    if (cs_text_is_digit((unsigned char)*a) && cs_text_is_digit((unsigned char)*b)) {
        char *ea, *eb;
        unsigned long long x = strtoull(a, &ea, 10), y = strtoull(b, &eb, 10);
        if (x != y) return x < y ? -1 : 1;
    }
    return strcmp(a, b);
}

static int yaml_name(const char *n)
{
    size_t l = strlen(n);
    if (n[0] == '.') return 0;
    return (l > 5 && strcmp(n + l - 5, ".yaml") == 0) || (l > 4 && strcmp(n + l - 4, ".yml") == 0);
}

static cs_status show_file(report *r, const char *rel, const char *heading, cs_error *err)
{
    cs_text_buf *b = &r->out;
    char *path = csi_rep_path_join(r->dir, rel);
    if (!path) return cs_error_set(err, CS_ENOMEM, "out of memory");
    char *text = NULL;
    size_t len = 0;
    cs_error e = {CS_OK, ""};
    int absent;
    cs_status st = csi_rep_read_all(path, NULL, CSI_REP_MAX_FILE, &text, &len, &absent, &e);
    free(path);
    csi_rep_hf(b, "<h3>%r</h3>\n", heading);
    if (absent) {
        csi_rep_hf(b, "<p class=\"note\">%s is not in this folder.</p>\n", rel);
        return CS_OK;
    }
    if (st != CS_OK) return cs_error_set(err, st, "%s", e.msg);
    cs_text_buf body = {0};
    size_t dropped = csi_rep_scenario_text(&body, text, len);
    free(text);
    if (body.oom) {
        cs_text_free(&body);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    if (dropped > 0)
        csi_rep_hf(b, "<p class=\"note\">The file as written, without its %d comment%s (the author&rsquo;s working "
                   "notes; comments starting with <code>#!</code> are published and shown).</p>\n", (int)dropped,
                   dropped == 1 ? "" : "s");
    cs_text_puts(b, "<pre class=\"file scenario\">");
    if (body.p) cs_text_puts(b, body.p);
    cs_text_puts(b, "</pre>\n");
    cs_text_free(&body);
    return CS_OK;
}

/* The data files the folder really holds, named in the appendix. */
static void data_files(report *r)
{
    static const char *const files[] = {"summary.json", "intervals.csv", "daily.csv", "calls.csv", "comparison.csv",
                                        "sweep.csv", "sensitivity.csv", "observed.csv", "observed_hours.csv",
                                        "forces.csv"};
    cs_text_buf *b = &r->out;
    cs_text_puts(b, "<dt>Data files</dt><dd>");
    int n = 0;
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
        char *p = csi_rep_path_join(r->dir, files[i]);
        struct stat sb;
        if (!p) b->oom = 1;   /* the page fails as a whole rather than leave a file out */
        if (p && stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) csi_rep_hf(b, "%r%s", n++ ? ", " : "", files[i]);
        free(p);
    }
    char *c = csi_rep_path_join(r->dir, "charts");
    struct stat sb;
    if (!c) b->oom = 1;
    if (c && stat(c, &sb) == 0 && S_ISDIR(sb.st_mode))
        csi_rep_hf(b, "%rcharts/ (PNG, SVG and PDF of every chart)", n++ ? ", " : "");
    free(c);
    cs_text_puts(b, n ? "</dd>\n</dl>\n" : "none besides this report</dd>\n</dl>\n");
}

/* What the figures come from, in one sentence: a run of the scenario file below, a replay of a
 * call log through it, the forces of a national file, a comparison, a what-if experiment. */
static void what_was_run(report *r)
{
    cs_text_buf *b = &r->out;
    cs_text_puts(b, "<dt>What was run</dt><dd>");
    if (r->comparison)
        csi_rep_hf(b, "%d scenarios, each the file below under its name, on the same random callers (common "
                   "random numbers)", (int)r->n_sc);
    else if (r->national)
        csi_rep_hf(b, "A national run: %d forces, each its own scenario, run together; the figures are the totals "
                   "of the forces replication by replication; the first force's file is below",
                   (int)cs_json_size(cs_json_get(r->summary, "forces")));
    else if (csi_rep_is_replay(r))
        cs_text_puts(b, "A replay: the control room of the scenario file below, driven by the arrivals of a call log "
                        "instead of the scenario's own demand; the log's recorded outcomes are the observed figures");
    else if (r->whatif)
        csi_rep_hf(b, "A %s around the scenario file below; the tables are for its reference run", csi_rep_whatif_kicker(r));
    else
        cs_text_puts(b, "The scenario file below, as it stands (changes made on the command line are listed at its "
                        "end)");
    cs_text_puts(b, "</dd>\n");
}

static cs_status appendix(report *r, cs_error *err)
{
    cs_text_buf *b = &r->out;
    cs_text_puts(b, "<section class=\"appendix\" id=\"appendix\">\n<h2>Appendix: scenario file");
    cs_text_puts(b, r->comparison ? "s" : "");
    cs_text_puts(b, " and run details</h2>\n<dl class=\"facts\">\n");
    if (r->comparison) {
        for (size_t s = 0; s < r->n_sc; s++)
            csi_rep_hf(b, "<dt>%s</dt><dd>%s</dd>\n", s == 0 ? "Base scenario" : "Variant",
               r->sc[s].name ? r->sc[s].name : "(unnamed)");
    } else {
        csi_rep_hf(b, "<dt>Scenario</dt><dd>%s</dd>\n", r->sc[0].name ? r->sc[0].name : "(unnamed)");
    }
    what_was_run(r);
    char t1[64], t2[64];
    csi_rep_dur_words(t1, sizeof t1, r->horizon);
    csi_rep_dur_words(t2, sizeof t2, r->warmup);
    csi_rep_hf(b, "<dt>Seed</dt><dd>%s</dd>\n<dt>Replications</dt><dd>%s</dd>\n", r->seed, r->reps);
    if (isfinite(r->horizon) && r->start) {
        char a[64];
        if (isfinite(r->horizon_days)) csi_rep_dur_words(t1, sizeof t1, r->horizon_days * 86400.0);
        csi_rep_iso_words(a, sizeof a, r->start);
        csi_rep_hf(b, "<dt>Simulated</dt><dd>%s from %s (UK local time), including a warm-up of %s</dd>\n", t1, a,
                   t2);
    } else if (isfinite(r->horizon)) {
        csi_rep_hf(b, "<dt>Simulated</dt><dd>%s, including a warm-up of %s</dd>\n", t1, t2);
    }
    csi_rep_hf(b, "<dt>callsim version</dt><dd>%s</dd>\n<dt>Generated</dt><dd>%s</dd>\n", r->version, r->generated);
    data_files(r);
    cs_text_puts(b, "<p>To reproduce these results, run callsim with the same version, scenario file");
    cs_text_puts(b, r->comparison ? "s" : "");
    cs_text_puts(b, " and seed. A scenario that starts with <code>base:</code> also needs the file it names.</p>\n");
    cs_status st = CS_OK;
    if (!r->comparison) {
        st = show_file(r, "scenario.yaml", "Scenario file (scenario.yaml)", err);
    } else {
        char *sdir = csi_rep_path_join(r->dir, "scenarios");
        if (!sdir) return cs_error_set(err, CS_ENOMEM, "out of memory");
        DIR *d = opendir(sdir);
        free(sdir);
        char **names = NULL;
        size_t n = 0, cap = 0;
        if (d) {
            struct dirent *e;
            while ((e = readdir(d)) != NULL) {
                if (!yaml_name(e->d_name)) continue;
                if (n == cap) {
                    cap = cap ? 2 * cap : 16;
                    char **nn = realloc(names, cap * sizeof *nn);
                    if (!nn) {
                        st = cs_error_set(err, CS_ENOMEM, "out of memory");
                        break;
                    }
                    names = nn;
                }
                if (!(names[n] = strdup(e->d_name))) {
                    st = cs_error_set(err, CS_ENOMEM, "out of memory");
                    break;
                }
                n++;
            }
            closedir(d);
        }
        if (st == CS_OK && n > 0) qsort(names, n, sizeof *names, natural_cmp);
        if (st == CS_OK && n == 0)
            cs_text_puts(b, "<p class=\"note\">The scenario files (scenarios/*.yaml) are not in this folder.</p>\n");
        for (size_t i = 0; i < n && st == CS_OK; i++) {
            /* "2-new_system.yaml" belongs to the scenario whose file was new_system.yaml. */
            const char *base = names[i];
            while (cs_text_is_digit((unsigned char)*base)) base++;
            base = (base > names[i] && *base == '-') ? base + 1 : names[i];
            const char *who = NULL;
            for (size_t s = 0; s < r->n_sc && !who; s++) {
                const char *f = r->sc[s].file;
                if (!f) continue;
                const char *slash = strrchr(f, '/');
                if (strcmp(slash ? slash + 1 : f, base) == 0) who = r->sc[s].name;
            }
            cs_text_buf h = {0};
            csi_rep_hf(&h, "scenarios/%s", names[i]);
            if (who) csi_rep_hf(&h, ": %s", who);
            char rel[600];
            snprintf(rel, sizeof rel, "scenarios/%s", names[i]);
            if (h.oom) st = cs_error_set(err, CS_ENOMEM, "out of memory");
            else st = show_file(r, rel, h.p, err);
            cs_text_free(&h);
        }
        for (size_t i = 0; i < n; i++) free(names[i]);
        free(names);
    }
    cs_text_puts(b, "</section>\n");
    return st;
}

/* ------------------------------------------------------------------------------------------
 * Reading the summary
 * ---------------------------------------------------------------------------------------- */

static cs_status load(report *r, cs_error *err)
{
    char *path = csi_rep_path_join(r->dir, "summary.json");
    if (!path) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_status st = parse_json_file(path, "; is this a results folder written by `callsim run --out` or "
                                   "`callsim compare --out`?", &r->summary, err);
    if (st != CS_OK) {
        free(path);
        return st;
    }
    const cs_json *S = r->summary;
    unsigned line, col;
    if (cs_json_type_of(S) != CS_JSON_OBJECT) {
        st = cs_error_set(err, CS_EINPUT, "%s: line 1, column 1: expected an object, as written by callsim", path);
        free(path);
        return st;
    }
    const cs_json *kind = cs_json_get(S, "kind");
    static const char *const whatif[] = {"sweep", "sensitivity", "calibration"};
    for (size_t i = 0; i < sizeof whatif / sizeof whatif[0]; i++)
        if (csi_rep_jstreq(S, "kind", whatif[i])) r->whatif = whatif[i];
    if (kind && !r->whatif && !csi_rep_jstreq(S, "kind", "run") && !csi_rep_jstreq(S, "kind", "comparison") &&
        !csi_rep_jstreq(S, "kind", "national")) {
        cs_json_position(kind, &line, &col);
        st = cs_error_set(err, CS_EINPUT, "%s: line %u, column %u: \"kind\" must be \"run\", \"comparison\" or "
                          "\"national\" (or \"sweep\", \"sensitivity\", \"calibration\")", path, line, col);
        free(path);
        return st;
    }
    r->comparison = csi_rep_jstreq(S, "kind", "comparison");
    r->national = csi_rep_jstreq(S, "kind", "national");
    const cs_json *v = cs_json_get(S, "callsim_version");
    snprintf(r->version, sizeof r->version, "%s", cs_json_string_value(v) ? cs_json_string_value(v) : "unknown");
    csi_rep_int_text(cs_json_get(S, "seed"), r->seed, sizeof r->seed);
    csi_rep_int_text(cs_json_get(S, "replications"), r->reps, sizeof r->reps);
    if (!r->comparison) {
        /* A national run is read as a run of its totals; the first force's resolved scenario
         * tells which rows mean something (forces of one national file share their shape). */
        const cs_json *top = r->national ? cs_json_get(S, "totals") : S;
        const cs_json *lines = cs_json_get(top, "lines");
        if (cs_json_type_of(lines) != CS_JSON_OBJECT || cs_json_size(lines) == 0) {
            cs_json_position(lines ? lines : S, &line, &col);
            st = cs_error_set(err, CS_EINPUT, "%s: line %u, column %u: a run summary needs a \"lines\" object "
                              "with the KPIs of each line", path, line, col);
            free(path);
            return st;
        }
        r->sc = calloc(1, sizeof *r->sc);
        if (!r->sc) {
            free(path);
            return cs_error_set(err, CS_ENOMEM, "out of memory");
        }
        r->n_sc = 1;
        r->sc[0].lines = lines;
        r->sc[0].pools = cs_json_get(top, "pools");
        r->sc[0].resolved = r->national ? cs_json_get(cs_json_member_value(cs_json_get(S, "forces"), 0), "resolved_scenario")
                                        : cs_json_get(S, "resolved_scenario");
        r->sc[0].name = csi_rep_jstr(S, "scenario") ? csi_rep_jstr(S, "scenario") : csi_rep_jstr(r->sc[0].resolved, "name");
        r->horizon = csi_rep_jnum(S, "horizon_s");
        r->warmup = csi_rep_jnum(S, "warmup_s");
        r->start = csi_rep_jstr(S, "start");
        r->measured_from = csi_rep_jstr(S, "measured_from");
        r->end = csi_rep_jstr(S, "end");
        r->per_year = csi_rep_jstreq(S, "counts_per", "year");
        r->horizon_days = csi_rep_jnum(S, "horizon_days");
        r->warmup_days = csi_rep_jnum(S, "warmup_days");
    } else {
        const cs_json *scs = cs_json_get(S, "scenarios");
        size_t n = cs_json_size(scs);
        if (cs_json_type_of(scs) != CS_JSON_ARRAY || n < 1) {
            cs_json_position(scs ? scs : S, &line, &col);
            st = cs_error_set(err, CS_EINPUT, "%s: line %u, column %u: a comparison summary needs a non-empty "
                              "\"scenarios\" array", path, line, col);
            free(path);
            return st;
        }
        r->sc = calloc(n, sizeof *r->sc);
        if (!r->sc) {
            free(path);
            return cs_error_set(err, CS_ENOMEM, "out of memory");
        }
        r->n_sc = n;
        const cs_json *res = cs_json_get(S, "resolved_scenarios");
        const cs_json *diffs = cs_json_get(S, "differences");
        for (size_t i = 0; i < n; i++) {
            const cs_json *e = cs_json_at(scs, i);
            if (cs_json_type_of(cs_json_get(e, "lines")) != CS_JSON_OBJECT) {
                cs_json_position(e, &line, &col);
                st = cs_error_set(err, CS_EINPUT, "%s: line %u, column %u: scenario %zu has no \"lines\" object",
                                  path, line, col, i + 1);
                free(path);
                return st;
            }
            scen *s = &r->sc[i];
            s->name = csi_rep_jstr(e, "name");
            s->file = csi_rep_jstr(e, "file");
            s->lines = cs_json_get(e, "lines");
            s->pools = cs_json_get(e, "pools");
            s->resolved = cs_json_at(res, i);
            if (s->resolved && s->name && !csi_rep_jstreq(s->resolved, "name", s->name)) {
                const cs_json *m = csi_rep_find_named(res, s->name);
                if (m) s->resolved = m;
            }
            if (i > 0) {
                const cs_json *d = cs_json_at(diffs, i - 1);
                if (!s->name || !csi_rep_jstreq(d, "scenario", s->name)) {
                    for (size_t k = 0; k < cs_json_size(diffs); k++)
                        if (s->name && csi_rep_jstreq(cs_json_at(diffs, k), "scenario", s->name))
                            d = cs_json_at(diffs, k);
                }
                s->diff = d;
            }
        }
        r->horizon = csi_rep_jnum(r->sc[0].resolved, "horizon_s");
        r->warmup = csi_rep_jnum(r->sc[0].resolved, "warmup_s");
    }
    if (!isfinite(r->warmup)) r->warmup = 0;
    st = csi_rep_check_summary(S, path, err);
    free(path);
    if (st != CS_OK) return st;

    /* The chart manifest is optional, but a broken one is an error: it was meant to be there. */
    path = csi_rep_path_join(r->dir, "charts/charts.json");
    if (!path) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_error e = {CS_OK, ""};
    st = parse_json_file(path, NULL, &r->manifest, &e);
    if (st == CS_EINPUT && !r->manifest && strstr(e.msg, ": not found")) st = CS_OK;
    else if (st != CS_OK) cs_error_set(err, st, "%s", e.msg);
    else if (cs_json_get(r->manifest, "charts") &&
             cs_json_type_of(cs_json_get(r->manifest, "charts")) != CS_JSON_ARRAY) {
        cs_json_position(cs_json_get(r->manifest, "charts"), &line, &col);
        st = cs_error_set(err, CS_EINPUT, "%s: line %u, column %u: \"charts\" must be an array", path, line, col);
    } else if (r->manifest) {
        st = csi_rep_check_manifest(r->manifest, path, err);
    }
    free(path);
    return st;
}

/* ------------------------------------------------------------------------------------------
 * Writing
 * ---------------------------------------------------------------------------------------- */

static cs_status write_atomic(const char *dir, const char *data, size_t len, cs_error *err)
{
    char *tmp = csi_rep_path_join(dir, ".report.html.XXXXXX");
    char *dst = csi_rep_path_join(dir, "report.html");
    if (!tmp || !dst) {
        free(tmp);
        free(dst);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    cs_status st = CS_OK;
    int fd = mkstemp(tmp);
    if (fd < 0) {
        st = cs_error_set(err, CS_EIO, "cannot write %s: %s", dst, strerror(errno));
        free(tmp);
        free(dst);
        return st;
    }
    (void)fchmod(fd, 0644); /* mkstemp makes it private; a report is for sharing */
    size_t off = 0;
    while (off < len) {
        ssize_t w = write(fd, data + off, len - off);
        if (w < 0) {
            if (errno == EINTR) continue;
            st = cs_error_set(err, CS_EIO, "cannot write %s: %s", dst, strerror(errno));
            break;
        }
        off += (size_t)w;
    }
    if (st == CS_OK && fsync(fd) != 0 && errno != EINVAL && errno != EROFS)
        st = cs_error_set(err, CS_EIO, "cannot write %s: %s", dst, strerror(errno));
    if (close(fd) != 0 && st == CS_OK) st = cs_error_set(err, CS_EIO, "cannot write %s: %s", dst, strerror(errno));
    if (st == CS_OK && rename(tmp, dst) != 0)
        st = cs_error_set(err, CS_EIO, "cannot write %s: %s", dst, strerror(errno));
    if (st != CS_OK) unlink(tmp);
    free(tmp);
    free(dst);
    return st;
}

static void footer(report *r)
{
    csi_rep_hf(&r->out, "<footer>Produced by callsim %s on %s from the results folder&rsquo;s summary.json. The "
               "figures are estimates from a simulation of the stated assumptions, not observations of a real "
               "control room.</footer>\n</div>\n</body>\n</html>\n", r->version, r->generated);
}

cs_status cs_report_write(const char *dir, const char *generated, cs_error *err)
{
    CS_REQUIRE(dir != NULL && generated != NULL);
    report r;
    memset(&r, 0, sizeof r);
    r.dir = dir;
    r.generated = generated;
    r.horizon = r.warmup = r.horizon_days = r.warmup_days = NAN;
    cs_status st = load(&r, err);
    if (st == CS_OK) {
        const char *title = r.sc[0].name ? r.sc[0].name : "Unnamed scenario";
        page_head(&r, title);
        masthead(&r);
        csi_rep_summary(&r);
        if (csi_rep_is_replay(&r)) st = csi_rep_replay_lead(&r, err);
        else about(&r);
        if (r.whatif) csi_rep_whatif(&r);
        if (st == CS_OK && !r.comparison) st = csi_rep_staffing(&r, err);   /* callsim staff's folder (report_staff.c) */
        if (st == CS_OK) csi_rep_headline(&r);
        if (st == CS_OK && r.national) csi_rep_national(&r);
        if (st == CS_OK) st = csi_rep_charts(&r, err);
    }
    if (st == CS_OK) {
        csi_rep_full_tables(&r);
        if (!csi_rep_assumptions(&r)) st = cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    if (st == CS_OK) {
        csi_rep_glossary(&r);
        csi_rep_validation(&r);
        st = appendix(&r, err);
    }
    if (st == CS_OK) {
        footer(&r);
        if (r.out.oom) st = cs_error_set(err, CS_ENOMEM, "out of memory while building the report");
    }
    if (st == CS_OK) st = write_atomic(dir, r.out.p, r.out.n, err);
    cs_text_free(&r.out);
    free(r.sc);
    cs_json_free(r.summary);
    cs_json_free(r.manifest);
    return st;
}
