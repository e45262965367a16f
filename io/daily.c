/* daily.csv; see io/daily.h. */
#include "io/daily.h"

#include "io/results.h"
#include "models/daily.h"

int cs_out_daily_wanted(const cs_results *r)
{
    return r->n_reps > 0 && r->reps[0].n_days > 0;
}

cs_status cs_out_daily_csv(FILE *f, const cs_results *r, cs_error *err)
{
    const cs_scn *s = r->scn;
    fprintf(f, "date,line,kpi,mean,ci95\n");
    if (!cs_out_daily_wanted(r)) return CS_OK;
    size_t n_days = r->reps[0].n_days;
    char date[40], a[40], b[40];
    for (size_t d = 0; d < n_days; d++) {
        double t0, t1;
        cs_daily_span(s, d, &t0, &t1);
        if (t1 <= s->warmup || t0 >= s->horizon) continue;   /* not measured */
        cs_clock_format(&s->clock, t0, CS_CLOCK_FMT_DATE, date, sizeof date);
        for (size_t l = 0; l < s->n_lines; l++)
            for (int k = 0; k < CS_DK_N; k++) {
                double m, h;
                cs_daily_result(r, l, d, k, &m, &h);
                cs_out_number(a, sizeof a, cs_kpi_data_value(m));
                cs_out_number(b, sizeof b, cs_kpi_data_value(h));
                fprintf(f, "%s,", date);
                cs_out_csv_field(f, s->lines[l].name);
                fprintf(f, ",%s,%s,%s\n", cs_daily_kpis[k].name, a, b);
            }
    }
    if (ferror(f)) return cs_error_set(err, CS_EIO, "write error while writing daily.csv");
    return CS_OK;
}
