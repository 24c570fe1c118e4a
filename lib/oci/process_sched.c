/* How and where the container's process runs (config_sched.c checked the values):
 * process.scheduler (sched_setattr), process.ioPriority (ioprio_set), linux.memoryPolicy
 * (set_mempolicy), execCPUAffinity (sched_setaffinity), and a new time namespace's
 * linux.timeOffsets. */
#include "oci/process.h"

#include "internal.h"

#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* sched_setattr(2)'s argument (linux/sched/types.h clashes with glibc's sched.h). */
struct sched_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
	uint32_t sched_util_min, sched_util_max;
};

static const char *policy_name(int policy)
{
	static const char *const names[] = { "SCHED_OTHER", "SCHED_FIFO", "SCHED_RR", "SCHED_BATCH",
					     "SCHED_ISO", "SCHED_IDLE", "SCHED_DEADLINE" };
	return policy >= 0 && policy < (int)NSSET_ARRAY_SIZE(names) ? names[policy] : "?";
}

int oci_process_set_sched(const struct oci_config *c, const struct oci_process *p,
			  struct nsset_error *err)
{
	if (p->has_scheduler) {
		const struct oci_scheduler *s = &p->scheduler;
		struct sched_attr a = {
			.size = sizeof(a),
			.sched_policy = (uint32_t)s->policy,
			.sched_flags = s->flags,
			.sched_nice = s->nice,
			.sched_priority = (uint32_t)s->priority,
			.sched_runtime = s->runtime,
			.sched_deadline = s->deadline,
			.sched_period = s->period,
			.sched_util_max = 1024, /* the clamps' defaults: the spec gives no values */
		};
		if (syscall(SYS_sched_setattr, 0, &a, 0) < 0) {
			bool rt = s->policy == SCHED_FIFO || s->policy == SCHED_RR;
			return nsset_fail_errno(err, errno, "process.scheduler: cannot set %s (nice %d, priority %d)%s",
						policy_name(s->policy), s->nice, s->priority,
						rt && errno == EPERM ? " (a cgroup v1 cpu hierarchy with real-time group "
						"scheduling needs linux.resources.cpu.realtimeRuntime)" : "");
		}
	}
	if (p->has_io_priority && syscall(SYS_ioprio_set, 1 /* IOPRIO_WHO_PROCESS */, 0, p->io_priority) < 0)
		return nsset_fail_errno(err, errno, "process.ioPriority: cannot set class %d priority %d",
					p->io_priority >> 13, p->io_priority & 7);
	if (c && c->has_mempolicy) {
		const struct oci_mask *m = c->has_mempolicy_nodes ? &c->mempolicy_nodes : NULL;
		if (syscall(SYS_set_mempolicy, c->mempolicy_mode, m ? m->bits : NULL,
			    m ? OCI_MASK_BITS + 1 : 0) < 0)
			return nsset_fail_errno(err, errno, "linux.memoryPolicy: set_mempolicy");
	}
	return 0;
}

int oci_process_set_affinity(const struct oci_mask *m, const char *what, struct nsset_error *err)
{
	if (sched_setaffinity(0, sizeof(m->bits), (const cpu_set_t *)(const void *)m->bits) < 0)
		return nsset_fail_errno(err, errno, "process.execCPUAffinity.%s: sched_setaffinity", what);
	return 0;
}

int oci_time_offsets_write(const struct oci_config *c, struct nsset_error *err)
{
	char buf[128];
	int n = snprintf(buf, sizeof(buf), "monotonic %" PRId64 " %" PRIu32 "\nboottime %" PRId64 " %" PRIu32 "\n",
			 c->monotonic_secs, c->monotonic_nsecs, c->boottime_secs, c->boottime_nsecs);
	int fd = open("/proc/self/timens_offsets", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "linux.timeOffsets: cannot open /proc/self/timens_offsets");
	ssize_t w = write(fd, buf, (size_t)n);
	int e = errno;
	close(fd);
	if (w != n)
		return nsset_fail_errno(err, w < 0 ? e : EIO, "linux.timeOffsets: cannot write the offsets");
	return 0;
}
