/* The state the controllers and the scenario keep beside the store: each
 * cluster's controller state (struct sim_ctl) and the estate's scenario
 * (struct scn), created on first use and freed here with everything they
 * hold; the simulated clock and the controllers' random numbers. */
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/map.h"
#include "opsdeck/names.h"
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"
#include "opsdeck/xmalloc.h"

/* Append to a vector. */
void
ctl_vec_push(struct ctl_vec *v, json_t *o)
{
	if (v->n == v->cap) {
		v->cap = v->cap == 0 ? 8 : v->cap * 2;
		v->v = xreallocarray(v->v, v->cap, sizeof *v->v);
	}
	v->v[v->n++] = o;
}

/* Free a vector's storage. */
void
ctl_vec_free(struct ctl_vec *v)
{
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

/* Free a heap vector (map value). */
static void
ctl_vec_free_heap(void *p)
{
	struct ctl_vec	*v = p;

	ctl_vec_free(v);
	free(v);
}

/* Free an owner index. */
void
ctl_index_free(struct map *m)
{
	map_free(m, ctl_vec_free_heap);
}

/* Free one alert. */
void
ctl_alert_free(struct ctl_alert *a)
{
	json_decref(a->labels);
	json_decref(a->annotations);
	free(a->generator);
	free(a);
}

/* Free one container's log ring. */
void
ctl_log_clear(struct ctl_log *l)
{
	size_t	i;

	if (l->lines != NULL) {
		for (i = 0; i < l->cap; i++)
			free(l->lines[i]);
	}
	free(l->lines);
	memset(l, 0, sizeof *l);
}

/* Free a pod's runtime state. */
void
ctl_pod_free(void *p)
{
	struct ctl_pod	*cp = p;
	size_t		 i;

	if (cp == NULL)
		return;
	for (i = 0; i < cp->nctr; i++) {
		free(cp->ctr[i].name);
		free(cp->ctr[i].image);
		ctl_log_clear(&cp->ctr[i].log);
		ctl_log_clear(&cp->ctr[i].prev);
	}
	free(cp->ctr);
	free(cp->uid);
	free(cp->ns);
	free(cp->name);
	free(cp->echo);
	free(cp);
}

/* Free the schedulable node set of the last node pass. */
void
ctl_nodes_free(struct sim_ctl *ctl)
{
	size_t	i;

	for (i = 0; i < ctl->nnodes; i++) {
		free(ctl->nodes[i]);
		free(ctl->node_ips[i]);
	}
	free(ctl->nodes);
	free(ctl->node_ips);
	ctl->nodes = ctl->node_ips = NULL;
	ctl->nnodes = 0;
}

/* Free the controller state of a cluster. */
void
sim_ctl_free(struct sim_ctl *ctl)
{
	size_t	i;

	if (ctl == NULL)
		return;
	map_free(ctl->pods, ctl_pod_free);
	map_free(ctl->deps, free);
	map_free(ctl->hpas, free);
	map_free(ctl->velero, free);
	map_free(ctl->ros, free);
	ctl_index_free(ctl->owned);
	map_free(ctl->evkeys, free);
	map_free(ctl->db_bad, NULL);
	map_free(ctl->node_down, NULL);
	for (i = 0; i < ctl->nev; i++)
		free(ctl->evnames[(ctl->evhead + i) % CTL_EVENTS_MAX]);
	free(ctl->evnames);
	for (i = 0; i < ctl->nalerts; i++)
		ctl_alert_free(ctl->alerts[i]);
	free(ctl->alerts);
	for (i = 0; i < ctl->nsilences; i++) {
		json_decref(ctl->silences[i]->matchers);
		free(ctl->silences[i]->created_by);
		free(ctl->silences[i]->comment);
		free(ctl->silences[i]);
	}
	free(ctl->silences);
	ctl_nodes_free(ctl);
	free(ctl);
}

/* The controller state of c, created on first use. */
struct sim_ctl *
ctl_get(struct sim_cluster *c)
{
	struct sim_ctl	*ctl = c->ctl;

	if (ctl != NULL)
		return ctl;
	ctl = xcalloc(1, sizeof *ctl);
	ctl->c = c;
	ctl->rng = 0x9e3779b97f4a7c15ULL ^ fnv1a32(c->name);
	ctl->pods = map_new();
	ctl->deps = map_new();
	ctl->hpas = map_new();
	ctl->velero = map_new();
	ctl->ros = map_new();
	ctl->owned = map_new();
	ctl->evkeys = map_new();
	ctl->db_bad = map_new();
	ctl->node_down = map_new();
	ctl->evnames = xcalloc(CTL_EVENTS_MAX, sizeof *ctl->evnames);
	ctl->reach_until = -1;
	ctl->backup_fail_until = -1;
	ctl->velero_fail_until = -1;
	ctl->node_down_until = -1;
	ctl->last_good_backup_t = -1800;
	ctl->cron_last_min = -1;
	ctl->last_gc_t = -1e18;
	ctl->next_due = -1;
	c->ctl = ctl;
	c->ctl_free = sim_ctl_free;
	return ctl;
}

/* Free the scenario state. */
void
scenario_free(struct sim *sim)
{
	struct scn	*scn = sim->scn;
	size_t		 i;

	if (scn == NULL)
		return;
	free(scn->name);
	free(scn->description);
	for (i = 0; i < scn->ncrash; i++)
		free(scn->crash_images[i]);
	free(scn->crash_images);
	for (i = 0; i < scn->nrules; i++) {
		struct scn_rule *r = &scn->rules[i];
		size_t		 j;

		free(r->name);
		free(r->severity);
		free(r->expr);
		json_decref(r->labels);
		json_decref(r->annotations);
		for (j = 0; j < r->nclusters; j++)
			free(r->clusters[j]);
		free(r->clusters);
	}
	free(scn->rules);
	for (i = 0; i < scn->nfaults; i++) {
		struct scn_fault *f = &scn->faults[i];

		free(f->action);
		free(f->target);
		free(f->cluster);
		free(f->ns);
		free(f->name);
		free(f->image);
		free(f->mode);
	}
	free(scn->faults);
	json_decref(scn->resolved_when);
	json_decref(scn->primary_replicas);
	json_decref(scn->first_look);
	json_decref(scn->recent_looks);
	free(scn);
	sim->scn = NULL;
	for (i = 0; i < sim->nclusters; i++) {
		sim_ctl_free(sim->clusters[i]->ctl);
		sim->clusters[i]->ctl = NULL;
	}
}

/* The scenario state of sim, created on first use. */
struct scn *
scn_get(struct sim *sim)
{
	struct scn	*scn = sim->scn;

	if (scn != NULL)
		return scn;
	scn = xcalloc(1, sizeof *scn);
	scn->rpo = 3600;
	scn->resolved_when = json_array();
	scn->primary_replicas = json_object();
	sim->scn = scn;
	sim->scn_free = scenario_free;
	return scn;
}

/* Simulated seconds since start. */
double
ctl_now(struct sim *sim)
{
	return scn_get(sim)->t;
}

/* Wall time for simulated time t. */
double
ctl_wall_at(struct sim *sim, double t)
{
	double	speed = sim->speed > 0 ? sim->speed : 1;

	return (double)sim->started + t / speed;
}

/* xorshift64* step. */
uint64_t
ctl_rand(struct sim_ctl *ctl)
{
	uint64_t	x = ctl->rng;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	ctl->rng = x;
	return x * 0x2545F4914F6CDD1DULL;
}

/* A random suffix from the apiserver's alphabet. */
void
ctl_suffix(struct sim_ctl *ctl, char out[6])
{
	name_suffix(ctl_rand(ctl), out);
}

/* Does image match one of the scenario's crash patterns? */
bool
ctl_image_crashes(struct sim *sim, const char *image)
{
	struct scn	*scn = scn_get(sim);
	size_t		 i;

	if (image == NULL)
		return false;
	for (i = 0; i < scn->ncrash; i++) {
		if (fnmatch(scn->crash_images[i], image, 0) == 0)
			return true;
	}
	return false;
}
