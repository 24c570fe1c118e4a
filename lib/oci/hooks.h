/* Hooks (config.json "hooks"): run one with the state JSON on its stdin and its timeout. */
#ifndef NSSET_OCI_HOOKS_H
#define NSSET_OCI_HOOKS_H

#include "nsset.h"
#include "oci/config.h"

enum oci_hook_kind {
	OCI_HOOK_PRESTART,
	OCI_HOOK_CREATE_RUNTIME,
	OCI_HOOK_CREATE_CONTAINER,
	OCI_HOOK_START_CONTAINER,
	OCI_HOOK_POSTSTART,
	OCI_HOOK_POSTSTOP,
	OCI_HOOK_KINDS
};

/* "prestart", "createRuntime", ... (the JSON names). */
const char *oci_hook_kind_name(enum oci_hook_kind kind);
/* The hooks of one kind in a config. */
const struct oci_hook *oci_hooks_of(const struct oci_hooks *hooks, enum oci_hook_kind kind, size_t *n);

/* Run one hook: fork, state_json on stdin, execve(path, args, env) (args NULL -> {path},
 * env NULL -> empty), wait.  The hook runs in its own process group; when its timeout
 * expires the group is killed with SIGKILL.  Errors name the kind and the path: missing or
 * not executable, exec failure, timeout, non-zero exit, killed by a signal. */
int oci_hook_run(enum oci_hook_kind kind, const struct oci_hook *hook, const char *state_json,
		 struct nsset_error *err);
/* Run every hook of a kind in order; stops at the first that fails and returns its error
 * (runtime.md: what a failure means for the lifecycle is the engine's business; for poststop
 * and poststart the engine wants oci_hook_run in its own loop, to warn and continue). */
int oci_hooks_run(const struct oci_hooks *hooks, enum oci_hook_kind kind, const char *state_json,
		  struct nsset_error *err);

#endif
