/* nsset ls [--all] [--json] [--tree]: the named sets, or every namespace on the system. */
#include "cli.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static void usage(FILE *f)
{
	fprintf(f, "usage: nsset ls [--registry DIR] [--all] [--json] [--tree]\n"
		   "  The named sets (the host set first), or with --all every namespace on the\n"
		   "  system; --tree draws user namespace ownership and pid namespace nesting.\n");
}

static void fmt_time(int64_t t, char *buf, size_t size)
{
	time_t tt = (time_t)t;
	struct tm tm;
	if (!t || !gmtime_r(&tt, &tm) || !strftime(buf, size, "%Y-%m-%dT%H:%M:%SZ", &tm))
		snprintf(buf, size, "-");
}

/* ---- sets ------------------------------------------------------------------------------ */

static const char *set_name(const struct nsset_set_info *s)
{
	return s->host ? "(host)" : s->name;
}

static void sets_table(const struct nsset_set_info *sets, size_t n)
{
	printf("%-20s %-36s %6s %-10s %s\n", "NAME", "KINDS", "PROCS", "HOLDER", "CREATED");
	for (size_t i = 0; i < n; i++) {
		char kinds[128], holder[32], created[32];
		nsset_flags_format(sets[i].kinds, kinds, sizeof(kinds));
		if (sets[i].holder > 0)
			snprintf(holder, sizeof(holder), "%d%s", (int)sets[i].holder,
				 sets[i].holder_alive ? "" : "(gone)");
		else
			snprintf(holder, sizeof(holder), "-");
		fmt_time(sets[i].created, created, sizeof(created));
		printf("%-20s %-36s %6u %-10s %s\n", set_name(&sets[i]), kinds, sets[i].nprocs,
		       holder, created);
	}
}

static json_object *ids_json(nsset_flags_t kinds, const uint64_t *ids)
{
	size_t nk;
	const struct nsset_kind *ks = nsset_kinds(&nk);
	json_object *o = json_object_new_object();
	for (size_t i = 0; i < nk; i++)
		if (kinds & ks[i].flag)
			json_object_object_add(o, ks[i].name, json_object_new_uint64(ids[i]));
	return o;
}

static void sets_json(const struct nsset_set_info *sets, size_t n)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		const struct nsset_set_info *s = &sets[i];
		json_object *o = json_object_new_object();
		char kinds[128], created[32];
		nsset_flags_format(s->kinds, kinds, sizeof(kinds));
		fmt_time(s->created, created, sizeof(created));
		json_object_object_add(o, "name", json_object_new_string(set_name(s)));
		json_object_object_add(o, "host", json_object_new_boolean(s->host));
		json_object_object_add(o, "kinds", json_object_new_string(kinds));
		json_object_object_add(o, "ids", ids_json(s->kinds, s->ids));
		json_object_object_add(o, "nprocs", json_object_new_int64(s->nprocs));
		json_object_object_add(o, "holder", s->holder > 0 ? json_object_new_int(s->holder) : NULL);
		json_object_object_add(o, "holder_alive", json_object_new_boolean(s->holder_alive));
		json_object_object_add(o, "keeper", s->keeper > 0 ? json_object_new_int(s->keeper) : NULL);
		json_object_object_add(o, "owner", json_object_new_int64(s->owner));
		json_object_object_add(o, "created", json_object_new_string(created));
		json_object_object_add(o, "netns_link", json_object_new_boolean(s->netns_link));
		json_object_array_add(arr, o);
	}
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
}

/* ---- every namespace ------------------------------------------------------------------- */

static void ns_table(const struct nsset_ns_info *v, size_t n)
{
	printf("%-12s %-7s %6s %7s %-12s %-16s %s\n", "NS", "TYPE", "NPROCS", "PID", "USERNS",
	       "SET", "COMMAND");
	for (size_t i = 0; i < n; i++) {
		char pid[16], userns[24];
		snprintf(pid, sizeof(pid), "%d", (int)v[i].pid);
		snprintf(userns, sizeof(userns), "%llu", (unsigned long long)v[i].userns);
		printf("%-12llu %-7s %6u %7s %-12s %-16s %s\n", (unsigned long long)v[i].id,
		       v[i].kind->name, v[i].nprocs, v[i].pid ? pid : "-",
		       v[i].userns ? userns : "-",
		       v[i].host ? "(host)" : v[i].set[0] ? v[i].set : "-",
		       v[i].pid ? v[i].command : v[i].mount[0] ? v[i].mount : "-");
	}
}

static void ns_json(const struct nsset_ns_info *v, size_t n)
{
	json_object *arr = json_object_new_array();
	for (size_t i = 0; i < n; i++) {
		json_object *o = json_object_new_object();
		json_object_object_add(o, "ns", json_object_new_uint64(v[i].id));
		json_object_object_add(o, "type", json_object_new_string(v[i].kind->name));
		json_object_object_add(o, "nprocs", json_object_new_int64(v[i].nprocs));
		json_object_object_add(o, "pid", v[i].pid ? json_object_new_int(v[i].pid) : NULL);
		json_object_object_add(o, "command",
				       v[i].pid ? json_object_new_string(v[i].command) : NULL);
		json_object_object_add(o, "userns",
				       v[i].userns ? json_object_new_uint64(v[i].userns) : NULL);
		json_object_object_add(o, "parent",
				       v[i].parent ? json_object_new_uint64(v[i].parent) : NULL);
		json_object_object_add(o, "set", v[i].set[0] ? json_object_new_string(v[i].set) : NULL);
		json_object_object_add(o, "mount",
				       v[i].mount[0] ? json_object_new_string(v[i].mount) : NULL);
		json_object_object_add(o, "host", json_object_new_boolean(v[i].host));
		json_object_array_add(arr, o);
	}
	printf("%s\n", json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
						       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
}

/* ---- trees ----------------------------------------------------------------------------- */

struct tree {
	const struct nsset_ns_info *v;
	size_t n;
	bool pid_tree;  /* nesting of pid namespaces; else ownership by user namespaces */
};

static uint64_t up(const struct tree *t, const struct nsset_ns_info *ns)
{
	if (t->pid_tree)
		return ns->parent;
	return ns->kind->flag == NSSET_USER ? ns->parent : ns->userns;
}

static bool in_tree(const struct tree *t, const struct nsset_ns_info *ns)
{
	return !t->pid_tree || ns->kind->flag == NSSET_PID;
}

static void node(const struct tree *t, const struct nsset_ns_info *ns, char *prefix, size_t plen,
		 bool last, bool root)
{
	printf("%s%s%s:[%llu]", prefix, root ? "" : last ? "└─ " : "├─ ", ns->kind->name,
	       (unsigned long long)ns->id);
	if (ns->host)
		printf(" (host)");
	else if (ns->set[0])
		printf(" set %s", ns->set);
	printf(" %u procs", ns->nprocs);
	if (ns->pid)
		printf(", pid %d %s", (int)ns->pid, ns->command);
	printf("\n");
	/* Children: owned (user tree, only user namespaces own) or nested (pid tree). */
	if (!t->pid_tree && ns->kind->flag != NSSET_USER)
		return;
	size_t nchildren = 0, seen = 0;
	for (size_t i = 0; i < t->n; i++)
		if (&t->v[i] != ns && in_tree(t, &t->v[i]) && up(t, &t->v[i]) == ns->id)
			nchildren++;
	size_t add = root ? 0 : 3;
	if (plen + add + 8 >= 1024)
		return;
	if (!root)
		strcpy(prefix + plen, last ? "   " : "│  ");
	size_t nlen = plen + (root ? 0 : strlen(prefix + plen));
	for (size_t i = 0; i < t->n; i++) {
		const struct nsset_ns_info *c = &t->v[i];
		if (c == ns || !in_tree(t, c) || up(t, c) != ns->id)
			continue;
		if (!t->pid_tree && c->kind->flag == NSSET_USER && c->id == ns->id)
			continue;
		node(t, c, prefix, nlen, ++seen == nchildren, false);
	}
	prefix[plen] = '\0';
}

static void ns_tree(const struct nsset_ns_info *v, size_t n)
{
	char prefix[1024];
	for (int pass = 0; pass < 2; pass++) {
		struct tree t = { v, n, pass == 1 };
		printf("%s\n", pass ? "pid namespaces (NS_GET_PARENT):"
				    : "user namespaces and what they own (NS_GET_USERNS):");
		for (size_t i = 0; i < n; i++) {
			const struct nsset_ns_info *ns = &v[i];
			bool top = t.pid_tree ? ns->kind->flag == NSSET_PID && !ns->parent
					      : ns->kind->flag == NSSET_USER && !ns->parent;
			/* A namespace whose parent we cannot see is a root too. */
			if (!top && in_tree(&t, ns) && (t.pid_tree || ns->kind->flag == NSSET_USER)) {
				bool found = false;
				for (size_t j = 0; j < n && !found; j++)
					found = v[j].kind == ns->kind && v[j].id == up(&t, ns);
				top = !found;
			}
			if (!top)
				continue;
			prefix[0] = '\0';
			node(&t, ns, prefix, 0, true, true);
		}
		if (!pass)
			printf("\n");
	}
}

int cli_ls(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "registry", required_argument, NULL, 'r' },
		{ "all", no_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'J' },
		{ "tree", no_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *registry = NULL;
	bool all = false, json = false, tree = false;
	struct nsset_error err = { 0, "" };
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:ahJt", opts, NULL)) != -1) {
		switch (c) {
		case 'r': registry = optarg; break;
		case 'a': all = true; break;
		case 'J': json = true; break;
		case 't': tree = true; break;
		case 'h': usage(stdout); return 0;
		default: return cli_option_error("ls", c, argv);
		}
	}
	if (optind < argc) {
		cli_error("ls", argv[optind], "unexpected argument");
		return 2;
	}
	if (json && tree) {
		cli_error("ls", NULL, "--json and --tree do not go together");
		return 2;
	}
	if (all || tree) {
		struct nsset_ns_info *v;
		size_t n;
		if (nsset_namespaces_list(registry, &v, &n, &err) < 0)
			return cli_fail("ls", NULL, &err);
		if (tree)
			ns_tree(v, n);
		else if (json)
			ns_json(v, n);
		else
			ns_table(v, n);
		free(v);
		return 0;
	}
	struct nsset_set_info *sets;
	size_t n;
	if (nsset_sets_list(registry, &sets, &n, &err) < 0)
		return cli_fail("ls", NULL, &err);
	if (json)
		sets_json(sets, n);
	else
		sets_table(sets, n);
	free(sets);
	return 0;
}
