/* Streaming CSV reader for call logs (RFC 4180 plus what real exports do).
 *
 * Concept.  A cs_csv hands out one record at a time.  The fields of the current record live in
 * one reused buffer that grows only to the size of the longest record seen, never with the
 * size of the file, so a 10-million-row export is read in bounded memory (plus a fixed 64 KiB
 * read buffer).  A runaway record (typically a stray quote that is never closed, which would
 * swallow the rest of the file) is stopped at a maximum record size, 1 MiB by default, see
 * cs_csv_set_max_record().
 *
 * Accepted input.
 *   - separator ',' by default, or any other single byte (';' and '\t' are the usual ones) except
 *     '"', CR, LF and NUL;
 *   - fields optionally enclosed in double quotes; inside quotes the separator, CR and LF are
 *     ordinary characters and "" stands for one quote.  Spaces or tabs between a closing quote and
 *     the next separator are ignored; anything else there is an error.  A quote inside an unquoted
 *     field is kept literally (5" disk), as spreadsheets do;
 *   - records end with LF, CRLF or a lone CR; the last record may lack its line end;
 *   - a UTF-8 byte-order mark at the very start of the input is skipped; a UTF-16 one is an
 *     error with advice (Excel's "Unicode text" export), as is a NUL byte anywhere.
 *   - Completely empty lines (no characters at all between two line ends) are skipped, so
 *     trailing blank lines are harmless.  A one-column file that needs an empty value must
 *     write it as "".
 *   Field text is returned as found: no trimming, no unquoting beyond the RFC, no type
 *   conversion.  Only the header helper trims.
 *
 * Row numbers (what cs_csv_row() returns and what messages say) count records the way a user sees
 * them in a spreadsheet: the first record of the file, normally the header, is row 1, the first
 * data row is row 2.  A record whose quoted field spans several physical lines is still one row,
 * and a skipped empty line still counts as a row (spreadsheets show it as an empty row), so the
 * numbers match what LibreOffice or Excel show after importing the file.  cs_csv_line() gives the
 * physical line (1-based) on which the current record starts, for text editors; the two differ
 * only after a multi-line record.
 *
 * Field counts.  The reader never compares a record's field count with the header's: callers get
 * cs_csv_nfields() and cs_csv_ncolumns() and decide (a short trailing record may be acceptable to
 * one caller and fatal to another), quoting cs_csv_path() and cs_csv_row() in their message.
 *
 * Ownership.  cs_csv_open*() allocate; cs_csv_close() frees (NULL is a no-op) and closes the file
 * unless it is stdin.  Strings returned by cs_csv_field() point into the reader's buffer and are
 * valid until the next cs_csv_next() or cs_csv_close(); header names stay valid until close.
 *
 * Errors.  Functions that can fail return a cs_status and fill the optional cs_error:
 * CS_EIO (cannot open or read), CS_ENOMEM, CS_EINPUT (malformed file; the message starts with
 * "PATH:row N:" and says what to fix).  An error from cs_csv_next() is sticky: the structure of
 * the file after a broken record cannot be trusted, so every later call returns the same error.
 *
 * Not thread-safe per object; distinct readers are independent (no global state).
 */
#ifndef CS_IO_CSV_H
#define CS_IO_CSV_H

#include <stddef.h>

#include "sim/status.h"

typedef struct cs_csv cs_csv; /* opaque */

/* Default limit on the size of one record (field bytes plus one terminator per field). */
#define CS_CSV_DEFAULT_MAX_RECORD ((size_t)1 << 20)

/**
 * @brief Opens a CSV file for reading.
 * @param path  file name, or "-" for standard input (shown as "<stdin>" in messages)
 * @param sep   field separator, e.g. ',' ';' '\t'
 * @param out   OUT: the reader, to be freed with cs_csv_close(); NULL on failure
 * @return CS_OK, CS_EIO (cannot open; message names the file and the system reason),
 *         CS_EINPUT (unusable separator), CS_ENOMEM.
 */
cs_status cs_csv_open(const char *path, char sep, cs_csv **out, cs_error *err);

/**
 * @brief Opens a reader over a string (tests, small embedded tables).  The text is copied, so
 * the caller may free it at once.  Messages name the input "<string>".
 */
cs_status cs_csv_open_string(const char *text, char sep, cs_csv **out, cs_error *err);

/**
 * @brief Reads the next record.
 * @param got  OUT: 1 if a record was read, 0 at end of input (then CS_OK is returned)
 * @return CS_OK; CS_EINPUT for malformed input, e.g.
 *         "calls.csv:row 7: unterminated quoted field ...";
 *         CS_EIO for a read error; CS_ENOMEM.  Errors are sticky (see top).
 */
cs_status cs_csv_next(cs_csv *c, int *got, cs_error *err);

/** @brief Number of fields in the current record (0 before the first record). */
size_t cs_csv_nfields(const cs_csv *c);

/** @brief Field i of the current record, NUL-terminated; "" if i is out of range.
 *  Valid until the next cs_csv_next(). */
const char *cs_csv_field(const cs_csv *c, size_t i);

/** @brief Spreadsheet row number of the current record (header = row 1, first data row = 2);
 *  0 before the first record. */
long cs_csv_row(const cs_csv *c);

/** @brief Physical line (1-based) on which the current record starts; 0 before the first. */
long cs_csv_line(const cs_csv *c);

/** @brief Name used in messages: the path, "<stdin>" or "<string>". */
const char *cs_csv_path(const cs_csv *c);

/** @brief Closes the file (unless stdin) and frees everything.  NULL is a no-op. */
void cs_csv_close(cs_csv *c);

/**
 * @brief Changes the record size limit (bytes of field text plus one per field).  A record
 * longer than this is reported as CS_EINPUT instead of growing the buffer further; the usual
 * cause is a quote that is never closed.  Values below 64 are raised to 64.
 */
void cs_csv_set_max_record(cs_csv *c, size_t max_bytes);

/** @brief Bytes currently allocated for the record (text buffer plus field index), excluding
 *  the fixed read buffer and the header copy.  Exposed so tests can check that memory follows
 *  the longest record, not the file size. */
size_t cs_csv_buffer_capacity(const cs_csv *c);

/* ---- header helpers ------------------------------------------------------------------------ */

/**
 * @brief Reads the next record (normally the first) as the header and keeps a copy of its
 * names with leading/trailing spaces, tabs and any UTF-8 byte-order mark removed.
 * @return CS_OK; CS_EINPUT if the input is empty ("PATH: empty file, expected a header line")
 *         or malformed; CS_EIO; CS_ENOMEM.
 */
cs_status cs_csv_read_header(cs_csv *c, cs_error *err);

/** @brief Index of the header column called name (ASCII case-insensitive, exact after the
 *  trimming above; the first one if repeated), or -1 if absent or no header was read. */
int cs_csv_column(const cs_csv *c, const char *name);

/** @brief Number of header columns (0 if no header was read). */
size_t cs_csv_ncolumns(const cs_csv *c);

/** @brief Trimmed name of header column i; "" if out of range. */
const char *cs_csv_column_name(const cs_csv *c, size_t i);

#endif
