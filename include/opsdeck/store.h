/* The console's live store: per cluster, per resource, compact rows (the
 * cells the printers compute, sanitised, plus identity fields), never JSON
 * trees. Reflectors feed it; views, `opsdeck get` and actions read it.
 * Single-threaded: only the loop's thread touches it. */
#ifndef OPSDECK_STORE_H
#define OPSDECK_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "opsdeck/printers.h"

/* A cluster's (or one resource's) connection state, shown in the header. */
enum conn_state {
	CONN_CONNECTING,
	CONN_LIVE,
	CONN_STALE,		/* was live; last good data still shown */
	CONN_UNAUTHORIZED,	/* 401, or the credential plugin failed */
	CONN_FORBIDDEN,		/* 403 (usually per resource) */
	CONN_UNREACHABLE,	/* refused, timed out, DNS */
	CONN_TLS_ERROR,
	CONN_ERROR,		/* anything else; reason says what */
};
const char	*conn_state_name(enum conn_state);	/* "live", "stale", ... */

/* One selected cluster (kubeconfig context). */
struct store_cluster {
	char		*name;		/* context name */
	char		*role;		/* primary | dr | staging | dev | "" */
	bool		 protected_ctx;
	bool		 read_only;
	double		 rpo_seconds;	/* backup RPO (0: unset) */
	bool		 drill;		/* a drill simulator's cluster */
	char		*kube_cluster;	/* the kubeconfig cluster entry's name, or NULL */
	char		*also;		/* other contexts reaching this cluster, folded
					 * into this one ("viewer@a, exec@a"), or NULL */
	enum conn_state	 state;
	char		*reason;	/* human-readable, sanitised; NULL when live */
	int64_t		 since;		/* unix seconds of the last state change */
	int64_t		 last_ok;	/* unix seconds of the last good response */
};

/* One object, projected. All strings are sanitised and belong to the row;
 * those many rows repeat (namespace, owner, labels, most cells) are one
 * shared copy. */
struct row {
	char		*uid;
	char		*ns;		/* "" for cluster-scoped */
	char		*name;
	char		*rv;
	char		*owner_kind;	/* controller ownerReference, or NULL */
	char		*owner_name;
	char		*owner_uid;
	char		*labels;	/* "k=v,k2=v2" in key order, or "" */
	char		*selector;	/* workloads: spec.selector.matchLabels as "k=v,.."; else NULL */
	int64_t		 created;	/* creationTimestamp, unix seconds */
	struct cell	*cells;		/* printer_find(resource)->ncolumns cells */
	size_t		 ncells;
	char		*reason;
	/* the small members last, together: 120 bytes, which malloc serves
	 * from a 128-byte chunk (a row of 128 took 144) */
	unsigned	 flags;		/* enum row_flag */
	unsigned	 holds;		/* store_row_hold minus store_row_release */
	uint32_t	 shared;	/* the store's: cells whose text is shared */
	bool		 seen;		/* the store's: renewed during the current relist */
	bool		 dropped;	/* the store's: replaced or removed while held */
};

struct store;

struct store	*store_new(void);
void		 store_free(struct store *);
/* Project rows into the API server's Table columns (printer_find_table:
 * a custom resource's printer columns, as kubectl prints them) instead of
 * the console's printers. Set before the first row. */
void		 store_set_server_tables(struct store *, bool);
/* The printer rows of a resource are printed with (printer_find, or
 * printer_find_table with server tables). */
const struct printer *store_printer(const struct store *, const char *resource);

/* Add a cluster; returns its index. */
size_t		 store_add_cluster(struct store *, const char *name);
size_t		 store_ncluster(const struct store *);
struct store_cluster *store_cluster(struct store *, size_t);
/* Index of the cluster named name, or SIZE_MAX. */
size_t		 store_cluster_find(const struct store *, const char *name);
void		 store_set_state(struct store *, size_t cluster, enum conn_state,
		    const char *reason);
/* prefer if that cluster is live, else the first live cluster, else prefer
 * (for requests any cluster can answer, such as a drill's status). */
size_t		 store_live_cluster(struct store *, size_t prefer);

/* Per (cluster, resource) state: forbidden on one kind leaves others live. */
void		 store_set_kind_state(struct store *, size_t cluster, const char *resource,
		    enum conn_state, const char *reason);
enum conn_state	 store_kind_state(const struct store *, size_t cluster, const char *resource,
		    const char **reason);
/* True once the first full list of resource on cluster has been applied. */
bool		 store_synced(const struct store *, size_t cluster, const char *resource);

/* Insert or replace from an API object (borrowed): projected through the
 * resource's printer and sanitised; the JSON is not kept. Key: uid (or
 * namespace/name when the object has no uid, e.g. alerts by fingerprint).
 * Returns 0, or -1 if the row was new and the cluster's cap is reached. */
int		 store_upsert(struct store *, size_t cluster, const char *resource, json_t *obj);
/* At most n rows per cluster, all kinds together (0: no cap): store_upsert
 * of a new row beyond it keeps nothing and returns -1 (else 0). */
void		 store_set_max_rows(struct store *, size_t n);
size_t		 store_max_rows(const struct store *);
/* Rows kept for cluster, all kinds (with a sink: handed over, as the cap
 * counts them). */
size_t		 store_cluster_rows(const struct store *, size_t cluster);
/* A store for a reader that only prints what arrives (opsdeck get, not
 * --watch): each row store_upsert builds is handed to cb (valid during the
 * call) and not kept, so a list of 150,000 objects needs no 150,000 rows
 * at once. A row handed over counts against its cluster's cap. When a
 * list of (cluster, resource) begins again (store_relist_begin after rows
 * were handed over: a list cut short and retried), cb gets a NULL row:
 * the rows it was given for that pair are void. Set before the first row;
 * store_foreach and the lookups then see no rows. */
typedef void	(*store_sink_fn)(size_t cluster, const char *resource,
		    const struct row *, void *arg);
void		 store_set_sink(struct store *, store_sink_fn cb, void *arg);
void		 store_remove(struct store *, size_t cluster, const char *resource, json_t *obj);
/* During a relist: keep row (the store's, as store_get_key found it) as it
 * is (a poll that brought it back unchanged), without building it again or
 * looking it up a second time. */
void		 store_renew(struct store *, const struct row *);
/* Relist: begin marks every row of (cluster, resource) old; upserts during
 * the relist renew them; end removes those not seen and marks synced. */
void		 store_relist_begin(struct store *, size_t cluster, const char *resource);
void		 store_relist_end(struct store *, size_t cluster, const char *resource);

/* Call cb for each row of resource (cluster SIZE_MAX: all clusters; ns
 * NULL: all namespaces) in cluster order, then namespace/name order; stop
 * if cb returns non-zero. Rows are valid until the next store change. */
void		 store_foreach(struct store *, size_t cluster, const char *resource,
		    const char *ns, int (*cb)(size_t cluster, const struct row *, void *arg),
		    void *arg);
/* store_foreach in no set order, for a walk that only sums or counts: the
 * rows are not put in order first (a sort after every change). */
void		 store_foreach_any(struct store *, size_t cluster, const char *resource,
		    int (*cb)(size_t cluster, const struct row *, void *arg), void *arg);
size_t		 store_count(struct store *, size_t cluster, const char *resource);
/* The row of resource on cluster named name in namespace ns, or NULL. With
 * ns NULL (any namespace) and the name in several namespaces, the row of
 * the first namespace in store_foreach's order (byte order), whatever order
 * the rows arrived in. A scan of the kind's rows unless their order is up
 * to date; store_get_key is the hash lookup. Valid until the next store
 * change. */
const struct row *store_get(struct store *, size_t cluster, const char *resource,
		    const char *ns, const char *name);
/* store_get for many lookups between changes: the kind's rows are put in
 * order once (again after a change), and each lookup is a binary search. */
const struct row *store_lookup(struct store *, size_t cluster, const char *resource,
		    const char *ns, const char *name);
/* The row of resource on cluster stored under key: its uid, or for an
 * object without one (usage from metrics.k8s.io) "namespace/name" ("/name"
 * cluster-scoped); NULL if none. A hash lookup. Valid until the next store
 * change. */
const struct row *store_get_key(struct store *, size_t cluster, const char *resource,
		    const char *key);
/* Keep a row valid past the store change that replaces or removes it (a
 * view's table reads its cells until it is rebuilt); release frees a row
 * the store has let go of once nothing holds it. */
void		 store_row_hold(const struct row *);
void		 store_row_release(const struct row *);
/* One change to a row: old (NULL: added) became row (NULL: removed), on
 * cluster, at version seq, at time at (loop_now). */
struct store_change {
	uint64_t	 seq;
	size_t		 cluster;
	const struct row *old;
	const struct row *row;
	double		 at;
};
/* The changes to resource's rows after version since (oldest first; the
 * rows valid while the changes are kept, until the next store change);
 * false when some of them are no longer kept: rebuild from store_foreach.
 * The store keeps each resource's last changes up to STORE_JOURNAL that
 * replaced or removed a row (which only the journal then holds in memory)
 * and STORE_JOURNAL_MAX in all (new rows cost an entry: the store holds
 * them), half of them at least: a second or more of a busy estate's watch
 * events, or of a large estate's first list pages, so a view that spent a
 * while drawing or rebuilding catches up by changes. It forgets changes
 * older than STORE_JOURNAL_AGE seconds as new ones come: a view shown
 * applies its changes within a frame, and one not shown rebuilds when it
 * is shown again, so older changes would only hold replaced rows in
 * memory (a quiet estate's journal would fill for hours). */
#define STORE_JOURNAL		8192
#define STORE_JOURNAL_MAX	65536
#define STORE_JOURNAL_AGE	10.0
/* Set the journal's age limit in seconds (tests). */
void		 store_set_journal_age(struct store *, double seconds);
bool		 store_changes(const struct store *, const char *resource, uint64_t since,
		    const struct store_change **out, size_t *n);
/* Changes whenever anything of resource changes (any cluster): views
 * rebuild their row lists when it differs from what they saw. */
uint64_t	 store_version(const struct store *, const char *resource);
/* Changes whenever anything at all changes (rows or states). */
uint64_t	 store_generation(const struct store *);

#endif
