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
 * has a 32-byte state and period 2^256 - 1. */
#ifndef CS_RNG_H
#define CS_RNG_H

#include <stdint.h>

#include <gsl/gsl_rng.h>

/* The gsl_rng_type of xoshiro256**; get() returns the top 32 bits, get_double() 53 bits in [0,1). */
extern const gsl_rng_type *const cs_rng_xoshiro256ss;

/* The documented seed hash above. */
uint64_t cs_rng_seed_for(uint64_t scenario_seed, uint32_t replication, const char *name);

/* A new generator for the named stream; NULL if out of memory.  Free with gsl_rng_free. */
gsl_rng *cs_rng_stream(uint64_t scenario_seed, uint32_t replication, const char *name);

/* SplitMix64 finaliser, exposed for other deterministic hashing needs. */
uint64_t cs_rng_mix64(uint64_t x);
uint64_t cs_rng_fnv1a64(const char *s);

#endif
