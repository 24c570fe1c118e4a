/* Helpers shared by config.c and config_linux.c: typed access to json-c values with errors
 * that name the JSON path.  Not installed; only the config parser uses it. */
#ifndef NSSET_OCI_CONFIG_INTERNAL_H
#define NSSET_OCI_CONFIG_INTERNAL_H

#include "internal.h"
#include "oci/config.h"

#include <json-c/json.h>

#define OCI_PATH_MAX 256

/* Build a child path: "process" + "args" -> "process.args"; "mounts" + 2 -> "mounts[2]". */
void cfg_path_key(char *out, const char *parent, const char *key);
void cfg_path_index(char *out, const char *parent, size_t index);

/* Fail with "PATH: MESSAGE". */
int cfg_fail(struct nsset_error *err, const char *path, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Optional member of an object: NULL when absent or JSON null. */
struct json_object *cfg_get(struct json_object *obj, const char *key);

/* Each: absent leaves *out untouched and returns 0 (with *present = false where given);
 * a wrong type is -EINVAL with "PATH.KEY: must be ...". */
int cfg_opt_object(struct json_object *obj, const char *key, const char *path,
		   struct json_object **out, struct nsset_error *err);
int cfg_opt_array(struct json_object *obj, const char *key, const char *path,
		  struct json_object **out, struct nsset_error *err);
int cfg_opt_string(struct json_object *obj, const char *key, const char *path, char **out,
		   struct nsset_error *err);
int cfg_opt_bool(struct json_object *obj, const char *key, const char *path, bool *out,
		 struct nsset_error *err);
int cfg_opt_int64(struct json_object *obj, const char *key, const char *path, int64_t *out,
		  bool *present, struct nsset_error *err);
/* An integer in [min, max]. */
int cfg_opt_range(struct json_object *obj, const char *key, const char *path, int64_t min,
		  int64_t max, int64_t *out, bool *present, struct nsset_error *err);
int cfg_opt_uint64(struct json_object *obj, const char *key, const char *path, uint64_t *out,
		   bool *present, struct nsset_error *err);
/* An array of strings (NULL-terminated copy); nonempty: at least one element. */
int cfg_string_array(struct json_object *val, const char *path, bool nonempty, char ***out,
		     size_t *n, struct nsset_error *err);
int cfg_opt_string_array(struct json_object *obj, const char *key, const char *path,
			 char ***out, size_t *n, struct nsset_error *err);
/* An object of string values as "k=v" (or, with sep 0, alternating k, v) entries. */
int cfg_string_map(struct json_object *val, const char *path, char ***out, size_t *n,
		   struct nsset_error *err);

void cfg_strv_free(char **v);
char *cfg_strdup(const char *s);

/* A JSON text (what names it in messages: "malformed JSON at line L, column C"); NULL on error. */
struct json_object *cfg_parse_json(const char *json, size_t len, const char *what,
				   struct nsset_error *err);
/* A regular file of at most 16 MiB without NUL bytes, NUL-terminated in *out (malloc'd). */
int cfg_read_file(const char *path, char **out, struct nsset_error *err);

/* config_resources.c: a LinuxResources object ("linux.resources" of config.json, or the
 * whole of `update --resources`), its members named PATH.memory.limit etc. in messages. */
int cfg_parse_resources(struct json_object *obj, const char *path, struct oci_resources *res,
			struct nsset_error *err);

/* config_sched.c: process.scheduler, ioPriority, execCPUAffinity; linux.memoryPolicy; a CPU
 * or node list ("0-3,7") as a mask (-EINVAL when malformed or empty). */
int cfg_parse_process_sched(struct json_object *pr, const char *path, struct oci_process *p,
			    struct nsset_error *err);
int cfg_parse_memory_policy(struct json_object *linux_obj, struct oci_config *c,
			    struct nsset_error *err);
int cfg_parse_mask(const char *s, struct oci_mask *m);

/* config_linux.c: the "linux" object. */
int cfg_parse_linux(struct json_object *linux_obj, struct oci_config *c, struct nsset_error *err);
void cfg_free_linux(struct oci_config *c);

#endif
