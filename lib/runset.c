/* `nsset run --name`: make a set with new namespaces and keep it.
 *
 * A holder (nsset's idle init, nsset_spawn's `hold`) is started in the new namespaces and its
 * namespaces are bound into the registry.  With a pid namespace the holder stays: a pid
 * namespace whose init is gone accepts no new process.  Without one the bind mounts suffice
 * and the holder is stopped.
 *
 * Nothing half made survives a SIGKILL of nsset: the holder starts tied to nsset's life
 * (PR_SET_PDEATHSIG) and is untied (a SIGPWR handler set up in the child clears it and renames
 * the process "nsset-holder", which nsset waits to see) only once the set is whole in its
 * temporary directory, just before it is renamed into place.  A kill before that takes the
 * holder with it; a kill after it leaves a temporary that names the holder, which the next
 * command stops and removes. */
#include "registry.h"

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#define UNTIE_SIGNAL SIGPWR

static void untie(int sig)
{
	(void)sig;
	prctl(PR_SET_PDEATHSIG, 0);
	prctl(PR_SET_NAME, "nsset-holder");
}

/* In the holder, before its init starts: no terminal, no stdio of nsset's.  ARG: the host's
 * /dev/null opened by the caller (the holder may be in a --root without one). */
static int holder_setup(void *arg, struct nsset_error *err)
{
	int null = *(const int *)arg;
	dup2(null, 0);
	dup2(null, 1);
	dup2(null, 2);
	setsid();
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = untie;
	sigemptyset(&sa.sa_mask);
	if (sigaction(UNTIE_SIGNAL, &sa, NULL) < 0)
		return nsset_fail_errno(err, errno, "cannot set up the holder");
	return 0;
}

static bool is_untied(pid_t pid)
{
	char path[64], comm[32];
	snprintf(path, sizeof(path), "/proc/%d/comm", (int)pid);
	return reg_read_file(path, comm, sizeof(comm)) > 0 && strncmp(comm, "nsset-holder", 12) == 0;
}

static int untie_holder(void *arg, struct nsset_error *err)
{
	const struct nsset_child *holder = arg;
	int r = nsset_child_kill(holder, UNTIE_SIGNAL, err);
	if (r < 0)
		return r;
	for (int i = 0; i < 5000; i++) {
		if (is_untied(holder->pid))
			return 0;
		struct timespec ts = { 0, 1000000 };
		nanosleep(&ts, NULL);
	}
	return nsset_fail(err, ETIMEDOUT, "the holder did not answer");
}

int nsset_set_create(const char *name, const struct nsset_spawn *spawn,
		     const struct nsset_bind_opts *bind, struct nsset_error *err)
{
	struct nsset_bind_opts bo = bind ? *bind : (struct nsset_bind_opts){ 0 };
	struct nsset_spawn sp = *spawn;
	struct nsset_set_info info;
	struct nsset_child holder;
	int r;

	if ((r = nsset_name_check(name, err)) < 0)
		return r;
	if ((r = nsset_flags_check(sp.flags, err)) < 0)
		return r;
	if (!sp.flags)
		return nsset_fail(err, EINVAL, "a set needs at least one new namespace");
	if (bo.netns_link && !(sp.flags & NSSET_NET))
		return nsset_fail(err, EINVAL, "a netns link needs a new network namespace (-n)");
	if (nsset_set_get(bo.registry, name, &info, NULL) == 0)
		return nsset_fail(err, EBUSY, "a set named %s exists", name);

	sp.argv = NULL;
	sp.child_main = NULL;
	sp.init = sp.hold = true;
	sp.die_with_parent = true;
	sp.no_tty_foreground = true;
	sp.child_setup = holder_setup;
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (null < 0)
		return nsset_fail_errno(err, errno, "cannot open /dev/null");
	sp.arg = &null;
	r = nsset_spawn(&sp, &holder, err);
	close(null);
	if (r < 0)
		return r;
	reg_test_point("spawned");

	bool keep = (sp.flags & NSSET_PID) != 0;
	bo.kinds = sp.flags;
	bo.holder = keep ? holder.pid : 0;
	bo.holder_owned = keep;
	r = reg_bind(name, holder.pid, &bo, keep ? untie_holder : NULL, &holder, err);
	if (r < 0 || !keep) {
		/* Not needed (the mounts hold the namespaces), or failed: stop it. */
		nsset_child_kill(&holder, r < 0 ? SIGKILL : SIGTERM, NULL);
		nsset_child_wait(&holder, NULL);
		return r;
	}
	nsset_child_release(&holder);
	return 0;
}
