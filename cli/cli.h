/* The command line: one file per verb; parsing and printing only. */
#ifndef NSSET_CLI_H
#define NSSET_CLI_H

#include "config.h"
#include "nsset.h"

/* Global options given before the verb (the OCI runtime's, as conmon and containerd pass them). */
struct cli_global {
	const char *root;        /* --root DIR: OCI state directory */
	const char *log;         /* --log FILE */
	const char *log_format;  /* --log-format text|json */
	bool debug;              /* --debug */
	bool systemd_cgroup;     /* --systemd-cgroup */
	bool oci;                /* any of the above was given: verbs take their OCI meaning */
};

extern struct cli_global cli_global;

/* Print "nsset: VERB[ OBJECT]: MESSAGE" on stderr (and to the --log file, if any). */
void cli_error(const char *verb, const char *object, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Print the library's error for VERB OBJECT and return the exit status to use (1). */
int cli_fail(const char *verb, const char *object, const struct nsset_error *err);

/* Each verb: int cli_VERB(int argc, char **argv), argv[0] is the verb; returns the exit status. */
typedef int (*cli_verb_fn)(int argc, char **argv);

int cli_run(int argc, char **argv);
/* The OCI runtime's `nsset [--root DIR] run [--bundle DIR] ... ID`: cli_run hands over to it
 * when OCI global options were given or the first argument is one of the OCI run options. */
int cli_oci_run(int argc, char **argv);

#endif
