/* What sweep, sensitivity and calibrate share on the command line: the inputs they vary, named
 * by --vary / --free as PATH=..., and the builder that loads the scenario with the user's --set
 * changes and the experiment's values (io/override.h), so a value an experiment tries is read,
 * checked and reported exactly as a --set or the file would be. */
#ifndef CS_CLI_WHATIF_H
#define CS_CLI_WHATIF_H

#include <stddef.h>

#include "cli/common.h"
#include "experiments/experiment.h"
#include "io/json.h"
#include "io/valrange.h"

#define CS_WHATIF_MAX_INPUTS 32

typedef struct cs_whatif {
    const char *cmd;
    const char *flag;                          /* "--vary" or "--free": names inputs in messages */
    const char *scenario;                      /* the scenario file */
    const char *sets[CS_CLI_MAX_SETS];         /* --set, applied first */
    size_t n_sets;
    size_t n_inputs;
    char path[CS_WHATIF_MAX_INPUTS][256];      /* canonical path of each input */
    const char *arg[CS_WHATIF_MAX_INPUTS];     /* the flag's text, for messages */
    cs_valunit unit[CS_WHATIF_MAX_INPUTS];     /* how to write a number for input i */
    cs_exp_input in[CS_WHATIF_MAX_INPUTS];
} cs_whatif;

/* Adds an input from "PATH=SPEC": the path is checked and written canonically, *spec points to
 * the text after '=' (NULL when there is none and allow_bare).  Returns 0, or 2 after a message
 * "callsim CMD: FLAG #i 'ARG': ...". */
int cs_whatif_add(cs_whatif *w, const char *arg, int allow_bare, const char **spec);

/* The experiment builder (experiments/experiment.h): ud is the cs_whatif.  Problems with the
 * values are printed as the loader reports them, naming the flag. */
cs_status cs_whatif_build(void *ud, const cs_exp_setting *set, size_t n, cs_scn **out, cs_error *err);

/* Reads the current text of input i in the scenario (after --set): "" when it is not given. */
int cs_whatif_current(cs_whatif *w, size_t i, char *buf, size_t n);

/* Formatting of a KPI value and a difference for tables ("12.34%", "+1.20 pts", "51.5 s"). */
void cs_whatif_fmt(char *buf, size_t n, const char *unit, double v, double ci, int diff);

/* The KPIs to report: the --kpi values, or the headline KPIs of every line of scn. */
int cs_whatif_kpis(const char *cmd, const cs_scn *scn, const char *const *text, size_t n_text, cs_exp_kpi *out,
                   size_t max, size_t *n);

/* summary.json's common members (kind, version, scenario, seed, replications, horizon, warmup). */
void cs_whatif_json_meta(cs_json_writer *w, const char *kind, const cs_scn *scn);

/* For summary.json: the --set changes as an array of strings. */
void cs_whatif_json_sets(cs_json_writer *w, const cs_whatif *x);

#endif
