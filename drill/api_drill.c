/* The drill's own endpoints beside the Kubernetes API, under /drill/v1:
 * reachability (an instructor's switch), looks (a console's report of a
 * view), a generated estate's churn rate and the drill's status. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"
#include "drill.h"
#include "api_int.h"

/* POST /drill/v1/reach?cluster=NAME&state=ok|refuse|hang: an instructor's
 * (and the tests') switch for a cluster's reachability. Admin only. */
void
api_reach(struct drill_req *req, struct drill_resp *resp, const struct path_match *m)
{
	struct sim_cluster	*c;
	const char		*name = req->arg(req, "cluster"), *state = req->arg(req, "state");
	enum sim_reach		 reach;

	if (strcmp(req->method, "POST") != 0) {
		drill_api_status(resp, 405, "MethodNotAllowed", "use POST", NULL, NULL);
		return;
	}
	if (req->user != DRILL_USER_ADMIN) {
		drill_api_status(resp, 403, "Forbidden", "only the drill admin may change "
		    "reachability", NULL, NULL);
		return;
	}
	if (state == NULL || name == NULL) {
		drill_api_status(resp, 400, "BadRequest", "cluster and state are required",
		    NULL, NULL);
		return;
	}
	if (strcmp(state, "ok") == 0)
		reach = SIM_REACH_OK;
	else if (strcmp(state, "refuse") == 0)
		reach = SIM_REACH_REFUSE;
	else if (strcmp(state, "hang") == 0)
		reach = SIM_REACH_HANG;
	else {
		drill_api_status(resp, 400, "BadRequest", "state must be ok, refuse or hang",
		    NULL, NULL);
		return;
	}
	sim_lock(req->cluster->sim);
	c = sim_cluster_find(req->cluster->sim, name);
	if (c != NULL) {
		c->reach = reach;
		pthread_cond_broadcast(&c->sim->changed);
	}
	sim_unlock(req->cluster->sim);
	if (c == NULL) {
		drill_api_status(resp, 404, "NotFound", "no such cluster", NULL, NULL);
		return;
	}
	resp_json(resp, 200, json_pack("{s:s,s:s}", "cluster", name, "state", state));
}

/* POST /drill/v1/looks: a console reports a view its operator opened;
 * the drill judges it against the faults (drill/looks.c). Any drill user:
 * in a shared drill a viewer's look is detection too. */
void
api_look(struct drill_req *req, struct drill_resp *resp, const struct path_match *m)
{
	struct drill_look	 look;
	const struct scn_fault	*f;
	json_t			*body;
	json_error_t		 jerr;
	char			*cause = NULL;

	if (strcmp(req->method, "POST") != 0) {
		drill_api_status(resp, 405, "MethodNotAllowed", "use POST", NULL, NULL);
		return;
	}
	body = json_loadb(req->body != NULL ? req->body : "", req->body_len, 0, &jerr);
	if (body == NULL) {
		cause = xasprintf("a look must be JSON: %s", jerr.text);
		drill_api_status(resp, 400, "BadRequest", cause, NULL, NULL);
		free(cause);
		return;
	}
	if (drill_look_parse(body, &look, &cause) != 0) {
		drill_api_status(resp, 400, "BadRequest", cause, NULL, NULL);
		free(cause);
		json_decref(body);
		return;
	}
	look.kube_user = req->user_name;
	sim_lock(req->cluster->sim);
	f = drill_look_record(req->cluster->sim, &look, sim_wallclock());
	/* the answer says whether this look was the first relevant one */
	resp_json(resp, 200, json_pack("{s:b,s:s?}", "firstRelevant", f != NULL, "fault",
	    f != NULL ? f->target : NULL));
	sim_unlock(req->cluster->sim);
	json_decref(body);
}

/* /drill/v1/status: the drill's state (sim_drill_status). */
void
route_drill_status(struct drill_req *req, struct drill_resp *resp, const struct path_match *m)
{
	json_t	*st;

	sim_lock(req->cluster->sim);
	st = sim_drill_status(req->cluster->sim);
	sim_unlock(req->cluster->sim);
	resp_json(resp, 200, st != NULL ? st : json_object());
}

/* POST /drill/v1/churn?rate=E: an instructor's (and the bench's) switch for
 * a generated estate's churn, in watch events a second. Admin only. */
void
api_churn(struct drill_req *req, struct drill_resp *resp, const struct path_match *m)
{
	struct sim	*sim = req->cluster->sim;
	struct scn	*scn;
	const char	*arg = req->arg(req, "rate");
	char		*end = NULL;
	long		 rate = -1;
	bool		 generated;

	if (strcmp(req->method, "POST") != 0) {
		drill_api_status(resp, 405, "MethodNotAllowed", "use POST", NULL, NULL);
		return;
	}
	if (req->user != DRILL_USER_ADMIN) {
		drill_api_status(resp, 403, "Forbidden", "only the drill admin may change "
		    "churn", NULL, NULL);
		return;
	}
	if (arg != NULL && *arg != '\0')
		rate = strtol(arg, &end, 10);
	if (rate < 0 || rate > GEN_MAX_CHURN || *end != '\0') {
		drill_api_status(resp, 400, "BadRequest", "rate must be a count of events a "
		    "second, 0..100000", NULL, NULL);
		return;
	}
	sim_lock(sim);
	scn = scn_get(sim);
	generated = scn->generated;
	if (generated) {
		scn->churn = (double)rate;
		scn->churn_due = 0;
	}
	sim_unlock(sim);
	if (!generated) {
		drill_api_status(resp, 400, "BadRequest", "churn is for generated estates "
		    "(--generate)", NULL, NULL);
		return;
	}
	resp->status = 200;
	resp->content_type = "application/json";
	resp->body = xasprintf("{\"rate\":%ld}", rate);
	resp->body_len = strlen(resp->body);
}
