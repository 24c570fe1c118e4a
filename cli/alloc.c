/* cli/alloc.c: the static nsset's memory allocator (linked in only where nsset is linked
 * statically without sanitizers; it replaces the C library's malloc, calloc, realloc, free and
 * their aligned relatives for the whole program).
 *
 * nsset is a short-lived, single-threaded program that allocates a few hundred small objects
 * (the parsed config.json, the cgroup plan) and exits.  musl's allocator (mallocng) maps and
 * unmaps a group for nearly every size class it meets (≈35 mmap/munmap a run) and reads each
 * new page of a group before it writes it (two page faults a page); glibc's sets up its arena
 * on the first call.  Here: blocks of power-of-two sizes (16 B to 64 KiB) carved from 256 KiB
 * regions mapped once, a free list per size, larger blocks mapped on their own and unmapped on
 * free.  Memory freed is reused, never returned, which suits a program that lives for one
 * container (the long-running verbs, `events` and `run`'s wait, allocate nothing per
 * iteration that they keep).
 *
 * Not thread-safe: nsset has no threads.  A vfork()ed child that allocates before its exec
 * shares the parent's state while the parent is suspended, which is the same as the parent
 * allocating; `nsset run`'s init in the caller's memory (lib/spawn.c) allocates nothing. */
#include <errno.h>
#include <stdalign.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

#define HDR 16u                 /* header before each block: keeps 16-byte alignment */
#define MIN_SHIFT 4u            /* smallest block 16 B */
#define MAX_SHIFT 16u           /* largest pooled block 64 KiB */
#define REGION (256u << 10)     /* pooled blocks are carved from regions this big */
#define CLASSES (MAX_SHIFT - MIN_SHIFT + 1)
#define LARGE 0xffu             /* header class of a block mapped on its own */

struct hdr {
	size_t size;   /* usable bytes of the block */
	uint8_t class; /* index into free_list, or LARGE */
	uint8_t pad[7];
};
_Static_assert(sizeof(struct hdr) == HDR, "header size");

struct free_block {
	struct free_block *next;
};

static struct free_block *free_list[CLASSES];
static char *bump, *bump_end;

static unsigned class_of(size_t n)
{
	unsigned c = 0;
	size_t s = (size_t)1 << MIN_SHIFT;
	while (s < n) {
		s <<= 1;
		c++;
	}
	return c;
}

static void *map(size_t n)
{
	void *p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void *alloc_large(size_t n)
{
	size_t total = (n + HDR + 4095) & ~(size_t)4095;
	if (total < n) {
		errno = ENOMEM;
		return NULL;
	}
	struct hdr *h = map(total);
	if (!h) {
		errno = ENOMEM;
		return NULL;
	}
	h->size = total - HDR;
	h->class = LARGE;
	return (char *)h + HDR;
}

void *malloc(size_t n)
{
	if (n > ((size_t)1 << MAX_SHIFT))
		return alloc_large(n);
	unsigned c = class_of(n);
	struct free_block *f = free_list[c];
	if (f) {
		free_list[c] = f->next;
		return f;
	}
	size_t size = (size_t)1 << (c + MIN_SHIFT), need = size + HDR;
	if ((size_t)(bump_end - bump) < need) {
		/* The rest of the old region stays unused: at most one block's worth. */
		char *r = map(REGION);
		if (!r) {
			errno = ENOMEM;
			return NULL;
		}
		bump = r;
		bump_end = r + REGION;
	}
	struct hdr *h = (struct hdr *)bump;
	bump += need;
	h->size = size;
	h->class = (uint8_t)c;
	return (char *)h + HDR;
}

static struct hdr *hdr_of(void *p)
{
	return (struct hdr *)((char *)p - HDR);
}

void free(void *p)
{
	if (!p)
		return;
	struct hdr *h = hdr_of(p);
	if (h->class == LARGE) {
		char *page = (char *)((uintptr_t)h & ~(uintptr_t)4095);
		munmap(page, (size_t)((char *)h - page) + HDR + h->size);
		return;
	}
	struct free_block *f = p;
	f->next = free_list[h->class];
	free_list[h->class] = f;
}

void *calloc(size_t m, size_t n)
{
	size_t total;
	if (__builtin_mul_overflow(m, n, &total)) {
		errno = ENOMEM;
		return NULL;
	}
	void *p = malloc(total);
	if (p)
		memset(p, 0, total);
	return p;
}

void *realloc(void *p, size_t n)
{
	if (!p)
		return malloc(n);
	struct hdr *h = hdr_of(p);
	if (n <= h->size && (h->class == LARGE || h->class == 0 || n > h->size / 2))
		return p;
	/* The last block carved from the current region grows in place. */
	if (h->class != LARGE && n <= ((size_t)1 << MAX_SHIFT) && (char *)p + h->size == bump) {
		unsigned c = class_of(n);
		size_t size = (size_t)1 << (c + MIN_SHIFT);
		if (size > h->size && (size_t)(bump_end - (char *)p) >= size) {
			bump = (char *)p + size;
			h->size = size;
			h->class = (uint8_t)c;
			return p;
		}
	}
	void *q = malloc(n);
	if (!q)
		return NULL;
	memcpy(q, p, n < h->size ? n : h->size);
	free(p);
	return q;
}

size_t malloc_usable_size(void *p)
{
	return p ? hdr_of(p)->size : 0;
}

/* Aligned blocks: a pooled block of a power-of-two size is aligned to its size up to the
 * region's alignment only by chance, so an aligned request is served by a large block whose
 * start is moved up to the alignment, the header copied in front. */
void *aligned_alloc(size_t align, size_t n)
{
	if (align <= HDR)
		return malloc(n);
	if (align & (align - 1)) {
		errno = EINVAL;
		return NULL;
	}
	size_t total = (n + HDR + align + 4095) & ~(size_t)4095;
	if (total < n) {
		errno = ENOMEM;
		return NULL;
	}
	char *base = map(total);
	if (!base) {
		errno = ENOMEM;
		return NULL;
	}
	uintptr_t user = ((uintptr_t)base + HDR + align - 1) & ~(uintptr_t)(align - 1);
	char *start = (char *)(user - HDR);
	if (start != base)
		munmap(base, (size_t)(start - base) & ~(size_t)4095); /* whole pages before it */
	/* The header's own page starts the mapping that free() unmaps. */
	char *page = (char *)((uintptr_t)start & ~(uintptr_t)4095);
	struct hdr *h = (struct hdr *)start;
	h->size = total - (size_t)(page - base) - (size_t)(start - page) - HDR;
	h->class = LARGE;
	return (void *)user;
}

int posix_memalign(void **res, size_t align, size_t n)
{
	if (align < sizeof(void *) || (align & (align - 1)))
		return EINVAL;
	void *p = aligned_alloc(align, n);
	if (!p)
		return ENOMEM;
	*res = p;
	return 0;
}

void *memalign(size_t align, size_t n)
{
	return aligned_alloc(align, n);
}
