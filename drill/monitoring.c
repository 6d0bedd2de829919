/* The monitoring services behind the API server's service proxy
 * (sim_proxy): a request's query decoded, then handed to the Alertmanager
 * API (alertmanager.c) or the Prometheus API (alerting.c). */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/sim.h"
#include "opsdeck/xmalloc.h"
#include "alerting_int.h"

/* Decode %XX and + in place. */
static void
url_decode(char *s)
{
	char	*o = s;
	int	 hi, lo;

	for (; *s != '\0'; s++) {
		if (*s == '+')
			*o++ = ' ';
		else if (*s == '%' && isxdigit((unsigned char)s[1]) &&
		    isxdigit((unsigned char)s[2])) {
			hi = isdigit((unsigned char)s[1]) ? s[1] - '0' :
			    tolower((unsigned char)s[1]) - 'a' + 10;
			lo = isdigit((unsigned char)s[2]) ? s[2] - '0' :
			    tolower((unsigned char)s[2]) - 'a' + 10;
			*o++ = (char)(hi * 16 + lo);
			s += 2;
		} else
			*o++ = *s;
	}
	*o = '\0';
}

/* Query parameters as a JSON object of arrays of strings (new). */
static json_t *
query_parse(const char *q)
{
	json_t	*out = json_object(), *arr;
	char	*copy, *tok, *save = NULL, *eq;

	if (q == NULL)
		return out;
	if (*q == '?')
		q++;
	copy = xstrdup(q);
	for (tok = strtok_r(copy, "&", &save); tok != NULL; tok = strtok_r(NULL, "&", &save)) {
		eq = strchr(tok, '=');
		if (eq != NULL)
			*eq++ = '\0';
		url_decode(tok);
		if (eq != NULL)
			url_decode(eq);
		arr = json_object_get(out, tok);
		if (arr == NULL) {
			arr = json_array();
			json_object_set_new(out, tok, arr);
		}
		json_array_append_new(arr, json_string(eq != NULL ? eq : ""));
	}
	free(copy);
	return out;
}

/* A request to a proxied monitoring service. */
int
sim_proxy(struct sim_cluster *c, const char *ns, const char *service, const char *method,
    const char *rest, const char *query, const char *req_body, size_t req_len, char **body,
    const char **content_type)
{
	json_t		*q;
	char		*path, *qm;
	const char	*qs = query;
	int		 rc;

	*body = NULL;
	*content_type = "application/json";
	if (ns == NULL || strcmp(ns, "monitoring") != 0 || service == NULL ||
	    (strncmp(service, "alertmanager", 12) != 0 &&
	    strncmp(service, "prometheus", 10) != 0)) {
		*body = xasprintf("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
		    "\"status\":\"Failure\",\"message\":\"services \\\"%s\\\" not found\","
		    "\"reason\":\"NotFound\",\"details\":{\"name\":\"%s\",\"kind\":"
		    "\"services\"},\"code\":404}", service != NULL ? service : "",
		    service != NULL ? service : "");
		return 404;
	}
	if (method == NULL)
		method = "GET";
	path = xasprintf("%s%s", rest != NULL && *rest == '/' ? "" : "/", rest != NULL ? rest : "");
	qm = strchr(path, '?');
	if (qm != NULL) {
		*qm = '\0';
		if (qs == NULL || *qs == '\0')
			qs = qm + 1;
	}
	q = query_parse(qs);
	if (strcmp(method, "POST") == 0 && strcmp(path, "/api/v1/query") == 0 &&
	    req_body != NULL && req_len < BODY_MAX) {
		/* A form-encoded POST query. */
		char	*form = xstrndup(req_body, req_len);
		json_t	*fq = query_parse(form);

		json_object_update(q, fq);
		json_decref(fq);
		free(form);
		method = "GET";
	}
	if (strncmp(service, "alertmanager", 12) == 0)
		rc = alertmanager(c, method, path, q, req_body, req_len, body, content_type);
	else
		rc = prometheus(c, method, path, q, body, content_type);
	json_decref(q);
	free(path);
	return rc;
}
