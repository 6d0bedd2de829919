/* Looks: in a drill, the console tells the simulator which view the
 * operator has just opened, so the drill can score its time to detect (the
 * first view after a fault that shows it; the rule is the drill's, see
 * opsdeck-drill(1)). Only contexts a drill wrote (opsdeck.dev/context
 * extension, drill: true) are told; real clusters never see a look. The
 * look's record and its words are tui/look.c's. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/audit.h"
#include "opsdeck/client.h"
#include "opsdeck/store.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

/* Most clusters a look names; a wider view is sent as "every cluster"
 * (the simulator's DRILL_LOOK_CLUSTERS_MAX). */
#define LOOK_CLUSTERS_MAX	64

/* The answer is of no interest to the operator: a lost look only costs the
 * drill its detection time, never the console anything. */
static void
look_done(const struct client_response *r, void *arg)
{
	(void)r;
	(void)arg;
}

/* The drill cluster to tell: a live one if there is one (the faulted
 * cluster may be the one that is down), else any; SIZE_MAX if none. */
static size_t
look_target(struct store *store)
{
	size_t i, n = store_ncluster(store), pick = SIZE_MAX;
	const struct store_cluster *sc;

	for (i = 0; i < n; i++) {
		sc = store_cluster(store, i);
		if (!sc->drill || sc->kube_cluster == NULL)
			continue;
		if (sc->state == CONN_LIVE)
			return i;
		if (pick == SIZE_MAX)
			pick = i;
	}
	return pick;
}

/* True if arr (strings) holds s. */
static int
look_has(json_t *arr, const char *s)
{
	json_t *v;
	size_t i;

	json_array_foreach(arr, i, v) {
		if (strcmp(json_string_value(v), s) == 0)
			return 1;
	}
	return 0;
}

/* The drill clusters view v shows, by the drill's names, each once (the
 * same cluster may be selected through two contexts): a new array, empty
 * when there are more than LOOK_CLUSTERS_MAX (every cluster); NULL when it
 * shows none of the drill's clusters (a real cluster's view is no look). */
static json_t *
look_clusters(struct ui *ui, const struct view *v)
{
	json_t *arr = json_array();
	size_t i, n = store_ncluster(ui->store), seen = 0;
	const struct store_cluster *sc;

	for (i = 0; i < n; i++) {
		if (v->cluster != SIZE_MAX && v->cluster != i)
			continue;
		sc = store_cluster(ui->store, i);
		if (!sc->drill || sc->kube_cluster == NULL)
			continue;
		seen++;
		if (look_has(arr, sc->kube_cluster))
			continue;
		if (json_array_size(arr) == LOOK_CLUSTERS_MAX) {
			json_array_clear(arr);
			break;
		}
		json_array_append_new(arr, json_string(sc->kube_cluster));
	}
	if (seen == 0) {
		json_decref(arr);
		return NULL;
	}
	return arr;
}

/* Report the view on top of the stack to the drill. */
void
look_report(struct ui *ui)
{
	struct view	*v = ui->view;
	const char	*view, *ns = NULL, *name = NULL;
	size_t		 target;
	json_t		*body, *clusters;
	char		*text;

	ui->look_pending = false;
	if (v == NULL || ui->client == NULL || ui->store == NULL)
		return;
	target = look_target(ui->store);
	if (target == SIZE_MAX)
		return;
	if (v->cls == &view_contexts_class)
		view = "contexts";
	else if (v->resource != NULL)
		view = v->resource;
	else
		return;		/* overview, help, dialogs: not a look at anything */
	if (v->cls->subject != NULL)
		v->cls->subject(v, &ns, &name);
	else
		ns = ui_namespace(ui);
	clusters = look_clusters(ui, v);
	if (clusters == NULL)
		return;
	body = json_pack("{s:s,s:o,s:s?,s:s?,s:s,s:s}", "view", view, "clusters", clusters,
	    "namespace", ns, "name", name, "user", audit_local_user(), "host", audit_host());
	text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (text == NULL)
		return;
	client_request(ui->client, target, "POST", "/drill/v1/looks", "application/json", text,
	    look_done, NULL);
	free(text);
}
