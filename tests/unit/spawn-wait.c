/* Unit tests for the init of nsset_spawn_wait, which runs in the caller's memory (CLONE_VM,
 * lib/spawn.c): the command runs and its status comes back, failures come back, the caller's
 * memory and dumpable flag are as before, and nothing inside can reach the init's memory.
 * They need root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "nsset.h"

#define NEED_ROOT() do { if (geteuid() != 0) skip(); } while (0)

static const nsset_flags_t want = NSSET_USER | NSSET_PID | NSSET_MNT | NSSET_UTS | NSSET_IPC |
				  NSSET_NET;

static void no_children_left(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

static int run(char **argv, const char *root, struct nsset_child *c, struct nsset_error *err)
{
	struct nsset_spawn sp = { .flags = want, .argv = argv, .init = true, .map_root = true,
				  .mount_proc = true, .root = root, .die_with_parent = true };
	return nsset_spawn_wait(&sp, c, err);
}

static void status_memory_and_dumpable(void **state)
{
	(void)state;
	NEED_ROOT();
	if ((nsset_flags_built() & want) != want)
		skip();
	struct nsset_error err = { 0 };
	struct nsset_child c;
	char *heap = strdup("the caller's heap");
	char stack[] = "the caller's stack";
	char *argv[] = { "sh", "-c", "test \"$$\" = 2 && exit 7", NULL };
	assert_int_equal(prctl(PR_GET_DUMPABLE), 1);
	for (int i = 0; i < 3; i++) {
		assert_int_equal(run(argv, NULL, &c, &err), 7);
		assert_int_equal(prctl(PR_GET_DUMPABLE), 1);
		assert_string_equal(heap, "the caller's heap");
		assert_string_equal(stack, "the caller's stack");
		no_children_left();
	}
	free(heap);
}

static void failures_come_back(void **state)
{
	(void)state;
	NEED_ROOT();
	if ((nsset_flags_built() & want) != want)
		skip();
	struct nsset_error err = { 0 };
	struct nsset_child c;
	char *missing[] = { "nsset-no-such-command", NULL };
	assert_int_equal(run(missing, NULL, &c, &err), -ENOENT);
	assert_true(c.exec_failed);
	assert_string_equal(err.msg, "nsset-no-such-command: command not found");
	assert_int_equal(prctl(PR_GET_DUMPABLE), 1);
	no_children_left();

	char *argv[] = { "true", NULL };
	assert_true(run(argv, "/nonexistent-nsset-root", &c, &err) < 0);
	assert_false(c.exec_failed);
	assert_non_null(strstr(err.msg, "/nonexistent-nsset-root"));
	assert_int_equal(prctl(PR_GET_DUMPABLE), 1);
	no_children_left();
}

/* Root in the namespaces has no CAP_SYS_PTRACE over the caller's memory: pid 1 is
 * non-dumpable, so its environ and mem cannot be opened from inside. */
static void init_is_out_of_reach_inside(void **state)
{
	(void)state;
	NEED_ROOT();
#if defined(__SANITIZE_ADDRESS__)
	skip(); /* the init is a copy under AddressSanitizer (lib/spawn.c) */
#endif
	if ((nsset_flags_built() & want) != want)
		skip();
	struct nsset_error err = { 0 };
	struct nsset_child c;
	char *argv[] = { "sh", "-c",
			 "cat /proc/1/environ >/dev/null 2>&1 && exit 1;"
			 "echo x 2>/dev/null >/proc/1/mem && exit 2;"
			 "cat /proc/self/environ >/dev/null || exit 4", NULL };
	assert_int_equal(run(argv, NULL, &c, &err), 0);
	no_children_left();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(status_memory_and_dumpable),
		cmocka_unit_test(failures_come_back),
		cmocka_unit_test(init_is_out_of_reach_inside),
	};
	return cmocka_run_group_tests_name("spawn-wait", tests, NULL, NULL);
}
