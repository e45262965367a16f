/* Writing national results: see io/national_out.h. */
#include "io/national_out.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io/daily.h"
#include "io/results.h"
#include "io/scenario_json.h"

/* ------------------------------------------------------------------------------ table */

/* 12345678 -> "12,345,678" (rounded). */
static void fmt_count(char *buf, size_t n, double v)
{
    if (!isfinite(v)) {
        snprintf(buf, n, "-");
        return;
    }
    char digits[32];
    snprintf(digits, sizeof digits, "%.0f", fabs(v));
    size_t nd = strlen(digits), k = 0;
    char out[48];
    if (v < -0.5) out[k++] = '-';
    for (size_t i = 0; i < nd && k + 2 < sizeof out; i++) {
        if (i > 0 && (nd - i) % 3 == 0) out[k++] = ',';
        out[k++] = digits[i];
    }
    out[k] = '\0';
    snprintf(buf, n, "%s", out);
}

static void fmt_kpi(char *buf, size_t n, int k, double v)
{
    cs_kpi_fmt(buf, n, &cs_line_kpis[k], v, 0);   /* the catalogue's print rule */
}

/* The columns of the ranked table, per line. */
static const int rank_cols[] = {CS_LK_OFFERED, CS_LK_ABANDON_RATE, CS_LK_ANSWERED_WITHIN_SHARE, CS_LK_ASA};
static const char *const rank_heads[] = {"offered", "lost", "in target", "ASA"};
#define N_RANK_COLS 4
#define COLW 11

static void headline_row(FILE *f, const char *label, const cs_results *r, size_t l, int k, const char *note)
{
    double m, h;
    char a[40], b[40];
    cs_results_line(r, l, k, &m, &h);
    fmt_count(a, sizeof a, m);
    fmt_count(b, sizeof b, h);
    fprintf(f, "  %-44s %12s ± %-9s %s\n", label, a, b, note ? note : "");
}

/* For each line whose callers may give up and ring another (101 -> 999): the attempts lost,
 * the callers behind them, and what reached the other line.  Every figure is a KPI of the
 * totals, so a count over a one-year run is an annual figure with its CI. */
static void spill_headline(FILE *f, const cs_nat_results *r)
{
    const cs_scn *t = r->totals_scn;
    for (size_t l = 0; l < t->n_lines; l++) {
        int to = t->lines[l].spill.to_line;
        if (to < 0) continue;
        const char *ln = t->lines[l].name, *tn = t->lines[to].name;
        char lab[160], note[160];
        double share, h;
        fprintf(f, "\nLine %s across all forces, and what reached line %s (mean ± 95%% CI):\n", ln, tn);
        snprintf(lab, sizeof lab, "%s attempts abandoned or cut off", ln);
        headline_row(f, lab, r->totals, l, CS_LK_LOST, NULL);
        headline_row(f, "distinct callers behind them", r->totals, l, CS_LK_CALLERS_LOST,
                     "(callers lost at least once)");
        headline_row(f, "callers never reached on any line", r->totals, l, CS_LK_CALLERS_NEVER_REACHED, NULL);
        snprintf(lab, sizeof lab, "callers who then rang %s", tn);
        headline_row(f, lab, r->totals, l, CS_LK_SPILLED, NULL);
        snprintf(lab, sizeof lab, "of whom answered on %s", tn);
        headline_row(f, lab, r->totals, (size_t)to, CS_LK_FROM_101_ANSWERED, "(from any line)");
        cs_results_line(r->totals, (size_t)to, CS_LK_FROM_101_SHARE, &share, &h);
        snprintf(lab, sizeof lab, "extra %s callers from other lines", tn);
        snprintf(note, sizeof note, "(%.2f%% ± %.2f of %s callers)", 100 * share, 100 * h, tn);
        headline_row(f, lab, r->totals, (size_t)to, CS_LK_FROM_101, note);
    }
}

static cs_status table_end(FILE *f, cs_error *err)
{
    if (fflush(f) != 0 || ferror(f))
        return cs_error_set(err, CS_EIO, "cannot write the results table: %s", errno ? strerror(errno) : "write error");
    return CS_OK;
}

cs_status cs_nat_out_table(FILE *f, const cs_nat_results *r, cs_error *err)
{
    const cs_nat *n = r->nat;
    const cs_scn *t = r->totals_scn;
    fprintf(f, "National totals: %zu forces\n", n->n_forces);
    cs_status st = cs_out_table(f, r->totals, err);
    if (st != CS_OK) return st;
    fprintf(f, "\nTotals are summed over the forces within each replication (counts added, rates\n"
               "recomputed from the sums), so their confidence intervals are across replications.\n");
    spill_headline(f, r);
    if (n->n_forces == 0) return table_end(f, err);
    int rl = cs_scn_line_index(t, n->rank_line);
    size_t *order = malloc(n->n_forces * sizeof *order);
    if (!order) return cs_error_set(err, CS_ENOMEM, "out of memory");
    if (rl >= 0) cs_nat_rank(r, (size_t)rl, n->rank_kpi, order);
    else
        for (size_t i = 0; i < n->n_forces; i++) order[i] = i;
    size_t namew = 5;
    for (size_t i = 0; i < n->n_forces; i++)
        if (strlen(n->forces[i].name) > namew) namew = strlen(n->forces[i].name);
    if (namew > 40) namew = 40;
    if (rl >= 0)
        fprintf(f, "\nForces ranked by line %s %s (%s first); mean across replications, "
                   "\"lost\" = abandoned or cut off,\n\"in target\" = of the calls answered, the share answered within the line's target (as police.uk\npublishes 999 figures), "
                   "ASA = average speed of answer\n",
                n->rank_line, cs_line_kpis[n->rank_kpi].name,
                cs_nat_kpi_higher_better(n->rank_kpi) ? "lowest" : "highest");
    /* Line headings over their columns. */
    fprintf(f, "%4s  %-*s", "", (int)namew, "");
    for (size_t l = 0; l < t->n_lines; l++) {
        char h[80];
        snprintf(h, sizeof h, " line %s ", t->lines[l].name);
        int w = N_RANK_COLS * COLW, pad = w - (int)strlen(h);
        if (pad < 0) pad = 0;
        fprintf(f, " %.*s%s%.*s", pad / 2, "------------------------------------------------", h, pad - pad / 2,
                "------------------------------------------------");
    }
    fprintf(f, "\n%4s  %-*s", "rank", (int)namew, "force");
    for (size_t l = 0; l < t->n_lines; l++) {
        fprintf(f, " ");
        for (int c = 0; c < N_RANK_COLS; c++) fprintf(f, "%*s", COLW, rank_heads[c]);
    }
    fprintf(f, "\n");
    for (size_t i = 0; i < n->n_forces; i++) {
        size_t fi = order[i];
        fprintf(f, "%4zu  %-*.*s", i + 1, (int)namew, (int)namew, n->forces[fi].name);
        for (size_t l = 0; l < t->n_lines; l++) {
            int fl = cs_nat_force_line(r, fi, l);
            fprintf(f, " ");
            for (int c = 0; c < N_RANK_COLS; c++) {
                char v[32] = "";
                if (fl >= 0) {
                    double m, h;
                    cs_results_line(r->force[fi], (size_t)fl, rank_cols[c], &m, &h);
                    fmt_kpi(v, sizeof v, rank_cols[c], m);
                }
                fprintf(f, "%*s", COLW, v);
            }
        }
        fprintf(f, "\n");
    }
    fprintf(f, "%4s  %-*s", "", (int)namew, "total");
    for (size_t l = 0; l < t->n_lines; l++) {
        fprintf(f, " ");
        for (int c = 0; c < N_RANK_COLS; c++) {
            char v[32];
            double m, h;
            cs_results_line(r->totals, l, rank_cols[c], &m, &h);
            fmt_kpi(v, sizeof v, rank_cols[c], m);
            fprintf(f, "%*s", COLW, v);
        }
    }
    fprintf(f, "\n");
    free(order);
    return table_end(f, err);
}

/* ------------------------------------------------------------------------------ JSON */

void cs_nat_out_json_members(cs_json_writer *w, const cs_nat_results *r, int with_resolved)
{
    const cs_nat *n = r->nat;
    cs_json_kv_string(w, "kind", "national");
    cs_out_json_meta(w, r->totals);
    cs_json_kv_int(w, "n_forces", (long long)n->n_forces);
    cs_json_key(w, "rank_by");
    cs_json_begin_object(w);
    cs_json_kv_string(w, "line", n->rank_line);
    cs_json_kv_string(w, "kpi", cs_line_kpis[n->rank_kpi].name);
    cs_json_end_object(w);
    cs_json_key(w, "forces");
    cs_json_begin_object(w);
    for (size_t f = 0; f < n->n_forces; f++) {
        const cs_nat_force *F = &n->forces[f];
        cs_json_key(w, F->name);
        cs_json_begin_object(w);
        char seed[32];
        snprintf(seed, sizeof seed, "%llu", (unsigned long long)F->scn->seed);
        /* Force seeds are 64-bit hashes: as text, so no digit is lost. */
        cs_json_kv_string(w, "seed", seed);
        if (F->file) cs_json_kv_string(w, "file", F->file);
        cs_out_json_kpis(w, r->force[f]);
        if (with_resolved) {
            cs_json_key(w, "resolved_scenario");
            cs_scn_write_json(w, F->scn);
        }
        cs_json_end_object(w);
    }
    cs_json_end_object(w);
    cs_json_key(w, "totals");
    cs_json_begin_object(w);
    cs_out_json_kpis(w, r->totals);
    cs_json_end_object(w);
}

cs_status cs_nat_out_json(FILE *f, const cs_nat_results *r, cs_error *err)
{
    cs_json_writer *w = cs_json_writer_create_file(f, 2);
    if (!w) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_json_begin_object(w);
    cs_nat_out_json_members(w, r, 0);
    cs_json_end_object(w);
    cs_status st = cs_json_writer_finish(w, err);
    cs_json_writer_destroy(w);
    return st;
}

/* ------------------------------------------------------------------------------ CSV */

static void row(FILE *f, const char *force, const char *line, const char *when, const char *kpi, double m, double h)
{
    char a[40], b[40];
    cs_out_number(a, sizeof a, cs_kpi_data_value(m));   /* KPI values to 15 digits (models/kpi.h) */
    cs_out_number(b, sizeof b, cs_kpi_data_value(h));
    cs_out_csv_field(f, force);
    fputc(',', f);
    cs_out_csv_field(f, line);
    if (when) fprintf(f, ",%s", when);
    fprintf(f, ",%s,%s,%s\n", kpi, a, b);
}

static void forces_rows(FILE *f, const char *force, const cs_results *r)
{
    const cs_scn *s = r->scn;
    for (size_t l = 0; l < s->n_lines; l++)
        for (int k = 0; k < CS_LK_N; k++) {
            double m, h;
            cs_results_line(r, l, k, &m, &h);
            row(f, force, s->lines[l].name, NULL, cs_line_kpis[k].name, m, h);
        }
    for (size_t p = 0; p < s->n_pools; p++) {
        char ent[96];
        snprintf(ent, sizeof ent, "pool:%s", s->pools[p].name);
        for (int k = 0; k < CS_PK_N; k++) {
            double m, h;
            cs_results_pool(r, p, k, &m, &h);
            row(f, force, ent, NULL, cs_pool_kpis[k].name, m, h);
        }
    }
}

cs_status cs_nat_out_forces_csv(FILE *f, const cs_nat_results *r, cs_error *err)
{
    fprintf(f, "force,line,kpi,mean,ci95\n");
    for (size_t i = 0; i < r->nat->n_forces; i++) forces_rows(f, r->nat->forces[i].name, r->force[i]);
    forces_rows(f, "total", r->totals);
    if (ferror(f)) return cs_error_set(err, CS_EIO, "write error while writing forces.csv");
    return CS_OK;
}

static cs_status interval_rows(FILE *f, const char *force, const cs_results *r, int group, size_t *slots)
{
    const cs_scn *s = r->scn;
    const cs_repstats *r0 = &r->reps[0];
    char when[32];
    for (size_t base = 0; base < r0->n_slots; base += (size_t)group) {
        size_t n = 0;
        double measured = 0;
        for (size_t i = base; i < base + (size_t)group && i < r0->n_slots; i++) {
            slots[n++] = i;
            measured += r0->slot_time[i];
        }
        if (measured <= 0) continue;
        cs_out_week_time(when, sizeof when, (double)base * r0->interval);
        for (size_t l = 0; l < s->n_lines; l++)
            for (int k = 0; k < CS_IK_N; k++) {
                double m, h;
                cs_results_line_slots(r, l, slots, n, k, &m, &h);
                row(f, force, s->lines[l].name, when, cs_interval_kpis[k].name, m, h);
            }
        for (size_t p = 0; p < s->n_pools; p++) {
            char ent[96];
            snprintf(ent, sizeof ent, "pool:%s", s->pools[p].name);
            for (int k = 0; k < CS_IPK_N; k++) {
                double m, h;
                cs_results_pool_slots(r, p, slots, n, k, &m, &h);
                row(f, force, ent, when, cs_interval_pool_kpis[k].name, m, h);
            }
        }
    }
    return CS_OK;
}

cs_status cs_nat_out_intervals_csv(FILE *f, const cs_nat_results *r, int group, cs_error *err)
{
    if (r->n_reps == 0) return CS_OK;
    if (group < 1) group = 1;
    size_t *slots = malloc((size_t)group * sizeof *slots);
    if (!slots) return cs_error_set(err, CS_ENOMEM, "out of memory");
    fprintf(f, "force,line,interval_start,kpi,mean,ci95\n");
    for (size_t i = 0; i < r->nat->n_forces; i++) interval_rows(f, r->nat->forces[i].name, r->force[i], group, slots);
    interval_rows(f, "total", r->totals, group, slots);
    free(slots);
    if (ferror(f)) return cs_error_set(err, CS_EIO, "write error while writing intervals.csv");
    return CS_OK;
}

/* The rows io/daily.h writes for one set of results, each prefixed with the force: one writer
 * of daily rows, so a force's daily.csv and its rows here never disagree. */
static cs_status daily_rows(FILE *f, const char *force, const cs_results *r, int header, cs_error *err)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&buf, &len);
    if (!m) return cs_error_set(err, CS_ENOMEM, "out of memory");
    cs_status st = cs_out_daily_csv(m, r, err);
    if (fclose(m) != 0 && st == CS_OK) st = cs_error_set(err, CS_ENOMEM, "out of memory");
    if (st != CS_OK) {
        free(buf);
        return st;
    }
    char *p = buf, *end = buf + len;
    int first = 1;
    while (p < end) {
        char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        if (first) {
            if (header) {
                fputs("force,", f);
                fwrite(p, 1, n, f);
            }
            first = 0;
        } else {
            cs_out_csv_field(f, force);
            fputc(',', f);
            fwrite(p, 1, n, f);
        }
        p += n;
    }
    free(buf);
    return CS_OK;
}

cs_status cs_nat_out_daily_csv(FILE *f, const cs_nat_results *r, cs_error *err)
{
    cs_status st = CS_OK;
    for (size_t i = 0; st == CS_OK && i < r->nat->n_forces; i++)
        st = daily_rows(f, r->nat->forces[i].name, r->force[i], i == 0, err);
    if (st == CS_OK) st = daily_rows(f, "total", r->totals, r->nat->n_forces == 0, err);
    if (st == CS_OK && ferror(f)) st = cs_error_set(err, CS_EIO, "write error while writing daily.csv");
    return st;
}
