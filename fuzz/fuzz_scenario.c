/* libFuzzer harness: the scenario loader (io/scenario.h) on text in memory.
 *
 * The text is loaded as if it were the file tests/data/scenarios/fuzz.yaml (relative to the
 * working directory, which `make fuzz-smoke` sets to the repository root), so `base:` and
 * profile CSV names resolve against real fixtures: base_baseline.yaml, the chain and loop
 * files, profile_101.csv, bad_profile.csv, and names that do not exist (base_missing.yaml
 * itself names one).  Nothing is written.
 *
 * Beyond "no crash, no sanitizer report" it checks the loader's contract: CS_OK comes with a
 * scenario and no diagnostic, any failure with no scenario; CS_EINPUT with at least one
 * positioned-or-named diagnostic whose message is not empty. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "io/scenario.h"

#define CHECK(c) ((c) ? (void)0 : __builtin_trap())

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text) return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    cs_scn *s = NULL;
    cs_diags d = {0};
    cs_status st = cs_scn_load_string(text, "tests/data/scenarios/fuzz.yaml", &s, &d);
    if (st == CS_OK) {
        CHECK(s != NULL);
    } else {
        CHECK(s == NULL);
        if (st == CS_EINPUT) {
            CHECK(d.n > 0);
            for (size_t i = 0; i < d.n; i++) {
                CHECK(d.items[i].msg[0] != '\0');
                char buf[1024];
                CHECK(cs_diag_format(&d.items[i], buf, sizeof buf) > 0);
            }
        }
    }
    cs_scn_free(s);
    cs_diags_free(&d);
    free(text);
    return 0;
}
