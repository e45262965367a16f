/* Command-line flags: a small parser shared by the subcommands.
 *
 * Flags are declared in a table; `--name value`, `--name=value` and `-x value` forms are
 * accepted; anything else that starts with '-' is an error naming the flag and the closest
 * known one.  Positional arguments are collected in order. */
#ifndef CS_ARGS_H
#define CS_ARGS_H

#include <stddef.h>
#include <stdint.h>

/* CS_FLAG_LIST may be given several times (--set a=1 --set b=2): `set` counts them, `value` is
 * the last, cs_args_list() gives them all in order. */
typedef enum cs_flag_kind { CS_FLAG_BOOL, CS_FLAG_STRING, CS_FLAG_LIST } cs_flag_kind;

typedef struct cs_flag {
    const char *name;      /* long name without dashes */
    char short_name;       /* 0 if none */
    cs_flag_kind kind;
    const char *value_name; /* for help: "N", "DIR" */
    const char *help;
    /* OUT */
    int set;
    const char *value;
} cs_flag;

/* Parses argv[0..argc-1] (the words after the subcommand).  Returns 0, or -1 after printing
 * "callsim CMD: ..." to stderr. */
int cs_args_parse(const char *cmd, int argc, char **argv, cs_flag *flags, size_t n_flags,
                  const char **pos, size_t max_pos, size_t *n_pos);
void cs_args_help(const cs_flag *flags, size_t n_flags);

/* Every value of the CS_FLAG_LIST flag `name`, in the order given, from the same argv that
 * cs_args_parse() accepted: at most max into out; returns how many there are. */
size_t cs_args_list(int argc, char **argv, cs_flag *flags, size_t n_flags, const char *name,
                    const char **out, size_t max);

/* Parses a whole number in [min, max] (digits only, as a scenario's counts); -1 after printing
 * "callsim CMD: --FLAG: ..." on error.  0 <= min <= max. */
int cs_args_long(const char *cmd, const char *flag, const char *s, long min, long max, long *out);

/* Parses a seed as the scenario's `seed:` is read (io/units.h); -1 after a message on error. */
int cs_args_seed(const char *cmd, const char *flag, const char *s, uint64_t *out);

#endif
