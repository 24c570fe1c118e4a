/* Arguments shared by the verbs of named sets: kinds as words, pids. */
#include "cli.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

bool cli_kinds_word(const char *arg, nsset_flags_t *flags)
{
	nsset_flags_t f;
	if (!arg || !*arg || nsset_flags_parse(arg, &f, NULL) < 0)
		return false;
	*flags |= f;
	return true;
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
