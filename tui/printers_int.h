/* The table printers' private parts, shared by tui/printers.c (the cell
 * helpers, lookup, cell formatting and times) and the kind families:
 * tui/printers_pods.c (pods, nodes, resource metrics, events),
 * tui/printers_workloads.c (deployments, replica sets, stateful sets, daemon
 * sets, autoscalers), tui/printers_batch.c (jobs, cron jobs),
 * tui/printers_cluster.c (disruption budgets, namespaces, services),
 * tui/printers_ext.c (Alertmanager, Velero, Argo, Istio) and
 * tui/printers_crd.c (custom resources' printer columns). Not a contract. */
#ifndef OPSDECK_PRINTERS_INT_H
#define OPSDECK_PRINTERS_INT_H

#include <stdint.h>

#include <jansson.h>

#include "opsdeck/printers.h"

/* Longest text one cell may grow to (a list of thousands of images). */
#define CELL_TEXT_MAX	(64 * 1024)

#define NITEMS(a)	(sizeof (a) / sizeof (a)[0])

#define PRINTER(name, res, kind, cols, fn) \
	const struct printer name = { res, kind, cols, NITEMS(cols), fn }

/* tui/printers.c: the cell helpers every printer shares */
void	 str_set(char **, char *);
void	 cell_text(struct cell *, const char *);
void	 cell_take(struct cell *, char *);
void	 cell_int(struct cell *, int64_t);
void	 cell_age(struct cell *, int64_t, const char *);
void	 cell_until(struct cell *, int64_t, const char *);
void	 cell_restarts(struct cell *, int64_t, int64_t);
int64_t	 jtime(json_t *, const char *);
void	 cell_name(struct cell *, json_t *);
void	 cell_created(struct cell *, json_t *);
char	*json_scalar_text(json_t *);
void	 layout_containers(json_t *, struct cell *, struct cell *);
char	*format_label_selector(json_t *);
char	*trim_space(const char *);

#endif
