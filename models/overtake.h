/* Which line's callers are answered first: queue priorities read from a call log (prefix
 * cs_overtake_).
 *
 * Concept.  Two callers waiting at once, one on line A who arrived first and one on line B who
 * arrived later: if B's caller is answered first, B overtook A.  Within a line callers are
 * answered roughly in order; across lines, a line with priority over another overtakes it far
 * more often than the other way round.  For each ordered pair of lines this module counts
 * overtakes among answered callers (comparing each with up to CS_OVERTAKE_SCAN callers who
 * arrived before it), and ranks lines: B is above A when B overtook A at least
 * CS_OVERTAKE_RATIO times as often as A overtook B, over at least CS_OVERTAKE_MIN overtakes;
 * a line's priority is the number of lines it is above (so lines served in order of arrival
 * all get 0, as in a scenario without priorities).
 *
 * Threads: no state.  Memory: a sorted copy of the calls (24 bytes each). */
#ifndef CS_MODELS_OVERTAKE_H
#define CS_MODELS_OVERTAKE_H

#include <stddef.h>

#include "sim/status.h"

#define CS_OVERTAKE_MAX_LINES 32
#define CS_OVERTAKE_SCAN 400
#define CS_OVERTAKE_RATIO 3.0
#define CS_OVERTAKE_MIN 30

typedef struct cs_overtake {
    size_t n_lines;
    double count[CS_OVERTAKE_MAX_LINES][CS_OVERTAKE_MAX_LINES];   /* [b][a]: b overtook a */
    int priority[CS_OVERTAKE_MAX_LINES];
    int any;   /* some line is above another */
} cs_overtake;

/**
 * @brief Counts overtakes and ranks lines.
 * @param arrival,answer  n answered calls: when they arrived and were answered (s, one clock)
 * @param line            their lines, 0..n_lines-1
 * @return CS_OK; CS_EINPUT (n_lines above CS_OVERTAKE_MAX_LINES, a line out of range); CS_ENOMEM.
 */
cs_status cs_overtake_rank(const double *arrival, const double *answer, const int *line, size_t n, size_t n_lines,
                           cs_overtake *out, cs_error *err);

#endif
