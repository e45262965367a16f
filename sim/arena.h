/* An arena: one zeroed block of memory for many arrays that are made together, live together
 * and are freed together (the raw sums of every replication of a run, models/kpi.c), handed
 * out in order by cs_arena_take and given back all at once by cs_arena_destroy.
 *
 * Why not a calloc per array.  A run keeps every replication's sums to the end (about 190 kB a
 * replication for the baseline, 3.8 MB for its 20).  Memory that fresh comes from the kernel a
 * 4 kB page at a time, each page on its first touch (a page fault: about 1.4 us here, most of
 * it the kernel zeroing and accounting for the page), so the sums cost about 47 faults a
 * replication.  A large arena is mapped aligned to 2 MB with madvise(MADV_HUGEPAGE), which asks
 * for transparent huge pages where the system allows them (`enabled` "always" or "madvise" in
 * /sys/kernel/mm/transparent_hugepage): then one fault maps 2 MB, and the same zeroing costs
 * about a tenth of the time (measured on this project's machine: 4 MB in 0.13 ms against 1.6 ms
 * in small pages).  Where huge pages are off, the arena is ordinary pages: no worse than calloc.
 *
 * Memory.  A huge page is backed whole, so only whole 2 MB stretches of the block are huge: the
 * block is rounded up to a whole number of huge pages when that adds at most an eighth of its
 * size (3.8 MB becomes 4 MB), and otherwise its tail past the last whole huge page stays in
 * small pages, backed only where touched.  Arenas under 2 MB that would not round up come from
 * calloc, like any small allocation.
 *
 * Takes are 64-byte aligned (a cache line); under AddressSanitizer each is followed by a
 * poisoned gap, so a write past the end of one array is reported as it would be after a
 * malloc.  Not thread-safe: one owner takes; what it hands out may then be used anywhere. */
#ifndef CS_ARENA_H
#define CS_ARENA_H

#include <stddef.h>

typedef struct cs_arena cs_arena;

/** @brief The space in an arena that cs_arena_take(a, bytes) uses (alignment and, under
 *  AddressSanitizer, the poisoned gap): an arena for a set of arrays is created with the sum
 *  of cs_arena_need of each. */
size_t cs_arena_need(size_t bytes);

/** @brief A zeroed arena of at least `bytes` bytes (0 is allowed).
 *  @return the arena (cs_arena_destroy), or NULL when the memory cannot be had. */
cs_arena *cs_arena_create(size_t bytes);

/** @brief The next `bytes` bytes of a, zeroed and 64-byte aligned, valid until
 *  cs_arena_destroy(a); never freed on their own.
 *  @return the memory, or NULL when a has less than cs_arena_need(bytes) left (a sizing bug
 *  of the caller). */
void *cs_arena_take(cs_arena *a, size_t bytes);

/** @brief Bytes of a not yet taken (cs_arena_need units). */
size_t cs_arena_left(const cs_arena *a);

/** @brief 1 when a's block was mapped from the kernel with the huge-page advice given (the
 *  kernel may still decline), 0 when it came from calloc. */
int cs_arena_mapped(const cs_arena *a);

/** @brief Frees a and everything taken from it.  NULL is a no-op. */
void cs_arena_destroy(cs_arena *a);

#endif
