/* linux.seccomp: build the filter with libseccomp and load it. */
#include "internal.h"
#include "oci/seccomp.h"

#include <fcntl.h>
#include <json-c/json.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#ifndef SECCOMP_FILTER_FLAG_SPEC_ALLOW
#define SECCOMP_FILTER_FLAG_SPEC_ALLOW (1UL << 2)
#endif

bool oci_seccomp_uses_notify(const struct oci_seccomp *s)
{
	if (!s)
		return false;
	if (s->default_action == SCMP_ACT_NOTIFY)
		return true;
	for (size_t i = 0; i < s->n_syscalls; i++)
		if (s->syscalls[i].action == SCMP_ACT_NOTIFY)
			return true;
	return false;
}

static int add_rule(scmp_filter_ctx ctx, const struct oci_seccomp *s,
		    const struct oci_syscall_rule *rule, const char *name, struct nsset_error *err)
{
	struct scmp_arg_cmp cmp[6];
	int nr = seccomp_syscall_resolve_name(name);
	int r;

	if (nr == __NR_SCMP_ERROR)
		return 0; /* a name this libseccomp does not know: skipped, as runc does */
	if (rule->action == s->default_action)
		return 0; /* libseccomp refuses a rule that repeats the default action */
	if (rule->n_args > 6)
		return nsset_fail(err, EINVAL, "linux.seccomp: %s: more than 6 argument conditions", name);
	for (size_t i = 0; i < rule->n_args; i++) {
		const struct oci_syscall_arg *a = &rule->args[i];
		if (a->index > 5)
			return nsset_fail(err, EINVAL, "linux.seccomp: %s: argument index %u is above 5",
					  name, a->index);
		if (a->op <= _SCMP_CMP_MIN || a->op >= _SCMP_CMP_MAX)
			return nsset_fail(err, EINVAL, "linux.seccomp: %s: unknown comparison %d", name, a->op);
		cmp[i] = (struct scmp_arg_cmp){ .arg = a->index, .op = (enum scmp_compare)a->op,
						.datum_a = a->value, .datum_b = a->value_two };
	}
	/* Several conditions on one argument cannot be ANDed in one libseccomp rule: runc adds
	 * one rule per condition then (an OR).  Do the same. */
	bool same_arg = false;
	for (size_t i = 0; i < rule->n_args; i++)
		for (size_t j = i + 1; j < rule->n_args; j++)
			if (rule->args[i].index == rule->args[j].index)
				same_arg = true;
	if (!same_arg) {
		r = seccomp_rule_add_array(ctx, rule->action, nr, (unsigned)rule->n_args,
					   rule->n_args ? cmp : NULL);
	} else {
		r = 0;
		for (size_t i = 0; i < rule->n_args && r == 0; i++)
			r = seccomp_rule_add_array(ctx, rule->action, nr, 1, &cmp[i]);
	}
	if (r == -EDOM || r == -EFAULT)
		return 0; /* not a syscall of these architectures */
	if (r < 0)
		return nsset_fail_errno(err, -r, "linux.seccomp: cannot add the rule for %s (action %s)",
					name, oci_seccomp_action_name(rule->action));
	return 0;
}

static int set_flags(scmp_filter_ctx ctx, unsigned flags, struct nsset_error *err)
{
	static const struct { unsigned flag; enum scmp_filter_attr attr; const char *name; } map[] = {
		{ SECCOMP_FILTER_FLAG_TSYNC, SCMP_FLTATR_CTL_TSYNC, "SECCOMP_FILTER_FLAG_TSYNC" },
		{ SECCOMP_FILTER_FLAG_LOG, SCMP_FLTATR_CTL_LOG, "SECCOMP_FILTER_FLAG_LOG" },
		{ SECCOMP_FILTER_FLAG_SPEC_ALLOW, SCMP_FLTATR_CTL_SSB, "SECCOMP_FILTER_FLAG_SPEC_ALLOW" },
	};
	unsigned rest = flags;
	for (size_t i = 0; i < NSSET_ARRAY_SIZE(map); i++) {
		if (!(flags & map[i].flag))
			continue;
		rest &= ~map[i].flag;
		int r = seccomp_attr_set(ctx, map[i].attr, 1);
		if (r < 0)
			return nsset_fail_errno(err, -r, "linux.seccomp.flags: %s is not supported here",
						map[i].name);
	}
	if (rest)
		return nsset_fail(err, EINVAL, "linux.seccomp.flags: unknown flags 0x%x", rest);
	return 0;
}

int oci_seccomp_load(const struct oci_seccomp *s, int *notify_fd, struct nsset_error *err)
{
	int r;

	if (notify_fd)
		*notify_fd = -1;
	if (oci_seccomp_uses_notify(s) && !notify_fd)
		return nsset_fail(err, EINVAL, "linux.seccomp: SCMP_ACT_NOTIFY needs somewhere to send the fd");
	scmp_filter_ctx ctx = seccomp_init(s->default_action);
	if (!ctx)
		return nsset_fail(err, EINVAL, "linux.seccomp: invalid default action 0x%x",
				  (unsigned)s->default_action);
	/* No NO_NEW_PRIVS from libseccomp: process.noNewPrivileges decides that. */
	if ((r = seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0)) < 0) {
		nsset_fail_errno(err, -r, "linux.seccomp: seccomp_attr_set(CTL_NNP)");
		goto out;
	}
	for (size_t i = 0; i < s->n_arches; i++) {
		r = seccomp_arch_add(ctx, s->arches[i]);
		if (r < 0 && r != -EEXIST) {
			nsset_fail_errno(err, -r, "linux.seccomp.architectures: cannot add 0x%x",
					 (unsigned)s->arches[i]);
			goto out;
		}
	}
	if ((r = set_flags(ctx, s->flags, err)) < 0)
		goto out;
	for (size_t i = 0; i < s->n_syscalls; i++) {
		const struct oci_syscall_rule *rule = &s->syscalls[i];
		for (size_t j = 0; j < rule->n_names; j++)
			if ((r = add_rule(ctx, s, rule, rule->names[j], err)) < 0)
				goto out;
	}
	if ((r = seccomp_load(ctx)) < 0) {
		if (r == -EACCES || r == -EPERM)
			nsset_fail(err, -r, "linux.seccomp: cannot load the filter: it needs "
				   "CAP_SYS_ADMIN or noNewPrivileges");
		else
			nsset_fail_errno(err, -r, "linux.seccomp: cannot load the filter");
		goto out;
	}
	if (oci_seccomp_uses_notify(s)) {
		int fd = seccomp_notify_fd(ctx);
		if (fd < 0) {
			r = nsset_fail_errno(err, fd == -1 ? EINVAL : -fd, "linux.seccomp: no notify fd");
			goto out;
		}
		/* libseccomp keeps its own copy and closes it in seccomp_release. */
		int dup = fcntl(fd, F_DUPFD_CLOEXEC, 3);
		if (dup < 0) {
			r = nsset_fail_errno(err, errno, "linux.seccomp: cannot dup the notify fd");
			goto out;
		}
		*notify_fd = dup;
	}
	r = 0;
out:
	seccomp_release(ctx);
	return r;
}

int oci_seccomp_listener_connect(const char *path, struct nsset_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	if (strlen(path) >= sizeof(sa.sun_path))
		return nsset_fail(err, ENAMETOOLONG, "linux.seccomp.listenerPath: %s: too long", path);
	strcpy(sa.sun_path, path);
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return nsset_fail_errno(err, errno, "linux.seccomp.listenerPath: socket");
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		int e = errno;
		close(fd);
		return nsset_fail_errno(err, e, "linux.seccomp.listenerPath: cannot connect to %s", path);
	}
	return fd;
}

int oci_seccomp_send_notify_fd(int sock, int notify_fd, const char *metadata,
			       const char *state_json, struct nsset_error *err)
{
	json_object *msg = json_object_new_object(), *fds = json_object_new_array();
	json_object *state = state_json ? json_tokener_parse(state_json) : NULL;
	int r = 0;

	if (!state) {
		state = json_object_new_object();
		json_object_object_add(state, "ociVersion", json_object_new_string("1.0.2"));
		json_object_object_add(state, "status", json_object_new_string("creating"));
		json_object_object_add(state, "pid", json_object_new_int(getpid()));
	}
	json_object_object_add(msg, "ociVersion", json_object_new_string("1.0.2"));
	json_object_array_add(fds, json_object_new_string("seccompFd"));
	json_object_object_add(msg, "fds", fds);
	/* "pid": the container process as the runtime sees it (the state's, when given). */
	json_object *spid = NULL;
	json_object_object_add(msg, "pid", json_object_object_get_ex(state, "pid", &spid) ?
					   json_object_get(spid) : json_object_new_int(getpid()));
	if (metadata)
		json_object_object_add(msg, "metadata", json_object_new_string(metadata));
	json_object_object_add(msg, "state", state);
	const char *text = json_object_to_json_string_ext(msg, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE);

	union { char buf[CMSG_SPACE(sizeof(int))]; struct cmsghdr align; } u;
	struct iovec iov = { .iov_base = (void *)text, .iov_len = strlen(text) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.buf,
			     .msg_controllen = sizeof(u.buf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &notify_fd, sizeof(int));
	ssize_t w = sendmsg(sock, &mh, MSG_NOSIGNAL);
	if (w < 0)
		r = nsset_fail_errno(err, errno, "linux.seccomp.listenerPath: cannot send the notify fd");
	else if ((size_t)w != iov.iov_len)
		r = nsset_fail(err, EIO, "linux.seccomp.listenerPath: short write of the process state");
	json_object_put(msg);
	return r;
}
