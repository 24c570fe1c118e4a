/* The container process: user, umask, rlimits, oom_score_adj, personality, no_new_privs,
 * capabilities and seccomp, in the order that lets each step still do what it needs. */
#include "internal.h"
#include "oci/caps.h"
#include "oci/process.h"
#include "oci/seccomp.h"

#include <fcntl.h>
#include <grp.h>
#include <inttypes.h>
#include <sys/capability.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static const struct { const char *name; int resource; } rlimits[] = {
	{ "RLIMIT_AS", RLIMIT_AS }, { "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU }, { "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE }, { "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE }, { "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC }, { "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int oci_rlimit_from_name(const char *name, int *out)
{
	for (size_t i = 0; name && i < NSSET_ARRAY_SIZE(rlimits); i++) {
		if (strcmp(rlimits[i].name, name) == 0) {
			*out = rlimits[i].resource;
			return 0;
		}
	}
	return -EINVAL;
}

const char *oci_rlimit_name(int resource)
{
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(rlimits); i++)
		if (rlimits[i].resource == resource)
			return rlimits[i].name;
	return "RLIMIT_?";
}

/* The raw system calls: the process is single-threaded here, and the C library's wrappers
 * would apply each to every thread (musl blocks every signal around each for that). */
int oci_process_set_user(const struct oci_user *u, struct nsset_error *err)
{
	if (syscall(SYS_setgroups, u->n_additional_gids, u->additional_gids) != 0) {
		int e = errno;
		if (!(e == EPERM && u->n_additional_gids == 0))
			return nsset_fail_errno(err, e, "cannot set the additional groups (setgroups)");
		/* An unprivileged user namespace with setgroups denied: nothing to drop. */
	}
	if (syscall(SYS_setresgid, u->gid, u->gid, u->gid) != 0)
		return nsset_fail_errno(err, errno, "cannot set gid %u", (unsigned)u->gid);
	if (syscall(SYS_setresuid, u->uid, u->uid, u->uid) != 0)
		return nsset_fail_errno(err, errno, "cannot set uid %u", (unsigned)u->uid);
	return 0;
}

static bool have_cap(int cap)
{
	cap_t c = cap_get_proc();
	cap_flag_value_t v = CAP_CLEAR;
	if (c) {
		cap_get_flag(c, cap, CAP_EFFECTIVE, &v);
		cap_free(c);
	}
	return v == CAP_SET;
}

static void fmt_limit(char *buf, size_t size, uint64_t v);

/* Raising a hard limit needs CAP_SYS_RESOURCE in the initial user namespace: root of a user
 * namespace has it only there. */
static bool in_initial_userns(void)
{
	char buf[64];
	int fd = open("/proc/self/uid_map", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return true;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return true;
	buf[n] = '\0';
	unsigned long a, b, c;
	char rest;
	return sscanf(buf, " %lu %lu %lu %c", &a, &b, &c, &rest) == 3 && a == 0 && b == 0 &&
	       c == 4294967295UL;
}

static int above_hard(struct nsset_error *err, const struct oci_rlimit *l, uint64_t cur_max)
{
	char a[32], b[32];
	fmt_limit(a, sizeof(a), l->hard);
	fmt_limit(b, sizeof(b), cur_max);
	return nsset_fail(err, EPERM, "process.rlimits: %s hard limit %s is above this "
			  "machine's hard limit %s (raising it needs CAP_SYS_RESOURCE)",
			  oci_rlimit_name(l->resource), a, b);
}

static void fmt_limit(char *buf, size_t size, uint64_t v)
{
	if (v == (uint64_t)RLIM_INFINITY)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%" PRIu64, v);
}

int oci_process_set_rlimits(const struct oci_process *p, struct nsset_error *err)
{
	bool sys_resource = have_cap(CAP_SYS_RESOURCE) && in_initial_userns();
	char a[32], b[32];

	/* Check them all first, so that a bad one leaves the others unchanged. */
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct oci_rlimit *l = &p->rlimits[i];
		struct rlimit cur;
		if (getrlimit(l->resource, &cur) != 0)
			return nsset_fail_errno(err, errno, "process.rlimits: %s", oci_rlimit_name(l->resource));
		if (l->soft > l->hard) {
			fmt_limit(a, sizeof(a), l->soft);
			fmt_limit(b, sizeof(b), l->hard);
			return nsset_fail(err, EINVAL, "process.rlimits: %s soft limit %s is above its hard limit %s",
					  oci_rlimit_name(l->resource), a, b);
		}
		if (l->hard > (uint64_t)cur.rlim_max && !sys_resource)
			return above_hard(err, l, cur.rlim_max);
	}
	for (size_t i = 0; i < p->n_rlimits; i++) {
		const struct oci_rlimit *l = &p->rlimits[i];
		struct rlimit rl = { .rlim_cur = l->soft, .rlim_max = l->hard }, cur;
		if (setrlimit(l->resource, &rl) != 0) {
			int e = errno;
			if (e == EPERM && getrlimit(l->resource, &cur) == 0 && l->hard > (uint64_t)cur.rlim_max)
				return above_hard(err, l, cur.rlim_max);
			return nsset_fail_errno(err, e, "process.rlimits: cannot set %s",
						oci_rlimit_name(l->resource));
		}
	}
	return 0;
}

int oci_process_set_oom_score_adj(int adj, struct nsset_error *err)
{
	char buf[16];
	if (adj < -1000 || adj > 1000)
		return nsset_fail(err, EINVAL, "process.oomScoreAdj: %d is outside -1000..1000", adj);
	int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "process.oomScoreAdj: cannot open /proc/self/oom_score_adj");
	int n = snprintf(buf, sizeof(buf), "%d", adj);
	ssize_t w = write(fd, buf, (size_t)n);
	int e = errno;
	close(fd);
	if (w != n) {
		if (e == EACCES || e == EPERM)
			return nsset_fail(err, e, "process.oomScoreAdj: cannot lower it to %d "
					  "(needs CAP_SYS_RESOURCE): %s", adj, strerror(e));
		return nsset_fail_errno(err, e, "process.oomScoreAdj: cannot write %d", adj);
	}
	return 0;
}

int oci_process_set_personality(unsigned long persona, struct nsset_error *err)
{
	if (personality(persona) == -1)
		return nsset_fail_errno(err, errno, "linux.personality: cannot set 0x%lx", persona);
	/* personality() returns the previous one: check that the new one is in place. */
	if ((unsigned long)personality(0xffffffff) != persona)
		return nsset_fail(err, EINVAL, "linux.personality: the kernel refused 0x%lx", persona);
	return 0;
}

int oci_process_set_no_new_privs(struct nsset_error *err)
{
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0)
		return nsset_fail_errno(err, errno, "process.noNewPrivileges: prctl(PR_SET_NO_NEW_PRIVS)");
	return 0;
}

static int load_seccomp(const struct oci_seccomp *s, const struct oci_process_opts *o,
			struct nsset_error *err)
{
	int notify = -1;
	int r = oci_seccomp_load(s, &notify, err);
	if (r < 0)
		return r;
	if (notify < 0)
		return 0;
	if (!s->listener_path) {
		if (o && o->notify_fd) {
			*o->notify_fd = notify;
			return 0;
		}
		close(notify);
		return 0;
	}
	int sock = o ? o->listener_fd : -1;
	bool own = sock < 0;
	if (own && (sock = oci_seccomp_listener_connect(s->listener_path, err)) < 0) {
		close(notify);
		return sock;
	}
	r = oci_seccomp_send_notify_fd(sock, notify, s->listener_metadata, o ? o->state_json : NULL, err);
	close(notify);
	if (own)
		close(sock);
	return r;
}

int oci_process_apply_opts(const struct oci_config *c, const struct oci_process *p,
			   const struct oci_process_opts *o, struct nsset_error *err)
{
	const struct oci_seccomp *sc = c ? c->seccomp : NULL;
	int r;

	if (o && o->notify_fd)
		*o->notify_fd = -1;
	/* While still privileged: lowering oom_score_adj and raising limits need
	 * CAP_SYS_RESOURCE, which the capabilities below may drop. */
	if ((r = oci_process_set_sched(c, p, err)) < 0)
		return r;
	if (p->has_oom_score_adj && (r = oci_process_set_oom_score_adj(p->oom_score_adj, err)) < 0)
		return r;
	if ((r = oci_process_set_rlimits(p, err)) < 0)
		return r;
	if (c && c->has_personality && (r = oci_process_set_personality(c->personality, err)) < 0)
		return r;
	if (p->user.has_umask)
		umask(p->user.umask & 07777);
	/* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: load it now, while the
	 * process still has it (runc and crun do the same). */
	if (sc && !p->no_new_privileges && (r = load_seccomp(sc, o, err)) < 0)
		return r;
	if (p->has_caps && (r = oci_caps_prepare(&p->caps, o && o->bounding_done, err)) < 0)
		return r;
	if ((r = oci_process_set_user(&p->user, err)) < 0)
		return r;
	if (p->has_caps && (r = oci_caps_apply(&p->caps, err)) < 0)
		return r;
	if (p->no_new_privileges && (r = oci_process_set_no_new_privs(err)) < 0)
		return r;
	if (sc && p->no_new_privileges && (r = load_seccomp(sc, o, err)) < 0)
		return r;
	return 0;
}

int oci_process_apply(const struct oci_config *c, const struct oci_process *p, struct nsset_error *err)
{
	return oci_process_apply_opts(c, p, NULL, err);
}
