/* The OCI runtime configuration (config.json) as the runtime uses it.
 *
 * config.c fills it from JSON (json-c) and validates it before anything is created; rootfs.c,
 * process.c, cgroup.c, seccomp.c, hooks.c and container.c only read it.  Strings are owned by
 * the struct (oci_config_free releases everything).  Absent optional values: NULL strings,
 * zero counts, and `has_*` flags for scalars whose zero is meaningful. */
#ifndef NSSET_OCI_CONFIG_H
#define NSSET_OCI_CONFIG_H

#include "nsset.h"

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct oci_rlimit {
	int resource;            /* RLIMIT_* */
	uint64_t soft, hard;
};

struct oci_caps {            /* each a bit mask of CAP_* (1ULL << cap) */
	uint64_t bounding, effective, inheritable, permitted, ambient;
};

struct oci_user {
	uid_t uid;
	gid_t gid;
	bool has_umask;
	mode_t umask;
	gid_t *additional_gids;
	size_t n_additional_gids;
};

/* process.scheduler: sched_setattr(2)'s attributes. */
struct oci_scheduler {
	int policy;              /* SCHED_* */
	int nice, priority;
	uint64_t flags;          /* SCHED_FLAG_* */
	uint64_t runtime, deadline, period; /* ns, SCHED_DEADLINE */
};

/* A CPU or memory node list ("0-3,7") as a bit mask. */
#define OCI_MASK_BITS 1024
struct oci_mask {
	unsigned long bits[OCI_MASK_BITS / (8 * sizeof(unsigned long))];
};

struct oci_process {
	bool terminal;
	unsigned console_height, console_width; /* 0 when absent */
	char *cwd;               /* absolute, required */
	char **args;             /* NULL-terminated, at least one */
	size_t n_args;
	char **env;              /* NULL-terminated ("K=V") */
	size_t n_env;
	struct oci_user user;
	struct oci_caps caps;
	bool has_caps;
	struct oci_rlimit *rlimits;
	size_t n_rlimits;
	bool no_new_privileges;
	bool has_oom_score_adj;
	int oom_score_adj;
	char *apparmor_profile;
	char *selinux_label;
	bool has_scheduler;
	struct oci_scheduler scheduler;
	bool has_io_priority;
	int io_priority;         /* IOPRIO_PRIO_VALUE(class, level) */
	/* execCPUAffinity (exec only, not the init): before and after joining the cgroup */
	bool has_affinity_initial, has_affinity_final;
	struct oci_mask affinity_initial, affinity_final;
};

struct oci_mount {
	char *destination;       /* absolute inside the container */
	char *type;              /* may be NULL (bind) */
	char *source;            /* may be NULL */
	unsigned long flags;     /* MS_* to set (MS_RDONLY, MS_NOSUID, MS_BIND, MS_REC, ...) */
	unsigned long clear;     /* MS_* explicitly cleared ("rw", "suid", ...) */
	unsigned long propagation; /* MS_SHARED|MS_SLAVE|MS_PRIVATE|MS_UNBINDABLE (| MS_REC), 0 = none */
	char *data;              /* the options that are not flags, comma-separated (e.g. "mode=755") */
	bool idmap;              /* "idmap"/"ridmap" option */
	bool recursive_idmap;
};

/* linux.netDevices: a host device and its name in the container (NULL: the same). */
struct oci_net_device {
	char *host, *name;
};

struct oci_namespace {
	nsset_flags_t kind;      /* one NSSET_* flag */
	char *path;              /* join this namespace instead of creating one; NULL = new */
};

struct oci_idmap {
	uint32_t container_id, host_id, size;
};

struct oci_device {
	char type;               /* 'c', 'b', 'u', 'p' */
	char *path;
	int64_t major, minor;
	bool has_mode;
	mode_t file_mode;
	bool has_uid, has_gid;
	uid_t uid;
	gid_t gid;
};

struct oci_device_rule {     /* linux.resources.devices */
	bool allow;
	char type;               /* 'a', 'c', 'b' */
	int64_t major, minor;    /* -1 = wildcard */
	char access[4];          /* subset of "rwm" */
};

/* blockIO.weightDevice: weight and leafWeight, -1 where absent. */
struct oci_blkio_weight_device {
	int64_t major, minor, weight, leaf_weight;
};

/* blockIO.throttle*Device: a rate for one device. */
struct oci_blkio_rate {
	int64_t major, minor;
	uint64_t rate;
};

enum { OCI_THROTTLE_READ_BPS, OCI_THROTTLE_WRITE_BPS, OCI_THROTTLE_READ_IOPS,
       OCI_THROTTLE_WRITE_IOPS, OCI_THROTTLE_N };

struct oci_hugepage_limit {
	char page_size[16];      /* "2MB", as in the hugetlb.<size>.* file names */
	uint64_t limit;
};

struct oci_net_priority {
	char *name;              /* an interface of the runtime's network namespace */
	uint32_t priority;
};

/* rdma: one device; -1 where absent. */
struct oci_rdma_limit {
	char *device;
	int64_t hca_handles, hca_objects;
};

struct oci_resources {
	bool has_memory_limit, has_memory_reservation, has_memory_swap;
	int64_t memory_limit, memory_reservation, memory_swap;
	bool has_memory_kernel;  /* kernel/kernelTCP: checked, not applied (deprecated) */
	bool has_swappiness, disable_oom_killer;
	uint64_t swappiness;
	bool has_pids_limit;
	int64_t pids_limit;
	bool has_cpu_shares, has_cpu_quota, has_cpu_period, has_cpu_burst;
	int64_t cpu_shares, cpu_quota, cpu_period, cpu_burst; /* all but the quota >= 0 */
	bool has_rt_runtime, has_rt_period, has_cpu_idle;
	int64_t rt_runtime, rt_period, cpu_idle;
	char *cpu_cpus, *cpu_mems;
	bool has_blkio_weight, has_blkio_leaf_weight;
	int64_t blkio_weight, blkio_leaf_weight;
	struct oci_blkio_weight_device *blkio_weight_devices;
	size_t n_blkio_weight_devices;
	struct oci_blkio_rate *blkio_throttle[OCI_THROTTLE_N];
	size_t n_blkio_throttle[OCI_THROTTLE_N];
	struct oci_hugepage_limit *hugepages;
	size_t n_hugepages;
	bool has_net_class_id;
	uint32_t net_class_id;
	struct oci_net_priority *net_priorities;
	size_t n_net_priorities;
	struct oci_rdma_limit *rdma;
	size_t n_rdma;
	char **unified;          /* "FILE=VALUE" entries, NULL-terminated */
	size_t n_unified;
	struct oci_device_rule *devices;
	size_t n_devices;
};

struct oci_syscall_arg {
	unsigned index;
	uint64_t value, value_two;
	int op;                  /* enum scmp_compare */
};

struct oci_syscall_rule {
	char **names;            /* NULL-terminated */
	size_t n_names;
	uint32_t action;         /* SCMP_ACT_* (with errno folded in for ERRNO/TRACE) */
	struct oci_syscall_arg *args;
	size_t n_args;
};

struct oci_seccomp {
	uint32_t default_action; /* SCMP_ACT_* */
	uint32_t *arches;        /* SCMP_ARCH_* */
	size_t n_arches;
	unsigned flags;          /* SECCOMP_FILTER_FLAG_* */
	char *listener_path;
	char *listener_metadata; /* listenerMetadata: sent as "metadata" to the listener */
	struct oci_syscall_rule *syscalls;
	size_t n_syscalls;
};

struct oci_hook {
	char *path;
	char **args;             /* NULL-terminated, may be NULL */
	char **env;              /* NULL-terminated, may be NULL */
	int timeout;             /* seconds, 0 = none */
};

struct oci_hooks {
	struct oci_hook *prestart, *create_runtime, *create_container, *start_container,
		*poststart, *poststop;
	size_t n_prestart, n_create_runtime, n_create_container, n_start_container,
		n_poststart, n_poststop;
};

struct oci_sysctl {
	char *key, *value;
};

struct oci_config {
	char *json;              /* the text it was parsed from (kept in the state at create) */
	char *oci_version;
	char *bundle;            /* absolute path of the bundle directory */
	char *root_path;         /* absolute path of the root filesystem */
	bool root_readonly;
	char *hostname, *domainname;
	struct oci_process process;
	bool has_process;
	struct oci_mount *mounts;
	size_t n_mounts;
	struct oci_hooks hooks;
	/* linux */
	struct oci_namespace *namespaces;
	size_t n_namespaces;
	nsset_flags_t ns_new;    /* kinds to create (namespaces without a path) */
	nsset_flags_t ns_join;   /* kinds to join (with a path) */
	struct oci_idmap *uid_mappings, *gid_mappings;
	size_t n_uid_mappings, n_gid_mappings;
	struct oci_sysctl *sysctl;
	size_t n_sysctl;
	struct oci_resources resources;
	bool has_resources;
	char *cgroups_path;
	struct oci_device *devices;
	size_t n_devices;
	char **masked_paths, **readonly_paths;
	size_t n_masked_paths, n_readonly_paths;
	unsigned long rootfs_propagation; /* MS_* or 0 */
	char *mount_label;
	bool has_personality;
	unsigned long personality;  /* PER_LINUX / PER_LINUX32 */
	struct oci_seccomp *seccomp;  /* NULL when absent */
	/* timeOffsets: a new time namespace's clocks, written to timens_offsets */
	bool has_time_offsets;
	int64_t monotonic_secs, boottime_secs;
	uint32_t monotonic_nsecs, boottime_nsecs;
	struct oci_net_device *net_devices;
	size_t n_net_devices;
	/* memoryPolicy: set_mempolicy(2) of the container's processes */
	bool has_mempolicy;
	int mempolicy_mode;      /* MPOL_* with its MPOL_F_* flags */
	bool has_mempolicy_nodes;
	struct oci_mask mempolicy_nodes;
	char **annotations;      /* "k=v" pairs, NULL-terminated, may be NULL */
	size_t n_annotations;
};

/* Parse and validate BUNDLE/config.json.  On error, err->msg names the JSON path and the
 * problem, e.g. "process.args: must be a non-empty array of strings". */
int oci_config_load(const char *bundle, struct oci_config **out, struct nsset_error *err);
/* The same from a JSON string (bundle is used to resolve root.path). */
int oci_config_parse(const char *json, const char *bundle, struct oci_config **out,
		     struct nsset_error *err);
/* Parse a process object alone (exec --process FILE). */
int oci_process_parse_file(const char *path, struct oci_process *out, struct nsset_error *err);
void oci_process_clear(struct oci_process *p);
/* A LinuxResources object alone (`update --resources FILE`, "-" for the standard input);
 * messages name FILE and the member: "FILE: memory.limit: must be an integer". */
int oci_resources_parse_file(const char *path, struct oci_resources *out, struct nsset_error *err);
void oci_resources_clear(struct oci_resources *r);
void oci_config_free(struct oci_config *c);
/* The names linux.memoryPolicy takes (for `features`): the i-th mode or flag, NULL past the end. */
const char *oci_mpol_mode_name(size_t i);
const char *oci_mpol_flag_name(size_t i);

/* Name tables (config.c; rlimits, capabilities and seccomp names are in process.h, caps.h and
 * seccomp_names.h): "rslave" -> MS_SLAVE|MS_REC; -EINVAL when unknown. */
int oci_propagation_by_name(const char *name, unsigned long *flags);
/* "CAP_SYS_ADMIN" for CAP_SYS_ADMIN into buf; NULL when unknown. */
const char *oci_cap_name(int cap, char *buf, size_t size);
/* The recognised names, by index (NULL past the end), for `features`. */
const char *oci_mount_option_name(size_t i);

#endif
