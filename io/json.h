/* JSON output and input for callsim results (prefix cs_json_).
 *
 * Concept.  callsim writes its results as JSON (stdout with --json, summary.json in an output
 * folder) and reads its own summary.json back (`callsim report DIR`, tests).  Two halves:
 *
 *   - a streaming WRITER that emits tokens in order to a FILE* or to a growable in-memory
 *     buffer, inserting commas, colons and indentation itself;
 *   - a small DOM PARSER (RFC 8259) that builds a read-only tree, keeps object members in
 *     document order and reports errors as "line L, column C: expected ...".
 *
 * Reproducibility.  Identical values give byte-identical output, on any machine and in any
 * locale: numbers use the fewest significant digits that read back to the same double
 * (cs_text_fmt_double in sim/text.h), with a '.' decimal point and a plain exponent ("1e-7",
 * "1e300"); integral values below 1e15
 * are written as integers; -0 is written as 0; NaN and infinities are written as null so the
 * output is always valid JSON.  Strings are escaped canonically (\" \\ \b \f \n \r \t, other
 * control characters as \u00xx); valid UTF-8 passes through unchanged and each byte of invalid
 * UTF-8 becomes \ufffd.  Hence write -> parse -> write reproduces the same bytes.
 *
 * Writer errors.  Writer calls return nothing so that emitting code stays readable.  The
 * first problem is recorded in the writer and every later call is ignored; the caller learns
 * about it from cs_json_writer_finish():
 *   CS_EINTERNAL  misuse by the calling code (a value where an object key is required, an end
 *                 that does not match, a container left open, a second root value, ...);
 *   CS_ENOMEM     the in-memory buffer could not grow;
 *   CS_EIO        the FILE* reported a write error (disk full, closed pipe).
 * Misuse is a programming error, but it is reported rather than aborted on so tests can check
 * it.  After an error the output is truncated: a caller writing a file should write to a
 * temporary name and rename it only when finish returned CS_OK.
 *
 * Parser errors.  cs_json_parse() returns CS_EINPUT for malformed text (message
 * "line L, column C: ..."; lines and columns are 1-based, columns count UTF-8 characters),
 * CS_ENOMEM when the tree cannot be allocated.  cs_json_parse_file() prefixes messages with
 * the path and adds CS_EIO for files that cannot be read.  The parser is strict: no comments,
 * no trailing commas, no NaN/Infinity, no leading zeros, no control characters or invalid
 * UTF-8 in strings, no lone surrogates, no duplicate keys in one object, no numbers beyond the
 * double range, no content after the value, nesting at most CS_JSON_MAX_DEPTH levels (so
 * hostile input cannot overflow the stack).  A leading UTF-8 byte order mark is skipped.
 *
 * Ownership.  Writers come from cs_json_writer_create_* and go to cs_json_writer_destroy();
 * a writer never closes the FILE* it was given.  A tree from cs_json_parse*() is owned by the
 * caller and freed with cs_json_free() on its root; every const cs_json * and const char *
 * obtained from it points into the tree and lives as long as the root.  destroy/free accept
 * NULL.  All read accessors accept NULL and return the "absent" answer, so lookups can be
 * chained: cs_json_number_value(cs_json_get(cs_json_get(root, "a"), "b")).
 *
 * Threads.  No global state: different writers and trees may be used on different threads.
 * The process locale must not be changed (setlocale) while a writer or parser runs.
 */
#ifndef CS_IO_JSON_H
#define CS_IO_JSON_H

#include <stddef.h>
#include <stdio.h>

#include "sim/status.h"

/* Deepest nesting of arrays/objects the parser accepts. */
#define CS_JSON_MAX_DEPTH 512

/* ------------------------------------------------------------------------------------------
 * Writer
 * ---------------------------------------------------------------------------------------- */

typedef struct cs_json_writer cs_json_writer;

/**
 * @brief Creates a writer that emits to an open stream.
 * @param f      stream opened for writing; not closed by the writer.
 * @param indent 0 = compact, one line, no spaces; n > 0 = pretty, n spaces per level
 *               (negative is taken as 0, more than 16 as 16).
 * @return the writer, or NULL when out of memory.  In file mode cs_json_writer_finish() ends
 *         the document with one '\n' so the file is a proper text file.
 */
cs_json_writer *cs_json_writer_create_file(FILE *f, int indent);

/**
 * @brief Creates a writer that emits to a growable in-memory buffer (no trailing newline).
 * @return the writer, or NULL when out of memory.
 */
cs_json_writer *cs_json_writer_create_buffer(int indent);

/**
 * @brief The text written so far (buffer mode only), always NUL-terminated.
 * @param len OUT: number of bytes, excluding the NUL; may be NULL.
 * @return a pointer owned by the writer, valid until the next write call or destroy;
 *         NULL (and *len = 0) for a file writer.
 */
const char *cs_json_writer_buffer(const cs_json_writer *w, size_t *len);

/**
 * @brief Records a failure of the code producing the document (an allocation it needed, a
 *  computation that failed), so that cs_json_writer_finish returns it instead of a document
 *  with a member silently left out.  Only the first error is kept; msg is copied.
 */
void cs_json_writer_fail(cs_json_writer *w, cs_status code, const char *msg);

/**
 * @brief Checks the document is complete, terminates it, flushes the stream.
 * @return CS_OK, or the first recorded error (see the header comment: CS_EINTERNAL, CS_ENOMEM,
 *         CS_EIO) with a message in err.  Calling it again returns the same status and
 *         writes nothing more.
 */
cs_status cs_json_writer_finish(cs_json_writer *w, cs_error *err);

/** @brief Frees the writer (not the FILE*).  NULL is a no-op. */
void cs_json_writer_destroy(cs_json_writer *w);

void cs_json_begin_object(cs_json_writer *w);
void cs_json_end_object(cs_json_writer *w);
void cs_json_begin_array(cs_json_writer *w);
void cs_json_end_array(cs_json_writer *w);

/** @brief An object member name; must be followed by exactly one value.  NULL is misuse. */
void cs_json_key(cs_json_writer *w, const char *key);

/** @brief A string value (UTF-8); NULL writes null, which suits optional fields. */
void cs_json_string(cs_json_writer *w, const char *s);

/** @brief A number: shortest round-trip form, integers plain, -0 as 0, NaN/Inf as null. */
void cs_json_number(cs_json_writer *w, double x);

void cs_json_int(cs_json_writer *w, long long x);
void cs_json_bool(cs_json_writer *w, int b); /* any non-zero is true */
void cs_json_null(cs_json_writer *w);

/* Key + value in one call. */
void cs_json_kv_string(cs_json_writer *w, const char *k, const char *v);
void cs_json_kv_number(cs_json_writer *w, const char *k, double v);
void cs_json_kv_int(cs_json_writer *w, const char *k, long long v);
void cs_json_kv_bool(cs_json_writer *w, const char *k, int v);

/* ------------------------------------------------------------------------------------------
 * Parser (read-only DOM)
 * ---------------------------------------------------------------------------------------- */

typedef enum cs_json_type {
    CS_JSON_NULL,
    CS_JSON_BOOL,
    CS_JSON_NUMBER,
    CS_JSON_STRING,
    CS_JSON_ARRAY,
    CS_JSON_OBJECT
} cs_json_type;

typedef struct cs_json cs_json;

/**
 * @brief Parses one JSON document.
 * @param text the bytes (need not be NUL-terminated); len their number.
 * @param out  OUT: the root on success (free with cs_json_free), NULL on failure.
 * @return CS_OK, CS_EINPUT ("line L, column C: ..."), CS_ENOMEM.
 */
cs_status cs_json_parse(const char *text, size_t len, cs_json **out, cs_error *err);

/**
 * @brief Reads and parses a whole file; every message starts with "<path>: ".
 * @return CS_OK, CS_EIO (cannot open/read), CS_EINPUT, CS_ENOMEM.
 */
cs_status cs_json_parse_file(const char *path, cs_json **out, cs_error *err);

/** @brief Frees a tree from its root.  NULL is a no-op; never call it on an inner node. */
void cs_json_free(cs_json *v);

/** @brief The node's type; CS_JSON_NULL for a NULL pointer (test the pointer to tell
 *  "absent" from "null"). */
cs_json_type cs_json_type_of(const cs_json *v);

/** @brief Where the node starts in the parsed text (1-based), so callers checking the
 *  meaning of a document can point at the offending value.  0, 0 for NULL. */
void cs_json_position(const cs_json *v, unsigned *line, unsigned *col);

/** @brief The member named key (byte comparison); NULL if absent or obj is not an object. */
const cs_json *cs_json_get(const cs_json *obj, const char *key);

/** @brief Element i of an array; NULL if out of range or arr is not an array. */
const cs_json *cs_json_at(const cs_json *arr, size_t i);

/** @brief Array length or object member count; 0 for anything else. */
size_t cs_json_size(const cs_json *v);

/** @brief Name / value of member i in document order; NULL if out of range or not an object. */
const char *cs_json_member_key(const cs_json *obj, size_t i);
const cs_json *cs_json_member_value(const cs_json *obj, size_t i);

/** @brief The number; NAN if v is not a number. */
double cs_json_number_value(const cs_json *v);

/**
 * @brief Exact integer value, for counts and seeds beyond 2^53 that a double would round.
 * @param out OUT: the value, set only when 1 is returned; may be NULL.
 * @return 1 if v is a number written without fraction or exponent that fits a long long,
 *         else 0.
 */
int cs_json_int_value(const cs_json *v, long long *out);

/** @brief The string, NUL-terminated UTF-8; NULL if v is not a string.  A string containing
 *  \u0000 looks truncated here: use cs_json_string_length for its full length. */
const char *cs_json_string_value(const cs_json *v);
size_t cs_json_string_length(const cs_json *v); /* bytes, 0 if not a string */

/** @brief 1 for true, 0 for false and for anything that is not a bool (check the type). */
int cs_json_bool_value(const cs_json *v);

/**
 * @brief Follows a dotted path such as "lines.101.abandon_rate.mean".
 * Segments are separated by '.'; in an object a segment is a key (so "101" names a key there),
 * in an array it must be a decimal index.  Keys containing '.' cannot be reached this way.
 * @return the node, root itself for "", NULL if any step is missing or a segment is empty.
 */
const cs_json *cs_json_path(const cs_json *root, const char *dotted);

/**
 * @brief Writes a parsed node (and its subtree) to a writer as one value, e.g. to copy parts
 * of a summary into a report.  Integers read exactly (cs_json_int_value) are written back
 * exactly, so write -> parse -> emit reproduces the original bytes.
 */
void cs_json_emit(cs_json_writer *w, const cs_json *v);

#endif
