/* Unit tests for nsset_loopback_up: the interface comes up, and a refusal of the kernel comes
 * back as an error (the request asks for no acknowledgement, so only an error report is read).
 * They need root; each runs in a forked child in a new network namespace. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "config.h"
#include "nsset.h"

#define NEED_ROOT() do { if (geteuid() != 0) skip(); } while (0)

/* The flags of lo in the caller's network namespace, or -1. */
static int lo_flags(void)
{
	struct ifreq ifr = { 0 };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -1;
	strcpy(ifr.ifr_name, "lo");
	int r = ioctl(fd, SIOCGIFFLAGS, &ifr) < 0 ? -1 : ifr.ifr_flags;
	close(fd);
	return r;
}

/* Run fn in a forked child and return its exit status. */
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

static int comes_up(void)
{
	struct nsset_error err = { 0 };
	if (unshare(CLONE_NEWNET) < 0)
		return 10;
	int f = lo_flags();
	if (f < 0 || (f & IFF_UP))
		return 11; /* a new namespace's lo starts down */
	if (nsset_loopback_up(&err) < 0) {
		fprintf(stderr, "nsset_loopback_up: %s\n", err.msg);
		return 12;
	}
	f = lo_flags();
	if (f < 0 || !(f & IFF_UP) || !(f & IFF_RUNNING))
		return 13;
	/* Up already: asking again changes nothing and is no error. */
	if (nsset_loopback_up(&err) < 0 || !(lo_flags() & IFF_UP))
		return 14;
	return 0;
}

static void loopback_comes_up(void **state)
{
	(void)state;
	NEED_ROOT();
#if NSSET_BUILD_NET_NS
	assert_int_equal(in_child(comes_up), 0);
#else
	struct nsset_error err = { 0 };
	assert_int_equal(nsset_loopback_up(&err), -EINVAL);
	assert_non_null(strstr(err.msg, "not built into this nsset"));
#endif
}

/* Without CAP_NET_ADMIN over the namespace the kernel refuses: the error must come back
 * (EPERM, with the cause), and lo stays down. */
static int refusal_comes_back(void)
{
	struct nsset_error err = { 0 };
	if (unshare(CLONE_NEWNET) < 0)
		return 10;
	if (setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
		return 11; /* drops every capability */
	int r = nsset_loopback_up(&err);
	if (r != -EPERM) {
		fprintf(stderr, "nsset_loopback_up: %d %s\n", r, err.msg);
		return 12;
	}
	if (strcmp(err.msg, "cannot bring the loopback interface up: Operation not permitted") != 0) {
		fprintf(stderr, "message: %s\n", err.msg);
		return 13;
	}
	if (lo_flags() & IFF_UP)
		return 14;
	return 0;
}

static void refusal_is_an_error(void **state)
{
	(void)state;
	NEED_ROOT();
#if NSSET_BUILD_NET_NS
	assert_int_equal(in_child(refusal_comes_back), 0);
#else
	skip();
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(loopback_comes_up),
		cmocka_unit_test(refusal_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
