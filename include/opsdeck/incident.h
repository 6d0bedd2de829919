/* Incidents: a timeline of alerts seen, notes, actions and runbook steps,
 * kept as $XDG_STATE_HOME/opsdeck/incidents/ID.jsonl (one event per line,
 * written like the audit log: one write(), fsync). The open incident's id
 * is in incidents/current so the console and headless runs share it.
 *
 * An event line:
 *	{"time":"2026-11-23T17:45:00.123Z","type":"note","user":"ana","text":"..."}
 * types: open, note, alert, action, step, view, drill, close. */
#ifndef OPSDECK_INCIDENT_H
#define OPSDECK_INCIDENT_H

#include <stdio.h>

#include <jansson.h>

/* The incidents directory (new string). */
char	*incident_dir(void);
/* Open a new incident (severity P0..P3) and make it current; *id (new) is
 * "INC-YYYYMMDD-hhmmss". 0, or -1 with *cause (one is already open, bad
 * severity, I/O). */
int	 incident_open(const char *severity, const char *title, char **id, char **cause);
/* The open incident's id (new string), or NULL. */
char	*incident_current(void);
/* Append an event of type with text (and extra fields from extra, borrowed,
 * may be NULL) to incident id (NULL: the current one; no-op returning 0 if
 * none is open). */
int	 incident_event(const char *id, const char *type, const char *text, json_t *extra,
	    char **cause);
/* Record a drill score on incident id from a /drill/v1/status document
 * (borrowed): seconds from the first fault to the incident being opened,
 * to the first action, to the scenario being resolved. 0, or -1 with
 * *cause (not a drill document, no fault yet, I/O). */
int	 incident_drill_score(const char *id, json_t *status, char **cause);
/* Close the current incident (with an optional closing note). */
int	 incident_close(const char *text, char **cause);
/* Write incident id's timeline as Markdown to f. */
int	 incident_export(const char *id, FILE *f, char **cause);
/* List incidents (id, severity, state, title) to f. */
int	 incident_list(FILE *f, char **cause);
/* Register the console's :incident and :note commands (runbook_register_all
 * does this). */
void	 incident_register_commands(void);
/* True if s is a valid incident id (no path tricks). */
int	 incident_id_valid(const char *s);

#endif
