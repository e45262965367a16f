/* Random streams: one GSL generator per random source per replication.
 *
 * A stream is named by what it drives ("arrivals/101", "handle/101", "patience/999", ...).
 * Its seed is a hash of (scenario seed, replication, name), so streams are independent of the
 * order in which they are created: adding a line, a pool or a new random source to a scenario
 * never changes the numbers another stream draws.  That is what makes common random numbers
 * work when a variant is compared with its baseline, and what makes results independent of
 * the thread that runs a replication.
 *
 * The seed hash (documented in README.md, "Random numbers"):
 *     h    = FNV-1a-64(name)
 *     s    = mix64(seed + 0x9E3779B97F4A7C15)
 *     s    = mix64(s ^ (replication * 0xD1B54A32D192ED03 + 1))
 *     s    = mix64(s ^ h)
 * where mix64 is the SplitMix64 finaliser.  The 64-bit s seeds the generator.
 *
 * The generator is xoshiro256** (Blackman and Vigna, 2018) wrapped as a gsl_rng_type, so every
 * gsl_ran_* and gsl_rng_* function works on it unchanged.  We do not use GSL's mt19937 here
 * because its seeding keeps only 32 bits: with thousands of stream-replications the birthday
 * bound makes a seed collision likely, and two "independent" streams would then be identical.
 * xoshiro256** takes the full 64-bit seed (expanded by SplitMix64 as its authors recommend),
 * has a 32-byte state and period 2^256 - 1.
 *
 * Hot path.  gsl_rng_uniform reaches the generator through two function pointers; the
 * simulator draws a few uniforms per event, so cs_rng_uniform and cs_rng_exponential below
 * step xoshiro256** inline when the stream is one of ours (and fall back to GSL otherwise).
 * cs_rng_uniform returns exactly what gsl_rng_uniform returns.  cs_rng_exponential returns
 *     -mean * log(1 - u),   u = cs_rng_uniform(r)
 * 1 - u is exact (u is a multiple of 2^-53), so this is the same number as GSL's
 * gsl_ran_exponential, -mean * log1p(-u), up to the last bit of rounding; log is about twice
 * as fast as log1p.  GSL's own distributions (gamma, ziggurat normal, ...) keep using the
 * generator through the gsl_rng_type, so their draws are unchanged. */
#ifndef CS_RNG_H
#define CS_RNG_H

#include <math.h>
#include <stdint.h>

#include <gsl/gsl_rng.h>

/* The gsl_rng_type of xoshiro256**; get() returns the top 32 bits, get_double() 53 bits in [0,1). */
extern const gsl_rng_type *const cs_rng_xoshiro256ss;

/* The documented seed hash above. */
uint64_t cs_rng_seed_for(uint64_t scenario_seed, uint32_t replication, const char *name);

/* A new generator for the named stream; NULL if out of memory.  Free with gsl_rng_free. */
gsl_rng *cs_rng_stream(uint64_t scenario_seed, uint32_t replication, const char *name);

/* The generator's state (the layout behind gsl_rng.state for cs_rng_xoshiro256ss). */
typedef struct cs_rng_xoshiro_state {
    uint64_t s[4];
} cs_rng_xoshiro_state;

/* One step of xoshiro256**: the next 64-bit output. */
static inline uint64_t cs_rng_xoshiro_next(cs_rng_xoshiro_state *st)
{
    uint64_t *s = st->s;
    uint64_t x = s[1] * 5;
    uint64_t result = ((x << 7) | (x >> 57)) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = (s[3] << 45) | (s[3] >> 19);
    return result;
}

/* Uniform on [0, 1) in steps of 2^-53; bit for bit gsl_rng_uniform(r). */
static inline double cs_rng_uniform(const gsl_rng *r)
{
    if (r->type == cs_rng_xoshiro256ss)
        return (double)(cs_rng_xoshiro_next(r->state) >> 11) * 0x1.0p-53;
    return gsl_rng_uniform(r);
}

/* Exponential with the given mean: -mean * log(1 - u) (see the top of this file). */
static inline double cs_rng_exponential(const gsl_rng *r, double mean)
{
    return -mean * log(1.0 - cs_rng_uniform(r));
}

/* SplitMix64 finaliser, exposed for other deterministic hashing needs. */
uint64_t cs_rng_mix64(uint64_t x);
uint64_t cs_rng_fnv1a64(const char *s);

#endif
