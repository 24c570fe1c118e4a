/* Names of the seccomp profile -> libseccomp values (for config.c). */
#include "internal.h"
#include "oci/seccomp_names.h"

#include <ctype.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif

static const struct {
	const char *name;
	uint32_t value;
	bool with_errno;
} actions[] = {
	{ "SCMP_ACT_KILL", SCMP_ACT_KILL, false },
	{ "SCMP_ACT_KILL_PROCESS", SCMP_ACT_KILL_PROCESS, false },
	{ "SCMP_ACT_KILL_THREAD", SCMP_ACT_KILL_THREAD, false },
	{ "SCMP_ACT_TRAP", SCMP_ACT_TRAP, false },
	{ "SCMP_ACT_ERRNO", SCMP_ACT_ERRNO(0), true },
	{ "SCMP_ACT_TRACE", SCMP_ACT_TRACE(0), true },
	{ "SCMP_ACT_ALLOW", SCMP_ACT_ALLOW, false },
	{ "SCMP_ACT_LOG", SCMP_ACT_LOG, false },
	{ "SCMP_ACT_NOTIFY", SCMP_ACT_NOTIFY, false },
};

int oci_seccomp_action_from_name(const char *name, uint32_t errno_ret, uint32_t *out)
{
	if (!name)
		return -EINVAL;
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(actions); i++) {
		if (strcmp(actions[i].name, name) != 0)
			continue;
		*out = actions[i].with_errno ? actions[i].value | (errno_ret & 0xffffU) : actions[i].value;
		return 0;
	}
	return -EINVAL;
}

const char *oci_seccomp_action_name(uint32_t action)
{
	uint32_t base = action & 0xffff0000U;
	if (base == SCMP_ACT_ERRNO(0))
		return "SCMP_ACT_ERRNO";
	if (base == SCMP_ACT_TRACE(0))
		return "SCMP_ACT_TRACE";
	/* KILL is KILL_THREAD: start at KILL_PROCESS so that the unambiguous names win. */
	for (size_t i = 1; i < NSSET_ARRAY_SIZE(actions); i++)
		if (!actions[i].with_errno && actions[i].value == action)
			return actions[i].name;
	return "?";
}

int oci_seccomp_arch_from_name(const char *name, uint32_t *out)
{
	static const char prefix[] = "SCMP_ARCH_";
	char lower[32];
	size_t n;

	if (!name || strncmp(name, prefix, sizeof(prefix) - 1) != 0)
		return -EINVAL;
	name += sizeof(prefix) - 1;
	n = strlen(name);
	if (n == 0 || n >= sizeof(lower))
		return -EINVAL;
	for (size_t i = 0; i <= n; i++) {
		if (name[i] && !isupper((unsigned char)name[i]) && !isdigit((unsigned char)name[i]) && name[i] != '_')
			return -EINVAL; /* "SCMP_ARCH_x86_64" is not a name of the spec */
		lower[i] = (char)tolower((unsigned char)name[i]);
	}
	uint32_t arch = seccomp_arch_resolve_name(lower);
	if (arch == 0)
		return -EINVAL;
	*out = arch;
	return 0;
}

int oci_seccomp_op_from_name(const char *name, int *out)
{
	static const struct { const char *name; int op; } ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};
	for (size_t i = 0; name && i < NSSET_ARRAY_SIZE(ops); i++) {
		if (strcmp(ops[i].name, name) == 0) {
			*out = ops[i].op;
			return 0;
		}
	}
	return -EINVAL;
}

int oci_seccomp_flag_from_name(const char *name, unsigned *out)
{
	static const struct { const char *name; unsigned flag; } flags[] = {
		{ "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
		{ "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
		{ "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
	};
	for (size_t i = 0; name && i < NSSET_ARRAY_SIZE(flags); i++) {
		if (strcmp(flags[i].name, name) == 0) {
			*out = flags[i].flag;
			return 0;
		}
	}
	return -EINVAL;
}
