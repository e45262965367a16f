/* The scenario as resolved (after `base:` merging and defaults), as JSON: what a run
 * actually simulated, recorded next to its results in summary.json. */
#ifndef CS_SCENARIO_JSON_H
#define CS_SCENARIO_JSON_H

#include "io/json.h"
#include "models/scenario.h"

/* Writes one JSON object value (the caller has written the key, if any). */
void cs_scn_write_json(cs_json_writer *w, const cs_scn *s);

#endif
