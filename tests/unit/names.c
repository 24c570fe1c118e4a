/* Unit tests for lib/names.c: the names in messages and the bounded copies, cut as snprintf
 * would cut them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <string.h>

#include "internal.h"

static void index_names(void **state)
{
	(void)state;
	char out[64], ref[64];
	nsset_index_name(out, sizeof(out), "mounts", 0);
	assert_string_equal(out, "mounts[0]");
	nsset_index_name(out, sizeof(out), "linux.devices", 1234567);
	assert_string_equal(out, "linux.devices[1234567]");
	nsset_index_name(out, sizeof(out), "", 7);
	assert_string_equal(out, "[7]");
	nsset_index_name(out, sizeof(out), "x", SIZE_MAX);
	snprintf(ref, sizeof(ref), "x[%zu]", SIZE_MAX);
	assert_string_equal(out, ref);
}

static void cut_as_snprintf_cuts(void **state)
{
	(void)state;
	/* every size from 1 up: the same bytes as snprintf's */
	for (size_t size = 1; size <= 16; size++) {
		char out[16], ref[16];
		memset(out, 'z', sizeof(out));
		nsset_index_name(out, size, "mounts", 42);
		snprintf(ref, size, "mounts[%d]", 42);
		assert_string_equal(out, ref);
		assert_int_equal(nsset_strcpy(out, size, "default device"), strlen("default device"));
		snprintf(ref, size, "%s", "default device");
		assert_string_equal(out, ref);
	}
}

static void copy_may_overlap(void **state)
{
	(void)state;
	char buf[32] = "abc/def";
	nsset_strcpy(buf, sizeof(buf), buf + 4);
	assert_string_equal(buf, "def");
}

static void concat_as_snprintf_cuts(void **state)
{
	(void)state;
	/* every size from 1 up: the same bytes and length as snprintf's "%s%s%s%s" */
	for (size_t size = 1; size <= 24; size++) {
		char out[24], ref[24];
		memset(out, 'z', sizeof(out));
		size_t n = NSSET_CONCAT(out, size, "/sys/fs", "", "/cgroup", "/x");
		int r = snprintf(ref, size, "%s%s%s%s", "/sys/fs", "", "/cgroup", "/x");
		assert_string_equal(out, ref);
		assert_int_equal(n, (size_t)r);
	}
	char one[8];
	assert_int_equal(NSSET_CONCAT(one, sizeof(one), "abc"), 3);
	assert_string_equal(one, "abc");
	assert_int_equal(nsset_concat(one, sizeof(one), NULL, 0), 0);
	assert_string_equal(one, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(index_names),
		cmocka_unit_test(cut_as_snprintf_cuts),
		cmocka_unit_test(concat_as_snprintf_cuts),
		cmocka_unit_test(copy_may_overlap),
	};
	return cmocka_run_group_tests_name("names", tests, NULL, NULL);
}
