/* The user's config.yaml ($XDG_CONFIG_HOME/opsdeck/config.yaml, else
 * ~/.config/opsdeck/config.yaml): context groups, per-context settings and
 * console keys kept as raw strings for the console to interpret.
 *
 *	groups:
 *	  estate: [prod-tokyo, prod-osaka, staging]
 *	contexts:
 *	  prod-tokyo:
 *	    role: primary
 *	    protected: true
 *	    readOnly: false
 *	    alertmanager: {url: https://am.example}	# or a service proxy path
 *	    prometheus: {url: ...}
 *	    backupRPO: 1h
 *	defaultView: overview
 *	theme: dark
 *	refresh: 2s
 *	keys: {x: "delete-pod"}
 *
 * Unknown keys are kept as warnings with their line numbers. */
#ifndef OPSDECK_CONFIG_H
#define OPSDECK_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Per-context settings. */
struct config_context {
	char		*name;
	char		*role;			/* or NULL */
	bool		 protected_ctx;
	bool		 read_only;
	/* Whether config.yaml gave them: a context named only for its URLs
	 * keeps the kubeconfig extension's protection and read-only flag. */
	bool		 protected_set;
	bool		 read_only_set;
	char		*alertmanager_url;	/* or NULL: the default service path */
	char		*prometheus_url;
	double		 rpo_seconds;		/* 0: unset */
};

/* A named group of context names. */
struct config_group {
	char		*name;
	char		**members;
	size_t		 nmembers;
};

/* A console key: "theme" or "keys.x" → its raw scalar value. */
struct config_value {
	char		*key;
	char		*value;
	int		 line;
};

/* Parsed config.yaml. */
struct opsdeck_config {
	char			*path;		/* file read, or NULL if none existed */
	struct config_context	*contexts;
	size_t			 ncontexts;
	struct config_group	*groups;
	size_t			 ngroups;
	struct config_value	*values;
	size_t			 nvalues;
	char			**warnings;	/* "config.yaml:12: unknown key 'colour'" */
	size_t			 nwarnings;
};

/* The default path (new string), from $XDG_CONFIG_HOME or $HOME. */
char			*config_default_path(void);
/* Load path (NULL: the default). A missing file yields an empty config;
 * malformed YAML or wrong shapes return NULL with *cause
 * ("file:line:col: ..."). */
struct opsdeck_config	*config_load(const char *path, char **cause);
/* Parse from memory; name is used in messages. */
struct opsdeck_config	*config_parse(const char *buf, size_t len, const char *name,
			    char **cause);
void			 config_free(struct opsdeck_config *);

/* Raw value of a console key ("theme", "refresh", "keys.x"), or NULL. */
const char		*config_get(const struct opsdeck_config *, const char *key);
/* Settings for context name, or NULL. */
const struct config_context *config_context_find(const struct opsdeck_config *, const char *name);
/* Group named name, or NULL. */
const struct config_group *config_group_find(const struct opsdeck_config *, const char *name);

#endif

