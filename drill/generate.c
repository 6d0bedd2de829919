/* Large generated estates for benchmarks: --generate clusters=N,pods=M
 * makes N clusters, each with deployments totalling M pods; churn=E asks
 * for a stream of about E watch events a second across the estate (made
 * by churn.c), which POST /drill/v1/churn (api_drill.c) changes while the
 * drill runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

/* Pods per generated deployment (the last one takes the remainder). */
#define GEN_PODS_PER_DEPLOY	50
/* Most clusters and pods per cluster a generator accepts. */
#define GEN_MAX_CLUSTERS	64
#define GEN_MAX_PODS		200000

/* Parse "clusters=N,pods=M,churn=E"; -1 with cause if bad. */
static int
gen_parse(const char *spec, long *clusters, long *pods, long *churn, char **cause)
{
	char	*copy, *tok, *save = NULL, *eq, *end;
	long	 v;
	int	 rc = 0;

	*clusters = 1;
	*pods = 100;
	*churn = 0;
	copy = xstrdup(spec != NULL ? spec : "");
	for (tok = strtok_r(copy, ",", &save); tok != NULL; tok = strtok_r(NULL, ",", &save)) {
		eq = strchr(tok, '=');
		if (eq == NULL) {
			*cause = xasprintf("generate: expected key=value, got \"%s\"", tok);
			rc = -1;
			break;
		}
		*eq++ = '\0';
		v = strtol(eq, &end, 10);
		if (*end != '\0' || v < 0) {
			*cause = xasprintf("generate: %s: not a count: \"%s\"", tok, eq);
			rc = -1;
			break;
		}
		if (strcmp(tok, "clusters") == 0)
			*clusters = v;
		else if (strcmp(tok, "pods") == 0)
			*pods = v;
		else if (strcmp(tok, "churn") == 0)
			*churn = v;
		else {
			*cause = xasprintf("generate: unknown key \"%s\" (clusters, pods, churn)",
			    tok);
			rc = -1;
			break;
		}
	}
	free(copy);
	if (rc == 0 && (*clusters < 1 || *clusters > GEN_MAX_CLUSTERS)) {
		*cause = xasprintf("generate: clusters must be 1..%d", GEN_MAX_CLUSTERS);
		rc = -1;
	}
	if (rc == 0 && *pods > GEN_MAX_PODS) {
		*cause = xasprintf("generate: pods must be 0..%d", GEN_MAX_PODS);
		rc = -1;
	}
	if (rc == 0 && *churn > GEN_MAX_CHURN) {
		*cause = xasprintf("generate: churn must be 0..%d", GEN_MAX_CHURN);
		rc = -1;
	}
	return rc;
}

/* Generate a large estate. */
int
scenario_generate(struct sim *sim, const char *spec, char **cause)
{
	static const char	*roles[] = { "primary", "dr", "staging", "dev" };
	static const char	*nss[] = { "production", "staging", "batch", "platform" };
	struct scn		*scn = scn_get(sim);
	struct sim_cluster	*c;
	json_t			*zones, *labels, *d, *ns;
	long			 nclusters, pods, churn, i, left, n, k;
	char			 name[64], dname[64], *err = NULL;
	int			 nodes;

	if (gen_parse(spec, &nclusters, &pods, &churn, cause) != 0)
		return -1;
	scn->generated = true;
	scn->churn = (double)churn;
	free(scn->name);
	scn->name = xasprintf("generated-%ldx%ld", nclusters, pods);
	free(sim->scenario);
	sim->scenario = xstrdup(scn->name);
	zones = json_pack("[s,s,s]", "ap-northeast-1a", "ap-northeast-1c", "ap-northeast-1d");
	for (i = 0; i < nclusters; i++) {
		snprintf(name, sizeof name, "gen-%02ld", i + 1);
		c = sim_add_cluster(sim, name, "ap-northeast-1", roles[i < 4 ? i : 3], i == 0);
		ctl_get(c)->quiet = true;
		for (k = 0; k < 4; k++) {
			ns = json_pack("{s:{s:s},s:{s:s}}", "metadata", "name", nss[k], "status",
			    "phase", "Active");
			if (sim_obj_create(c, kind_find_api("", "namespaces"), NULL, ns, NULL,
			    &err) != 0) {
				free(err);
				err = NULL;
			}
		}
		nodes = (int)(pods / 40) + 3;
		scn_apply_nodes(c, "general", nodes, "m5.2xlarge", zones);
		for (left = pods, k = 0; left > 0; k++) {
			n = left < GEN_PODS_PER_DEPLOY ? left : GEN_PODS_PER_DEPLOY;
			left -= n;
			snprintf(dname, sizeof dname, "svc-%04ld", k);
			labels = json_pack("{s:s}", "app", dname);
			d = scn_deployment(nss[k % 4], dname, (int)n, "registry.local/svc:1.0.0",
			    labels);
			json_decref(labels);
			ctl_set(json_object_get(json_object_get(d, "spec"), "template"),
			    "metadata.annotations", json_pack("{s:s}",
			    "drill.opsdeck.dev/ready-after", "0"));
			if (sim_obj_create(c, kind_find_api("apps", "deployments"), nss[k % 4],
			    d, NULL, &err) != 0) {
				free(err);
				err = NULL;
			}
		}
	}
	json_decref(zones);
	/* Bring the estate up before it is served: every pod created, started
	 * and ready, so serving starts from a steady state. */
	scn->loading = true;
	for (i = 0; i < 6; i++)
		sim_tick(sim, 1.0 / (sim->speed > 0 ? sim->speed : 1));
	scn->loading = false;
	return 0;
}
