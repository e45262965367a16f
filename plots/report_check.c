/* The HTML report: the shape of summary.json and charts.json, checked before anything reads
 * them (see plots/report_int.h).
 *
 * The page-building code reads the folder with forgiving accessors (a missing number is NAN,
 * a missing string NULL), but it does assume that what it walks as an object is an object: a
 * line's KPIs given as an array crashed it (defect D2).  So the whole document is checked
 * first against the shape callsim writes (io/results.c, io/scenario_json.c, cli/cmd_compare.c):
 * every key the report reads must have the type written there, or be absent, or be null for
 * a scalar (the writers' "not defined").  The first mismatch is the error, with the file,
 * line and column of the value, its path ('lines["999"].offered.mean') and what was
 * expected.  Keys the report does not read are not checked, so a newer callsim may add some.
 */
#include <stdio.h>
#include <string.h>

#include "plots/report_int.h"

enum { T_NULL = 1, T_BOOL = 2, T_NUM = 4, T_STR = 8, T_ARR = 16, T_OBJ = 32 };
#define T_NUMZ (T_NUM | T_NULL)
#define T_STRZ (T_STR | T_NULL)

/* An object with known members, a map (an object whose every value has one shape, keyed by
 * names), or an array of one shape. */
enum { SH_OBJECT, SH_MAP, SH_ARRAY };

typedef struct shape shape;

typedef struct member {
    const char *key;
    unsigned types;          /* T_* allowed for the value */
    const shape *sub;        /* the value's shape when it is an object or array */
} member;

struct shape {
    int kind;
    const member *members;   /* SH_OBJECT, {NULL} terminated */
    unsigned each;           /* SH_MAP / SH_ARRAY: T_* allowed for every value */
    const shape *each_shape;
    const char *example;     /* appended to the message: what such a value looks like */
};

/* KPIs: {"offered": {"mean": 12.5, "ci95": 0.4}, ...}; differences use "diff". */
static const member kpi_m[] = {{"mean", T_NUMZ, NULL}, {"ci95", T_NUMZ, NULL},
                               {"diff", T_NUMZ, NULL}, {NULL, 0, NULL}};
static const shape sh_kpi = {SH_OBJECT, kpi_m, 0, NULL, " such as {\"mean\": 12.5, \"ci95\": 0.4}"};
static const shape sh_kpis = {SH_MAP, NULL, T_OBJ, &sh_kpi,
                              " of KPIs such as {\"offered\": {\"mean\": 12.5, \"ci95\": 0.4}}"};
static const shape sh_named_kpis = {SH_MAP, NULL, T_OBJ, &sh_kpis, " of names, each with its KPIs"};

/* Distributions, as io/scenario_json writes them; mixture components nest one. */
static const shape sh_dist;
static const member comp_m[] = {{"share", T_NUMZ, NULL}, {"dist", T_OBJ, &sh_dist},
                                {NULL, 0, NULL}};
static const shape sh_comp = {SH_OBJECT, comp_m, 0, NULL, ""};
static const shape sh_comps = {SH_ARRAY, NULL, T_OBJ, &sh_comp, ""};
static const member dist_m[] = {{"dist", T_STRZ, NULL},    {"text", T_STRZ, NULL},
                                {"mean_s", T_NUMZ, NULL},  {"sd_s", T_NUMZ, NULL},
                                {"samples", T_NUMZ, NULL}, {"components", T_ARR | T_NULL, &sh_comps},
                                {NULL, 0, NULL}};
static const shape sh_dist = {SH_OBJECT, dist_m, 0, NULL,
                              " such as {\"dist\": \"exponential\", \"mean_s\": 180}"};
#define DIST T_OBJ | T_NULL, &sh_dist

static const shape sh_numbers = {SH_ARRAY, NULL, T_NUMZ, NULL, ""};
static const shape sh_strings = {SH_ARRAY, NULL, T_STRZ, NULL, ""};

static const member target_m[] = {{"answer_within_s", T_NUMZ, NULL}, {"share", T_NUMZ, NULL},
                                  {"max_abandon", T_NUMZ, NULL}, {NULL, 0, NULL}};
static const shape sh_target = {SH_OBJECT, target_m, 0, NULL, ""};
static const member redial_m[] = {{"probability", T_NUMZ, NULL}, {"delay", DIST},
                                  {"max_attempts", T_NUMZ, NULL}, {NULL, 0, NULL}};
static const shape sh_redial = {SH_OBJECT, redial_m, 0, NULL, ""};
static const member option_m[] = {{"name", T_STRZ, NULL}, {"share", T_NUMZ, NULL},
                                  {"queue", T_STRZ, NULL}, {NULL, 0, NULL}};
static const shape sh_option = {SH_OBJECT, option_m, 0, NULL, ""};
static const shape sh_options = {SH_ARRAY, NULL, T_OBJ, &sh_option, ""};
static const member ivr_m[] = {{"time", DIST}, {"abandon", T_NUMZ, NULL},
                               {"deflect", T_NUMZ, NULL}, {"options", T_ARR | T_NULL, &sh_options},
                               {NULL, 0, NULL}};
static const shape sh_ivr = {SH_OBJECT, ivr_m, 0, NULL, ""};
static const member spill_m[] = {{"to", T_STRZ, NULL},         {"share", T_NUMZ, NULL},
                                 {"after_s", T_NUMZ, NULL},    {"per_minute", T_NUMZ, NULL},
                                 {"max", T_NUMZ, NULL},        {"delay", DIST},
                                 {NULL, 0, NULL}};
static const shape sh_spill = {SH_OBJECT, spill_m, 0, NULL, ""};
static const member callback_m[] = {
    {"offer_when_wait_over_s", T_NUMZ, NULL}, {"accept", T_NUMZ, NULL},
    {"deadline_s", T_NUMZ, NULL},             {"expire_s", T_NUMZ, NULL},
    {"reach", T_NUMZ, NULL},                  {"attempts", T_NUMZ, NULL},
    {"retry_after_s", T_NUMZ, NULL},          {"failed_attempt", DIST},
    {"pool", T_STRZ, NULL},                   {NULL, 0, NULL}};
static const shape sh_callback = {SH_OBJECT, callback_m, 0, NULL, ""};
static const member calendar_m[] = {{"bank_holidays", T_STRZ, NULL},
                                    {"months", T_ARR | T_NULL, &sh_numbers},
                                    {"special_days", T_NUMZ, NULL},
                                    {"expected_first_attempts_measured", T_NUMZ, NULL},
                                    {NULL, 0, NULL}};
static const shape sh_calendar = {SH_OBJECT, calendar_m, 0, NULL, ""};
static const member line_m[] = {
    {"name", T_STRZ, NULL},          {"priority", T_NUMZ, NULL},
    {"calls_per_week", T_NUMZ, NULL}, {"profile_slot_s", T_NUMZ, NULL},
    {"rate_per_hour_by_slot", T_ARR | T_NULL, &sh_numbers},
    {"overdispersion_cv", T_NUMZ, NULL},
    {"trunks", T_NUM | T_STRZ, NULL}, {"queue_places", T_NUM | T_STRZ, NULL},
    {"patience", DIST},               {"target", T_OBJ | T_NULL, &sh_target},
    {"redial", T_OBJ | T_NULL, &sh_redial}, {"ivr", T_OBJ | T_NULL, &sh_ivr},
    {"spillover", T_OBJ | T_NULL, &sh_spill}, {"callback", T_OBJ | T_NULL, &sh_callback},
    {"counts", T_STRZ, NULL},         {"volume_factor", T_NUMZ, NULL},
    {"calendar", T_OBJ | T_NULL, &sh_calendar},
    {NULL, 0, NULL}};
static const shape sh_line = {SH_OBJECT, line_m, 0, NULL, ""};
static const shape sh_lines = {SH_ARRAY, NULL, T_OBJ, &sh_line, ""};

static const member transfer_m[] = {{"share", T_NUMZ, NULL}, {"queue", T_STRZ, NULL},
                                    {NULL, 0, NULL}};
static const shape sh_transfer = {SH_OBJECT, transfer_m, 0, NULL, ""};
static const member queue_m[] = {{"name", T_STRZ, NULL},     {"line", T_STRZ, NULL},
                                 {"priority", T_NUMZ, NULL}, {"handle", DIST},
                                 {"wrap", DIST},             {"patience", DIST},
                                 {"transfer", T_OBJ | T_NULL, &sh_transfer},
                                 {NULL, 0, NULL}};
static const shape sh_queue = {SH_OBJECT, queue_m, 0, NULL, ""};
static const shape sh_queues = {SH_ARRAY, NULL, T_OBJ, &sh_queue, ""};

static const member step_m[] = {{"from", T_STRZ, NULL}, {"on_duty", T_NUMZ, NULL},
                                {NULL, 0, NULL}};
static const shape sh_step = {SH_OBJECT, step_m, 0, NULL, ""};
static const shape sh_steps = {SH_ARRAY, NULL, T_OBJ, &sh_step, ""};
static const member pool_m[] = {{"name", T_STRZ, NULL},
                                {"queues", T_ARR | T_NULL, &sh_strings},
                                {"pick", T_STRZ, NULL},
                                {"weights", T_ARR | T_NULL, &sh_numbers},
                                {"shrinkage", T_NUMZ, NULL},
                                {"cost_per_hour", T_NUMZ, NULL},
                                {"staffing", T_ARR | T_NULL, &sh_steps},
                                {"on_duty_file", T_STRZ, NULL},
                                {NULL, 0, NULL}};
static const shape sh_pool = {SH_OBJECT, pool_m, 0, NULL, ""};
static const shape sh_pools = {SH_ARRAY, NULL, T_OBJ, &sh_pool, ""};

/* Surges, technology and outages share the window keys. */
static const member event_m[] = {{"name", T_STRZ, NULL},     {"line", T_STRZ, NULL},
                                 {"on", T_STRZ, NULL},       {"effect", T_STRZ, NULL},
                                 {"factor", T_NUMZ, NULL},   {"handle_factor", T_NUMZ, NULL},
                                 {"start", T_STRZ, NULL},    {"start_s", T_NUMZ, NULL},
                                 {"end_s", T_NUMZ, NULL},    {"weekly", T_BOOL | T_NULL, NULL},
                                 {NULL, 0, NULL}};
static const shape sh_event = {SH_OBJECT, event_m, 0, NULL, ""};
static const shape sh_events = {SH_ARRAY, NULL, T_OBJ, &sh_event, ""};

static const member resolved_m[] = {
    {"name", T_STRZ, NULL},          {"description", T_STRZ, NULL},
    {"horizon_s", T_NUMZ, NULL},     {"warmup_s", T_NUMZ, NULL},
    {"replications", T_NUM | T_STRZ, NULL}, {"seed", T_NUM | T_STRZ, NULL},
    {"interval_s", T_NUMZ, NULL},    {"lines", T_ARR | T_NULL, &sh_lines},
    {"queues", T_ARR | T_NULL, &sh_queues}, {"pools", T_ARR | T_NULL, &sh_pools},
    {"surges", T_ARR | T_NULL, &sh_events}, {"technology", T_ARR | T_NULL, &sh_events},
    {"outages", T_ARR | T_NULL, &sh_events}, {NULL, 0, NULL}};
static const shape sh_resolved = {SH_OBJECT, resolved_m, 0, NULL, ""};
static const shape sh_resolveds = {SH_ARRAY, NULL, T_OBJ | T_NULL, &sh_resolved, ""};

/* A comparison's scenarios and their differences from the base. */
static const member scen_m[] = {{"name", T_STRZ, NULL}, {"file", T_STRZ, NULL},
                                {"scenario", T_STRZ, NULL},
                                {"lines", T_OBJ | T_NULL, &sh_named_kpis},
                                {"pools", T_OBJ | T_NULL, &sh_named_kpis}, {NULL, 0, NULL}};
static const shape sh_scen = {SH_OBJECT, scen_m, 0, NULL, ""};
static const shape sh_scens = {SH_ARRAY, NULL, T_OBJ, &sh_scen, ""};

/* The validation of each line's busiest interval (io/results.h), and the KPI catalogue. */
static const shape sh_mci = {SH_OBJECT, kpi_m, 0, NULL, " such as {\"mean\": 0.5, \"ci95\": 0.01}"};
static const member erl_m[] = {{"model", T_STRZ, NULL}, {"service_level", T_NUMZ, NULL},
                               {"abandon_rate", T_NUMZ, NULL}, {"asa", T_NUMZ, NULL}, {NULL, 0, NULL}};
static const shape sh_erl = {SH_OBJECT, erl_m, 0, NULL, ""};
static const member vres_m[] = {{"service_level", T_OBJ | T_NULL, &sh_mci}, {"abandon_rate", T_OBJ | T_NULL, &sh_mci},
                                {"asa", T_OBJ | T_NULL, &sh_mci}, {"calls", T_NUMZ, NULL}, {NULL, 0, NULL}};
static const shape sh_vres = {SH_OBJECT, vres_m, 0, NULL, ""};
static const member vline_m[] = {
    {"line", T_STRZ, NULL},           {"interval_start", T_STRZ, NULL},  {"interval_s", T_NUMZ, NULL},
    {"arrivals_per_hour", T_NUMZ, NULL}, {"busy_per_call_s", T_NUMZ, NULL}, {"patience_s", T_NUMZ, NULL},
    {"handlers_on_duty", T_NUMZ, NULL}, {"handlers_busy_elsewhere", T_NUMZ, NULL},
    {"handlers", T_NUMZ, NULL},       {"target_s", T_NUMZ, NULL},
    {"erlang", T_OBJ | T_NULL, &sh_erl}, {"engine", T_OBJ | T_NULL, &sh_vres},
    {"scenario", T_OBJ | T_NULL, &sh_vres}, {NULL, 0, NULL}};
static const shape sh_vline = {SH_OBJECT, vline_m, 0, NULL, ""};
static const shape sh_vlines = {SH_ARRAY, NULL, T_OBJ, &sh_vline, ""};
static const member valid_m[] = {{"lines", T_ARR | T_NULL, &sh_vlines}, {NULL, 0, NULL}};
static const shape sh_valid = {SH_OBJECT, valid_m, 0, NULL, ""};
static const member catkpi_m[] = {{"label", T_STRZ, NULL}, {"unit", T_STRZ, NULL}, {"meaning", T_STRZ, NULL},
                                  {"better", T_STRZ, NULL}, {NULL, 0, NULL}};
static const shape sh_catkpi = {SH_OBJECT, catkpi_m, 0, NULL, " such as {\"label\": \"...\", \"unit\": \"calls\"}"};
static const shape sh_catkpis = {SH_MAP, NULL, T_OBJ, &sh_catkpi, ""};
static const member cat_m[] = {{"lines", T_OBJ | T_NULL, &sh_catkpis}, {"pools", T_OBJ | T_NULL, &sh_catkpis},
                               {NULL, 0, NULL}};
static const shape sh_cat = {SH_OBJECT, cat_m, 0, NULL, ""};

static const member root_m[] = {
    {"kind", T_STRZ, NULL},               {"callsim_version", T_STRZ, NULL},
    {"scenario", T_STRZ, NULL},           {"seed", T_NUM | T_STRZ, NULL},
    {"replications", T_NUM | T_STRZ, NULL}, {"horizon_s", T_NUMZ, NULL},
    {"warmup_s", T_NUMZ, NULL},
    {"start", T_STRZ, NULL},              {"measured_from", T_STRZ, NULL},
    {"end", T_STRZ, NULL},                {"horizon_days", T_NUMZ, NULL},
    {"warmup_days", T_NUMZ, NULL},        {"counts_per", T_STRZ, NULL},
    {"lines", T_OBJ | T_NULL, &sh_named_kpis}, {"pools", T_OBJ | T_NULL, &sh_named_kpis},
    {"resolved_scenario", T_OBJ | T_NULL, &sh_resolved},
    {"scenarios", T_ARR | T_NULL, &sh_scens}, {"differences", T_ARR | T_NULL, &sh_scens},
    {"resolved_scenarios", T_ARR | T_NULL, &sh_resolveds},
    {"validation", T_OBJ | T_NULL, &sh_valid},   {"kpi_catalogue", T_OBJ | T_NULL, &sh_cat},
    {NULL, 0, NULL}};
static const shape sh_summary = {SH_OBJECT, root_m, 0, NULL, ""};

/* charts/charts.json */
static const member chart_m[] = {{"file", T_STRZ, NULL}, {"title", T_STRZ, NULL},
                                 {"caption", T_STRZ, NULL}, {NULL, 0, NULL}};
static const shape sh_chart = {SH_OBJECT, chart_m, 0, NULL, ""};
static const shape sh_charts_a = {SH_ARRAY, NULL, T_OBJ, &sh_chart,
                               " of charts such as {\"file\": \"journey\", \"title\": \"...\"}"};
static const member manifest_m[] = {{"charts", T_ARR | T_NULL, &sh_charts_a}, {NULL, 0, NULL}};
static const shape sh_manifest = {SH_OBJECT, manifest_m, 0, NULL, ""};

static unsigned type_bit(const cs_json *v)
{
    switch (cs_json_type_of(v)) {
    case CS_JSON_NULL: return T_NULL;
    case CS_JSON_BOOL: return T_BOOL;
    case CS_JSON_NUMBER: return T_NUM;
    case CS_JSON_STRING: return T_STR;
    case CS_JSON_ARRAY: return T_ARR;
    default: return T_OBJ;
    }
}

static const char *type_name(unsigned bit)
{
    switch (bit) {
    case T_NULL: return "null";
    case T_BOOL: return "true or false";
    case T_NUM: return "a number";
    case T_STR: return "a string";
    case T_ARR: return "an array";
    default: return "an object";
    }
}

/* "an object", "a number or a string" (null is not offered: it only means "not given"). */
static void expected_text(unsigned types, char *buf, size_t n)
{
    size_t len = 0;
    unsigned shown = types & ~(unsigned)T_NULL;
    if (!shown) shown = T_NULL;
    int first = 1;
    buf[0] = '\0';
    for (unsigned bit = 1; bit <= T_OBJ; bit <<= 1) {
        if (!(shown & bit)) continue;
        unsigned rest = shown & ~((bit << 1) - 1);
        cs_text_appendf(buf, n, &len, "%s%s", first ? "" : rest ? ", " : " or ", type_name(bit));
        first = 0;
    }
}

/* Path of a member: .key for a key that is an identifier, ["key"] for anything else (names
 * such as "999" or "call handlers"). */
static void path_add(char *path, size_t n, const char *key)
{
    size_t len = strlen(path);
    int ident = (*key >= 'a' && *key <= 'z') || (*key >= 'A' && *key <= 'Z') || *key == '_';
    for (const char *p = key; *p && ident; p++)
        ident = cs_text_is_digit(*p) || (*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
                *p == '_';
    if (!ident) {
        char shown[80];
        snprintf(shown, sizeof shown, "%.60s%s", key, strlen(key) > 60 ? "..." : "");
        cs_text_appendf(path, n, &len, "[\"%s\"]", shown);
    } else {
        cs_text_appendf(path, n, &len, "%s%s", len ? "." : "", key);
    }
}

typedef struct checker {
    const char *file;
    cs_error *err;
} checker;

static cs_status value(checker *k, const cs_json *v, unsigned types, const shape *sh, char *path,
                       size_t n, const char *example);

static cs_status walk(checker *k, const cs_json *v, const shape *sh, char *path, size_t n)
{
    size_t keep = strlen(path);
    cs_status st = CS_OK;
    if (sh->kind == SH_OBJECT) {
        for (const member *m = sh->members; m->key && st == CS_OK; m++) {
            const cs_json *x = cs_json_get(v, m->key);
            if (!x) continue;
            path_add(path, n, m->key);
            st = value(k, x, m->types, m->sub, path, n, m->sub ? m->sub->example : "");
            path[keep] = '\0';
        }
    } else if (sh->kind == SH_MAP) {
        for (size_t i = 0; i < cs_json_size(v) && st == CS_OK; i++) {
            path_add(path, n, cs_json_member_key(v, i));
            st = value(k, cs_json_member_value(v, i), sh->each, sh->each_shape, path, n,
                       sh->each_shape ? sh->each_shape->example : "");
            path[keep] = '\0';
        }
    } else {
        for (size_t i = 0; i < cs_json_size(v) && st == CS_OK; i++) {
            size_t len = keep;
            cs_text_appendf(path, n, &len, "[%zu]", i);
            st = value(k, cs_json_at(v, i), sh->each, sh->each_shape, path, n,
                       sh->each_shape ? sh->each_shape->example : "");
            path[keep] = '\0';
        }
    }
    return st;
}

static cs_status value(checker *k, const cs_json *v, unsigned types, const shape *sh, char *path,
                       size_t n, const char *example)
{
    unsigned t = type_bit(v);
    if (!(types & t)) {
        char want[96];
        unsigned ln, col;
        expected_text(types, want, sizeof want);
        cs_json_position(v, &ln, &col);
        return cs_error_set(k->err, CS_EINPUT, "%s: line %u, column %u: %s must be %s%s, not %s",
                            k->file, ln, col, path[0] ? path : "the document", want, example,
                            type_name(t));
    }
    if (sh && (t & (T_OBJ | T_ARR)) && ((sh->kind == SH_ARRAY) == (t == T_ARR)))
        return walk(k, v, sh, path, n);
    return CS_OK;
}

static cs_status check(const cs_json *root, const shape *sh, const char *file, cs_error *err)
{
    checker k = {file, err};
    char path[512] = "";
    return value(&k, root, T_OBJ, sh, path, sizeof path, "");
}

cs_status csi_rep_check_summary(const cs_json *root, const char *file, cs_error *err)
{
    return check(root, &sh_summary, file, err);
}

cs_status csi_rep_check_manifest(const cs_json *root, const char *file, cs_error *err)
{
    return check(root, &sh_manifest, file, err);
}
