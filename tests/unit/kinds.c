/* Unit tests for the kinds table and flag parsing. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <sched.h>
#include <string.h>

#include "config.h"
#include "nsset.h"

static void seeds_values(void **state)
{
	(void)state;
	assert_int_equal(NSSET_MNT, 0x1);
	assert_int_equal(NSSET_UTS, 0x2);
	assert_int_equal(NSSET_IPC, 0x4);
	assert_int_equal(NSSET_PID, 0x8);
	assert_int_equal(NSSET_NET, 0x10);
	assert_int_equal(NSSET_USER, 0x20);
	assert_int_equal(NSSET_CGROUP, 0x40);
	assert_int_equal(NSSET_TIME, 0x80);
	assert_int_equal(NSSET_ALL, 0xff);
	assert_int_equal(sizeof(nsset_flags_t), 8);
}

static void table_is_consistent(void **state)
{
	(void)state;
	size_t n;
	const struct nsset_kind *k = nsset_kinds(&n);
	nsset_flags_t seen = 0;
	assert_int_equal(n, 8);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(__builtin_popcountll(k[i].flag), 1);
		assert_false(seen & k[i].flag);
		seen |= k[i].flag;
		assert_ptr_equal(nsset_kind_by_name(k[i].name), &k[i]);
		assert_ptr_equal(nsset_kind_by_flag(k[i].flag), &k[i]);
		assert_ptr_equal(nsset_kind_by_clone_flag(k[i].clone_flag), &k[i]);
	}
	assert_int_equal(seen, NSSET_ALL);
	assert_int_equal(nsset_kind_by_name("mnt")->clone_flag, CLONE_NEWNS);
	assert_int_equal(nsset_kind_by_name("user")->clone_flag, CLONE_NEWUSER);
	assert_null(nsset_kind_by_name("bogus"));
	assert_null(nsset_kind_by_name(NULL));
	assert_null(nsset_kind_by_flag(NSSET_MNT | NSSET_UTS));
}

static void unknown_bits_are_einval(void **state)
{
	(void)state;
	struct nsset_error err = { 0 };
	assert_int_equal(nsset_flags_check(0x100, &err), -EINVAL);
	assert_int_equal(err.code, -EINVAL);
	assert_non_null(strstr(err.msg, "unknown namespace flag"));
	assert_int_equal(nsset_flags_check((nsset_flags_t)1 << 63, NULL), -EINVAL);
	assert_int_equal(nsset_flags_check(0, NULL), 0);
}

static void built_kinds_pass_check(void **state)
{
	(void)state;
	struct nsset_error err = { 0 };
	nsset_flags_t built = nsset_flags_built();
	assert_int_equal(nsset_flags_check(built, &err), 0);
	size_t n;
	const struct nsset_kind *k = nsset_kinds(&n);
	for (size_t i = 0; i < n; i++) {
		if (k[i].built)
			continue;
		assert_int_equal(nsset_flags_check(k[i].flag, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "not built into this nsset"));
	}
}

static void parse_and_format(void **state)
{
	(void)state;
	nsset_flags_t f = 0;
	char buf[64];
	assert_int_equal(nsset_flags_parse("mnt,pid,user", &f, NULL), 0);
	assert_int_equal(f, NSSET_MNT | NSSET_PID | NSSET_USER);
	assert_int_equal(nsset_flags_format(f, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "mnt,pid,user");
	assert_int_equal(nsset_flags_parse("all", &f, NULL), 0);
	assert_int_equal(f, NSSET_ALL);
	assert_int_equal(nsset_flags_parse("", &f, NULL), -EINVAL);
	assert_int_equal(nsset_flags_parse("mnt,", &f, NULL), -EINVAL);
	assert_int_equal(nsset_flags_parse(",mnt", &f, NULL), -EINVAL);
	assert_int_equal(nsset_flags_parse("mnt,,uts", &f, NULL), -EINVAL);
	assert_int_equal(nsset_flags_parse("network", &f, NULL), -EINVAL);
	assert_int_equal(nsset_flags_parse("averyveryverylongkindname", &f, NULL), -EINVAL);
	assert_int_equal(nsset_flags_format(NSSET_ALL, buf, 8), -ENOSPC);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seeds_values),
		cmocka_unit_test(table_is_consistent),
		cmocka_unit_test(unknown_bits_are_einval),
		cmocka_unit_test(built_kinds_pass_check),
		cmocka_unit_test(parse_and_format),
	};
	return cmocka_run_group_tests_name("kinds", tests, NULL, NULL);
}
