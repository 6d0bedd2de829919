/* describe's private parts: the section writer (tui/describe.c) and the
 * value helpers every kind's renderer shares, used by the renderers per kind
 * family: tui/describe_pods.c (pods and their templates),
 * tui/describe_workloads.c (controllers, autoscalers, disruption budgets,
 * jobs), tui/describe_nodes.c and tui/describe_alerts.c (Alertmanager's
 * alerts and silences). Not a contract. */
#ifndef OPSDECK_DESCRIBE_INT_H
#define OPSDECK_DESCRIBE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "opsdeck/describe.h"

/* One line as written: cells separated by tabs. */
struct dw_line {
	char		*text;
	bool		 warning;
};

/* The writer: lines, the one being written, and the sanitised copies of
 * untrusted strings handed out by V() (freed with the writer). */
struct dw {
	struct dw_line	*lines;
	size_t		 n, cap;
	char		*cur;
	size_t		 curlen, curcap;
	bool		 warning;	/* the next finished line is a Warning event */
	char		**arena;
	size_t		 narena, arenacap;
	json_t		*pod;		/* the pod described, for env fieldRefs */
};

/* tui/describe.c: the writer and shared values */
const char	*V(struct dw *w, const char *s);
const char	*VS(struct dw *w, json_t *obj, const char *path);
void	W(struct dw *w, int level, const char *fmt, ...)
	    __attribute__((format(printf, 3, 4)));
const char	*rfc1123z(struct dw *w, const char *rfc3339);
void	since(const char *t, int64_t now, char *buf, size_t len);
const char	*int_or(struct dw *w, json_t *obj, const char *path, const char *none);
const char	*intstr(struct dw *w, json_t *v);
const char	*quantity(struct dw *w, const char *s);
const char	*selector(struct dw *w, json_t *sel, const char *none);
const char	**sorted_keys(json_t *obj, const char *skip, size_t *n);
void	labels_multiline(struct dw *w, const char *indent, const char *title, json_t *map);
void	annotations_multiline(struct dw *w, const char *title, json_t *map);
const char	*controller_of(struct dw *w, json_t *obj);
void	name_ns(struct dw *w, json_t *obj);
void	name_meta(struct dw *w, json_t *obj);
void	name_list(struct dw *w, const char *title, json_t *arr);
void	controller_head(struct dw *w, json_t *obj, const char *none);

/* tui/describe_pods.c */
void	pod_template(struct dw *w, json_t *tmpl);

#endif
