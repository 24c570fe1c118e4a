/* Unit tests for the name tables of oci-sec: seccomp actions, architectures, operators and
 * flags, capabilities and rlimits (what config.c maps config.json's names with). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <errno.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>
#include <sys/resource.h>

#include "config.h"
#include "oci/caps.h"
#include "oci/process.h"
#include "oci/seccomp_names.h"

static void actions(void **state)
{
	(void)state;
	uint32_t a;
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_ALLOW", 0, &a), 0);
	assert_int_equal(a, SCMP_ACT_ALLOW);
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_KILL", 0, &a), 0);
	assert_int_equal(a, SCMP_ACT_KILL_THREAD);
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_KILL_PROCESS", 0, &a), 0);
	assert_int_equal(a, SCMP_ACT_KILL_PROCESS);
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_KILL_THREAD", 0, &a), 0);
	assert_int_equal(a, SCMP_ACT_KILL_THREAD);
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_TRAP", 0, &a), 0);
	assert_int_equal(a, SCMP_ACT_TRAP);
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_LOG", 0, &a), 0);
	assert_int_equal(a, SCMP_ACT_LOG);
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_NOTIFY", 0, &a), 0);
	assert_int_equal(a, SCMP_ACT_NOTIFY);
	/* errnoRet folded into ERRNO and TRACE, ignored elsewhere. */
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_ERRNO", EPERM, &a), 0);
	assert_int_equal(a, SCMP_ACT_ERRNO(EPERM));
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_ERRNO", ENOSYS, &a), 0);
	assert_int_equal(a, SCMP_ACT_ERRNO(ENOSYS));
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_TRACE", 7, &a), 0);
	assert_int_equal(a, SCMP_ACT_TRACE(7));
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_ALLOW", 7, &a), 0);
	assert_int_equal(a, SCMP_ACT_ALLOW);
	/* Names of the values. */
	assert_string_equal(oci_seccomp_action_name(SCMP_ACT_ERRNO(ENOSYS)), "SCMP_ACT_ERRNO");
	assert_string_equal(oci_seccomp_action_name(SCMP_ACT_KILL_PROCESS), "SCMP_ACT_KILL_PROCESS");
	assert_string_equal(oci_seccomp_action_name(SCMP_ACT_NOTIFY), "SCMP_ACT_NOTIFY");
	assert_string_equal(oci_seccomp_action_name(0x12345678), "?");
	/* Unknown, wrong case, NULL. */
	a = 42;
	assert_int_equal(oci_seccomp_action_from_name("SCMP_ACT_FROB", 0, &a), -EINVAL);
	assert_int_equal(oci_seccomp_action_from_name("scmp_act_allow", 0, &a), -EINVAL);
	assert_int_equal(oci_seccomp_action_from_name("", 0, &a), -EINVAL);
	assert_int_equal(oci_seccomp_action_from_name(NULL, 0, &a), -EINVAL);
	assert_int_equal(a, 42);
}

static void arches(void **state)
{
	(void)state;
	uint32_t a;
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_X86_64", &a), 0);
	assert_int_equal(a, SCMP_ARCH_X86_64);
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_X86", &a), 0);
	assert_int_equal(a, SCMP_ARCH_X86);
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_X32", &a), 0);
	assert_int_equal(a, SCMP_ARCH_X32);
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_AARCH64", &a), 0);
	assert_int_equal(a, SCMP_ARCH_AARCH64);
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_MIPSEL64N32", &a), 0);
	assert_int_equal(a, SCMP_ARCH_MIPSEL64N32);
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_S390X", &a), 0);
	assert_int_equal(a, SCMP_ARCH_S390X);
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_RISCV64", &a), 0);
	assert_int_equal(a, SCMP_ARCH_RISCV64);
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_x86_64", &a), -EINVAL);
	assert_int_equal(oci_seccomp_arch_from_name("X86_64", &a), -EINVAL);
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_", &a), -EINVAL);
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_VAX", &a), -EINVAL);
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_NATIVE", &a), -EINVAL);
	assert_int_equal(oci_seccomp_arch_from_name("SCMP_ARCH_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", &a), -EINVAL);
	assert_int_equal(oci_seccomp_arch_from_name(NULL, &a), -EINVAL);
}

static void ops_and_flags(void **state)
{
	(void)state;
	static const struct { const char *name; int op; } ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	int op;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		assert_int_equal(oci_seccomp_op_from_name(ops[i].name, &op), 0);
		assert_int_equal(op, ops[i].op);
	}
	assert_int_equal(oci_seccomp_op_from_name("SCMP_CMP_EQUAL", &op), -EINVAL);
	assert_int_equal(oci_seccomp_op_from_name(NULL, &op), -EINVAL);

	unsigned f;
	assert_int_equal(oci_seccomp_flag_from_name("SECCOMP_FILTER_FLAG_TSYNC", &f), 0);
	assert_int_equal(f, SECCOMP_FILTER_FLAG_TSYNC);
	assert_int_equal(oci_seccomp_flag_from_name("SECCOMP_FILTER_FLAG_LOG", &f), 0);
	assert_int_equal(f, SECCOMP_FILTER_FLAG_LOG);
	assert_int_equal(oci_seccomp_flag_from_name("SECCOMP_FILTER_FLAG_SPEC_ALLOW", &f), 0);
	assert_int_equal(f, 4);
	assert_int_equal(oci_seccomp_flag_from_name("SECCOMP_FILTER_FLAG_NEW_LISTENER", &f), -EINVAL);
	assert_int_equal(oci_seccomp_flag_from_name("TSYNC", &f), -EINVAL);
}

static void caps(void **state)
{
	(void)state;
	int c;
	assert_int_equal(oci_cap_from_name("CAP_CHOWN", &c), 0);
	assert_int_equal(c, CAP_CHOWN);
	assert_int_equal(oci_cap_from_name("CAP_SYS_ADMIN", &c), 0);
	assert_int_equal(c, CAP_SYS_ADMIN);
	assert_int_equal(oci_cap_from_name("cap_net_bind_service", &c), 0);
	assert_int_equal(c, CAP_NET_BIND_SERVICE);
	assert_int_equal(oci_cap_from_name("CAP_CHECKPOINT_RESTORE", &c), 0);
	assert_int_equal(c, 40);
	assert_int_equal(oci_cap_from_name("CAP_FROB", &c), -EINVAL);
	assert_int_equal(oci_cap_from_name("SYS_ADMIN", &c), -EINVAL);
	assert_int_equal(oci_cap_from_name("CAP_", &c), -EINVAL);
	assert_int_equal(oci_cap_from_name("12", &c), -EINVAL);
	assert_int_equal(oci_cap_from_name("CAP_12", &c), -EINVAL);
	assert_int_equal(oci_cap_from_name(NULL, &c), -EINVAL);
	/* The running kernel's last capability: at least CAP_AUDIT_READ (3.16). */
	assert_true(oci_cap_last() >= CAP_AUDIT_READ);
	assert_true(oci_cap_last() < 64);
}

static void rlimits(void **state)
{
	(void)state;
	int r;
	assert_int_equal(oci_rlimit_from_name("RLIMIT_NOFILE", &r), 0);
	assert_int_equal(r, RLIMIT_NOFILE);
	assert_int_equal(oci_rlimit_from_name("RLIMIT_RTTIME", &r), 0);
	assert_int_equal(r, RLIMIT_RTTIME);
	assert_int_equal(oci_rlimit_from_name("RLIMIT_AS", &r), 0);
	assert_int_equal(r, RLIMIT_AS);
	assert_int_equal(oci_rlimit_from_name("NOFILE", &r), -EINVAL);
	assert_int_equal(oci_rlimit_from_name("RLIMIT_NOFILES", &r), -EINVAL);
	assert_string_equal(oci_rlimit_name(RLIMIT_NPROC), "RLIMIT_NPROC");
	/* Every one of the 16 Linux rlimits has a name that maps back. */
	for (int i = 0; i < RLIM_NLIMITS; i++) {
		assert_int_equal(oci_rlimit_from_name(oci_rlimit_name(i), &r), 0);
		assert_int_equal(r, i);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(actions),
		cmocka_unit_test(arches),
		cmocka_unit_test(ops_and_flags),
		cmocka_unit_test(caps),
		cmocka_unit_test(rlimits),
	};
	return cmocka_run_group_tests_name("oci-sec-names", tests, NULL, NULL);
}
