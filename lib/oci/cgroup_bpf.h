/* Device rules on cgroup v2 (linux.resources.devices): the unified hierarchy has no
 * devices.allow/deny; the kernel asks a BPF_PROG_TYPE_CGROUP_DEVICE program attached to the
 * cgroup instead (as crun and runc do).  The program is written here instruction by
 * instruction (no libbpf).
 *
 * Rule semantics (the same list the v1 code writes to devices.allow/deny: the config's rules,
 * then the runtime's default devices):
 *   - the last rule that matches decides, for each access letter on its own: an open for
 *     reading and writing needs both "r" and "w" allowed;
 *   - a rule matches a device when the type is equal ('c' or 'b'; 'a' is every device, and
 *     its major, minor and access are ignored, as the kernel's v1 "a" rule), and major and
 *     minor are equal or -1 (any), and its access letters contain the letter asked for;
 *   - no matching rule: denied.
 * A request is allowed only when every letter of it is. */
#ifndef NSSET_OCI_CGROUP_BPF_H
#define NSSET_OCI_CGROUP_BPF_H

#include "nsset.h"
#include "oci/config.h"

#include <linux/bpf.h>
#include <stddef.h>

/* The rules must be normalised: type 'a', 'c' or 'b'; access a non-empty subset of "rwm". */
#define OCI_CGROUP_BPF_MAX_RULES 4096

/* The program for rules[0..n) (n <= OCI_CGROUP_BPF_MAX_RULES).  *insns: malloc'd. */
int oci_cgroup_bpf_program(const struct oci_device_rule *rules, size_t n, struct bpf_insn **insns,
			   size_t *n_insns, struct nsset_error *err);

/* Build, load (BPF_PROG_LOAD) and attach (BPF_PROG_ATTACH, BPF_CGROUP_DEVICE,
 * BPF_F_ALLOW_MULTI) the program to the cgroup directory dir.  Device programs that were
 * attached to dir before are detached afterwards (a second apply replaces the rules).  No fd is
 * kept: the program lives as long as the cgroup, and goes with its rmdir. */
int oci_cgroup_bpf_attach(const char *dir, const struct oci_device_rule *rules, size_t n,
			  struct nsset_error *err);

#endif
