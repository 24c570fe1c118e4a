/* nsset-dmz: the container process's last step before its command (x86_64, no libc).
 *
 * `nsset run` does not re-execute the whole runtime from a sealed memfd (CVE-2019-5736, see
 * docs/oci-sec.md): the container's init execs this tiny program from a sealed memfd instead,
 * which execs the command.  While the command is being executed (where a `#!/proc/self/exe`
 * interpreter or an execve("/proc/self/exe") of the container's would land), /proc/self/exe
 * is this sealed copy, never the host's nsset.
 *
 *   argv[0]  the command's path (found by the runtime on PATH)
 *   argv[1]  the runtime's sync socket, decimal, or -1: made close-on-exec here, and on a
 *            failed execve a message {MSG_EXEC_ERROR, -errno, 0, ""} is written to it
 *   argv[2…] the command's argv
 * A failure exits 127 (as a shell does for a command it cannot run). */
#include <asm/unistd.h>

#define F_SETFD 2
#define FD_CLOEXEC 1
#define MSG_EXEC_ERROR 5 /* lib/oci/create.c */

static long sys3(long n, long a, long b, long c)
{
	long r;
	__asm__ volatile("syscall" : "=a"(r) : "a"(n), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
	return r;
}

static void say(const char *s)
{
	long n = 0;
	while (s[n])
		n++;
	sys3(__NR_write, 2, (long)s, n);
}

__attribute__((noreturn, used)) void dmz_main(long *sp)
{
	long argc = sp[0];
	char **argv = (char **)(sp + 1);
	char **envp = argv + argc + 1;
	if (argc < 3) {
		say("nsset-dmz: run by nsset only\n");
		sys3(__NR_exit_group, 127, 0, 0);
	}
	long fd = 0;
	const char *p = argv[1];
	if (*p == '-')
		fd = -1;
	else
		for (; *p >= '0' && *p <= '9'; p++)
			fd = fd * 10 + (*p - '0');
	if (fd >= 0)
		sys3(__NR_fcntl, fd, F_SETFD, FD_CLOEXEC);
	long r = sys3(__NR_execve, (long)argv[0], (long)(argv + 2), (long)envp);
	if (fd >= 0) {
		int m[4] = { MSG_EXEC_ERROR, (int)r, 0, 0 };
		sys3(__NR_write, fd, (long)m, 13);
	}
	sys3(__NR_exit_group, 127, 0, 0);
	__builtin_unreachable();
}

__asm__(".text\n.globl _start\n_start:\n\txor %ebp, %ebp\n\tmov %rsp, %rdi\n\tand $-16, %rsp\n"
	"\tcall dmz_main\n\thlt\n");
