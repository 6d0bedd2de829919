/* describe: an object as `kubectl describe` shows it. Each kind's renderer
 * is named by its entry in the kind table (kinds.h, .describer); kinds
 * without one get a generic "Key: value" dump. Text is laid out the way
 * kubectl's describe lays it out (Go's text/tabwriter: cells end at a tab,
 * a column block is the run of lines that have a cell in that column, each
 * cell padded to the block's widest cell plus two spaces). Every string from
 * the object, its events and related objects is sanitised. */
#ifndef OPSDECK_DESCRIBE_H
#define OPSDECK_DESCRIBE_H

#include <stdbool.h>
#include <stdint.h>

#include <jansson.h>

struct kind;
struct dw;
struct client_response;

/* A kind's renderer. */
struct describer {
	/* The i-th (from 0) request the renderer reads besides the object and
	 * its events: an API path with query (new string), or NULL past the
	 * last (a deployment's replica sets; a node's pods and its lease).
	 * NULL: none. */
	char	*(*related)(json_t *obj, size_t i);
	/* Write obj. related (may be NULL) holds one element per related
	 * request, in order: a list's items (an array), a single object, or a
	 * string saying why it could not be read (an alert's: Alertmanager's
	 * silences and alerts, which name its silences and inhibitors). now is
	 * the time ages are measured from. */
	void	 (*render)(struct dw *, json_t *obj, json_t *related, int64_t now);
};

/* What describe knows of the object's events. */
struct describe_events {
	json_t		*items;		/* the list's items, or NULL */
	const char	*note;		/* why there are none (not shown when items) */
};

/* One output line: text (clean), the column a wrapped continuation hangs
 * at, and whether it is a Warning event. */
typedef void (*describe_line_cb)(const char *line, int hang, bool warning, void *arg);

/* Describe obj of kind k (k may be NULL: the generic dump) into lines. */
void	 describe_object(const struct kind *k, json_t *obj, json_t *related,
	    const struct describe_events *events, int64_t now, describe_line_cb, void *arg);
/* The i-th related request path for obj of kind k (new string), or NULL
 * past the last. */
char	*describe_related_path(const struct kind *k, json_t *obj, size_t i);
/* An answer as describe takes it (new reference): a list's items (or
 * Alertmanager's array), an object, or a string saying why there is none. */
json_t	*describe_answer(const struct client_response *);
/* What k (alerts or silences) names in Alertmanager's lists: the alert
 * with fingerprint (if given and there), else the n-th (from 0) alert
 * named name; the silence with id name. NULL if none (borrowed). */
json_t	*describe_am_find(const struct kind *k, json_t *alerts, json_t *silences,
	    const char *fingerprint, const char *name, size_t n);
/* The related answers describe_alert reads, from Alertmanager's alerts
 * and silences (either may be NULL); a new reference. */
json_t	*describe_alert_related(json_t *alerts, json_t *silences);
/* The path of obj's events list, as kubectl describe asks: by the involved
 * object's name, namespace and uid (new string), or NULL if obj has no name. */
char	*describe_events_path(json_t *obj);

/* The renderers the kind table names. */
extern const struct describer describe_pod, describe_deployment, describe_replicaset,
	    describe_statefulset, describe_daemonset,
	    describe_hpa, describe_pdb, describe_job, describe_cronjob, describe_node,
	    describe_alert, describe_silence;

#endif
