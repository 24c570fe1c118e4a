/* The lifecycle engine's operations on an existing container: open (locked), state, kill,
 * delete, ps, pause/resume.  create/start/run are in create.c, exec in exec.c. */
#include "oci/engine.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static void (*warn_fn)(const char *msg);

void oci_set_warn(void (*fn)(const char *msg))
{
	warn_fn = fn;
}

void oci_warn(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	if (!warn_fn)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	warn_fn(msg);
}

/* RFC 3339 in UTC with nanoseconds.  The civil date from the days since the epoch (Howard
 * Hinnant's days_from_civil, inverted) rather than gmtime_r, whose first call reads the time
 * zone file (/etc/localtime) for nothing. */
void oci_now(char *buf, size_t size)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	oci_format_time(ts.tv_sec, ts.tv_nsec, buf, size);
}

void oci_format_time(long long sec, long nsec, char *buf, size_t size)
{
	long long days = sec / 86400, secs = sec % 86400;
	if (secs < 0) {
		secs += 86400;
		days--;
	}
	days += 719468;
	long long era = (days >= 0 ? days : days - 146096) / 146097;
	long long doe = days - era * 146097;
	long long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	long long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	long long mp = (5 * doy + 2) / 153;
	long long day = doy - (153 * mp + 2) / 5 + 1;
	long long month = mp < 10 ? mp + 3 : mp - 9;
	long long year = yoe + era * 400 + (month <= 2);
	snprintf(buf, size, "%04lld-%02lld-%02lldT%02lld:%02lld:%02lld.%09ldZ", year, month, day,
		 secs / 3600, secs / 60 % 60, secs % 60, nsec);
}

static int ctr_open(const char *root, const char *id, bool lock, struct oci_ctr *c,
		    struct nsset_error *err)
{
	memset(c, 0, sizeof(*c));
	c->root = root;
	c->dirfd = lock ? oci_state_open(root, id, err) : oci_state_open_unlocked(root, id, err);
	if (c->dirfd < 0)
		return c->dirfd;
	int r = oci_state_read(c->dirfd, &c->st, err);
	if (r < 0) {
		close(c->dirfd);
		c->dirfd = -1;
		return r;
	}
	return 0;
}

int oci_ctr_open(const char *root, const char *id, struct oci_ctr *c, struct nsset_error *err)
{
	return ctr_open(root, id, true, c, err);
}

int oci_ctr_config(struct oci_ctr *c, struct nsset_error *err)
{
	char *json;
	if (c->config)
		return 0;
	int r = oci_state_get_file(c->dirfd, "config.json", &json, err);
	if (r < 0)
		return r;
	r = oci_config_parse(json, c->st.bundle, &c->config, err);
	free(json);
	return r;
}

int oci_ctr_cgroup(struct oci_ctr *c, struct nsset_error *err)
{
	if (c->cg || !c->st.cgroup || !*c->st.cgroup)
		return 0;
	return oci_cgroup_load(c->st.cgroup, &c->cg, err);
}

enum oci_status oci_ctr_status(struct oci_ctr *c)
{
	bool frozen = false;
	if (oci_ctr_cgroup(c, NULL) == 0 && c->cg)
		frozen = oci_cgroup_is_frozen(c->cg, NULL) == 1;
	return oci_state_status(c->dirfd, &c->st, frozen);
}

void oci_ctr_close(struct oci_ctr *c)
{
	if (c->dirfd >= 0)
		close(c->dirfd);
	c->dirfd = -1;
	oci_state_clear(&c->st);
	oci_config_free(c->config);
	c->config = NULL;
	oci_cgroup_free(c->cg);
	c->cg = NULL;
}

int oci_ctr_pidfd(const struct oci_state *st)
{
	if (st->pid <= 0)
		return -ESRCH;
	int fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd < 0)
		return -errno;
	/* The pidfd names one process for good: check that it is still the container's. */
	bool zombie;
	if (oci_proc_start_time(st->pid, &zombie) != st->start_time || zombie) {
		close(fd);
		return -ESRCH;
	}
	return fd;
}

/* ---- hooks -------------------------------------------------------------------------------- */

bool oci_has_hooks(const struct oci_config *cfg, enum oci_hook_stage stage)
{
	const struct oci_hooks *h = &cfg->hooks;
	switch (stage) {
	case HOOK_PRESTART: return h->n_prestart;
	case HOOK_CREATE_RUNTIME: return h->n_create_runtime;
	case HOOK_CREATE_CONTAINER: return h->n_create_container;
	case HOOK_START_CONTAINER: return h->n_start_container;
	case HOOK_POSTSTART: return h->n_poststart;
	case HOOK_POSTSTOP: return h->n_poststop;
	}
	return false;
}

int oci_run_hooks(const struct oci_config *cfg, const struct oci_state *st, enum oci_status status,
		  enum oci_hook_stage stage, struct nsset_error *err)
{
	if (!cfg || !oci_has_hooks(cfg, stage))
		return 0;
	static const enum oci_hook_kind kinds[] = {
		[HOOK_PRESTART] = OCI_HOOK_PRESTART, [HOOK_CREATE_RUNTIME] = OCI_HOOK_CREATE_RUNTIME,
		[HOOK_CREATE_CONTAINER] = OCI_HOOK_CREATE_CONTAINER,
		[HOOK_START_CONTAINER] = OCI_HOOK_START_CONTAINER,
		[HOOK_POSTSTART] = OCI_HOOK_POSTSTART, [HOOK_POSTSTOP] = OCI_HOOK_POSTSTOP,
	};
	char *json = oci_state_json(st, status);
	if (!json)
		return nsset_fail(err, ENOMEM, "out of memory");
	int r = 0;
	if (stage == HOOK_POSTSTART || stage == HOOK_POSTSTOP) {
		size_t n;
		const struct oci_hook *h = oci_hooks_of(&cfg->hooks, kinds[stage], &n);
		for (size_t i = 0; i < n; i++) {
			struct nsset_error e = { 0 };
			if (oci_hook_run(kinds[stage], &h[i], json, &e) < 0)
				oci_warn("%s", e.msg);
		}
	} else {
		r = oci_hooks_run(&cfg->hooks, kinds[stage], json, err);
	}
	free(json);
	return r;
}

/* ---- state, list -------------------------------------------------------------------------- */

int oci_container_info(const char *root, const char *id, struct oci_info *info,
		       struct nsset_error *err)
{
	struct oci_ctr c;
	int r = ctr_open(root, id, false, &c, err);
	if (r < 0)
		return r;
	info->status = oci_ctr_status(&c);
	info->pid = info->status == OCI_STOPPED ? 0 : c.st.pid;
	snprintf(info->bundle, sizeof(info->bundle), "%s", c.st.bundle ? c.st.bundle : "");
	snprintf(info->created, sizeof(info->created), "%s", c.st.created ? c.st.created : "");
	oci_ctr_close(&c);
	return 0;
}

int oci_container_state(const char *root, const char *id, char **json, struct nsset_error *err)
{
	struct oci_ctr c;
	int r = ctr_open(root, id, false, &c, err);
	if (r < 0)
		return r;
	*json = oci_state_json(&c.st, oci_ctr_status(&c));
	oci_ctr_close(&c);
	return *json ? 0 : nsset_fail(err, ENOMEM, "out of memory");
}

/* ---- kill --------------------------------------------------------------------------------- */

int oci_signal_parse(const char *s)
{
	char *end;
	if (!s || !*s)
		return -EINVAL;
	long n = strtol(s, &end, 10);
	if (*end == '\0')
		return n > 0 && n < NSIG ? (int)n : -EINVAL;
	if (strncasecmp(s, "SIG", 3) == 0)
		s += 3;
	for (int sig = 1; sig < NSIG; sig++) {
		const char *abbrev = sigabbrev_np(sig);
		if (abbrev && strcasecmp(abbrev, s) == 0)
			return sig;
	}
	if (strncasecmp(s, "RTMIN+", 6) == 0 || strncasecmp(s, "RTMAX-", 6) == 0) {
		long k = strtol(s + 6, &end, 10);
		int sig = s[4] == 'I' || s[4] == 'i' ? SIGRTMIN + (int)k : SIGRTMAX - (int)k;
		if (*end == '\0' && sig >= SIGRTMIN && sig <= SIGRTMAX)
			return sig;
	}
	return -EINVAL;
}

static int wrong_state(struct nsset_error *err, const char *want, enum oci_status is)
{
	return nsset_fail(err, EINVAL, "container is not %s (%s)", want, oci_status_name(is));
}

/* Open a container that has processes (created, running or paused; not creating or stopped),
 * for kill and update.  On success the caller closes it. */
static int open_live(const char *root, const char *id, struct oci_ctr *c, struct nsset_error *err)
{
	int r = oci_ctr_open(root, id, c, err);
	if (r < 0)
		return r;
	enum oci_status s = oci_ctr_status(c);
	if (s != OCI_CREATED && s != OCI_RUNNING && s != OCI_PAUSED) {
		oci_ctr_close(c);
		return wrong_state(err, "created, running or paused", s);
	}
	return 0;
}

int oci_kill(const char *root, const char *id, int sig, bool all, struct nsset_error *err)
{
	struct oci_ctr c;
	int r = open_live(root, id, &c, err);
	if (r < 0)
		return r;
	if (all) {
		if ((r = oci_ctr_cgroup(&c, err)) < 0)
			goto out;
		if (c.cg) {
			r = oci_cgroup_kill(c.cg, sig, err);
			goto out;
		}
	}
	int fd = oci_ctr_pidfd(&c.st);
	if (fd < 0) {
		r = nsset_fail(err, ESRCH, "container process %d is gone", (int)c.st.pid);
		goto out;
	}
	if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0)
		r = nsset_fail_errno(err, errno, "cannot signal process %d", (int)c.st.pid);
	close(fd);
out:
	oci_ctr_close(&c);
	return r;
}

/* ---- delete ------------------------------------------------------------------------------- */

/* Wait (at most ~10 s) for a pidfd to report its exit. */
static void wait_pidfd(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	while (poll(&p, 1, 10000) < 0 && errno == EINTR)
		;
}

int oci_ctr_destroy(struct oci_ctr *c, struct nsset_error *err)
{
	int r;
	int fd = oci_ctr_pidfd(&c->st);
	if (fd >= 0) {
		syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0);
		wait_pidfd(fd);
		close(fd);
	}
	if ((r = oci_ctr_cgroup(c, err)) < 0)
		return r;
	if (c->cg) {
		struct nsset_error e = { 0 };
		oci_cgroup_kill(c->cg, SIGKILL, &e);
	}
	if (c->st.started || c->st.pid > 0) {
		/* poststop: only for a container whose process existed. */
		if (oci_ctr_config(c, NULL) == 0)
			oci_run_hooks(c->config, &c->st, OCI_STOPPED, HOOK_POSTSTOP, NULL);
	}
	if (c->cg && (r = oci_cgroup_remove(c->cg, err)) < 0)
		return r;
	r = oci_state_remove(c->root, c->st.id, c->dirfd, err);
	return r;
}

int oci_delete(const char *root, const char *id, bool force, struct nsset_error *err)
{
	return oci_ctr_delete(root, id, force, NULL, err);
}

int oci_ctr_delete(const char *root, const char *id, bool force, struct oci_config *config,
		   struct nsset_error *err)
{
	struct oci_ctr c;
	int r = oci_ctr_open(root, id, &c, err);
	if (r == -ENOENT && force) {
		/* As runc: --force of a container that does not exist (a concurrent delete won:
		 * podman's stop and conmon's cleanup both delete) succeeds; an orphan directory
		 * is removed. */
		if (err)
			*err = (struct nsset_error){ 0 };
		return oci_state_remove_orphan(root, id, err);
	}
	if (r < 0)
		return r;
	enum oci_status s = oci_ctr_status(&c);
	if (s != OCI_STOPPED && !force) {
		r = nsset_fail(err, EBUSY, "container is %s: stop it first, or use --force",
			       oci_status_name(s));
		goto out;
	}
	if (s == OCI_CREATING && force && c.st.creator > 0) {
		/* Its creator is still at work: stop it first. */
		kill(c.st.creator, SIGKILL);
	}
	c.config = config; /* borrowed: no need to read the copy back */
	r = oci_ctr_destroy(&c, err);
	if (config)
		c.config = NULL;
out:
	oci_ctr_close(&c);
	return r;
}

int oci_ctr_delete_reaped(const char *root, const char *id, pid_t pid, unsigned long long start,
			  struct oci_config *config, struct nsset_error *err)
{
	struct oci_ctr c;
	int r = oci_ctr_open(root, id, &c, err);
	if (r < 0 || c.st.pid != pid || c.st.start_time != start) {
		/* Gone, or deleted by another and made again with the same id: not ours. */
		if (r == 0)
			oci_ctr_close(&c);
		if (r == -ENOENT && err)
			*err = (struct nsset_error){ 0 };
		return r == -ENOENT ? 0 : r;
	}
	c.config = config; /* borrowed */
	/* Its process is reaped: the cgroup is removed at once when nothing is left in it (its
	 * own pid namespace took every other process along); otherwise, and with poststop
	 * hooks (run before the cgroup goes), as delete --force does it. */
	if ((r = oci_ctr_cgroup(&c, err)) == 0) {
		if (!oci_has_hooks(config, HOOK_POSTSTOP) && (!c.cg || oci_cgroup_remove_if_empty(c.cg) == 0))
			r = oci_state_remove(c.root, c.st.id, c.dirfd, err);
		else
			r = oci_ctr_destroy(&c, err);
	}
	c.config = NULL;
	oci_ctr_close(&c);
	return r;
}

/* ---- ps, pause ---------------------------------------------------------------------------- */

int oci_ps(const char *root, const char *id, pid_t **pids, size_t *n, struct nsset_error *err)
{
	struct oci_ctr c;
	int r = oci_ctr_open(root, id, &c, err);
	if (r < 0)
		return r;
	*pids = NULL;
	*n = 0;
	enum oci_status s = oci_ctr_status(&c);
	if (s == OCI_STOPPED) {
		*pids = calloc(1, sizeof(pid_t));
		goto out;
	}
	if ((r = oci_ctr_cgroup(&c, err)) < 0)
		goto out;
	if (c.cg) {
		r = oci_cgroup_pids(c.cg, pids, n, err);
		goto out;
	}
	*pids = calloc(1, sizeof(pid_t));
	if (*pids) {
		(*pids)[0] = c.st.pid;
		*n = 1;
	}
out:
	if (r == 0 && !*pids)
		r = nsset_fail(err, ENOMEM, "out of memory");
	oci_ctr_close(&c);
	return r;
}

/* The container's cgroup for an operation on it (WHAT: "freeze"), -ENOTSUP when it has none. */
static int need_cgroup(struct oci_ctr *c, const char *what, struct nsset_error *err)
{
	int r = oci_ctr_cgroup(c, err);
	if (r == 0 && !c->cg)
		r = nsset_fail(err, ENOTSUP, "the container has no cgroup to %s", what);
	return r;
}

int oci_pause(const char *root, const char *id, bool pause, struct nsset_error *err)
{
	struct oci_ctr c;
	int r = oci_ctr_open(root, id, &c, err);
	if (r < 0)
		return r;
	enum oci_status s = oci_ctr_status(&c);
	/* Not a created container: its state would still read "created" (exec.fifo) and resume
	 * would refuse it, leaving it frozen. */
	if (pause && s != OCI_RUNNING) {
		r = wrong_state(err, "running", s);
		goto out;
	}
	if (!pause && s != OCI_PAUSED) {
		r = wrong_state(err, "paused", s);
		goto out;
	}
	if ((r = need_cgroup(&c, "freeze", err)) == 0)
		r = oci_cgroup_freeze(c.cg, pause, err);
out:
	oci_ctr_close(&c);
	return r;
}

/* ---- update ------------------------------------------------------------------------------- */

int oci_update(const char *root, const char *id, const struct oci_resources *res,
	       struct nsset_error *err)
{
	struct oci_ctr c;
	int r = open_live(root, id, &c, err);
	if (r < 0)
		return r;
	if ((r = need_cgroup(&c, "update", err)) == 0)
		r = oci_cgroup_update(c.cg, res, err);
	oci_ctr_close(&c);
	return r;
}

/* ---- events ------------------------------------------------------------------------------- */

int oci_events_read(const char *root, const char *id, char **stats, uint64_t *oom_kills,
		    bool *stopped, struct nsset_error *err)
{
	struct oci_ctr c;
	int r = oci_ctr_open(root, id, &c, err);
	if (r < 0)
		return r;
	*stats = NULL;
	*stopped = oci_ctr_status(&c) == OCI_STOPPED;
	if ((r = need_cgroup(&c, "read", err)) == 0 && (r = oci_cgroup_stats(c.cg, stats, err)) == 0)
		*oom_kills = oci_cgroup_oom_kills(c.cg);
	oci_ctr_close(&c);
	return r;
}
