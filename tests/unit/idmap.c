/* Unit tests for the uid/gid map parser and checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <string.h>

#include "nsset.h"

static void parses_one_range(void **state)
{
	(void)state;
	struct nsset_idmaps m = { 0 };
	assert_int_equal(nsset_idmaps_parse(&m, "0:1000:1", NULL), 0);
	assert_int_equal(m.n, 1);
	assert_int_equal(m.v[0].inner, 0);
	assert_int_equal(m.v[0].outer, 1000);
	assert_int_equal(m.v[0].count, 1);
	nsset_idmaps_free(&m);
	assert_null(m.v);
	assert_int_equal(m.n, 0);
}

static void parses_several_ranges_and_appends(void **state)
{
	(void)state;
	struct nsset_idmaps m = { 0 };
	assert_int_equal(nsset_idmaps_parse(&m, "0:100000:1000,1000:1000:1", NULL), 0);
	assert_int_equal(nsset_idmaps_parse(&m, "2000:200000:65536", NULL), 0);
	assert_int_equal(m.n, 3);
	assert_int_equal(m.v[1].inner, 1000);
	assert_int_equal(m.v[2].outer, 200000);
	assert_int_equal(m.v[2].count, 65536);
	nsset_idmaps_free(&m);
}

static void rejects_malformed(void **state)
{
	(void)state;
	static const char *const bad[] = {
		"", "0", "0:", "0:0", "0:0:", ":0:1", "0::1", "a:0:1", "0:b:1", "0:0:c", "0:0:1:",
		"0:0:1,", ",0:0:1", "0:0:1,,1:1:1", " 0:0:1", "0:0:1 ", "-1:0:1", "0:+1:1",
		"4294967296:0:1", "0:0:99999999999999999999",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct nsset_idmaps m = { 0 };
		struct nsset_error err = { 0 };
		int r = nsset_idmaps_parse(&m, bad[i], &err);
		if (r != -EINVAL)
			fail_msg("'%s' gave %d", bad[i], r);
		assert_int_equal(err.code, -EINVAL);
		assert_true(strstr(err.msg, "map") != NULL);
		assert_int_equal(m.n, 0);
	}
	struct nsset_error err = { 0 };
	assert_int_equal(nsset_idmaps_parse(&(struct nsset_idmaps){ 0 }, NULL, &err), -EINVAL);
}

static void rejects_zero_count_and_overflow(void **state)
{
	(void)state;
	struct nsset_idmaps m = { 0 };
	struct nsset_error err = { 0 };
	assert_int_equal(nsset_idmaps_parse(&m, "0:0:0", &err), -EINVAL);
	assert_string_equal(err.msg, "map 0:0:0: the count is zero");
	assert_int_equal(nsset_idmaps_parse(&m, "4294967290:0:10", &err), -EINVAL);
	assert_string_equal(err.msg, "map 4294967290:0:10: ids past 4294967294");
	assert_int_equal(nsset_idmaps_parse(&m, "0:4294967295:1", &err), -EINVAL);
	/* The last id allowed is 4294967294 (4294967295 is the invalid id). */
	assert_int_equal(nsset_idmaps_parse(&m, "4294967294:0:1", &err), 0);
	assert_int_equal(nsset_idmaps_parse(&m, "4294967294:5:1", &err), -EINVAL); /* same id inside */
	nsset_idmaps_free(&m);
	assert_int_equal(nsset_idmaps_parse(&m, "0:0:4294967295", &err), 0);
	nsset_idmaps_free(&m);
}

static void rejects_overlap_inside_and_outside(void **state)
{
	(void)state;
	struct nsset_idmaps m = { 0 };
	struct nsset_error err = { 0 };
	assert_int_equal(nsset_idmaps_parse(&m, "0:1000:10,10:2000:5", NULL), 0);
	/* inside overlap with the first range */
	assert_int_equal(nsset_idmaps_parse(&m, "9:5000:1", &err), -EINVAL);
	assert_string_equal(err.msg, "maps 0:1000:10 and 9:5000:1 overlap inside");
	/* outside overlap with the second range */
	assert_int_equal(nsset_idmaps_parse(&m, "100:2004:3", &err), -EINVAL);
	assert_string_equal(err.msg, "maps 10:2000:5 and 100:2004:3 overlap outside");
	/* overlap within one option */
	struct nsset_idmaps o = { 0 };
	assert_int_equal(nsset_idmaps_parse(&o, "0:0:10,5:100:1", &err), -EINVAL);
	assert_int_equal(o.n, 0);
	/* adjacent ranges do not overlap */
	assert_int_equal(nsset_idmaps_parse(&m, "15:2005:1", &err), 0);
	/* a failed parse leaves the list as it was */
	assert_int_equal(m.n, 3);
	assert_int_equal(nsset_idmaps_parse(&m, "20:3000:1,0:0:1", &err), -EINVAL);
	assert_int_equal(m.n, 3);
	nsset_idmaps_free(&m);
}

static void check_whole_lists(void **state)
{
	(void)state;
	struct nsset_idmap ok[] = { { 0, 1000, 1 }, { 1, 100000, 65536 } };
	struct nsset_idmap bad[] = { { 0, 1000, 1 }, { 1, 1000, 1 } };
	struct nsset_error err = { 0 };
	assert_int_equal(nsset_idmaps_check(ok, 2, &err), 0);
	assert_int_equal(nsset_idmaps_check(bad, 2, &err), -EINVAL);
	assert_true(strstr(err.msg, "overlap outside") != NULL);
	assert_int_equal(nsset_idmaps_check(NULL, 0, &err), 0);
	struct nsset_idmap many[NSSET_IDMAP_MAX + 1];
	for (uint32_t i = 0; i <= NSSET_IDMAP_MAX; i++)
		many[i] = (struct nsset_idmap){ i, i, 1 };
	assert_int_equal(nsset_idmaps_check(many, NSSET_IDMAP_MAX, &err), 0);
	assert_int_equal(nsset_idmaps_check(many, NSSET_IDMAP_MAX + 1, &err), -EINVAL);
	/* add enforces the same limit */
	struct nsset_idmaps m = { 0 };
	for (uint32_t i = 0; i < NSSET_IDMAP_MAX; i++)
		assert_int_equal(nsset_idmaps_add(&m, many[i], NULL), 0);
	assert_int_equal(nsset_idmaps_add(&m, (struct nsset_idmap){ 1000, 1000, 1 }, &err), -EINVAL);
	nsset_idmaps_free(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_one_range),
		cmocka_unit_test(parses_several_ranges_and_appends),
		cmocka_unit_test(rejects_malformed),
		cmocka_unit_test(rejects_zero_count_and_overflow),
		cmocka_unit_test(rejects_overlap_inside_and_outside),
		cmocka_unit_test(check_whole_lists),
	};
	return cmocka_run_group_tests_name("idmap", tests, NULL, NULL);
}
