#include "sim/rng.h"

#include <string.h>

uint64_t cs_rng_mix64(uint64_t x)
{
    x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
    x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
    return x ^ (x >> 31);
}

uint64_t cs_rng_fnv1a64(const char *s)
{
    uint64_t h = 0xCBF29CE484222325ULL;
    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 0x100000001B3ULL;
    }
    return h;
}

static void xo_set(void *vstate, unsigned long seed)
{
    /* SplitMix64 expansion: never produces the all-zero state that xoshiro cannot leave. */
    cs_rng_xoshiro_state *st = vstate;
    uint64_t z = (uint64_t)seed;
    for (int i = 0; i < 4; i++) {
        z += 0x9E3779B97F4A7C15ULL;
        st->s[i] = cs_rng_mix64(z);
    }
}

static unsigned long xo_get(void *vstate) { return (unsigned long)(cs_rng_xoshiro_next(vstate) >> 32); }

static double xo_get_double(void *vstate)
{
    return (double)(cs_rng_xoshiro_next(vstate) >> 11) * 0x1.0p-53;
}

static const gsl_rng_type xoshiro_type = {
    "xoshiro256**", 0xffffffffUL, 0, sizeof(cs_rng_xoshiro_state), &xo_set, &xo_get, &xo_get_double};

const gsl_rng_type *const cs_rng_xoshiro256ss = &xoshiro_type;

uint64_t cs_rng_seed_for(uint64_t scenario_seed, uint32_t replication, const char *name)
{
    uint64_t s = cs_rng_mix64(scenario_seed + 0x9E3779B97F4A7C15ULL);
    s = cs_rng_mix64(s ^ ((uint64_t)replication * 0xD1B54A32D192ED03ULL + 1));
    return cs_rng_mix64(s ^ cs_rng_fnv1a64(name));
}

gsl_rng *cs_rng_stream(uint64_t scenario_seed, uint32_t replication, const char *name)
{
    gsl_rng *r = gsl_rng_alloc(cs_rng_xoshiro256ss);
    if (!r) return NULL;
    gsl_rng_set(r, (unsigned long)cs_rng_seed_for(scenario_seed, replication, name));
    return r;
}
