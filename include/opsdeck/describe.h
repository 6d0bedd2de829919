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

/* A kind's renderer. */
struct describer {
	/* The list (API path with query, new string) of the related objects
	 * the renderer reads (a deployment's replica sets, a replica set's
	 * pods), or NULL: none needed. */
	char	*(*related)(json_t *obj);
	/* Write obj; related is the related list's items (NULL: not fetched
	 * or failed; for an alert, Alertmanager's silences and alerts, which
	 * name its silences and inhibitors), now the time ages are measured
	 * from. */
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
/* The related list path for obj of kind k (new string), or NULL. */
char	*describe_related_path(const struct kind *k, json_t *obj);
/* The path of obj's events list, as kubectl describe asks: by the involved
 * object's name, namespace and uid (new string), or NULL if obj has no name. */
char	*describe_events_path(json_t *obj);

/* The renderers the kind table names. */
extern const struct describer describe_pod, describe_deployment, describe_replicaset,
	    describe_hpa, describe_pdb, describe_job, describe_cronjob, describe_alert;

#endif
