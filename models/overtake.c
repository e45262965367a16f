#include "models/overtake.h"

#include <stdlib.h>
#include <string.h>

typedef struct oc {
    double arrival, answer;
    int line;
} oc;

static int cmp_oc(const void *pa, const void *pb)
{
    const oc *x = pa, *y = pb;
    if (x->arrival != y->arrival) return x->arrival < y->arrival ? -1 : 1;
    if (x->answer != y->answer) return x->answer < y->answer ? -1 : 1;
    return (x->line > y->line) - (x->line < y->line);
}

cs_status cs_overtake_rank(const double *arrival, const double *answer, const int *line, size_t n, size_t n_lines,
                           cs_overtake *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    if (n_lines > CS_OVERTAKE_MAX_LINES)
        return cs_error_set(err, CS_EINPUT, "at most %d lines can be ranked", CS_OVERTAKE_MAX_LINES);
    out->n_lines = n_lines;
    oc *v = malloc((n ? n : 1) * sizeof *v);
    if (!v) return cs_error_set(err, CS_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) {
        if (line[i] < 0 || (size_t)line[i] >= n_lines) {
            free(v);
            return cs_error_set(err, CS_EINPUT, "call %zu: line %d out of range", i, line[i]);
        }
        v[i] = (oc){arrival[i], answer[i], line[i]};
    }
    qsort(v, n, sizeof *v, cmp_oc);
    for (size_t i = 0; i < n; i++) {
        size_t lo = i > CS_OVERTAKE_SCAN ? i - CS_OVERTAKE_SCAN : 0;
        for (size_t j = lo; j < i; j++)
            /* j arrived first, was still waiting when i was answered, and was answered later. */
            if (v[j].arrival < v[i].arrival && v[j].answer > v[i].answer)
                out->count[v[i].line][v[j].line] += 1;
    }
    free(v);
    for (size_t b = 0; b < n_lines; b++)
        for (size_t a = 0; a < n_lines; a++) {
            if (a == b) continue;
            double ba = out->count[b][a], ab = out->count[a][b];
            if (ba >= CS_OVERTAKE_MIN && ba >= CS_OVERTAKE_RATIO * ab) {
                out->priority[b]++;
                out->any = 1;
            }
        }
    return CS_OK;
}
