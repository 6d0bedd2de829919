/* Looks: in a drill, the console tells the simulator which view the
 * operator has just opened, so the drill can score its time to detect (the
 * first view after a fault that shows it; the rule is the drill's, see
 * opsdeck-drill(1)). Only contexts a drill wrote (opsdeck.dev/context
 * extension, drill: true) are told; real clusters never see a look. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/audit.h"
#include "opsdeck/client.h"
#include "opsdeck/store.h"
#include "opsdeck/ui.h"

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

/* The clusters view v shows, by the drill's names (new array; empty when
 * it shows more than LOOK_CLUSTERS_MAX: every cluster). */
static json_t *
look_clusters(struct ui *ui, const struct view *v)
{
	json_t *arr = json_array();
	size_t i, n = store_ncluster(ui->store);
	const struct store_cluster *sc;

	for (i = 0; i < n; i++) {
		if (v->cluster != SIZE_MAX && v->cluster != i)
			continue;
		sc = store_cluster(ui->store, i);
		if (!sc->drill || sc->kube_cluster == NULL)
			continue;
		if (json_array_size(arr) == LOOK_CLUSTERS_MAX) {
			json_array_clear(arr);
			break;
		}
		json_array_append_new(arr, json_string(sc->kube_cluster));
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
	json_t		*body;
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
	body = json_pack("{s:s,s:o,s:s?,s:s?,s:s}", "view", view, "clusters",
	    look_clusters(ui, v), "namespace", ns, "name", name, "user", audit_local_user());
	text = body != NULL ? json_dumps(body, JSON_COMPACT) : NULL;
	json_decref(body);
	if (text == NULL)
		return;
	client_request(ui->client, target, "POST", "/drill/v1/looks", "application/json", text,
	    look_done, NULL);
	free(text);
}
