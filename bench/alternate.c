/* bench/alternate.c: run commands interleaved, one run of each in turn (the order rotated every
 * round), so that a change of load on a shared machine hits them all alike; per command the
 * median, 10th percentile and minimum of the wall time, and the median and mean CPU time of
 * its whole process tree (user + system, from wait4: every descendant it reaped), and both
 * ratios to the first command (median wall, mean CPU).  Built and run by the bench scripts:
 *   alternate [-b BLOCK] RUNS CMD1 [ARG...] \; CMD2 [ARG...] [\; ...]
 * With -b, each command runs BLOCK times in a row before the next one's turn (blocks
 * interleaved): runs in a row, as hyperfine makes them, each one after its own previous run
 * (whose deferred kernel work it meets), yet spread over the whole benchmark like the others'.
 * stdout of the commands goes to /dev/null; a command that fails stops the benchmark. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CMDS 16
#define WARMUP 5

extern char **environ;

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

static double pct(double *v, int n, double p)
{
	qsort(v, (size_t)n, sizeof(*v), cmp);
	return v[(int)(p * (n - 1) + 0.5)];
}

static double ms(const struct timeval *t)
{
	return (double)t->tv_sec * 1e3 + (double)t->tv_usec / 1e3;
}

int main(int argc, char **argv)
{
	int block = 1;
	if (argc > 2 && strcmp(argv[1], "-b") == 0) {
		block = atoi(argv[2]);
		argv += 2;
		argc -= 2;
	}
	if (argc < 3 || block < 1) {
		fprintf(stderr, "usage: alternate [-b BLOCK] RUNS CMD [ARG...] [; CMD [ARG...]]...\n");
		return 2;
	}
	int runs = atoi(argv[1]), k = 0;
	char **cmds[MAX_CMDS];
	cmds[k++] = argv + 2;
	for (int i = 2; i < argc && k < MAX_CMDS; i++)
		if (strcmp(argv[i], ";") == 0) {
			argv[i] = NULL;
			cmds[k++] = argv + i + 1;
		}
	double *wall[MAX_CMDS], *cpu[MAX_CMDS];
	for (int j = 0; j < k; j++) {
		wall[j] = calloc((size_t)runs, sizeof(double));
		cpu[j] = calloc((size_t)runs, sizeof(double));
		if (!wall[j] || !cpu[j])
			return 1;
	}
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
	/* Round r: each command in turn (the order rotated every round) runs `block` times. */
	for (int i0 = 0; i0 < runs + WARMUP; i0 += block) {
		for (int jj = 0; jj < k * block; jj++) {
			int j = (jj / block + i0 / block) % k, i = i0 + jj % block, st;
			if (i >= runs + WARMUP)
				continue;
			struct timespec a, b;
			struct rusage ru;
			pid_t p;
			clock_gettime(CLOCK_MONOTONIC, &a);
			if (posix_spawnp(&p, cmds[j][0], &fa, NULL, cmds[j], environ) != 0) {
				perror(cmds[j][0]);
				return 1;
			}
			if (wait4(p, &st, 0, &ru) != p)
				return 1;
			clock_gettime(CLOCK_MONOTONIC, &b);
			if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
				fprintf(stderr, "%s failed (status %#x)\n", cmds[j][0], st);
				return 1;
			}
			if (i < WARMUP)
				continue;
			wall[j][i - WARMUP] = (double)(b.tv_sec - a.tv_sec) * 1e3 +
					      (double)(b.tv_nsec - a.tv_nsec) / 1e6;
			cpu[j][i - WARMUP] = ms(&ru.ru_utime) + ms(&ru.ru_stime);
		}
	}
	printf("%-3s %9s %8s %8s %9s %8s %7s %7s  %s\n", "#", "wall med", "p10", "min", "cpu med",
	       "mean", "wall/1", "cpu/1", "command");
	double w1 = 0, c1 = 0;
	for (int j = 0; j < k; j++) {
		double mean = 0;
		for (int i = 0; i < runs; i++)
			mean += cpu[j][i];
		mean /= runs;
		double wm = pct(wall[j], runs, .5), wp = pct(wall[j], runs, .1);
		double wmin = pct(wall[j], runs, 0), cm = pct(cpu[j], runs, .5);
		if (j == 0) {
			w1 = wm;
			c1 = mean;
		}
		printf("%-3d %9.3f %8.3f %8.3f %9.3f %8.3f %7.3f %7.3f  %s\n", j + 1, wm, wp, wmin, cm,
		       mean, wm / w1, mean / c1, cmds[j][0]);
	}
	return 0;
}
