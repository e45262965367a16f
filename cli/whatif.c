#include "cli/whatif.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "io/override.h"
#include "io/scenario.h"

#ifndef CS_VERSION
#define CS_VERSION "0.0.0"
#endif

int cs_whatif_add(cs_whatif *w, const char *arg, int allow_bare, const char **spec)
{
    size_t i = w->n_inputs;
    if (i >= CS_WHATIF_MAX_INPUTS) {
        fprintf(stderr, "callsim %s: at most %d %s inputs\n", w->cmd, CS_WHATIF_MAX_INPUTS, w->flag);
        return CS_EXIT_INPUT;
    }
    cs_ovpath p;
    cs_error err = {CS_OK, ""};
    const char *value = NULL;
    cs_status st = cs_ovpath_parse(arg, &p, &value, &err);
    if (st == CS_OK && !value && !allow_bare)
        st = cs_error_set(&err, CS_EINPUT, "expected PATH=VALUES after %s, such as "
                          "lines.101.spillover.share=0%%..15%%/2.5%%", w->flag);
    if (st == CS_OK && p.n == 1 && (strcmp(p.seg[0].name, "seed") == 0 || strcmp(p.seg[0].name, "replications") == 0))
        st = cs_error_set(&err, CS_EINPUT, "'%s' is how the experiment runs, not an input of the model; use --%s",
                          p.seg[0].name, p.seg[0].name[0] == 's' ? "seed" : "reps");
    if (st == CS_OK) {
        cs_ovpath_format(&p, p.n, w->path[i], sizeof w->path[i]);
        for (size_t j = 0; j < i; j++)
            if (strcmp(w->path[j], w->path[i]) == 0)
                st = cs_error_set(&err, CS_EINPUT, "'%s' is already given by %s #%zu", w->path[i], w->flag, j + 1);
    }
    cs_ovpath_free(&p);
    if (st != CS_OK) {
        fprintf(stderr, "callsim %s: %s #%zu '%s': %s\n", w->cmd, w->flag, i + 1, arg, err.msg);
        return st == CS_ENOMEM ? CS_EXIT_FAIL : CS_EXIT_INPUT;
    }
    w->arg[i] = arg;
    w->in[i].path = w->path[i];
    w->in[i].unit = "";
    w->n_inputs++;
    *spec = value;
    return 0;
}

/* The changes for one scenario: the user's --set first, then the experiment's values. */
cs_status cs_whatif_build(void *ud, const cs_exp_setting *set, size_t n, cs_scn **out, cs_error *err)
{
    cs_whatif *w = ud;
    *out = NULL;
    size_t total = w->n_sets + n;
    cs_scn_set *ss = calloc(total ? total : 1, sizeof *ss);
    char (*labels)[32] = calloc(total ? total : 1, sizeof *labels);
    char (*texts)[512] = calloc(n ? n : 1, sizeof *texts);
    if (!ss || !labels || !texts) {
        free(ss);
        free(labels);
        free(texts);
        return cs_error_set(err, CS_ENOMEM, "out of memory");
    }
    for (size_t i = 0; i < w->n_sets; i++) {
        snprintf(labels[i], sizeof labels[i], "--set #%zu", i + 1);
        ss[i] = (cs_scn_set){labels[i], w->sets[i], NULL, 0, 0, 0};
    }
    for (size_t j = 0; j < n; j++) {
        size_t i = set[j].input;
        char val[128];
        const char *v = set[j].text;
        if (!v) {
            cs_valrange_format(&w->unit[i], set[j].x, val, sizeof val);
            v = val;
        }
        snprintf(texts[j], sizeof texts[j], "%s=%s", w->path[i], v);
        snprintf(labels[w->n_sets + j], sizeof labels[w->n_sets + j], "%s #%zu", w->flag, i + 1);
        ss[w->n_sets + j] = (cs_scn_set){labels[w->n_sets + j], texts[j], NULL, 0, 0, 0};
    }
    cs_diags diags = {0};
    cs_status st = cs_scn_load_set(w->scenario, ss, total, out, &diags);
    if (st != CS_OK) {
        char buf[1024];
        for (size_t i = 0; i < diags.n; i++) {
            cs_diag_format(&diags.items[i], buf, sizeof buf);
            fprintf(stderr, "%s\n", buf);
        }
        if (st == CS_EIO) st = CS_EINPUT;   /* the file was readable a moment ago: say so as input */
        if (n == 0)
            cs_error_set(err, st, "%zu problem%s in %s; nothing was run", diags.n, diags.n == 1 ? "" : "s",
                         w->scenario);
        else
            cs_error_set(err, st, "the scenario cannot be built with %s values tried (%zu problem%s above); "
                         "nothing was run", w->flag, diags.n, diags.n == 1 ? "" : "s");
    }
    cs_diags_free(&diags);
    free(ss);
    free(labels);
    free(texts);
    return st;
}

int cs_whatif_current(cs_whatif *w, size_t i, char *buf, size_t n)
{
    size_t total = w->n_sets + 1;
    cs_scn_set *ss = calloc(total, sizeof *ss);
    if (!ss) return CS_EXIT_FAIL;
    char labels[CS_CLI_MAX_SETS][32];
    for (size_t k = 0; k < w->n_sets; k++) {
        snprintf(labels[k], sizeof labels[k], "--set #%zu", k + 1);
        ss[k] = (cs_scn_set){labels[k], w->sets[k], NULL, 0, 0, 0};
    }
    char lab[32];
    snprintf(lab, sizeof lab, "%s #%zu", w->flag, i + 1);
    ss[w->n_sets] = (cs_scn_set){lab, w->path[i], buf, n, 0, 0};
    cs_diags diags = {0};
    cs_scn *s = NULL;
    cs_status st = cs_scn_load_set(w->scenario, ss, total, &s, &diags);
    cs_scn_free(s);
    int code = 0;
    if (st != CS_OK) {
        char line[1024];
        for (size_t k = 0; k < diags.n; k++) {
            cs_diag_format(&diags.items[k], line, sizeof line);
            fprintf(stderr, "%s\n", line);
        }
        code = st == CS_ENOMEM ? CS_EXIT_FAIL : CS_EXIT_INPUT;
    }
    cs_diags_free(&diags);
    free(ss);
    return code;
}

void cs_whatif_fmt(char *buf, size_t n, const char *unit, double v, double ci, int diff)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "-");
        return;
    }
    int has = isfinite(ci);
    if (strcmp(unit, "share") == 0) {
        if (diff) snprintf(buf, n, has ? "%+.2f ±%.2f pts" : "%+.2f pts", 100 * v, 100 * ci);
        else snprintf(buf, n, has ? "%.2f%% ±%.2f" : "%.2f%%", 100 * v, 100 * ci);
    } else if (strcmp(unit, "s") == 0) {
        snprintf(buf, n, has ? (diff ? "%+.1f ±%.1f s" : "%.1f s ±%.1f") : (diff ? "%+.1f s" : "%.1f s"), v, ci);
    } else if (fabs(v) >= 100) {
        snprintf(buf, n, has ? (diff ? "%+.0f ±%.0f" : "%.0f ±%.0f") : (diff ? "%+.0f" : "%.0f"), v, ci);
    } else {
        snprintf(buf, n, has ? (diff ? "%+.2f ±%.2f" : "%.2f ±%.2f") : (diff ? "%+.2f" : "%.2f"), v, ci);
    }
}

int cs_whatif_kpis(const char *cmd, const cs_scn *scn, const char *const *text, size_t n_text, cs_exp_kpi *out,
                   size_t max, size_t *n)
{
    *n = 0;
    cs_error err = {CS_OK, ""};
    for (size_t i = 0; i < n_text; i++) {
        if (*n >= max) break;
        if (cs_exp_kpi_parse(scn, text[i], &out[*n], &err) != CS_OK) {
            fprintf(stderr, "callsim %s: --kpi #%zu: %s\n", cmd, i + 1, err.msg);
            return CS_EXIT_INPUT;
        }
        (*n)++;
    }
    if (n_text > 0) return 0;
    for (size_t l = 0; l < scn->n_lines; l++)
        for (size_t h = 0; h < CS_EXP_N_HEADLINE && *n < max; h++) {
            cs_exp_kpi *k = &out[(*n)++];
            memset(k, 0, sizeof *k);
            k->entity = l;
            k->kpi = cs_exp_headline[h];
            snprintf(k->name, sizeof k->name, "%s", scn->lines[l].name);
        }
    return 0;
}

void cs_whatif_json_meta(cs_json_writer *w, const char *kind, const cs_scn *s)
{
    cs_json_kv_string(w, "kind", kind);
    cs_json_kv_string(w, "callsim_version", CS_VERSION);
    cs_json_kv_string(w, "scenario", s->name);
    if (s->seed < (1ULL << 53)) {
        cs_json_kv_int(w, "seed", (long long)s->seed);
    } else {
        char seed[32];
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)s->seed);
        cs_json_kv_string(w, "seed", seed);
    }
    cs_json_kv_int(w, "replications", s->replications);
    cs_json_kv_number(w, "horizon_s", s->horizon);
    cs_json_kv_number(w, "warmup_s", s->warmup);
}

void cs_whatif_json_sets(cs_json_writer *w, const cs_whatif *x)
{
    cs_json_key(w, "set");
    cs_json_begin_array(w);
    for (size_t i = 0; i < x->n_sets; i++) cs_json_string(w, x->sets[i]);
    cs_json_end_array(w);
}
