/* Argo Rollouts canary controller (placeholder until it lands). */
#include "opsdeck/sim.h"
#include "opsdeck/sim_ctl.h"

/* The Rollout pass. */
void
ctl_rollouts_tick(struct sim_cluster *c)
{
	(void)c;
}
