/* The revision history pane under the deployments view (view_history.c):
 * the replica sets the selected deployment owns, newest first, and its
 * share of a VirtualService's traffic split. */
#ifndef OPSDECK_VIEW_HISTORY_H
#define OPSDECK_VIEW_HISTORY_H

#include <stdbool.h>
#include <stdint.h>

#include <curses.h>

#define HISTORY_MAX	16

struct table_row;
struct ui;
struct history_req;

/* One revision of a deployment (from a replica set it owns). */
struct revision {
	long		 revision;
	int64_t		 created;
	char		*images;
	char		*cause;
	char		*name;
};

/* The pane's state, held by its view (zeroed to start). */
struct history {
	struct ui		*ui;
	char			*uid;		/* the deployment fetched for */
	uint64_t		 version;	/* the store's replica sets then */
	char			*rv;		/* the deployment's resourceVersion then */
	struct revision		 revs[HISTORY_MAX];
	size_t			 n;
	bool			 loading;
	char			*error;
	struct history_req	*req;		/* the replica set list in flight */
	struct history_req	*vs_req;	/* the VirtualService list in flight */
	char			*traffic;	/* its share of a split, or NULL */
};

/* Cancel what is in flight and free what h holds (h itself is the view's). */
void	history_free(struct history *h);
/* Fetch for deployment row r when it or the replica sets changed since
 * the last fetch; one request at a time. */
void	history_fetch(struct history *h, const struct table_row *r);
/* Lines the pane takes of a view h lines tall (the revisions and two). */
int	history_height(const struct history *h, int height);
/* Draw the pane of deployment name in lines y .. y + ph - 1. */
void	history_draw(struct history *h, const char *name, WINDOW *win, int y,
	    int ph, int w, int64_t now);

#endif
