/* Dated on-duty CSV files (prefix cs_staffcsv_): handlers on duty by local date and time.
 *
 * The format is what a pool's `on_duty:` key reads and what anything that produces staffing
 * writes: a force's real rota, the staffing a call log implies, a staffing plan.
 *
 *   date,time,staff
 *   2025-12-24,00:00,9
 *   2025-12-24,07:00,14
 *   2025-12-24,22:00,11
 *   2025-12-25,07:00,
 *
 * Columns (any order, names case-insensitive): `date` (2025-12-24 or 24/12/2025), `time`
 * (local UK clock time, 07:00 or 07:00:30) and `staff` (handlers on duty: a whole number, or
 * empty / `roster` to hand back to the roster).  Rows are in time order.
 *
 * Where given.  A row's number holds from its date and time until the next row; the last row
 * holds until the end of its local day (midnight).  An empty staff ends the file's cover at
 * that time: the roster applies until the next row with a number.  Outside the cover the
 * pool's roster applies.  Two rows with numbers may be at most 24 hours of local clock time
 * apart: a longer gap is almost always a file covering separate periods, which must say where
 * each ends (an empty-staff row), so it is an error rather than a silent month of one number.
 *
 * Local time.  Times are local UK clock times with the clock changes (models/calendar.h): in
 * the repeated October hour a time that goes back (01:45 then 01:00) is the second pass (GMT);
 * a time in the missing March hour is the instant of the change (its step lasts no time).
 *
 * The numbers are handlers actually on duty: absence and breaks are already out of them, so
 * the pool's shrinkage and breaks are not applied to them again (models/staffing.h).
 *
 * Errors.  Each bad row is reported through the caller's callback with the physical line of
 * the record and a message naming the spreadsheet row and column and what was expected; the
 * reader carries on to report every problem. */
#ifndef CS_IO_STAFFING_CSV_H
#define CS_IO_STAFFING_CSV_H

#include <stddef.h>
#include <stdio.h>

#include "models/calendar.h"
#include "models/staffing.h"
#include "sim/status.h"

/* A problem in the file: line = physical line of the record (1 for the header). */
typedef void cs_staffcsv_problem(void *ud, unsigned line, const char *msg);

/**
 * @brief Reads a dated on-duty file for a run of `horizon` seconds on a dated clock.
 * @param out      OUT: the spans where the file gives a number (cs_onduty_fini)
 * @param problem  called once per problem (may not be NULL)
 * @return CS_OK; CS_EINPUT when problems were reported; CS_EIO when the file cannot be opened
 *         (err says why, nothing reported); CS_ENOMEM.  *out is empty unless CS_OK.
 */
cs_status cs_staffcsv_read(const char *path, const cs_clock *c, double horizon, cs_onduty *out,
                           cs_staffcsv_problem *problem, void *ud, cs_error *err);

/**
 * @brief Writes a step function as a dated on-duty file: staff[i] handlers from t[i]
 * (sorted, simulated seconds of clock c; staff[i] < 0 = the roster) until t[i + 1], the last
 * until `end`.  One row per change plus one at every local midnight inside a step (so rows are
 * never more than a day apart), and a closing empty-staff row at `end` unless `end` is a local
 * midnight.  Reading the file back gives the same steps.
 * @return CS_OK, or CS_EIO on a write error.
 */
cs_status cs_staffcsv_write(FILE *f, const cs_clock *c, const double *t, const int *staff,
                            size_t n, double end, cs_error *err);

#endif
