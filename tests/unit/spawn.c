/* Unit tests for nsset_spawn (callbacks, init, holder) and nsset_unshare (all or nothing).
 * They need root (the test suite runs as root); a check skips itself otherwise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "nsset.h"

static ino_t ino_at(int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, 0) < 0)
		return 0;
	return st.st_ino;
}

/* The inodes of every kind of the calling process (and pid/time for children). */
static void inodes(int dirfd, ino_t out[10])
{
	size_t n;
	const struct nsset_kind *k = nsset_kinds(&n);
	for (size_t i = 0; i < n; i++)
		out[i] = ino_at(dirfd, k[i].name);
	out[8] = ino_at(dirfd, "pid_for_children");
	out[9] = ino_at(dirfd, "time_for_children");
}

static void no_children_left(void)
{
	assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
	assert_int_equal(errno, ECHILD);
}

#define NEED_ROOT() do { if (geteuid() != 0) skip(); } while (0)

/* Run fn in a forked child (nsset_unshare changes the caller) and return its exit status. */
static int in_child(int (*fn)(void))
{
	pid_t p = fork();
	assert_true(p >= 0);
	if (p == 0)
		_exit(fn());
	int st;
	assert_int_equal(waitpid(p, &st, 0), p);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

/* ---- flags ---- */

static void unknown_flag_bits_are_einval(void **state)
{
	(void)state;
	struct nsset_error err = { 0 };
	char *argv[] = { "true", NULL };
	struct nsset_spawn sp = { .flags = NSSET_UTS | 0x100, .argv = argv };
	struct nsset_child c = { .pid = 99 };
	assert_int_equal(nsset_spawn(&sp, &c, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown namespace flag bits 0x100");
	assert_int_equal(c.pid, 0);
	assert_int_equal(c.pidfd, -1);
	assert_int_equal(nsset_unshare((nsset_flags_t)1 << 40, &err), -EINVAL);
	assert_string_equal(err.msg, "unknown namespace flag bits 0x10000000000");
	no_children_left();
}

static void compiled_out_kinds_are_einval(void **state)
{
	(void)state;
	size_t n;
	const struct nsset_kind *k = nsset_kinds(&n);
	char *argv[] = { "true", NULL };
	for (size_t i = 0; i < n; i++) {
		if (k[i].built)
			continue;
		struct nsset_error err = { 0 };
		struct nsset_spawn sp = { .flags = k[i].flag, .argv = argv };
		struct nsset_child c;
		char want[128];
		snprintf(want, sizeof(want), "%s namespaces are not built into this nsset (-D%s=false)",
			 k[i].long_name, NSSET_BUILD_NAMESPACES ? k[i].option : "namespaces");
		assert_int_equal(nsset_spawn(&sp, &c, &err), -EINVAL);
		assert_string_equal(err.msg, want);
		assert_int_equal(nsset_unshare(k[i].flag, &err), -EINVAL);
		assert_string_equal(err.msg, want);
	}
	no_children_left();
}

static void inconsistent_options_are_einval(void **state)
{
	(void)state;
	struct nsset_error err = { 0 };
	struct nsset_child c;
	char *argv[] = { "true", NULL };
	struct nsset_spawn sp = { .hostname = "x", .argv = argv };
	assert_int_equal(nsset_spawn(&sp, &c, &err), -EINVAL);
	assert_string_equal(err.msg, "a hostname needs a new UTS namespace");
	sp = (struct nsset_spawn){ .map_root = true, .argv = argv };
	assert_int_equal(nsset_spawn(&sp, &c, &err), -EINVAL);
	sp = (struct nsset_spawn){ 0 };
	assert_int_equal(nsset_spawn(&sp, &c, &err), -EINVAL);
	assert_true(strstr(err.msg, "nothing to run") != NULL);
	no_children_left();
}

/* ---- nsset_unshare ---- */

static int unshare_changes_only_the_selected(void)
{
	int dir = open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ino_t before[10], after[10];
	struct nsset_error err = { 0 };
	nsset_flags_t want = (NSSET_UTS | NSSET_IPC | NSSET_MNT) & nsset_flags_built();
	inodes(dir, before);
	if (nsset_unshare(want, &err) < 0) {
		fprintf(stderr, "nsset_unshare: %s\n", err.msg);
		return 1;
	}
	inodes(dir, after);
	size_t n;
	const struct nsset_kind *k = nsset_kinds(&n);
	for (size_t i = 0; i < n; i++)
		if ((before[i] != after[i]) != ((want & k[i].flag) != 0))
			return 10 + (int)i;
	if (before[8] != after[8] || before[9] != after[9])
		return 20;
	/* The mounts of the new namespace are private: no "shared:" on any of them. */
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char line[4096];
	while (f && fgets(line, sizeof(line), f))
		if ((want & NSSET_MNT) && strstr(line, " shared:"))
			return 30;
	if (f)
		fclose(f);
	return 0;
}

static void unshare_selected_kinds(void **state)
{
	(void)state;
	NEED_ROOT();
	assert_int_equal(in_child(unshare_changes_only_the_selected), 0);
}

static int unshare_pid_is_for_children(void)
{
	int dir = open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ino_t before[10], after[10];
	if (!(nsset_flags_built() & NSSET_PID))
		return 0;
	inodes(dir, before);
	if (nsset_unshare(NSSET_PID, NULL) < 0)
		return 1;
	inodes(dir, after);
	/* pid (index 3) is the caller's and stays; pid_for_children changes. */
	return before[3] == after[3] && before[8] != after[8] ? 0 : 2;
}

static void unshare_pid_applies_to_children(void **state)
{
	(void)state;
	NEED_ROOT();
	assert_int_equal(in_child(unshare_pid_is_for_children), 0);
}

static void *idle(void *arg)
{
	(void)arg;
	pause();
	return NULL;
}

/* A new user namespace is refused to a multi-threaded process: the whole call fails, and
 * none of the other kinds asked for in the same call was created. */
static int unshare_fails_whole_when_threaded(void)
{
	int dir = open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ino_t before[10], after[10];
	struct nsset_error err = { 0 };
	pthread_t t;
	if (!(nsset_flags_built() & NSSET_USER))
		return 0;
	pthread_create(&t, NULL, idle, NULL);
	inodes(dir, before);
	int r = nsset_unshare(nsset_flags_built(), &err);
	inodes(dir, after);
	if (r != -EINVAL)
		return 1;
	if (!strstr(err.msg, "cannot create the namespaces"))
		return 2;
	return memcmp(before, after, sizeof(before)) == 0 ? 0 : 3;
}

static void unshare_is_all_or_nothing_in_the_kernel(void **state)
{
	(void)state;
	assert_int_equal(in_child(unshare_fails_whole_when_threaded), 0);
}

/* In a chroot whose / is not a mount point, the mounts cannot be made private: that is found
 * before anything is created, so the caller keeps all its namespaces.  The directory is made
 * and removed by the test (the child, chrooted, cannot name it any more). */
static char chroot_dir[] = "/tmp/nsset-unit-chroot.XXXXXX";

static int unshare_fails_before_creating(void)
{
	int dir = open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ino_t before[10], after[10];
	struct nsset_error err = { 0 };
	inodes(dir, before);
	if (chroot(chroot_dir) < 0 || chdir("/") < 0)
		return 2;
	int r = nsset_unshare(nsset_flags_built(), &err);
	inodes(dir, after);
	if (r != -EINVAL || !strstr(err.msg, "not a mount point"))
		return 3;
	return memcmp(before, after, sizeof(before)) == 0 ? 0 : 4;
}

static void unshare_checks_before_creating(void **state)
{
	(void)state;
	NEED_ROOT();
	if (!(nsset_flags_built() & NSSET_MNT))
		return;
	assert_non_null(mkdtemp(chroot_dir));
	int r = in_child(unshare_fails_before_creating);
	assert_int_equal(rmdir(chroot_dir), 0);
	assert_int_equal(r, 0);
}

/* ---- nsset_spawn ---- */

static int failing_setup(void *arg, struct nsset_error *err)
{
	(void)arg;
	return nsset_fail(err, EPERM, "the set-up says no");
}

static void child_setup_failure_comes_back(void **state)
{
	(void)state;
	struct nsset_error err = { 0 };
	struct nsset_child c;
	char *argv[] = { "true", NULL };
	struct nsset_spawn sp = { .flags = NSSET_UTS & nsset_flags_built(), .argv = argv,
				  .child_setup = failing_setup };
	NEED_ROOT();
	assert_int_equal(nsset_spawn(&sp, &c, &err), -EPERM);
	assert_string_equal(err.msg, "the set-up says no");
	assert_int_equal(c.pid, 0);
	assert_false(c.exec_failed);
	no_children_left();
}

struct seen {
	char hostname[64];
};

static int record_hostname(void *arg, struct nsset_error *err)
{
	struct seen *s = arg;
	if (gethostname(s->hostname, sizeof(s->hostname)) < 0)
		return nsset_fail_errno(err, errno, "gethostname");
	return 0;
}

static int main_checks_hostname(void *arg)
{
	struct seen *s = arg;
	return strcmp(s->hostname, "unit-host") == 0 ? 42 : 1;
}

/* A callback-only child: child_setup sees the set-up done, child_main's return is the status;
 * with init (and a pid namespace), the status passes through the init. */
static void callback_child_without_exec(void **state)
{
	(void)state;
	struct nsset_error err = { 0 };
	struct seen seen = { 0 };
	NEED_ROOT();
	if (!(nsset_flags_built() & NSSET_UTS))
		skip();
	for (int init = 0; init <= 1; init++) {
		struct nsset_child c;
		struct nsset_spawn sp = {
			.flags = NSSET_UTS | (init ? NSSET_PID & nsset_flags_built() : 0),
			.hostname = "unit-host", .child_setup = record_hostname, .arg = &seen,
			.child_main = main_checks_hostname, .init = init, .die_with_parent = true,
		};
		assert_int_equal(nsset_spawn(&sp, &c, &err), 0);
		assert_true(c.pid > 0);
		assert_true(c.pidfd >= 0);
		assert_int_equal(nsset_child_wait(&c, &err), 42);
		assert_int_equal(c.pidfd, -1);
	}
	no_children_left();
}

/* NSpid of a process: its pid in each nested pid namespace, innermost last. */
static int inner_pid(pid_t pid)
{
	char path[64], line[256];
	int inner = -1;
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	FILE *f = fopen(path, "re");
	while (f && fgets(line, sizeof(line), f))
		if (strncmp(line, "NSpid:", 6) == 0) {
			char *last = strrchr(line, '\t');
			inner = last ? atoi(last + 1) : -1;
		}
	if (f)
		fclose(f);
	return inner;
}

static int count_children(pid_t pid)
{
	char path[64];
	int n = 0, c;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	FILE *f = fopen(path, "re");
	while (f && fscanf(f, "%d", &c) == 1)
		n++;
	if (f)
		fclose(f);
	return n;
}

/* A holder init: pid 1 of its namespace, stays without a command (or after it), and exits 0
 * on SIGTERM. */
static void holder_init_stays_until_sigterm(void **state)
{
	(void)state;
	struct nsset_error err = { 0 };
	char *argv[] = { "true", NULL };
	NEED_ROOT();
	if (!(nsset_flags_built() & NSSET_PID))
		skip();
	for (int with_cmd = 0; with_cmd <= 1; with_cmd++) {
		struct nsset_child c;
		struct nsset_spawn sp = { .flags = NSSET_PID, .hold = true, .die_with_parent = true,
					  .argv = with_cmd ? argv : NULL };
		assert_int_equal(nsset_spawn(&sp, &c, &err), 0);
		assert_int_equal(inner_pid(c.pid), 1);
		/* the command (if any) comes and goes; the holder stays with no child */
		for (int i = 0; i < 500 && count_children(c.pid) > 0; i++)
			usleep(10000);
		assert_int_equal(count_children(c.pid), 0);
		assert_int_equal(kill(c.pid, 0), 0);
		int st;
		assert_int_equal(waitpid(c.pid, &st, WNOHANG), 0); /* still running */
		assert_int_equal(nsset_child_kill(&c, SIGTERM, &err), 0);
		assert_int_equal(nsset_child_wait(&c, &err), 0);
	}
	no_children_left();
}

static void exec_failure_is_reported(void **state)
{
	(void)state;
	struct nsset_error err = { 0 };
	char *argv[] = { "/nonexistent/nsset-cmd", NULL };
	for (int init = 0; init <= 1; init++) {
		struct nsset_child c;
		struct nsset_spawn sp = { .argv = argv, .init = init };
		assert_int_equal(nsset_spawn(&sp, &c, &err), -ENOENT);
		assert_true(c.exec_failed);
		assert_string_equal(err.msg, "/nonexistent/nsset-cmd: command not found");
		assert_int_equal(c.pid, 0);
	}
	no_children_left();
}

/* Without clone3 (before Linux 5.3): clone as fork, no pidfd; time namespaces refused. */
extern bool nsset__no_clone3;

static void clone_fallback_without_clone3(void **state)
{
	(void)state;
	struct nsset_error err = { 0 };
	struct nsset_child c;
	char *argv[] = { "sh", "-c", "exit 7", NULL };
	NEED_ROOT();
	nsset__no_clone3 = true;
	struct nsset_spawn sp = { .flags = nsset_flags_built() & ~NSSET_TIME, .argv = argv,
				  .init = true, .map_root = true };
	if (!(sp.flags & NSSET_USER))
		sp.map_root = false;
	assert_int_equal(nsset_spawn(&sp, &c, &err), 0);
	assert_true(c.pid > 0);
	assert_int_equal(c.pidfd, -1);
	assert_int_equal(nsset_child_wait(&c, &err), 7);
	if (nsset_flags_built() & NSSET_TIME) {
		sp.flags = NSSET_TIME;
		sp.map_root = false;
		assert_int_equal(nsset_spawn(&sp, &c, &err), -ENOSYS);
		assert_true(strstr(err.msg, "cannot create the namespaces") != NULL);
	}
	nsset__no_clone3 = false;
	no_children_left();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(unknown_flag_bits_are_einval),
		cmocka_unit_test(compiled_out_kinds_are_einval),
		cmocka_unit_test(inconsistent_options_are_einval),
		cmocka_unit_test(unshare_selected_kinds),
		cmocka_unit_test(unshare_pid_applies_to_children),
		cmocka_unit_test(unshare_is_all_or_nothing_in_the_kernel),
		cmocka_unit_test(unshare_checks_before_creating),
		cmocka_unit_test(child_setup_failure_comes_back),
		cmocka_unit_test(callback_child_without_exec),
		cmocka_unit_test(holder_init_stays_until_sigterm),
		cmocka_unit_test(exec_failure_is_reported),
		cmocka_unit_test(clone_fallback_without_clone3),
	};
	return cmocka_run_group_tests_name("spawn", tests, NULL, NULL);
}
