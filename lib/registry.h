/* Internals of the registry of named sets, shared by registry.c, bind.c, enter.c, lsns.c. */
#ifndef NSSET_REGISTRY_H
#define NSSET_REGISTRY_H

#include "internal.h"

#include <limits.h>

#define REG_META     "meta"       /* the metadata file of a set */
#define REG_LOCK     "~lock"      /* shared by every command changing the registry */
#define REG_MNTLOCK  "~mountlock" /* making the registry's private mount */
#define REG_TMP      "~tmp."      /* a set being made: ~tmp.NAME.XXXXXX */
#define REG_REL      "~rel."      /* a set being released: ~rel.NAME.XXXXXX */
#define REG_NETNS    "/run/netns"

/* The metadata of a set, as stored in REGISTRY/NAME/meta (key=value lines). */
struct reg_meta {
	nsset_flags_t kinds;
	uint64_t ids[NSSET_KINDS_MAX];
	pid_t holder;
	bool holder_owned;
	pid_t origin;
	pid_t keeper;
	int keeper_fds[NSSET_KINDS_MAX];  /* the keeper's descriptor for each kind */
	uid_t owner;
	int64_t created;
	char netns_link[PATH_MAX];       /* "" none */
};

/* The registry path (absolute) into buf. */
int reg_path(const char *override, char *buf, size_t size, struct nsset_error *err);
/* Open the registry directory (O_DIRECTORY|O_CLOEXEC), making it when create is set. */
int reg_open(const char *path, bool create, struct nsset_error *err);
int reg_meta_read(int setfd, struct reg_meta *m, struct nsset_error *err);
int reg_meta_write(int setfd, const struct reg_meta *m, struct nsset_error *err);
/* Take apart a set directory entry of the registry (a temporary, or a set being released):
 * unmount and remove every file, stop the keeper (and the holder when owned and alone),
 * remove the netns link, remove the directory. */
/* The temporary name in /run/netns under which the netns link of the set being made in entry
 * is created, then hard-linked to /run/netns/NAME (a kill leaves only files whose names the
 * clean-up knows: see netns_link_make in bind.c). */
void reg_netns_tmp(const char *entry, char *buf, size_t size);
int reg_dismantle(const char *regpath, int regfd, const char *entry, struct nsset_error *err);
/* Take the registry's lock (flock how: LOCK_SH while making or releasing a set; LOCK_EX to
 * clean up).  Returns the lock's fd, or a negative errno. */
int reg_lock(int regfd, int how);
/* Remove temporaries left behind by an nsset that was killed: when no other command holds
 * the registry's lock, every temporary is stale. */
void reg_cleanup_stale(const char *regpath, int regfd);
/* A temporary directory entry name for NAME with prefix; created (mkdirat) and opened with an
 * exclusive flock.  Returns the directory fd. */
int reg_mktemp(int regfd, const char *prefix, const char *name, char *entry, size_t size,
	       struct nsset_error *err);
/* Fault injection for the tests of atomicity: with NSSET_TEST_KILL_AT=STEP in the environment,
 * SIGKILL the caller at that step.  Compiled only with -Dtest_hooks=true (scripts/check.sh's
 * builds); by default (what is shipped) the calls are nothing and no environment variable is
 * read.  See docs/registry.md. */
#if NSSET_BUILD_TEST_HOOKS
void reg_test_point(const char *step);
#else
static inline void reg_test_point(const char *step)
{
	(void)step;
}
#endif

/* The index of a kind in nsset_kinds(). */
size_t reg_kind_index(const struct nsset_kind *k);
/* The inode of /proc/PID/ns/KIND (0 when it cannot be read). */
uint64_t reg_proc_ns_ino(pid_t pid, const char *kind);
/* Read a small file (at most size-1 bytes, NUL-terminated): its length or a negative errno. */
ssize_t reg_read_file(const char *path, char *buf, size_t size);
/* The inode of the initial (host) namespace of a kind. */
uint64_t reg_host_ns_ino(const char *kind);
/* Whether the living process pid (checked through pidfd) has every namespace in kinds as m. */
bool reg_pid_has(pid_t pid, nsset_flags_t kinds, const uint64_t ids[]);
/* The same, for a pidfd already open on pid. */
bool reg_pidfd_has(int pidfd, pid_t pid, nsset_flags_t kinds, const uint64_t ids[]);
/* The pid (in the caller's pid namespace) of the init of pid's pid namespace; 0 if none. */
pid_t reg_pidns_init(pid_t pid);
/* nsset_bind, with a hook called once the set is whole in its temporary, just before it is
 * renamed into place (a failure there undoes everything). */
int reg_bind(const char *name, pid_t pid, const struct nsset_bind_opts *opts,
	     int (*before_commit)(void *arg, struct nsset_error *err), void *arg,
	     struct nsset_error *err);
/* Number of processes in pid namespace ino, counting up to limit. */
unsigned reg_count_in_pidns(uint64_t ino, unsigned limit);
/* Stop nsset's holder init of a released set once it is alone in its pid namespace (a
 * detached watcher; linger.c). */
void reg_holder_linger(pid_t holder, uint64_t pidns_ino, const uint64_t ids[]);
/* Fill a public description from the metadata. */
void reg_info_fill(struct nsset_set_info *info, const char *name, const struct reg_meta *m);

#endif
