#include "cli/args.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "io/units.h"

static cs_flag *find_flag(cs_flag *flags, size_t n_flags, const char *name)
{
    for (size_t i = 0; i < n_flags; i++)
        if (strcmp(flags[i].name, name) == 0) return &flags[i];
    return NULL;
}

static size_t edit_distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 63 || lb > 63) return 99;
    size_t d[64][64];
    for (size_t i = 0; i <= la; i++) d[i][0] = i;
    for (size_t j = 0; j <= lb; j++) d[0][j] = j;
    for (size_t i = 1; i <= la; i++)
        for (size_t j = 1; j <= lb; j++) {
            size_t sub = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);
            size_t del = d[i - 1][j] + 1, ins = d[i][j - 1] + 1;
            d[i][j] = sub < del ? (sub < ins ? sub : ins) : (del < ins ? del : ins);
        }
    return d[la][lb];
}

static const char *closest(const cs_flag *flags, size_t n, const char *name)
{
    const char *best = NULL;
    size_t bd = 3;
    for (size_t i = 0; i < n; i++) {
        size_t d = edit_distance(flags[i].name, name);
        if (d < bd) {
            bd = d;
            best = flags[i].name;
        }
    }
    return best;
}

/* The parser; when `collect` is given it only gathers the values of that flag (argv already
 * accepted, so quietly). */
static int walk(const char *cmd, int argc, char **argv, cs_flag *flags, size_t n_flags,
                const char **pos, size_t max_pos, size_t *n_pos, const cs_flag *collect,
                const char **out, size_t max_out, size_t *n_out)
{
    *n_pos = 0;
    int only_pos = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (only_pos || a[0] != '-' || strcmp(a, "-") == 0) {
            if (collect) continue;
            if (*n_pos >= max_pos) {
                fprintf(stderr, "callsim %s: unexpected argument '%s' (see callsim %s --help)\n", cmd, a, cmd);
                return -1;
            }
            pos[(*n_pos)++] = a;
            continue;
        }
        if (strcmp(a, "--") == 0) {
            only_pos = 1;
            continue;
        }
        cs_flag *f = NULL;
        const char *inline_val = NULL;
        char name[64];
        if (a[1] == '-') {
            const char *eq = strchr(a + 2, '=');
            size_t len = eq ? (size_t)(eq - (a + 2)) : strlen(a + 2);
            if (len >= sizeof name) len = sizeof name - 1;
            memcpy(name, a + 2, len);
            name[len] = 0;
            if (eq) inline_val = eq + 1;
            f = find_flag(flags, n_flags, name);
        } else if (a[2] == 0) {
            for (size_t k = 0; k < n_flags; k++)
                if (flags[k].short_name == a[1]) f = &flags[k];
            snprintf(name, sizeof name, "%s", a + 1);
        } else {
            snprintf(name, sizeof name, "%s", a + 1);
        }
        if (!f) {
            const char *sug = closest(flags, n_flags, name);
            if (sug)
                fprintf(stderr, "callsim %s: unknown option '%s' (did you mean --%s?)\n", cmd, a, sug);
            else
                fprintf(stderr, "callsim %s: unknown option '%s' (see callsim %s --help)\n", cmd, a, cmd);
            return -1;
        }
        if (f->kind == CS_FLAG_BOOL) {
            if (inline_val) {
                fprintf(stderr, "callsim %s: option --%s takes no value\n", cmd, f->name);
                return -1;
            }
            f->set = 1;
            continue;
        }
        if (!inline_val) {
            if (i + 1 >= argc) {
                fprintf(stderr, "callsim %s: option --%s needs a value (%s)\n", cmd, f->name, f->value_name);
                return -1;
            }
            inline_val = argv[++i];
        }
        if (collect) {
            if (f == collect) {
                if (*n_out < max_out) out[*n_out] = inline_val;
                (*n_out)++;
            }
            continue;
        }
        f->set = f->kind == CS_FLAG_LIST ? f->set + 1 : 1;
        f->value = inline_val;
    }
    return 0;
}

int cs_args_parse(const char *cmd, int argc, char **argv, cs_flag *flags, size_t n_flags,
                  const char **pos, size_t max_pos, size_t *n_pos)
{
    return walk(cmd, argc, argv, flags, n_flags, pos, max_pos, n_pos, NULL, NULL, 0, NULL);
}

size_t cs_args_list(int argc, char **argv, cs_flag *flags, size_t n_flags, const char *name,
                    const char **out, size_t max)
{
    const cs_flag *f = find_flag(flags, n_flags, name);
    CS_REQUIRE(f && f->kind == CS_FLAG_LIST);
    size_t n_pos = 0, n = 0;
    walk("", argc, argv, flags, n_flags, NULL, 0, &n_pos, f, out, max, &n);
    return n;
}

void cs_args_help(const cs_flag *flags, size_t n_flags)
{
    for (size_t i = 0; i < n_flags; i++) {
        char left[64];
        if (flags[i].short_name)
            snprintf(left, sizeof left, "-%c, --%s%s%s", flags[i].short_name, flags[i].name,
                     flags[i].kind != CS_FLAG_BOOL ? " " : "", flags[i].kind != CS_FLAG_BOOL ? flags[i].value_name : "");
        else
            snprintf(left, sizeof left, "    --%s%s%s", flags[i].name, flags[i].kind != CS_FLAG_BOOL ? " " : "",
                     flags[i].kind != CS_FLAG_BOOL ? flags[i].value_name : "");
        printf("  %-26s %s\n", left, flags[i].help);
    }
}

int cs_args_long(const char *cmd, const char *flag, const char *s, long min, long max, long *out)
{
    /* The scenario loader reads counts with the same function, so a flag and a key accept
     * exactly the same text. */
    cs_error err = {CS_OK, ""};
    if (cs_units_parse_count(s, min, max, out, &err) != CS_OK) {
        fprintf(stderr, "callsim %s: --%s: %s\n", cmd, flag, err.msg);
        return -1;
    }
    return 0;
}

int cs_args_seed(const char *cmd, const char *flag, const char *s, uint64_t *out)
{
    cs_error err = {CS_OK, ""};
    if (cs_units_parse_seed(s, out, &err) != CS_OK) {
        fprintf(stderr, "callsim %s: --%s: %s\n", cmd, flag, err.msg);
        return -1;
    }
    return 0;
}
