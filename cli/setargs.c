/* Arguments shared by the verbs of named sets: kinds as words or as util-linux's options,
 * pids, and getopt's errors in nsset's own words. */
#include "cli.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Whether a comma list of kinds names "all". */
static bool names_all(const char *list)
{
	for (const char *p = list; *p;) {
		size_t n = strcspn(p, ",");
		if (n == 3 && strncmp(p, "all", 3) == 0)
			return true;
		p += n + (p[n] == ',');
	}
	return false;
}

bool cli_kinds_word(const char *arg, struct cli_kinds *kinds)
{
	nsset_flags_t f;
	if (!arg || !*arg || nsset_flags_parse(arg, &f, NULL) < 0)
		return false;
	if (names_all(arg))
		kinds->all = true;
	else
		kinds->flags |= f;
	return true;
}

void cli_kind_options(struct option *opts, size_t max, char *shortopts, size_t smax,
		      const struct option *own)
{
	size_t n, o = 0, s = 0, m = 0;
	const struct nsset_kind *k = nsset_kinds(&n);
	while (own[m].name)
		m++;
	if (max < n + 2 + m || smax < n + 5) {
		opts[0] = (struct option){ 0 };
		shortopts[0] = '\0';
		return;
	}
	shortopts[s++] = '+'; /* stop at the first word: positionals and the command follow */
	shortopts[s++] = ':'; /* a missing argument is ':', not '?' */
	for (size_t i = 0; i < n; i++) {
		opts[o++] = (struct option){ k[i].option_long, no_argument, NULL, k[i].letter };
		shortopts[s++] = k[i].letter;
	}
	opts[o++] = (struct option){ "all", no_argument, NULL, 'a' };
	shortopts[s++] = 'a';
	shortopts[s++] = 'h';
	shortopts[s] = '\0';
	memcpy(opts + o, own, (m + 1) * sizeof(*own)); /* with its NULL row */
}

bool cli_kind_option(int c, struct cli_kinds *kinds)
{
	size_t n;
	const struct nsset_kind *k = nsset_kinds(&n);
	if (c == 'a') {
		kinds->all = true;
		return true;
	}
	for (size_t i = 0; i < n; i++) {
		if (k[i].letter == c) {
			kinds->flags |= k[i].flag;
			return true;
		}
	}
	return false;
}

void cli_kinds_help(FILE *f)
{
	size_t n;
	const struct nsset_kind *k = nsset_kinds(&n);
	fprintf(f, "  KIND: a word (");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%s ", k[i].name);
	fprintf(f, "or all; or a comma list)\n        or nsenter's option (");
	for (size_t i = 0; i < n; i++)
		fprintf(f, "-%c/--%s%s", k[i].letter, k[i].option_long, i % 4 == 3 ? "\n        " : " ");
	fprintf(f, "-a/--all); all: every kind the target has (the default)\n");
}

nsset_flags_t cli_kinds_flags(const struct cli_kinds *kinds)
{
	return kinds->all ? 0 : kinds->flags;
}

int cli_option_error(const char *verb, int c, char **argv)
{
	/* The option word: the last one read (musl's getopt leaves optind past the end when the
	 * last option lacks its value, glibc's at the end). */
	while (optind > 1 && !argv[optind - 1])
		optind--;
	const char *word = optind > 0 ? argv[optind - 1] : "";
	if (c == ':')
		cli_error(verb, NULL, "option '%s' needs an argument", word);
	/* A known long option (optopt is its value): a value it does not take, or none. */
	else if (optopt && strncmp(word, "--", 2) == 0)
		cli_error(verb, NULL, strchr(word, '=') ? "option '%s' takes no argument"
							  : "option '%s' needs an argument",
			  word);
	else if (optopt > 0 && optopt < 256)
		cli_error(verb, NULL, "unknown option '-%c' (see 'nsset %s --help')", optopt, verb);
	else
		cli_error(verb, NULL, "unknown option '%s' (see 'nsset %s --help')", argv[optind - 1],
			  verb);
	return 2;
}

bool cli_parse_pid(const char *arg, pid_t *pid)
{
	if (!arg || !*arg || strlen(arg) > 9)
		return false;
	for (const char *p = arg; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	long v = strtol(arg, NULL, 10);
	if (v <= 0)
		return false;
	*pid = (pid_t)v;
	return true;
}
