/* Unit tests for the checks of oci_seccomp_load that come before anything is loaded (this
 * process keeps no filter: every case here fails before seccomp_load). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <seccomp.h>
#include <string.h>

#include "config.h"
#include "oci/seccomp.h"

static char *names[] = { "mkdir", NULL };

static void fails(struct oci_seccomp *s, int *notify, int code, const char *msg)
{
	struct nsset_error err = { 0 };
	assert_int_equal(oci_seccomp_load(s, notify, &err), -code);
	assert_non_null(strstr(err.msg, msg));
}

static void bad_rules(void **state)
{
	(void)state;
	struct oci_syscall_arg arg = { .index = 6, .value = 1, .op = SCMP_CMP_EQ };
	struct oci_syscall_rule rule = { .names = names, .n_names = 1, .action = SCMP_ACT_ERRNO(EPERM),
					 .args = &arg, .n_args = 1 };
	struct oci_seccomp s = { .default_action = SCMP_ACT_ALLOW, .syscalls = &rule, .n_syscalls = 1 };
	fails(&s, NULL, EINVAL, "mkdir: argument index 6 is above 5");
	arg.index = 0;
	arg.op = 42;
	fails(&s, NULL, EINVAL, "mkdir: unknown comparison 42");
	arg.op = SCMP_CMP_EQ;
	rule.n_args = 7;
	fails(&s, NULL, EINVAL, "mkdir: more than 6 argument conditions");
}

static void bad_profile(void **state)
{
	(void)state;
	struct oci_seccomp s = { .default_action = 0x12345678 };
	fails(&s, NULL, EINVAL, "invalid default action");
	s.default_action = SCMP_ACT_ALLOW;
	s.flags = 0x100;
	fails(&s, NULL, EINVAL, "linux.seccomp.flags: unknown flags 0x100");
	s.flags = 0;
	uint32_t arch = 0xdeadbeef;
	s.arches = &arch;
	s.n_arches = 1;
	fails(&s, NULL, EINVAL, "linux.seccomp.architectures: cannot add 0xdeadbeef");
}

static void notify_needs_a_place_for_the_fd(void **state)
{
	(void)state;
	struct oci_syscall_rule rule = { .names = names, .n_names = 1, .action = SCMP_ACT_NOTIFY };
	struct oci_seccomp s = { .default_action = SCMP_ACT_ALLOW, .syscalls = &rule, .n_syscalls = 1 };
	assert_true(oci_seccomp_uses_notify(&s));
	fails(&s, NULL, EINVAL, "SCMP_ACT_NOTIFY needs somewhere to send the fd");
	rule.action = SCMP_ACT_LOG;
	assert_false(oci_seccomp_uses_notify(&s));
	s.default_action = SCMP_ACT_NOTIFY;
	assert_true(oci_seccomp_uses_notify(&s));
	assert_false(oci_seccomp_uses_notify(NULL));
}

static void listener_errors(void **state)
{
	(void)state;
	struct nsset_error err = { 0 };
	char longpath[200];
	memset(longpath, 'x', sizeof(longpath) - 1);
	longpath[0] = '/';
	longpath[sizeof(longpath) - 1] = '\0';
	assert_int_equal(oci_seccomp_listener_connect(longpath, &err), -ENAMETOOLONG);
	assert_non_null(strstr(err.msg, "linux.seccomp.listenerPath"));
	assert_int_equal(oci_seccomp_listener_connect("/nonexistent/nsset.sock", &err), -ENOENT);
	assert_non_null(strstr(err.msg, "cannot connect to /nonexistent/nsset.sock"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(bad_rules),
		cmocka_unit_test(bad_profile),
		cmocka_unit_test(notify_needs_a_place_for_the_fd),
		cmocka_unit_test(listener_errors),
	};
	return cmocka_run_group_tests_name("oci-seccomp", tests, NULL, NULL);
}
