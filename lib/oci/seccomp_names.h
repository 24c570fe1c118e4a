/* Names of the seccomp profile (config.json linux.seccomp) mapped to libseccomp values.
 *
 * For config.c: it fills struct oci_seccomp with the values these functions return.  Each
 * returns 0 and stores the value, or -EINVAL for a name it does not know (the caller names the
 * JSON path in its message).  Syscall names are not mapped here: seccomp.c resolves them when
 * it builds the filter and skips the names this libseccomp does not know, as runc does. */
#ifndef NSSET_OCI_SECCOMP_NAMES_H
#define NSSET_OCI_SECCOMP_NAMES_H

#include <stdint.h>

/* "SCMP_ACT_ERRNO" etc. -> SCMP_ACT_* value.  errno_ret is folded into SCMP_ACT_ERRNO and
 * SCMP_ACT_TRACE (pass EPERM when the profile gives no errnoRet, as runc does) and ignored for
 * the other actions.  Knows KILL, KILL_PROCESS, KILL_THREAD, TRAP, ERRNO, TRACE, ALLOW, LOG,
 * NOTIFY. */
int oci_seccomp_action_from_name(const char *name, uint32_t errno_ret, uint32_t *out);
/* The SCMP_ACT_* name of an action value (errno not shown); "?" when unknown. */
const char *oci_seccomp_action_name(uint32_t action);
/* "SCMP_ARCH_X86_64" etc. -> SCMP_ARCH_* value (every architecture this libseccomp knows). */
int oci_seccomp_arch_from_name(const char *name, uint32_t *out);
/* "SCMP_CMP_EQ" etc. -> enum scmp_compare value (NE, LT, LE, EQ, GE, GT, MASKED_EQ). */
int oci_seccomp_op_from_name(const char *name, int *out);
/* "SECCOMP_FILTER_FLAG_TSYNC" / "..._LOG" / "..._SPEC_ALLOW" -> SECCOMP_FILTER_FLAG_* bit. */
int oci_seccomp_flag_from_name(const char *name, unsigned *out);

#endif
