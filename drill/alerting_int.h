/* Internals shared by alerting.c (metrics, rules, the Prometheus API),
 * alertmanager.c (the Alertmanager API) and monitoring.c (the service
 * proxy in front of both). */
#ifndef OPSDECK_DRILL_ALERTING_INT_H
#define OPSDECK_DRILL_ALERTING_INT_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "opsdeck/sim_ctl.h"

/* Bytes of a request body we accept. */
#define BODY_MAX	(1024 * 1024)

/* Prometheus-style label fingerprint: FNV-1a 64 over sorted name/value. */
void	 fingerprint(json_t *labels, char out[17]);
/* Make room for one more alert. */
void	 alert_room(struct sim_ctl *);
/* A boolean query parameter (default def). */
bool	 query_bool(json_t *q, const char *name, bool def);
/* An HTTP answer in JSON: body set, status returned. */
int	 reply_json(json_t *v, char **body, const char **ct);
/* An HTTP error in Alertmanager's style (a JSON string). */
int	 reply_error(int code, const char *msg, char **body, const char **ct);
/* The Prometheus HTTP API subset (alerting.c): path without query, q the
 * query parameters (arrays of strings); status returned, body and ct set. */
int	 prometheus(struct sim_cluster *, const char *method, const char *path,
	    json_t *q, char **body, const char **ct);
/* The Alertmanager v2 API (alertmanager.c). */
int	 alertmanager(struct sim_cluster *, const char *method, const char *path,
	    json_t *q, const char *req, size_t req_len, char **body, const char **ct);

#endif
