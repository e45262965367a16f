/* Which line a free handler takes when callers of several lines wait, read from a call log
 * (prefix cs_fitpick_): the weights of a pool's `pick: weighted`.
 *
 * Concept.  At each moment a call is answered, the lines with a caller waiting just then (and
 * the answered call's own line) are the choice the control room had; the answered line is what
 * it chose (cs_fitpick_estimate says which waiting callers count).  Luce's choice model gives
 * each line a weight w, and a line is chosen from a set S with probability w_line / sum of w
 * over S: exactly what a pool with `pick: weighted` does in
 * the simulation (models/centre.c).  The weights are the maximum-likelihood estimate over every
 * moment with at least two lines to choose from (Hunter's MM algorithm, which increases the
 * likelihood at every step), scaled so the largest is 1.
 *
 * Why not strict priorities alone (models/overtake.h): a line overtaken rarely but not never is
 * not a line that always waits.  On the 1999 bank log the regular line's callers were answered
 * 671 times while a priority caller who had called earlier waited (568 of them without waiting
 * at all, which the overtakes of models/overtake.h, among callers who waited, do not see); with
 * strict priority a replay answered priority callers in half the real time.
 * A line that truly always goes first gets a weight ratio in the thousands, which acts as a
 * priority.
 *
 * A line never chosen against another has no finite estimate (its weight tends to 0): weights
 * are floored at CS_FITPICK_FLOOR of the largest, since a weight of 0 would leave its callers
 * unanswered by free handlers whenever they are alone in the queue.
 *
 * Threads: no state.  Memory: the events, 8 bytes each, and a sorted copy of the spans. */
#ifndef CS_MODELS_FITPICK_H
#define CS_MODELS_FITPICK_H

#include <stddef.h>
#include <stdint.h>

#include "sim/status.h"

#define CS_FITPICK_MAX_LINES 32
#define CS_FITPICK_FLOOR 1e-3
/* Fewest moments with a choice for the weights to be written. */
#define CS_FITPICK_MIN_EVENTS 100

typedef struct cs_fitpick {
    size_t n_lines;
    size_t events;                          /* answers with at least two lines to choose from */
    double chosen[CS_FITPICK_MAX_LINES];    /* of them, the line answered */
    double offered[CS_FITPICK_MAX_LINES];   /* of them, the line was among the choices */
    double weight[CS_FITPICK_MAX_LINES];    /* largest 1; floored (see above) */
    int ok;                                 /* events >= CS_FITPICK_MIN_EVENTS */
} cs_fitpick;

/**
 * @brief Luce weights from choice events: event i chose line pick[i] from the set of lines in
 *  bit mask mask[i] (which must contain pick[i]; events with one line are ignored).
 * @return CS_OK; CS_EINPUT (n_lines above CS_FITPICK_MAX_LINES, a pick out of range or not in
 *  its mask).
 */
cs_status cs_fitpick_luce(const uint32_t *mask, const int *pick, size_t n, size_t n_lines, cs_fitpick *out,
                          cs_error *err);

/**
 * @brief The weights from a log: callers' waits [a[i], b[i]) on line wline[i] (answered or not;
 *  a wait of 0 need not be given), and every answered call j (waited or not): its arrival
 *  ans_arr[j], answer ans_t[j] and line ans_line[j].  The choice at an answer is the answered
 *  line and every other line with a caller who had arrived before the answered caller and was
 *  still waiting then (a < ans_arr, b > ans_t).  Only older callers count because a caller's
 *  logged wait may begin with time in which nobody could answer them (BT connecting a 999 call,
 *  a transfer): a younger caller of another line may not have been in the queue yet, and
 *  counting them would make a line that always goes first look as if it were passed over.  The
 *  price is a lean towards priority (a line passed over only by callers who came later is not
 *  seen as a choice).  One clock for all times.
 * @return as cs_fitpick_luce; CS_ENOMEM.
 */
cs_status cs_fitpick_estimate(const double *a, const double *b, const int *wline, size_t n_waits,
                              const double *ans_arr, const double *ans_t, const int *ans_line, size_t n_ans,
                              size_t n_lines, cs_fitpick *out, cs_error *err);

#endif
