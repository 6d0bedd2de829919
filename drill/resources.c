/* The CustomResourceDefinitions of the custom resources the drill serves. */
#include <stdlib.h>
#include <string.h>

#include "opsdeck/json_util.h"
#include "opsdeck/printers.h"
#include "opsdeck/xmalloc.h"

#include "opsdeck/sim.h"
#include "sim_store.h"

/* Is res served by a CustomResourceDefinition on a real cluster? */
bool
sim_kind_custom(const struct kind *res)
{
	size_t	n = strlen(res->group);

	return strchr(res->group, '.') != NULL &&
	    !(n > 7 && strcmp(res->group + n - 7, ".k8s.io") == 0);
}

/* The additionalPrinterColumns of the kind's Table (its NAME column is the
 * API server's own; a table of NAME and AGE alone declares none), or NULL. */
static json_t *
resource_printer_columns(const struct kind *res)
{
	const struct printer	*p = res->table;
	json_t			*cols;
	size_t			 i;

	if (p == NULL || (p->ncolumns == 2 && strcmp(p->columns[1].name, "Age") == 0))
		return NULL;
	cols = json_array();
	for (i = 1; i < p->ncolumns; i++) {
		json_t *col = json_pack("{s:s,s:s,s:s}", "name", p->columns[i].name,
		    "type", p->columns[i].type, "jsonPath", p->columns[i].json_path);

		if (p->columns[i].description != NULL && *p->columns[i].description != '\0')
			json_object_set_new(col, "description",
			    json_string(p->columns[i].description));
		if (p->columns[i].priority != 0)
			json_object_set_new(col, "priority", json_integer(p->columns[i].priority));
		json_array_append_new(cols, col);
	}
	return cols;
}

/* Add the CustomResourceDefinitions of the custom resources the simulator
 * serves to cluster c (names, scope, versions, subresources and the printer
 * columns of the kind's Table; the schema is open:
 * x-kubernetes-preserve-unknown-fields). Existing ones are kept. */
void
sim_resources_add_crds(struct sim_cluster *c)
{
	const struct kind		*crd, *r;
	json_t				*obj, *names, *version, *subs, *cols;
	char				*name, *cause = NULL;
	size_t				 i;

	crd = kind_find_api("apiextensions.k8s.io", "customresourcedefinitions");
	for (i = 0; i < nkinds; i++) {
		r = &kinds[i];
		if (r->source != KIND_API || !sim_kind_custom(r))
			continue;
		name = xasprintf("%s.%s", r->resource, r->group);
		if (sim_obj_get(c, crd, NULL, name) != NULL) {
			free(name);
			continue;
		}
		names = json_pack("{s:s,s:s,s:s,s:s}", "plural", r->resource, "singular",
		    r->singular, "kind", r->kind, "listKind", "");
		json_object_set_new(names, "listKind", json_sprintf("%sList", r->kind));
		if (*r->short_names != '\0')
			json_object_set_new(names, "shortNames", json_csv_array(r->short_names));
		if (*r->categories != '\0')
			json_object_set_new(names, "categories", json_csv_array(r->categories));
		subs = json_object();
		if (strstr(r->subresources, "status") != NULL)
			json_object_set_new(subs, "status", json_object());
		if (strstr(r->subresources, "scale") != NULL)
			json_object_set_new(subs, "scale", json_pack("{s:s,s:s,s:s}",
			    "specReplicasPath", ".spec.replicas", "statusReplicasPath",
			    ".status.replicas", "labelSelectorPath", ".status.selector"));
		version = json_pack("{s:s,s:b,s:b,s:{s:{s:s,s:b}},s:o}", "name", r->version,
		    "served", 1, "storage", 1, "schema", "openAPIV3Schema", "type", "object",
		    "x-kubernetes-preserve-unknown-fields", 1, "subresources", subs);
		cols = resource_printer_columns(r);
		if (cols != NULL)
			json_object_set_new(version, "additionalPrinterColumns", cols);
		obj = json_pack("{s:{s:s},s:{s:s,s:o,s:s,s:[o]},s:{s:o,s:[s]}}",
		    "metadata", "name", name,
		    "spec", "group", r->group, "names", names, "scope",
		    r->namespaced ? "Namespaced" : "Cluster", "versions", version,
		    "status", "acceptedNames", json_deep_copy(names), "storedVersions", r->version);
		if (sim_obj_create(c, crd, NULL, obj, NULL, &cause) != 0) {
			free(cause);
			cause = NULL;
		}
		free(name);
	}
}
