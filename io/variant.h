/* A variant scenario file: `base:` another file, plus the values that differ, written with
 * libyaml's emitter (prefix cs_variant_).  `callsim calibrate -o` writes the fitted values this
 * way, so the result is a short, runnable file that says what was changed and builds on the
 * scenario the user gave.
 *
 * Each change is a PATH=VALUE as for --set (io/override.h), with the shape of its path: which
 * parts named an item of a list (cs_scn_set.items, filled in when the changes were loaded on the
 * scenario).  Named list items are written as list items carrying their `name`, which is how
 * `base:` merging finds them (lines: [{name: "101", patience: {mean: 19m}}]); an item addressed by
 * position ([0]), or by name in a list where other items have no name, cannot be written, because
 * `base:` merges lists by name only when every item has one (otherwise the variant's list replaces
 * the base's whole): that is an error asking for names.  Values are written as scalars the loader reads back as
 * given (flow mappings and lists given as values are parsed and written as YAML); names are
 * double-quoted.  The comment (any text; control characters become '?') goes first, each line
 * prefixed with "# ".
 *
 * Errors: CS_EINPUT (an item by position; a value that is not valid YAML or UTF-8), CS_EIO (a
 * write failed), CS_ENOMEM. */
#ifndef CS_IO_VARIANT_H
#define CS_IO_VARIANT_H

#include <stddef.h>
#include <stdio.h>

#include "sim/status.h"

typedef struct cs_variant_change {
    const char *text;        /* PATH=VALUE */
    unsigned long items;     /* bit i: part i of the path named a list item (cs_scn_set.items) */
    unsigned long unnamed;   /* bit i: ... of a list that has unnamed items (cs_scn_set.unnamed) */
} cs_variant_change;

/** @brief Writes the variant to f.
 *  @param base the `base:` value (a path relative to where the file will be, or absolute).
 *  @param name the variant's `name:` (NULL: none, the base's name is inherited).
 *  @param comment lines for the comment block (NULL: none). */
cs_status cs_variant_write(FILE *f, const char *base, const char *name, const char *comment,
                           const cs_variant_change *changes, size_t n, cs_error *err);

#endif
