/* The container's cgroup: cgroup v1, v2, and the hybrid layout (v1 hierarchies under
 * /sys/fs/cgroup/<controllers>, v2 at /sys/fs/cgroup/unified).  A controller bound to a v1
 * hierarchy is set there; the container's cgroup is made in every hierarchy (v1 and v2).
 *
 * Paths (linux.cgroupsPath): absolute ones are taken from each hierarchy's root, relative ones
 * from the caller's own cgroup in that hierarchy (as runc does); NULL means "/nsset-<id>".  A
 * path with "..", "." or empty components is refused. */
#ifndef NSSET_OCI_CGROUP_H
#define NSSET_OCI_CGROUP_H

#include "nsset.h"
#include "oci/config.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

enum oci_cgroup_layout { OCI_CGROUP_NONE, OCI_CGROUP_V1, OCI_CGROUP_V2, OCI_CGROUP_HYBRID };

const char *oci_cgroup_layout_name(enum oci_cgroup_layout l);
/* Look at /proc/self/mountinfo. */
int oci_cgroup_detect(enum oci_cgroup_layout *out, struct nsset_error *err);

/* Check and normalise a cgroupsPath (NULL -> "/nsset-<id>") into buf: no "..", "." or empty
 * components, at most one slash in a row, no trailing slash.  -EINVAL with a message. */
int oci_cgroup_path_check(const char *cgroups_path, const char *id, char *buf, size_t size,
			  struct nsset_error *err);

struct oci_cgroup;

/* The hierarchies and the container's directory in each, nothing made yet. */
int oci_cgroup_plan(const char *cgroups_path, const char *id, struct oci_cgroup **out,
		    struct nsset_error *err);
/* Make the directories of a planned cgroup: all of them, or the v2 one only (made before the
 * container process, which clone3 puts straight into it), or the v1 ones.  On failure nothing
 * this call made is left. */
enum oci_cgroup_part { OCI_CGROUP_PART_ALL, OCI_CGROUP_PART_V2, OCI_CGROUP_PART_V1 };
int oci_cgroup_make(struct oci_cgroup *cg, enum oci_cgroup_part part, struct nsset_error *err);
/* Both at once: plan and make the cgroup in every hierarchy (and the missing parents; cpuset.cpus/mems copied down
 * from the parents).  On failure nothing it made is left. */
int oci_cgroup_create(const char *cgroups_path, const char *id, struct oci_cgroup **out,
		      struct nsset_error *err);
/* Apply linux.resources (memory limit/reservation/swap, pids, cpu shares/quota/period/cpus/
 * mems, devices).  Device rules: v1 devices.allow/deny where a v1 devices controller exists,
 * else an eBPF program attached to the v2 cgroup (cgroup_bpf.h). */
int oci_cgroup_apply(struct oci_cgroup *cg, const struct oci_resources *r, struct nsset_error *err);
/* The same on a container's existing cgroup (`update`): should a file refuse its value, the
 * files written before it get their values back (device rules, written last, are not undone). */
int oci_cgroup_update(struct oci_cgroup *cg, const struct oci_resources *r, struct nsset_error *err);
/* runc's `events` statistics of the cgroup as JSON ({"cpu": ..., "memory": ..., "pids": ...};
 * *json malloc'd), and its OOM kill count (memory.oom_control or memory.events). */
int oci_cgroup_stats(struct oci_cgroup *cg, char **json, struct nsset_error *err);
uint64_t oci_cgroup_oom_kills(struct oci_cgroup *cg);
/* Move pid into the cgroup in every hierarchy. */
int oci_cgroup_add_pid(struct oci_cgroup *cg, pid_t pid, struct nsset_error *err);
/* The processes in the cgroup (and its descendants), from one hierarchy.  *pids: malloc'd. */
int oci_cgroup_pids(struct oci_cgroup *cg, pid_t **pids, size_t *n, struct nsset_error *err);
/* Freeze (v1 freezer.state FROZEN, waited for; v2 cgroup.freeze) or thaw. */
int oci_cgroup_freeze(struct oci_cgroup *cg, bool frozen, struct nsset_error *err);
/* 1 if frozen, 0 if not. */
int oci_cgroup_is_frozen(struct oci_cgroup *cg, struct nsset_error *err);
/* Send sig to every process (repeating while new ones appear); a frozen cgroup is thawed
 * after SIGKILL so that the processes can die. */
int oci_cgroup_kill(struct oci_cgroup *cg, int sig, struct nsset_error *err);
/* rmdir in every hierarchy (descendants first), retrying briefly on EBUSY; then the parents
 * this container made, if empty.  Fails (-EBUSY) if processes remain. */
int oci_cgroup_remove(struct oci_cgroup *cg, struct nsset_error *err);
/* One rmdir a hierarchy (its parents as oci_cgroup_remove), in order, up to the first that
 * fails (-errno: -EBUSY with processes or child cgroups left; a later oci_cgroup_remove
 * finds those removed gone).  No signal, no wait: oci_cgroup_kill and oci_cgroup_remove do
 * the rest. */
int oci_cgroup_remove_if_empty(struct oci_cgroup *cg);
/* The same for the directories this process made (h->created): the undo of a failed create,
 * which leaves a cgroup that existed before alone. */
int oci_cgroup_remove_made(struct oci_cgroup *cg, struct nsset_error *err);
/* The processes in the container's cgroup (its first hierarchy) now: 0 if it does not exist. */
int oci_cgroup_count_procs(const struct oci_cgroup *cg);
void oci_cgroup_free(struct oci_cgroup *cg);

/* For the state directory: a string that oci_cgroup_load turns back into the same cgroup in
 * a later invocation (relative paths depend on the caller's cgroup, so the resolved
 * directories are kept).  *out: malloc'd. */
int oci_cgroup_save(const struct oci_cgroup *cg, char **out, struct nsset_error *err);
int oci_cgroup_load(const char *saved, struct oci_cgroup **out, struct nsset_error *err);
/* The normalised cgroupsPath it was made from. */
const char *oci_cgroup_path(const struct oci_cgroup *cg);
/* The directory in the hierarchy of one controller ("memory", "pids", ..., "" for v2) or NULL. */
const char *oci_cgroup_dir(const struct oci_cgroup *cg, const char *controller);

#endif
