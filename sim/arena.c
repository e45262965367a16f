/* The arena of sim/arena.h: one block, a cursor, and the choice of where the block comes from.
 *
 * The block is mapped with room for one more huge page and trimmed to a 2 MB boundary at both
 * ends, since only a 2 MB-aligned stretch can be one huge page.  madvise's answer is not
 * checked: EINVAL (a kernel without transparent huge pages) leaves an ordinary mapping, which is
 * what the advice falls back to anyway. */
#define _GNU_SOURCE /* MAP_ANONYMOUS, madvise, MADV_HUGEPAGE */
#include "sim/arena.h"

#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__SANITIZE_ADDRESS__)
#define CS_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define CS_ARENA_ASAN 1
#endif
#endif

#ifdef CS_ARENA_ASAN
#include <sanitizer/asan_interface.h>
#define GAP ((size_t)64) /* poisoned bytes after each take */
#define POISON(p, n) __asan_poison_memory_region((p), (n))
#define UNPOISON(p, n) __asan_unpoison_memory_region((p), (n))
#else
#define GAP ((size_t)0)
#define POISON(p, n) ((void)(p), (void)(n))
#define UNPOISON(p, n) ((void)(p), (void)(n))
#endif

#define ALIGN ((size_t)64)
#define HUGE ((size_t)2 << 20)

struct cs_arena {
    unsigned char *base;   /* 64-byte aligned (2 MB when mapped) */
    size_t size, used;     /* bytes usable from base; taken so far */
    void *raw;             /* calloc's pointer, or NULL when mapped */
    int mapped;
};

/* x rounded up to a multiple of the power of two m, or 0 when that overflows. */
static size_t round_up(size_t x, size_t m)
{
    return x > SIZE_MAX - (m - 1) ? 0 : (x + m - 1) & ~(m - 1);
}

size_t cs_arena_need(size_t bytes)
{
    size_t n = round_up(bytes, ALIGN);
    if (bytes && !n) return SIZE_MAX; /* no arena has that much */
    return n > SIZE_MAX - GAP ? SIZE_MAX : n + GAP;
}

/* A 2 MB-aligned anonymous mapping of len bytes (a multiple of the page size) with the huge-page
 * advice, or NULL. */
static unsigned char *map_aligned(size_t len)
{
    if (len > SIZE_MAX - HUGE) return NULL;
    unsigned char *p = mmap(NULL, len + HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return NULL;
    uintptr_t start = ((uintptr_t)p + HUGE - 1) & ~(uintptr_t)(HUGE - 1);
    size_t head = (size_t)(start - (uintptr_t)p);
    if (head) munmap(p, head);
    munmap((unsigned char *)start + len, HUGE - head);
    madvise((void *)start, len, MADV_HUGEPAGE);
    return (unsigned char *)start;
}

cs_arena *cs_arena_create(size_t bytes)
{
    cs_arena *a = calloc(1, sizeof *a);
    if (!a) return NULL;
    size_t whole = round_up(bytes, HUGE);
    long pg = sysconf(_SC_PAGESIZE);
    size_t page = pg > 0 ? (size_t)pg : 4096;
    /* Whole huge pages when rounding up adds at most an eighth; otherwise, from 2 MB on, the
     * whole huge pages that fit and small pages for the tail; below that, calloc. */
    size_t len = 0;
    if (bytes && whole && whole - bytes <= bytes / 8) len = whole;
    else if (bytes >= HUGE) len = round_up(bytes, page);
    if (len) {
        a->base = map_aligned(len);
        if (a->base) {
            a->size = len;
            a->mapped = 1;
        }
    }
    if (!a->base) {
        if (bytes > SIZE_MAX - ALIGN || !(a->raw = calloc(1, bytes + ALIGN))) {
            free(a);
            return NULL;
        }
        a->base = (unsigned char *)(((uintptr_t)a->raw + ALIGN - 1) & ~(uintptr_t)(ALIGN - 1));
        a->size = bytes;
    }
    POISON(a->base, a->size);
    return a;
}

void *cs_arena_take(cs_arena *a, size_t bytes)
{
    size_t need = cs_arena_need(bytes);
    if (need > a->size - a->used) return NULL;
    unsigned char *p = a->base + a->used;
    a->used += need;
    UNPOISON(p, bytes);
    return p;
}

size_t cs_arena_left(const cs_arena *a) { return a->size - a->used; }

int cs_arena_mapped(const cs_arena *a) { return a->mapped; }

void cs_arena_destroy(cs_arena *a)
{
    if (!a) return;
    /* Shadow memory outlives the mapping: what comes next at these addresses starts clean. */
    UNPOISON(a->base, a->size);
    if (a->mapped) munmap(a->base, a->size);
    else free(a->raw);
    free(a);
}
