/* Unit tests for the registry: names, paths, metadata. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "registry.h"

static void names(void **state)
{
	(void)state;
	struct nsset_error err = { 0, "" };
	char max[NSSET_NAME_MAX + 2];
	memset(max, 'a', sizeof(max));
	max[NSSET_NAME_MAX] = '\0';
	assert_int_equal(nsset_name_check("web", &err), 0);
	assert_int_equal(nsset_name_check("A-z_0.9", &err), 0);
	assert_int_equal(nsset_name_check(".hidden", &err), 0);
	assert_int_equal(nsset_name_check(max, &err), 0);
	max[NSSET_NAME_MAX] = 'a';
	max[NSSET_NAME_MAX + 1] = '\0';
	assert_int_equal(nsset_name_check(max, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "at most 64 bytes"));
	const char *bad[] = { "", ".", "..", "a/b", "/", "a b", "~tmp.x", "a\nb", "é", "a:b", NULL };
	for (size_t i = 0; bad[i]; i++)
		assert_int_equal(nsset_name_check(bad[i], &err), -EINVAL);
	assert_int_equal(nsset_name_check(NULL, &err), -EINVAL);
}

static void paths(void **state)
{
	(void)state;
	char buf[PATH_MAX];
	assert_int_equal(nsset_registry_path("/x/y//", buf, sizeof(buf), NULL), 0);
	assert_string_equal(buf, "/x/y");
	assert_int_equal(nsset_registry_path("rel", buf, sizeof(buf), NULL), 0);
	assert_true(buf[0] == '/');
	assert_non_null(strstr(buf, "/rel"));
	assert_int_equal(nsset_registry_path(NULL, buf, sizeof(buf), NULL), 0);
	if (geteuid() == 0)
		assert_string_equal(buf, "/run/nsset/sets");
	char small[8];
	assert_int_equal(nsset_registry_path("/a/very/long/path", small, sizeof(small), NULL),
			 -ENAMETOOLONG);
}

static void meta_round_trip(void **state)
{
	(void)state;
	char dir[] = "/tmp/nsset-unit.XXXXXX";
	assert_non_null(mkdtemp(dir));
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(fd >= 0);

	struct reg_meta m, back;
	memset(&m, 0, sizeof(m));
	m.kinds = NSSET_MNT | NSSET_NET | NSSET_USER;
	for (size_t i = 0; i < NSSET_KINDS_MAX; i++)
		m.keeper_fds[i] = -1;
	m.ids[reg_kind_index(nsset_kind_by_flag(NSSET_MNT))] = 4026532001ull;
	m.ids[reg_kind_index(nsset_kind_by_flag(NSSET_NET))] = 4026532002ull;
	m.ids[reg_kind_index(nsset_kind_by_flag(NSSET_USER))] = 4026532003ull;
	m.keeper = 1234;
	m.keeper_fds[reg_kind_index(nsset_kind_by_flag(NSSET_NET))] = 7;
	m.holder = 99;
	m.holder_owned = true;
	m.origin = 98;
	m.owner = 65534;
	m.created = 1795328076;
	snprintf(m.netns_link, sizeof(m.netns_link), "/run/netns/web");
	assert_int_equal(reg_meta_write(fd, &m, NULL), 0);
	assert_int_equal(reg_meta_read(fd, &back, NULL), 0);
	assert_int_equal(back.kinds, m.kinds);
	assert_memory_equal(back.ids, m.ids, sizeof(m.ids));
	assert_int_equal(back.keeper, 1234);
	assert_int_equal(back.keeper_fds[reg_kind_index(nsset_kind_by_flag(NSSET_NET))], 7);
	assert_int_equal(back.holder, 99);
	assert_true(back.holder_owned);
	assert_int_equal(back.origin, 98);
	assert_int_equal(back.owner, 65534);
	assert_int_equal(back.created, 1795328076);
	assert_string_equal(back.netns_link, "/run/netns/web");
	/* Written atomically: no temporary left. */
	assert_int_equal(faccessat(fd, REG_META ".new", F_OK, 0), -1);

	/* A bad kinds line is an error, unknown keys are ignored. */
	int w = openat(fd, REG_META, O_WRONLY | O_TRUNC | O_CLOEXEC);
	assert_true(w >= 0);
	assert_int_equal(write(w, "future=1\nkinds=mnt\n", 19), 19);
	close(w);
	assert_int_equal(reg_meta_read(fd, &back, NULL), 0);
	assert_int_equal(back.kinds, NSSET_MNT);
	w = openat(fd, REG_META, O_WRONLY | O_TRUNC | O_CLOEXEC);
	assert_int_equal(write(w, "kinds=bogus\n", 12), 12);
	close(w);
	assert_int_equal(reg_meta_read(fd, &back, NULL), -EINVAL);

	unlinkat(fd, REG_META, 0);
	close(fd);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(paths),
		cmocka_unit_test(meta_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
