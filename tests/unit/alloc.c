/* Unit tests for cli/alloc.c, the static nsset's allocator, linked into this program as its
 * malloc: every block aligned and as big as asked, freed blocks reused, calloc zeroing
 * reused memory, realloc keeping the contents (in place at the end of a region), large and
 * aligned blocks mapped on their own and unmapped on free, overflowing sizes refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Whether the page holding p is mapped (mincore fails with ENOMEM for an unmapped one). */
static int mapped(uintptr_t p)
{
	unsigned char v;
	void *page = (void *)(p & ~(uintptr_t)(getpagesize() - 1));
	return mincore(page, 1, &v) == 0;
}

static void sizes_and_alignment(void **state)
{
	(void)state;
	void *blocks[64];
	size_t n = 0;
	for (size_t size = 0; size <= 70000; size = size * 2 + 1, n++) {
		unsigned char *p = malloc(size);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % 16, 0);
		assert_true(malloc_usable_size(p) >= size);
		memset(p, 0xa5, size); /* all of it writable */
		blocks[n] = p;
	}
	for (size_t i = 0; i < n; i++)
		free(blocks[i]);
	free(NULL);
}

static void freed_blocks_are_reused(void **state)
{
	(void)state;
	void *a = malloc(100), *b = malloc(100);
	assert_ptr_not_equal(a, b);
	free(a);
	void *c = malloc(120); /* the same size class */
	assert_ptr_equal(c, a);
	free(b);
	free(c);
	/* many rounds of the same sizes do not grow the program */
	void *first = malloc(3000);
	free(first);
	for (int i = 0; i < 10000; i++) {
		void *p = malloc(3000);
		assert_ptr_equal(p, first);
		free(p);
	}
}

static void calloc_zeroes_reused_memory(void **state)
{
	(void)state;
	unsigned char *p = malloc(200);
	memset(p, 0xff, 200);
	free(p);
	unsigned char *q = calloc(25, 8);
	assert_ptr_equal(q, p);
	for (int i = 0; i < 200; i++)
		assert_int_equal(q[i], 0);
	free(q);
	volatile size_t half = SIZE_MAX / 2; /* (no compile-time warning) */
	errno = 0;
	assert_null(calloc(half, 3));
	assert_int_equal(errno, ENOMEM);
}

static void realloc_keeps_contents(void **state)
{
	(void)state;
	char *p = realloc(NULL, 10);
	assert_non_null(p);
	memcpy(p, "0123456789", 10);
	for (size_t size = 20; size < 200000; size *= 3) {
		p = realloc(p, size);
		assert_non_null(p);
		assert_memory_equal(p, "0123456789", 10);
		assert_true(malloc_usable_size(p) >= size);
		memset(p + 10, 'x', size - 10);
	}
	/* shrinking keeps the start */
	p = realloc(p, 5);
	assert_memory_equal(p, "01234", 5);
	free(p);
}

static void realloc_grows_the_last_block_in_place(void **state)
{
	(void)state;
	/* A block carved from the end of its region stays where it is when it grows.  Blocks of
	 * its size freed by the tests before come first: they are taken and kept until a block
	 * from the region's end comes (a region with too little room left is followed by a new
	 * one). */
	char *kept[64];
	int n = 0, in_place = 0;
	while (n < 62 && !in_place) {
		char *p = malloc(30000);
		memset(p, 'a', 30000);
		char *q = realloc(p, 60000);
		assert_non_null(q);
		kept[n++] = q;
		in_place = q == p;
		if (!in_place)
			kept[n++] = malloc(30000); /* p again: not to be met in the next round */
	}
	assert_true(in_place);
	char *grown = kept[n - 1];
	assert_true(malloc_usable_size(grown) >= 60000);
	assert_int_equal(grown[29999], 'a');
	/* the next block does not overlap the grown one */
	char *r = malloc(16);
	assert_true(r >= grown + 60000 || r + 16 <= grown);
	free(r);
	while (n > 0)
		free(kept[--n]);
}

static void large_blocks_are_unmapped_on_free(void **state)
{
	(void)state;
	size_t size = 1 << 20;
	char *p = malloc(size);
	assert_non_null(p);
	memset(p, 1, size);
	uintptr_t start = (uintptr_t)p, end = start + size - 1;
	assert_true(mapped(start) && mapped(end));
	free(p);
	assert_false(mapped(start));
	assert_false(mapped(end));
	volatile size_t huge = SIZE_MAX - 8;
	errno = 0;
	assert_null(malloc(huge));
	assert_int_equal(errno, ENOMEM);
}

static void aligned_blocks(void **state)
{
	(void)state;
	for (size_t align = 8; align <= (1 << 16); align <<= 1) {
		void *p = aligned_alloc(align, 100);
		assert_non_null(p);
		assert_int_equal((uintptr_t)p % align, 0);
		assert_true(malloc_usable_size(p) >= 100);
		memset(p, 2, 100);
		void *q = NULL;
		assert_int_equal(posix_memalign(&q, align, 5000), 0);
		assert_int_equal((uintptr_t)q % align, 0);
		memset(q, 3, 5000);
		uintptr_t qa = (uintptr_t)q;
		void *r = memalign(align, 1);
		assert_int_equal((uintptr_t)r % align, 0);
		free(p);
		free(q);
		free(r);
		if (align > 16) /* mapped on their own, gone on free */
			assert_false(mapped(qa));
	}
	void *q = NULL;
	assert_int_equal(posix_memalign(&q, 24, 10), EINVAL);
	assert_int_equal(posix_memalign(&q, 4, 10), EINVAL);
	errno = 0;
	assert_null(aligned_alloc(48, 10));
	assert_int_equal(errno, EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes_and_alignment),
		cmocka_unit_test(freed_blocks_are_reused),
		cmocka_unit_test(calloc_zeroes_reused_memory),
		cmocka_unit_test(realloc_keeps_contents),
		cmocka_unit_test(realloc_grows_the_last_block_in_place),
		cmocka_unit_test(large_blocks_are_unmapped_on_free),
		cmocka_unit_test(aligned_blocks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
