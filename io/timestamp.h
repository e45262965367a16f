/* Times and durations as found in telephony exports, converted to seconds since the Unix epoch.
 *
 * Concept.  Every instant is a double: seconds since 1970-01-01T00:00:00Z (UTC), fractions
 * allowed, leap seconds ignored (POSIX time).  A double carries microsecond resolution for
 * present-day dates, far more than any call log.  Civil dates use the proleptic Gregorian
 * calendar; the arithmetic is our own (Howard Hinnant's days_from_civil), never timegm(),
 * mktime() or the TZ environment, so results are the same on every machine and thread.  It and
 * the UK clock-change rule live in models/calendar (cs_date_*), shared with the simulation
 * clock; this module reads and writes text on top of them.
 *
 * Local time.  A timestamp without an offset is read in the zone given by cs_tz:
 *   CS_TZ_UTC  the text is UTC;
 *   CS_TZ_UK   Europe/London by the EU rule in force since 1996: BST (UTC+1) from 01:00 UTC on
 *              the last Sunday of March to 01:00 UTC on the last Sunday of October, GMT (UTC+0)
 *              otherwise.  The rule is applied to every year; UK dates before 1996 (different
 *              October rule until 1995, other rules before 1981) come out wrong by up to an hour
 *              around the old change dates.
 * Twice a year local time misbehaves:
 *   - October: 01:00:00-01:59:59 local happens twice (first BST, then GMT).  cs_ts_fold chooses:
 *     CS_TS_FOLD_FIRST = the earlier instant (BST), CS_TS_FOLD_SECOND = the later (GMT), one hour
 *     apart.  The result is flagged CS_TS_AMBIGUOUS.
 *   - March: 01:00:00-01:59:59 local never happens (clocks go from 01:00 GMT to 02:00 BST).  Such
 *     a time is read with the offset in force before the change (GMT), whatever the fold, so
 *     01:30 local = 01:30 UTC = 02:30 BST; this is the right reading for a device whose clock had
 *     not yet changed, and what Python's zoneinfo gives with fold=0 (PEP 495).
 *     The result is flagged CS_TS_NONEXISTENT.
 *   Times with an explicit offset or 'Z', and all CS_TZ_UTC times, are never flagged.
 *
 * Accepted text (leading and trailing spaces/tabs are ignored everywhere):
 *   timestamps  2024-10-27T01:30:00Z  2024-10-27T01:30:00+01:00  ...-05:30  ...+0100  ...+01
 *               2024-10-27T01:30:00  2024-10-27 01:30:00  2024-10-27 01:30  27/10/2024 01:30:00
 *               fractional seconds 01:30:00.25 (also ISO's 01:30:00,25); 'T' or spaces between
 *               date and time; an optional space before the offset; hour 0-23 (the hour may have
 *               one digit: 2024-10-27 1:30:00).
 *               Epoch seconds 1729992600 or 1729992600.5: all digits with 9 to 11 digits before
 *               the point (1973 to 5138).  Shorter numbers are refused (they are more likely a
 *               duration or an id) unless read with cs_ts_parse_epoch(); 12 or more digits are
 *               refused as probable milliseconds.
 *   dates       2024-10-27 (ISO, two-digit month and day), 27/10/2024 or 1/8/1999 (UK day first)
 *   clocks      7:05:00, 07:05, 07:05:00.250; 24:00 / 24:00:00 (end of day) is allowed here only
 *   durations   185, 185.5, 3:05 (M:SS), 0:03:05 and 1:02:03 (H:MM:SS, hours unbounded),
 *               optionally negative (-17, -0:00:17): real logs contain negative durations and the
 *               caller decides what they mean.
 * Ranges are checked: month 1-12, day within the month (leap years included), hour 0-23,
 * minute and second 0-59 (no leap second 60), offset at most 23:59.
 *
 * Errors.  Parsers return CS_EINPUT with a message that quotes the text and shows the expected
 * form, e.g. "expected a date such as 2024-10-27 or 27/10/2024, got '2024-13-01' (month 13 is
 * not 1-12)".  Callers prefix the file and row.  Outputs are left unchanged on error.
 *
 * Thread safety: no state at all.
 */
#ifndef CS_IO_TIMESTAMP_H
#define CS_IO_TIMESTAMP_H

#include <stddef.h>

#include "sim/status.h"

/** How to read a local time that carries no offset. */
typedef enum { CS_TZ_UTC, CS_TZ_UK } cs_tz;

/** Which of the two readings of a repeated local hour (October in the UK) to take. */
typedef enum { CS_TS_FOLD_FIRST, CS_TS_FOLD_SECOND } cs_ts_fold;

/* Bits returned in *flags. */
#define CS_TS_AMBIGUOUS 1   /* local time in the repeated hour; fold decided */
#define CS_TS_NONEXISTENT 2 /* local time in the skipped hour; read with the earlier offset */

/**
 * @brief Parses a timestamp (any form listed above) into epoch seconds.
 * @param tz     zone for times without an offset
 * @param fold   reading of a repeated local hour
 * @param epoch  OUT: seconds since 1970-01-01T00:00:00Z
 * @param flags  OUT (may be NULL): CS_TS_AMBIGUOUS / CS_TS_NONEXISTENT, 0 otherwise
 * @return CS_OK or CS_EINPUT.
 */
cs_status cs_ts_parse(const char *s, cs_tz tz, cs_ts_fold fold, double *epoch, int *flags,
                      cs_error *err);

/** @brief Parses plain epoch seconds of any length ("0", "86400.5"; not negative). */
cs_status cs_ts_parse_epoch(const char *s, double *epoch, cs_error *err);

/** @brief Parses "2024-10-27" or "27/10/2024" into a validated civil date (OUT: y, m, d). */
cs_status cs_ts_parse_date(const char *s, int *y, int *m, int *d, cs_error *err);

/** @brief Parses "H:MM:SS", "HH:MM" or "HH:MM:SS.sss" into seconds since midnight,
 *  0 <= seconds <= 86400 (24:00:00 allowed). */
cs_status cs_ts_parse_clock(const char *s, double *seconds, cs_error *err);

/** @brief Parses "185", "185.5", "3:05" (M:SS), "0:03:05" or "1:02:03" (H:MM:SS) into seconds;
 *  a leading '-' gives a negative result, which is returned, not refused. */
cs_status cs_ts_parse_duration(const char *s, double *seconds, cs_error *err);

/**
 * @brief Local civil date and time to epoch seconds.
 * No range checks (the parsers validate): day or seconds_of_day past the end of the month or
 * day roll over arithmetically, so (2024,10,27, 86400) is 2024-10-28 00:00 local.
 * @param flags OUT (may be NULL): CS_TS_AMBIGUOUS / CS_TS_NONEXISTENT as described above.
 * @return epoch seconds; NaN if seconds_of_day is not finite.
 */
double cs_ts_from_civil(int y, int m, int d, double seconds_of_day, cs_tz tz, cs_ts_fold fold,
                        int *flags);

/**
 * @brief Epoch seconds to local civil fields in zone tz.  Any OUT pointer may be NULL.
 * ss keeps the fraction of the second; weekday_monday0 is 0 for Monday ... 6 for Sunday;
 * utc_offset_s is the offset in force (0 or 3600 in the UK).
 * epoch must be finite and within +-1e13 s (about +-317,000 years): CS_REQUIRE otherwise.
 */
void cs_ts_to_civil(double epoch, cs_tz tz, int *y, int *m, int *d, int *hh, int *mm, double *ss,
                    int *weekday_monday0, int *utc_offset_s);

/**
 * @brief Writes "2024-10-27T01:30:00+01:00" (CS_TZ_UK; "+00:00" in winter) or
 * "2024-10-27T00:30:00Z" (CS_TZ_UTC), rounded to the millisecond, with ".250" style
 * milliseconds only when they are not zero.
 * @return like snprintf: the length of the full text (at most 34 characters for years
 *         0-9999, so 40 bytes always suffice), or -1 (and "" if n > 0) when epoch is not
 *         finite or beyond +-1e13 s.
 */
int cs_ts_format_iso(double epoch, cs_tz tz, char *buf, size_t n);

/** @brief Days from 1970-01-01 to y-m-d in the proleptic Gregorian calendar (negative before).
 *  Months 1-12; days past the month's end roll over arithmetically. */
long cs_ts_days_from_civil(int y, int m, int d);

/** @brief Inverse of cs_ts_days_from_civil (OUT: y, m 1-12, d 1-31). */
void cs_ts_civil_from_days(long days, int *y, int *m, int *d);

/** @brief UTC offset in seconds in force at an instant (0 for CS_TZ_UTC; 0 or 3600 for UK). */
int cs_ts_utc_offset(double epoch, cs_tz tz);

#endif
