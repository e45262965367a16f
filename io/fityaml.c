#include "io/fityaml.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <yaml.h>

#include "io/units.h"

typedef struct em {
    yaml_emitter_t e;
    FILE *f;
    cs_status st;
    cs_error *err;
} em;

static int write_handler(void *data, unsigned char *buffer, size_t size)
{
    return fwrite(buffer, 1, size, (FILE *)data) == size;
}

static void emit(em *m, yaml_event_t *ev)
{
    if (m->st != CS_OK) {
        yaml_event_delete(ev);
        return;
    }
    /* The emitter frees the event whether or not it succeeds. */
    if (!yaml_emitter_emit(&m->e, ev)) {
        if (m->e.error == YAML_WRITER_ERROR)
            m->st = cs_error_set(m->err, CS_EIO, "cannot write the scenario: %s", errno ? strerror(errno) : "write error");
        else if (m->e.error == YAML_MEMORY_ERROR)
            m->st = cs_error_set(m->err, CS_ENOMEM, "out of memory");
        else
            m->st = cs_error_set(m->err, CS_EINTERNAL, "YAML emitter: %s", m->e.problem ? m->e.problem : "failed");
    }
}

/* Quotes what a name would look like in a message: bytes outside printable ASCII as \xNN. */
static void shown(char *buf, size_t n, const char *s)
{
    size_t o = 0;
    for (; *s && o + 5 < n; s++) {
        unsigned char c = (unsigned char)*s;
        if (c < 0x20 || c >= 0x7f) o += (size_t)snprintf(buf + o, n - o, "\\x%02x", c);
        else buf[o++] = (char)c;
    }
    buf[o] = 0;
}

static void scalar(em *m, const char *s, yaml_scalar_style_t style)
{
    if (m->st != CS_OK) return;
    yaml_event_t ev;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)s, (int)strlen(s), 1, 1, style)) {
        /* libyaml refuses text that is not UTF-8 (YAML must be); anything else is memory. */
        char q[200];
        shown(q, sizeof q, s);
        m->st = cs_error_set(m->err, CS_EINPUT,
                             "'%s' is not valid UTF-8 text, so it cannot be written as YAML; convert the log to UTF-8", q);
        return;
    }
    emit(m, &ev);
}

static void plain(em *m, const char *s) { scalar(m, s, YAML_PLAIN_SCALAR_STYLE); }
/* User text (names, description): always double-quoted, so that "101" stays a string and no
 * name can be read as YAML syntax. */
static void text(em *m, const char *s) { scalar(m, s, YAML_DOUBLE_QUOTED_SCALAR_STYLE); }

static void map_start(em *m, int flow)
{
    if (m->st != CS_OK) return;
    yaml_event_t ev;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1, flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
    emit(m, &ev);
}

static void map_end(em *m)
{
    if (m->st != CS_OK) return;
    yaml_event_t ev;
    yaml_mapping_end_event_initialize(&ev);
    emit(m, &ev);
}

static void seq_start(em *m, int flow)
{
    if (m->st != CS_OK) return;
    yaml_event_t ev;
    yaml_sequence_start_event_initialize(&ev, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
    emit(m, &ev);
}

static void seq_end(em *m)
{
    if (m->st != CS_OK) return;
    yaml_event_t ev;
    yaml_sequence_end_event_initialize(&ev);
    emit(m, &ev);
}

/* A plain decimal with about 6 significant digits and no exponent (the loader reads no
 * exponents): 1234567 -> "1234567", 0.000123456 -> "0.000123456". */
static void number(char *buf, size_t n, double x)
{
    if (!isfinite(x) || fabs(x) < 1e-12) {
        snprintf(buf, n, "0");
        return;
    }
    int dec = 5 - (int)floor(log10(fabs(x)));
    if (dec < 0) dec = 0;
    if (dec > 15) dec = 15;
    snprintf(buf, n, "%.*f", dec, x);
    if (strchr(buf, '.')) {
        size_t l = strlen(buf);
        while (l > 0 && buf[l - 1] == '0') buf[--l] = 0;
        if (l > 0 && buf[l - 1] == '.') buf[--l] = 0;
    }
    if (strcmp(buf, "-0") == 0) snprintf(buf, n, "0");
}

static void kv_number(em *m, const char *k, double x)
{
    char b[64];
    number(b, sizeof b, x);
    plain(m, k);
    plain(m, b);
}

static void kv_duration(em *m, const char *k, double s)
{
    char b[64];
    cs_units_format_duration(s, b, sizeof b);
    plain(m, k);
    plain(m, b);
}

static void dist(em *m, const cs_fit_result *r)
{
    map_start(m, 1);
    plain(m, "dist");
    plain(m, cs_fit_family_name(r->family));
    switch (r->family) {
    case CS_FIT_EXPONENTIAL:
        kv_duration(m, "mean", r->par[0].est);
        break;
    case CS_FIT_LOGNORMAL:
        kv_duration(m, "mean", r->mean.est);
        kv_duration(m, "sd", r->sd.est);
        break;
    case CS_FIT_GAMMA:
    case CS_FIT_WEIBULL:
        kv_number(m, "shape", r->par[0].est);
        kv_duration(m, "scale", r->par[1].est);
        break;
    }
    map_end(m);
}

static void kv_share(em *m, const char *k, double p)
{
    char b[64];
    number(b, sizeof b, 100.0 * (p > 0 ? p : 0));
    strcat(b, "%");
    plain(m, k);
    plain(m, b);
}

static void tod_text(char *b, size_t n, double s)
{
    long t = (long)llround(s);
    snprintf(b, n, "%02ld:%02ld", (t / 3600) % 100, (t / 60) % 60);
}

/* The fit of `bands` covering [a, b), or NULL. */
static const cs_fit_result *band_fit(const cs_fitband_durations *bands, double a, double b)
{
    if (!bands || !bands->test.use_bands) return NULL;
    for (size_t i = 0; i < bands->test.n_bands; i++)
        if (bands->from[i] <= a && b <= bands->to[i]) return bands->fit[i].ok ? &bands->fit[i] : NULL;
    return NULL;
}

static int share_band(const cs_fitband_shares *sh, double a, double b, double *ab, double *de)
{
    if (!sh || !sh->test.use_bands) return 0;
    for (size_t i = 0; i < sh->test.n_bands; i++)
        if (sh->from[i] <= a && b <= sh->to[i]) {
            *ab = sh->p[i][0];
            *de = sh->p[i][1];
            return 1;
        }
    return 0;
}

/* by_time_of_day: the cut points of every banded quantity, one band per piece between them,
 * each with the parts that have bands. */
static void time_bands(em *m, const cs_fityaml_line *l)
{
    double cut[3 * CS_FITBAND_MAX + 2];
    size_t nc = 0;
    const cs_fitband_durations *d[2] = {l->handle_bands, l->patience_bands};
    for (int k = 0; k < 2; k++)
        if (d[k] && d[k]->test.use_bands)
            for (size_t i = 0; i < d[k]->test.n_bands; i++) cut[nc++] = d[k]->from[i];
    if (l->ivr && l->ivr_bands && l->ivr_bands->test.use_bands)
        for (size_t i = 0; i < l->ivr_bands->test.n_bands; i++) cut[nc++] = l->ivr_bands->from[i];
    if (nc == 0) return;
    cut[nc++] = 86400;
    /* Sort and remove duplicates (a few dozen values). */
    for (size_t i = 1; i < nc; i++)
        for (size_t j = i; j > 0 && cut[j - 1] > cut[j]; j--) {
            double t = cut[j];
            cut[j] = cut[j - 1];
            cut[j - 1] = t;
        }
    size_t u = 0;
    for (size_t i = 0; i < nc; i++)
        if (u == 0 || cut[i] != cut[u - 1]) cut[u++] = cut[i];
    plain(m, "by_time_of_day");
    seq_start(m, 0);
    for (size_t i = 0; i + 1 < u; i++) {
        double a = cut[i], b = cut[i + 1];
        const cs_fit_result *h = band_fit(l->handle_bands, a, b), *p = band_fit(l->patience_bands, a, b);
        double ab = 0, de = 0;
        int iv = l->ivr && share_band(l->ivr_bands, a, b, &ab, &de);
        if (!h && !p && !iv) continue;
        char f[16], t[16];
        tod_text(f, sizeof f, a);
        tod_text(t, sizeof t, b);
        map_start(m, 1);
        plain(m, "from");
        text(m, f);
        plain(m, "to");
        text(m, t);
        if (h) {
            plain(m, "handle");
            dist(m, h);
        }
        if (p) {
            plain(m, "patience");
            dist(m, p);
        }
        if (iv) {
            plain(m, "ivr");
            map_start(m, 1);
            kv_share(m, "abandon", ab);
            kv_share(m, "deflect", de);
            map_end(m);
        }
        map_end(m);
    }
    seq_end(m);
}

/* A comment line: control characters (a line break would end the comment and let the rest
 * be read as YAML) become '?'. */
static void comment(FILE *f, const char *fmt, const char *a)
{
    char safe[512];
    size_t i = 0;
    for (; a[i] && i < sizeof safe - 1; i++) {
        unsigned char c = (unsigned char)a[i];
        safe[i] = (c < 0x20 || c == 0x7f) ? '?' : (char)c;
    }
    safe[i] = 0;
    fprintf(f, fmt, safe);
}

static void header(FILE *f, const cs_fityaml_scenario *s)
{
    comment(f, "# Fitted by callsim fit from %s", s->source);
    fprintf(f, " (%ld rows; %.0f days).\n", s->rows, s->days);
    if (s->on_duty)
        comment(f, "# Handlers on duty by date and time come from the log's agent column (%s);\n", s->on_duty);
    else
        fprintf(f, "# Demand, handle time and patience come from the log; staffing does not (no agent column):\n"
                   "# THE POOL IS A PLACEHOLDER. Replace it with the real roster before using this for planning.\n");
    for (size_t i = 0; i < s->n_notes; i++) comment(f, "# %s\n", s->notes[i]);
    for (size_t i = 0; i < s->n_lines; i++) {
        const cs_fityaml_line *l = &s->lines[i];
        comment(f, "# Line \"%s\":", l->name);
        if (l->cv_ok)
            fprintf(f, " overdispersion %.4g (95%% CI %.3g to %.3g);", l->cv, l->cv_lo, l->cv_hi);
        const cs_fit_result *h = l->handle;
        fprintf(f, " handle %s (lowest AIC keeping the calls' mean), mean %.1f s (95%% CI %.1f to %.1f)", cs_fit_family_name(h->family),
                h->mean.est, h->mean.lo, h->mean.hi);
        const cs_fit_result *p = l->patience;
        if (p)
            fprintf(f, "; patience %s (censored MLE), mean %.1f s (95%% CI %.1f to %.1f).\n",
                    cs_fit_family_name(p->family), p->mean.est, p->mean.lo, p->mean.hi);
        else
            fprintf(f, "; patience never (no abandonments observed).\n");
        for (size_t k = 0; k < l->n_notes; k++) comment(f, "#   %s\n", l->notes[k]);
    }
    if (!s->on_duty)
        fprintf(f, "# The pool is a placeholder: Erlang A staffing for 80%% in 20 s at each line's peak hour.\n");
}

static void line(em *m, const cs_fityaml_line *l)
{
    map_start(m, 0);
    plain(m, "name");
    text(m, l->name);
    if (l->priority) {
        char pr[16];
        snprintf(pr, sizeof pr, "%d", l->priority);
        plain(m, "priority");
        plain(m, pr);
    }
    plain(m, "arrivals");
    map_start(m, 0);
    kv_number(m, "per_week", l->per_week);
    plain(m, "profile");
    map_start(m, 0);
    plain(m, "week");
    seq_start(m, 1);
    for (size_t s = 0; s < l->n_slots; s++) {
        char b[64];
        number(b, sizeof b, isfinite(l->profile[s]) ? l->profile[s] : 0.0);
        plain(m, b);
    }
    seq_end(m);
    map_end(m);
    if (l->cv_ok && l->cv > 0) kv_number(m, "overdispersion", l->cv);
    map_end(m);
    if (l->ivr) {
        /* The log's arrival is when the call reached the force's queue or menu; time spent in
         * the menu before it is not in the data, so the IVR takes no time here. */
        plain(m, "ivr");
        map_start(m, 1);
        plain(m, "time");
        plain(m, "0s");
        kv_share(m, "abandon", l->ivr_abandon);
        kv_share(m, "deflect", l->ivr_deflect);
        map_end(m);
    }
    plain(m, "handle");
    dist(m, l->handle);
    if (l->wrap && l->n_wrap > 0) {
        size_t same = 1;
        for (size_t i = 1; i < l->n_wrap; i++) same += l->wrap[i] == l->wrap[0];
        plain(m, "wrap");
        if (same == l->n_wrap) {
            char b[40];
            number(b, sizeof b, l->wrap[0]);
            strncat(b, "s", sizeof b - strlen(b) - 1);
            plain(m, b);
        } else {
            map_start(m, 1);
            plain(m, "dist");
            plain(m, "empirical");
            plain(m, "samples");
            seq_start(m, 1);
            for (size_t i = 0; i < l->n_wrap; i++) {
                char b[40];
                number(b, sizeof b, l->wrap[i]);
                strncat(b, "s", sizeof b - strlen(b) - 1);
                plain(m, b);
            }
            seq_end(m);
            map_end(m);
        }
    }
    plain(m, "patience");
    if (l->patience) dist(m, l->patience);
    else plain(m, "never");
    if (l->redial && l->redial_prob > 0) {
        double s2 = l->redial_sigma * l->redial_sigma;
        double mean = exp(l->redial_mu + s2 / 2), sd = mean * sqrt(expm1(s2));
        plain(m, "redial");
        map_start(m, 1);
        kv_share(m, "probability", l->redial_prob);
        plain(m, "delay");
        map_start(m, 1);
        plain(m, "dist");
        plain(m, "lognormal");
        kv_duration(m, "mean", mean);
        kv_duration(m, "sd", sd);
        map_end(m);
        char mx[16];
        snprintf(mx, sizeof mx, "%d", l->redial_max > 0 ? l->redial_max : 1);
        plain(m, "max_attempts");
        plain(m, mx);
        map_end(m);
    }
    time_bands(m, l);
    /* The placeholder pool has no roster, so the loader must not ask for one. */
    plain(m, "allow_unstaffed");
    plain(m, "true");
    map_end(m);
}

cs_status cs_fityaml_check_name(const char *name, size_t max, cs_error *err)
{
    size_t n = strlen(name);
    if (n == 0) return cs_error_set(err, CS_EINPUT, "--name is empty");
    if (n > max) return cs_error_set(err, CS_EINPUT, "--name is too long (%zu bytes; at most %zu)", n, max);
    /* The emitter's own rule, so that a name accepted here is one it will write. */
    yaml_event_t ev;
    if (!yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)(uintptr_t)name, (int)n, 1, 1,
                                      YAML_DOUBLE_QUOTED_SCALAR_STYLE)) {
        char q[200];
        shown(q, sizeof q, name);
        return cs_error_set(err, CS_EINPUT, "--name '%s' is not valid UTF-8 text", q);
    }
    yaml_event_delete(&ev);
    return CS_OK;
}

cs_status cs_fityaml_write(FILE *f, const cs_fityaml_scenario *s, cs_error *err)
{
    em m;
    memset(&m, 0, sizeof m);
    m.f = f;
    m.err = err;
    if (!yaml_emitter_initialize(&m.e)) return cs_error_set(err, CS_ENOMEM, "out of memory");
    yaml_emitter_set_output(&m.e, write_handler, f);
    yaml_emitter_set_unicode(&m.e, 1);
    yaml_emitter_set_width(&m.e, 96);
    yaml_emitter_set_indent(&m.e, 2);
    errno = 0;
    header(f, s);

    yaml_event_t ev;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    emit(&m, &ev);
    if (m.st == CS_OK) {
        yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
        emit(&m, &ev);
    }
    map_start(&m, 0);
    plain(&m, "name");
    text(&m, s->name);
    char desc[1024];
    if (s->on_duty)
        snprintf(desc, sizeof desc,
                 "Fitted by callsim fit from %.400s (%ld rows, %.0f days). Demand, handle time, patience and the "
                 "handlers on duty each day come from the log; the service-level target does not.",
                 s->source, s->rows, s->days);
    else
        snprintf(desc, sizeof desc,
                 "Fitted by callsim fit from %.400s (%ld rows, %.0f days). Demand, handle time and patience come "
                 "from the log; targets and staffing do not: the pool is a placeholder, to be replaced by the real "
                 "roster before this is used for planning.",
                 s->source, s->rows, s->days);
    plain(&m, "description");
    text(&m, desc);
    if (s->start) {
        /* The log's own days: a run covers them and nothing else. */
        plain(&m, "start");
        plain(&m, s->start);
        char hz[32];
        snprintf(hz, sizeof hz, "%.0fd", s->horizon_days);
        plain(&m, "horizon");
        plain(&m, hz);
        plain(&m, "warmup");
        plain(&m, "0d");
        /* The profile is the log's own weekdays, holidays included: no UK holiday rules on top. */
        plain(&m, "bank_holidays");
        plain(&m, "off");
    } else {
        plain(&m, "horizon");
        plain(&m, "8d");
        plain(&m, "warmup");
        plain(&m, "1d");
    }
    plain(&m, "replications");
    plain(&m, "20");
    plain(&m, "seed");
    plain(&m, "1");
    plain(&m, "lines");
    seq_start(&m, 0);
    for (size_t i = 0; i < s->n_lines; i++) line(&m, &s->lines[i]);
    seq_end(&m);
    plain(&m, "pools");
    seq_start(&m, 0);
    map_start(&m, 0);
    plain(&m, "name");
    text(&m, "handlers");
    plain(&m, "lines");
    seq_start(&m, 1);
    for (size_t i = 0; i < s->n_lines; i++) text(&m, s->lines[i].name);
    seq_end(&m);
    if (s->pick_weights) {
        plain(&m, "pick");
        plain(&m, "weighted");
        plain(&m, "weights");
        map_start(&m, 1);
        for (size_t i = 0; i < s->n_lines; i++) {
            char b[40];
            text(&m, s->lines[i].name);
            number(b, sizeof b, s->pick_weights[i]);
            plain(&m, b);
        }
        map_end(&m);
    }
    if (s->on_duty) {
        plain(&m, "on_duty");
        text(&m, s->on_duty);
    } else {
        char staff[32];
        snprintf(staff, sizeof staff, "%d", s->staff);
        plain(&m, "staff");
        plain(&m, staff);
        /* replay and run warn when a placeholder pool is used. */
        plain(&m, "placeholder");
        plain(&m, "true");
    }
    map_end(&m);
    seq_end(&m);
    map_end(&m);
    if (m.st == CS_OK) {
        yaml_document_end_event_initialize(&ev, 1);
        emit(&m, &ev);
    }
    if (m.st == CS_OK) {
        yaml_stream_end_event_initialize(&ev);
        emit(&m, &ev);
    }
    if (m.st == CS_OK && !yaml_emitter_flush(&m.e))
        m.st = cs_error_set(err, CS_EIO, "cannot write the scenario: %s", errno ? strerror(errno) : "write error");
    yaml_emitter_delete(&m.e);
    if (m.st == CS_OK && (fflush(f) != 0 || ferror(f)))
        m.st = cs_error_set(err, CS_EIO, "cannot write the scenario: %s", errno ? strerror(errno) : "write error");
    return m.st;
}
