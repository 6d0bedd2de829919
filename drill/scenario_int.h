/* Internals shared by the scenario's files: scenario.c (the loader),
 * scenario_yaml.c (YAML into JSON with source positions) and
 * scenario_run.c (faults and resolution at run time). */
#ifndef OPSDECK_DRILL_SCENARIO_INT_H
#define OPSDECK_DRILL_SCENARIO_INT_H

#include <stddef.h>

#include <jansson.h>

/* Largest scenario file read. */
#define SCN_MAX_BYTES	(1024 * 1024)

/* Where each converted node came from. */
struct scn_marks {
	json_t	**v;
	int	 *line, *col;
	size_t	  n, cap;
	size_t	  produced;
};

/* "line L, column C" of v (written in buf), or "" if unknown. */
const char	*marks_where(struct scn_marks *, json_t *v, char *buf, size_t len);
void		 marks_free(struct scn_marks *);
/* Parse YAML text (what names it in messages) into JSON (new), its
 * values' positions into m; NULL with *cause. */
json_t		*yaml_parse_marks(const char *text, size_t len, const char *what,
		    struct scn_marks *m, char **cause);
/* A string field of o, or def. */
const char	*fstr(json_t *o, const char *key, const char *def);

#endif
