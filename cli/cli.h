/* The command line: one file per verb; parsing and printing only. */
#ifndef NSSET_CLI_H
#define NSSET_CLI_H

#include "config.h"
#include "nsset.h"

#include <getopt.h>
#include <stdio.h>

/* Global options given before the verb (the OCI runtime's, as conmon and containerd pass them). */
struct cli_global {
	const char *root;        /* --root DIR: OCI state directory */
	const char *log;         /* --log FILE */
	const char *log_format;  /* --log-format text|json */
	bool debug;              /* --debug */
	bool systemd_cgroup;     /* --systemd-cgroup */
	bool oci;                /* any of the above was given: verbs take their OCI meaning */
	char **argv;             /* main's argv (the OCI verbs re-execute from a sealed copy) */
};

extern struct cli_global cli_global;

/* Print "nsset: VERB[ OBJECT]: MESSAGE" on stderr (and to the --log file, if any). */
void cli_error(const char *verb, const char *object, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print the library's error for VERB OBJECT and return the exit status to use (1). */
int cli_fail(const char *verb, const char *object, const struct nsset_error *err);

/* Each verb: int cli_VERB(int argc, char **argv), argv[0] is the verb; returns the exit status. */
typedef int (*cli_verb_fn)(int argc, char **argv);

/* A warning (stderr and the log) and a debug message (with --debug only). */
void cli_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void cli_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

int cli_run(int argc, char **argv);
/* The OCI runtime's `nsset [--root DIR] run [--bundle DIR] ... ID`: cli_run hands over to it
 * when OCI global options were given or the first argument is one of the OCI run options. */
int cli_oci_run(int argc, char **argv);
int cli_bind(int argc, char **argv);
int cli_enter(int argc, char **argv);
int cli_ls(int argc, char **argv);
int cli_release(int argc, char **argv);

/* Named sets (cli/setargs.c).  Kinds are given as words ("net", "mnt,uts", "all") or as
 * util-linux's options, from the kinds table (-n/--net, -m/--mount, ..., -a/--all).  "all"
 * means every namespace the target has (flags 0 for the library). */
struct cli_kinds {
	nsset_flags_t flags;
	bool all;
};
/* A word naming kinds: adds them and returns true; false when it names none. */
bool cli_kinds_word(const char *arg, struct cli_kinds *kinds);
/* Fill opts (room for max rows) with the kinds' options, then the verb's own (ending with
 * their NULL row), and shortopts ("+:", the kinds' letters, 'a' and 'h', NUL-terminated). */
void cli_kind_options(struct option *opts, size_t max, char *shortopts, size_t smax,
		      const struct option *own);
/* getopt's value c is a kind's option: add it and return true. */
bool cli_kind_option(int c, struct cli_kinds *kinds);
/* Describe the kinds' words and options for a verb's usage (from the kinds table). */
void cli_kinds_help(FILE *f);
/* The flags to give the library (0: all the target has). */
nsset_flags_t cli_kinds_flags(const struct cli_kinds *kinds);
/* Report getopt's ':' or '?' (with opterr = 0) as "nsset: VERB: unknown option '-x'" or
 * "option '--y' needs an argument"; returns the exit status 2. */
int cli_option_error(const char *verb, int c, char **argv);
/* A pid is a positive decimal number. */
bool cli_parse_pid(const char *arg, pid_t *pid);

/* `nsset run --name NAME [--netns-link] [--registry DIR] [kinds] [-- COMMAND]` (cli/run-name.c):
 * make the set from sp's namespaces, keep it, and run the command (if any) in it. */
struct cli_run_name {
	const char *name;
	const char *registry;
	bool netns_link;
};
int cli_run_named(const struct cli_run_name *named, const struct nsset_spawn *sp, int argc,
		  char **argv);

/* ---- the OCI runtime (cli/oci-*.c) ---------------------------------------------------------
 * Each verb is also reachable as `nsset oci VERB ...`.  `nsset run` hands over to cli_oci_run
 * when cli_global.oci is set or its first argument is an OCI option (-b/--bundle, -d/--detach,
 * --pid-file, --console-socket, --no-pivot, --no-new-keyring, --preserve-fds, --keep). */
int cli_oci(int argc, char **argv);
int cli_oci_run(int argc, char **argv);
int cli_oci_create(int argc, char **argv);
int cli_oci_start(int argc, char **argv);
int cli_oci_state(int argc, char **argv);
int cli_oci_kill(int argc, char **argv);
int cli_oci_delete(int argc, char **argv);
int cli_oci_exec(int argc, char **argv);
int cli_oci_list(int argc, char **argv);
int cli_oci_ps(int argc, char **argv);
int cli_oci_spec(int argc, char **argv);
int cli_oci_features(int argc, char **argv);
int cli_oci_pause(int argc, char **argv);
int cli_oci_update(int argc, char **argv);
int cli_oci_events(int argc, char **argv);
int cli_oci_resume(int argc, char **argv);
struct oci_create_opts;
struct oci_config;
/* Parse create/run options into o; 0, 1 after --help, -1 on an error (printed). */
int cli_oci_parse_create(const char *verb, int argc, char **argv, struct oci_create_opts *o,
			 bool *detach);
/* CVE-2019-5736: before a process of ours enters a container, re-execute nsset from a sealed
 * memfd copy of itself (oci-sec's cloned_binary.c); 0, or the exit status after a message. */
int cli_oci_protect(const char *verb, const char *object);
/* Load BUNDLE/config.json (debug-logging what this host ignores); 0 or the exit status. */
int cli_oci_load(const char *verb, const struct oci_create_opts *o, struct oci_config **c);
/* The state root (--root, or the default for this user); exits with a message if too long. */
const char *cli_oci_root(void);

#endif
