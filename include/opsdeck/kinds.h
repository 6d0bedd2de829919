/* Kinds: one table, one entry per Kubernetes kind opsdeck knows
 * (tui/kinds.c). The rest derives from it: the client's API paths and
 * reflectors, the printer a kind's rows go through, its health rule, the
 * console's resource views and their ":" commands, the actions a kind allows
 * (and so the keymap's list of action commands), its describe renderer, and
 * the drill simulator's discovery documents. Adding a kind is one entry (and a printer in
 * one of tui/printers_*.c). */
#ifndef OPSDECK_KINDS_H
#define OPSDECK_KINDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

struct printer;
struct describer;

/* Who serves a kind. */
enum kind_source {
	KIND_API,		/* the Kubernetes API server: listed and watched */
	KIND_ALERTMANAGER,	/* Alertmanager's v2 API: polled, no RBAC */
	KIND_METRICS,		/* the API server's metrics.k8s.io (metrics-server):
				 * polled, listed and got, never watched */
};

/* How the console shows a kind (a zero view: it has none). */
struct kind_view {
	const char	*name;		/* the ":" command and title: "pods", "hpa" */
	const char	*args;		/* usage; NULL: from the kind's scope */
	const char	*help;		/* one line for the help view */
	unsigned	 flag_first;	/* rows with these row flags sort first */
};

/* One kind. */
struct kind {
	/* As the API server's discovery describes it. */
	const char		*group;		/* "" for core */
	const char		*version;	/* "v1", "v2", "v1alpha1" */
	const char		*resource;	/* plural: "pods" */
	const char		*singular;	/* "pod" */
	const char		*kind;		/* "Pod" */
	bool			 namespaced;
	const char		*short_names;	/* kubectl's, comma list: "po"; "" none */
	const char		*categories;	/* comma list: "all"; "" none */
	const char		*subresources;	/* comma list: "log,status,eviction" */
	const char		*verbs;		/* comma list of the verbs discovery shows */
	enum kind_source	 source;
	/* Served by the drill (for kubectl, controllers, RBAC) but not a kind
	 * the console lists: lookups by name do not find it. */
	bool			 drill_only;
	/* The store's name for its rows where resource alone is taken by
	 * another kind ("pods.metrics.k8s.io"); NULL: resource. */
	const char		*store_name;

	/* What the console does with it. */
	const struct printer	*printer;	/* NULL: the NAME/AGE printer */
	/* A custom resource's Table as the API server builds it from the
	 * CRD's additionalPrinterColumns, when the console's printer differs
	 * (`opsdeck get`, the drill's Tables and CRDs); NULL: printer. */
	const struct printer	*table;
	/* The health rule: the printer's row flags that are a problem for this
	 * kind (overview lines, kind_health). */
	unsigned		 problems;
	int			 overview;	/* place in the overview, 1 first; 0 not there */
	const char		*actions;	/* comma list of the action commands it allows */
	/* describe as kubectl shows it (describe.h); NULL: a generic dump */
	const struct describer	*describer;
	struct kind_view	 view;
};

/* The table, in the console's view order. */
extern const struct kind	 kinds[];
extern const size_t		 nkinds;

/* A console kind by plural, singular, Kind, kubectl short name
 * (case-insensitive) or "plural.group" ("deployments.apps"); NULL if none. */
const struct kind	*kind_find(const char *name);
/* The printer for resource, or the NAME/AGE default printer if none.
 * resource is any name kind_find() takes ("po", "pod", "Pod", "pods"); a
 * group suffix is ignored ("deployments.apps", "backups.velero.io").
 *
 * Printers with kubectl's server-side columns (as the kube-apiserver prints
 * them, always with the wide columns): pods, deployments, replicasets,
 * statefulsets, daemonsets, horizontalpodautoscalers, nodes, events
 * (core/v1 and events.k8s.io/v1), jobs, cronjobs, poddisruptionbudgets,
 * namespaces, services. Fields the API server would default (replicas 1,
 * minReplicas 1, suspend false, protocol TCP, service type ClusterIP) are
 * defaulted when absent. opsdeck's own columns: alerts and silences
 * (Alertmanager v2), backups, schedules and restores (Velero), rollouts
 * (Argo Rollouts), virtualservices (Istio); the console shows these, and
 * printer_find_table gives the Velero and Argo kinds' CRD columns. */
const struct printer	*printer_find(const char *resource);
/* The columns of the API server's Table for resource: the kind's table
 * (a custom resource's printer columns) when it has one, else as
 * printer_find. What `opsdeck get` prints and the drill serves. */
const struct printer	*printer_find_table(const char *resource);
/* True if resource has its own printer (not the default). */
int			 printer_has(const char *resource);
/* Any kind the API server (or the drill) serves, by group and plural. */
const struct kind	*kind_find_api(const char *group, const char *resource);
/* Any kind the API server (or the drill) serves, by Kind. */
const struct kind	*kind_find_kind(const char *kind);
/* A console kind with a view, by any name kind_find takes or by its
 * view's name; NULL if none. */
const struct kind	*kind_find_view(const char *name);

/* The name k's rows have in the store (store_name, else resource). */
const char		*kind_store_name(const struct kind *k);
/* True if the API server serves k (discovery, paths): not Alertmanager. */
bool			 kind_on_api(const struct kind *k);
/* Learn a kind from a cluster's CustomResourceDefinition crd (borrowed):
 * its Table becomes the columns crd declares for its preferred served
 * version (the API server's discovery order: GA, beta, alpha). A kind the
 * table knows keeps everything else; an unknown one is listed and watched
 * like any other (no view, no actions). kind_find then answers with it
 * first. NULL if crd is unusable (a group, plural or version unfit for an
 * API path, no served version). */
const struct kind	*kind_learn_crd(json_t *crd);
/* Forget every learnt kind (their pointers die). */
void			 kind_forget_learnt(void);

/* The label for one object of k in lines: the view's name where it is not
 * the plural ("hpa"), else the singular. */
const char		*kind_label(const struct kind *k);
/* The API path of k's collection, or of the object name (NULL: the
 * collection): /api/v1/namespaces/NS/pods/X, /apis/apps/v1/deployments.
 * ns NULL or "": all namespaces (and always for a cluster-scoped kind).
 * New string. */
char			*kind_path(const struct kind *k, const char *ns, const char *name);
/* True if k allows the action command verb (edit: every API kind that
 * may be updated). */
bool			 kind_allows(const struct kind *k, const char *verb);
/* True if some kind allows the action command verb. */
bool			 kind_is_action(const char *verb);
/* The n-th kind (from 0, in table order) that allows verb, or NULL. */
const struct kind	*kind_for_action(const char *verb, size_t n);
/* The plurals of the kinds that allow verb, comma-separated (new string). */
char			*kind_action_kinds(const char *verb);

/* The health rule: the row flags k's printer gives obj (borrowed) at time
 * now that are a problem for k (0: healthy). *reason, if not NULL, gets
 * the printer's short why (new string, or NULL). */
unsigned		 kind_health(const struct kind *k, json_t *obj, int64_t now,
			    char **reason);
/* The failure rule, the runbooks' "bad": k's printer marks obj failed
 * (ROW_BAD: a pod crash-looping, in Error or failing to pull; a node not
 * Ready; a failed Job or Velero backup) or stuck (ROW_STUCK: a rollout
 * past its progress deadline). The same printer colours the row, so a
 * runbook and the screen never judge one object differently. */
bool			 kind_failing(const struct kind *k, json_t *obj, int64_t now);

#endif
