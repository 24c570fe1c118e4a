/* Shared by cgroup.c (hierarchies, paths), cgroup_procs.c (processes) and cgroup_resources.c
 * (the files). */
#ifndef NSSET_OCI_CGROUP_INTERNAL_H
#define NSSET_OCI_CGROUP_INTERNAL_H

#include "oci/cgroup.h"

struct oci_cgroup_hier {
	char *mount;        /* where the hierarchy is mounted, e.g. /sys/fs/cgroup/memory */
	char *controllers;  /* v1: "cpu,cpuacct", "name=systemd"; v2: its cgroup.controllers */
	bool v2;
	char *dir;          /* the container's cgroup in this hierarchy */
	int created;        /* how many levels (the leaf and its parents) this container made */
};

struct oci_cgroup {
	char *path;         /* normalised cgroupsPath */
	enum oci_cgroup_layout layout;
	struct oci_cgroup_hier *h;
	size_t n;
};

/* The hierarchy that has this controller: a v1 one that names it, else the v2 one if its
 * cgroup.controllers lists it; NULL if none. */
struct oci_cgroup_hier *oci_cgroup_hier_for(struct oci_cgroup *cg, const char *controller);
/* Make CONTROLLER's files appear in the container's v2 cgroup: "+CONTROLLER" in the
 * cgroup.subtree_control of each of its ancestors that lacks it.  -EOPNOTSUPP (naming WHAT)
 * when there is no v2 hierarchy or it does not have the controller. */
int oci_cgroup_v2_enable(struct oci_cgroup *cg, const char *controller, const char *what,
			 struct nsset_error *err);
/* Write/read one file of dir.  Errors name `what` (the JSON path) and the file. */
int oci_cgroup_write(const char *dir, const char *file, const char *value, const char *what,
		     struct nsset_error *err);
int oci_cgroup_read(const char *dir, const char *file, char *buf, size_t size);
void oci_cgroup_sleep_ms(long ms);

#endif
