/* The OCI state directory: one directory per container under the state root, holding
 * state.json (written atomically), the copy of config.json the container was made from,
 * exec.fifo while the container is created, and a lock (flock on the directory). */
#ifndef NSSET_OCI_STATE_H
#define NSSET_OCI_STATE_H

#include "nsset.h"

#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#define OCI_ID_MAX 128

enum oci_status { OCI_CREATING, OCI_CREATED, OCI_RUNNING, OCI_STOPPED, OCI_PAUSED };

const char *oci_status_name(enum oci_status s);

struct oci_state {
	char id[OCI_ID_MAX + 1];
	char *bundle;
	pid_t pid;                   /* the container process, 0 while creating */
	unsigned long long start_time; /* its start time (/proc/PID/stat field 22), against pid reuse */
	pid_t creator;               /* the `nsset create` that is making it (status creating) */
	unsigned long long creator_start;
	char *created;               /* RFC 3339 */
	char *cgroup;                /* oci_cgroup_save()'s string, or NULL */
	char **annotations;          /* "k=v", NULL-terminated, may be NULL */
	nsset_flags_t ns_new;        /* the namespaces made for it (for exec) */
	bool started;                /* `start` ran */
	int exit_status;             /* -1 when unknown */
};

/* The state root: opt_root, else /run/nsset/oci for root, else $XDG_RUNTIME_DIR/nsset/oci
 * (or /tmp/nsset-UID/oci).  Writes into buf. */
int oci_state_root(const char *opt_root, char *buf, size_t size, struct nsset_error *err);
/* A container id: 1..128 bytes of [A-Za-z0-9_.+-], not "." or "..". */
int oci_id_check(const char *id, struct nsset_error *err);

/* Reserve a new id: mkdir ROOT/ID (atomic: an existing one is -EEXIST "container ID exists"),
 * open it and lock it.  Returns the directory fd (O_CLOEXEC, locked). */
int oci_state_reserve(const char *root, const char *id, struct nsset_error *err);
/* Open and lock an existing container: -ENOENT "container ID does not exist". */
int oci_state_open(const char *root, const char *id, struct nsset_error *err);
/* The same without the lock, for readers (state, list): state.json is replaced atomically, so
 * a reader sees the old or the new one, and never waits for a create or a hook. */
int oci_state_open_unlocked(const char *root, const char *id, struct nsset_error *err);
/* Remove the container's directory (dirfd stays locked until closed). */
int oci_state_remove(const char *root, const char *id, int dirfd, struct nsset_error *err);
/* The directory of ID when it has no state.json (a create killed before writing it, a
 * delete killed halfway): removed under its lock.  0 when there is none. */
int oci_state_remove_orphan(const char *root, const char *id, struct nsset_error *err);

/* state.json: write (temp file + rename) and read. */
int oci_state_write(int dirfd, const struct oci_state *s, struct nsset_error *err);
int oci_state_read(int dirfd, struct oci_state *s, struct nsset_error *err);
void oci_state_clear(struct oci_state *s);

/* A small file in the container directory (config.json copy, ...). */
int oci_state_put_file(int dirfd, const char *name, const char *data, size_t len,
		       struct nsset_error *err);
int oci_state_get_file(int dirfd, const char *name, char **data, struct nsset_error *err);

/* The start time of a process (field 22 of /proc/PID/stat); 0 when it does not exist.
 * *zombie: the process is a zombie (may be NULL). */
unsigned long long oci_proc_start_time(pid_t pid, bool *zombie);
/* The start time /proc/PID/stat reports for a process made between two CLOCK_BOOTTIME
 * readings, when both fall well inside one clock tick (the kernel's own reading lies between
 * them); 0 when they do not, and the caller reads /proc. */
unsigned long long oci_start_time_between(const struct timespec *before,
					  const struct timespec *after);
/* The status as the kernel sees it: creating (creator alive, no pid yet), created (process
 * alive, exec.fifo present), running, paused (frozen cgroup: *frozen given by the caller),
 * stopped (process gone, or a zombie, or the creator died). */
enum oci_status oci_state_status(int dirfd, const struct oci_state *s, bool frozen);
/* The OCI state JSON (state-schema.json) of a container: malloc'd string. */
char *oci_state_json(const struct oci_state *s, enum oci_status status);

/* The ids under root, sorted (malloc'd array of malloc'd strings, NULL-terminated). */
int oci_state_list(const char *root, char ***ids, size_t *n, struct nsset_error *err);

#endif
