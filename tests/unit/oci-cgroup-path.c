/* Unit tests for the cgroup path logic: cgroupsPath checks and the saved form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "oci/cgroup.h"

static void check_ok(const char *in, const char *id, const char *want)
{
	char buf[256];
	struct nsset_error err = { 0 };
	assert_int_equal(oci_cgroup_path_check(in, id, buf, sizeof(buf), &err), 0);
	assert_string_equal(buf, want);
}

static void check_bad(const char *in, const char *id, int code, const char *msg)
{
	char buf[256];
	struct nsset_error err = { 0 };
	assert_int_equal(oci_cgroup_path_check(in, id, buf, sizeof(buf), &err), -code);
	assert_int_equal(err.code, -code);
	assert_non_null(strstr(err.msg, msg));
}

static void paths(void **state)
{
	(void)state;
	check_ok(NULL, "c1", "/nsset-c1");
	check_ok("/a/b", "c1", "/a/b");
	check_ok("a/b", "c1", "a/b");
	check_ok("//a///b//", "c1", "/a/b");
	check_ok("nsset-x", "c1", "nsset-x");
	check_ok("/a..b/.c/d.", "c1", "/a..b/.c/d.");
	check_bad("/a/../b", "c1", EINVAL, "'..' are not allowed");
	check_bad("..", "c1", EINVAL, "linux.cgroupsPath");
	check_bad("/a/./b", "c1", EINVAL, "'.' and '..'");
	check_bad("/a/b/..", "c1", EINVAL, "not allowed");
	check_bad("/", "c1", EINVAL, "root cgroup");
	check_bad("", "c1", EINVAL, "root cgroup");
	check_bad("///", "c1", EINVAL, "root cgroup");
	check_bad("/a\nb", "c1", EINVAL, "control characters");
	check_bad(NULL, "", EINVAL, "no usable container id");
	check_bad(NULL, "a/b", EINVAL, "no usable container id");
	check_bad(NULL, NULL, EINVAL, "no usable container id");
}

static void too_long(void **state)
{
	(void)state;
	char in[300], buf[64];
	memset(in, 'a', sizeof(in) - 1);
	in[0] = '/';
	in[sizeof(in) - 1] = '\0';
	assert_int_equal(oci_cgroup_path_check(in, "x", buf, sizeof(buf), NULL), -ENAMETOOLONG);
}

static void saved_form(void **state)
{
	(void)state;
	struct oci_cgroup *cg = NULL;
	struct nsset_error err = { 0 };
	const char *good = "/nsset/c1\n"
		"2\tv1\tmemory\t/sys/fs/cgroup/memory\t/sys/fs/cgroup/memory/nsset/c1\n"
		"1\tv1\tcpu,cpuacct\t/sys/fs/cgroup/cpu,cpuacct\t/sys/fs/cgroup/cpu,cpuacct/nsset/c1\n"
		"0\tv2\t-\t/sys/fs/cgroup/unified\t/sys/fs/cgroup/unified/nsset/c1\n";
	assert_int_equal(oci_cgroup_load(good, &cg, &err), 0);
	assert_string_equal(oci_cgroup_path(cg), "/nsset/c1");
	assert_string_equal(oci_cgroup_dir(cg, "memory"), "/sys/fs/cgroup/memory/nsset/c1");
	assert_string_equal(oci_cgroup_dir(cg, "cpuacct"), "/sys/fs/cgroup/cpu,cpuacct/nsset/c1");
	assert_string_equal(oci_cgroup_dir(cg, ""), "/sys/fs/cgroup/unified/nsset/c1");
	assert_null(oci_cgroup_dir(cg, "pids"));
	char *s = NULL;
	assert_int_equal(oci_cgroup_save(cg, &s, &err), 0);
	assert_string_equal(s, good);
	free(s);
	oci_cgroup_free(cg);

	static const char *const bad[] = {
		"",
		"/a/../b\n0\tv1\tmemory\t/sys/fs/cgroup/memory\t/sys/fs/cgroup/memory/b\n",
		"/a\n",
		"/a\n0\tv3\tmemory\t/m\t/m/a\n",
		"/a\n0\tv1\tmemory\t/m\t/other/a\n",
		"/a\n0\tv1\tmemory\t/m\t/m/../etc\n",
		"/a\n0\tv1\tmemory\t/m\t/m/x/..\n",
		"/a\n0\tv1\tmemory\t/m\t/m\n",
		"/a\n0\tv1\tmemory\t/m\n",
		"a//b\n0\tv1\tmemory\t/m\t/m/a\n",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cg = NULL;
		assert_int_equal(oci_cgroup_load(bad[i], &cg, &err), -EINVAL);
		assert_null(cg);
		assert_non_null(strstr(err.msg, "saved cgroup"));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paths),
		cmocka_unit_test(too_long),
		cmocka_unit_test(saved_form),
	};
	return cmocka_run_group_tests_name("oci-cgroup-path", tests, NULL, NULL);
}
