/* The log view: a pod's log streamed (follow) into a bounded pager
 * (logLines, default 10 000); f follows, Space pauses, w wraps, / searches,
 * p switches to the previous container's log. Every line is sanitised. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <curl/curl.h>

#include "opsdeck/client.h"
#include "opsdeck/http.h"
#include "opsdeck/store.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

/* State of a log view. */
struct logs_view {
	struct pager		*pager;
	struct client_stream	*stream;
	size_t			 cluster;
	char			*ns;
	char			*pod;
	char			*container;
	bool			 previous;
	bool			 paused;
	size_t			 held;		/* lines that arrived while paused */
	size_t			 got;		/* lines this stream sent */
	bool			 ended;		/* the stream is over */
	char			 title[256];
};

/* One log line. */
static int
logs_line(const char *line, size_t len, void *arg)
{
	struct view *v = arg;	/* the stream is cancelled when v is freed */
	struct logs_view *lv = v->data;

	pager_add(lv->pager, line, len);
	lv->got++;
	if (lv->paused)
		lv->held++;
	else
		v->ui->frame = true;	/* a busy log redraws at a bounded rate */
	return 0;
}

/* The stream ended. */
static void
logs_done(const struct client_response *resp, void *arg)
{
	struct view *v = arg;
	struct logs_view *lv = v->data;
	char *err;

	lv->stream = NULL;
	lv->ended = true;
	if (resp->error != NULL || resp->status / 100 != 2) {
		/* the server's Status message: "previous terminated container
		 * "app" in pod "x" not found" */
		err = client_response_error(resp);
		pager_add_line(lv->pager, lv->previous ? "-- no previous log:" :
		    "-- log stream failed:", THEME_ERROR);
		pager_add(lv->pager, err, strlen(err));
		pager_set_last_slot(lv->pager, THEME_ERROR);
		free(err);
	} else if (lv->previous && lv->got == 0)
		pager_add_line(lv->pager, "-- no previous log: the server sent nothing (has the "
		    "container restarted?)", THEME_WARN);
	else
		pager_add_line(lv->pager, lv->previous ? "-- end of the previous container's log" :
		    "-- end of log", THEME_DIM);
	ui_dirty(v->ui);
}

/* (Re)start the stream. */
static void
logs_start(struct view *v)
{
	struct logs_view *lv = v->data;
	struct ui *ui = v->ui;
	char *path, *enc_c = NULL;

	if (lv->stream != NULL)
		client_stream_cancel(ui->client, lv->stream);
	lv->stream = NULL;
	pager_clear(lv->pager);
	lv->got = 0;
	lv->ended = false;
	if (lv->container != NULL)
		enc_c = http_escape(lv->container);
	path = xasprintf("/api/v1/namespaces/%s/pods/%s/log?tailLines=%ld%s%s%s", lv->ns, lv->pod,
	    ui->log_lines, lv->previous ? "&previous=true" : "&follow=true",
	    enc_c != NULL ? "&container=" : "", enc_c != NULL ? enc_c : "");
	free(enc_c);
	snprintf(lv->title, sizeof lv->title, "logs %s/%s%s%s @%s%s", lv->ns, lv->pod,
	    lv->container != NULL ? " -c " : "", lv->container != NULL ? lv->container : "",
	    store_cluster(ui->store, lv->cluster)->name, lv->previous ? " (previous)" : "");
	if (ui->client != NULL)
		lv->stream = client_stream(ui->client, lv->cluster, path, logs_line, logs_done,
		    v);
	free(path);
	pager_follow(lv->pager, true);
}

static int
logs_init(struct view *v, char **cause)
{
	struct logs_view *lv = xcalloc(1, sizeof *lv);

	lv->pager = pager_new((size_t)v->ui->log_lines);
	v->data = lv;
	return 0;
}

static void
logs_free(struct view *v)
{
	struct logs_view *lv = v->data;

	if (lv == NULL)
		return;
	if (lv->stream != NULL && v->ui->client != NULL)
		client_stream_cancel(v->ui->client, lv->stream);
	pager_free(lv->pager);
	free(lv->ns);
	free(lv->pod);
	free(lv->container);
	free(lv);
	v->data = NULL;
}

static void
logs_draw(struct view *v, WINDOW *win, int y, int h, int w, int64_t now)
{
	struct logs_view *lv = v->data;
	char buf[160];

	pager_draw(lv->pager, win, y, h - 1, w, v->ui->wrap, v->ui->ellipsis);
	if (lv->previous)	/* a finished log: nothing to follow */
		snprintf(buf, sizeof buf, " %zu lines  previous log%s  wrap:%s  [w]rap "
		    "[p]current log [/]search", lv->got, lv->ended ? "" : " (loading)",
		    v->ui->wrap ? "on" : "off");
	else
		snprintf(buf, sizeof buf, " %zu lines  %s%s  wrap:%s  [f]ollow [Space]pause "
		    "[w]rap [p]revious [/]search", pager_count(lv->pager), lv->paused ? "PAUSED" :
		    lv->ended ? "ended" : pager_following(lv->pager) ? "following" : "scrolled",
		    lv->held > 0 && lv->paused ? " (new lines held)" : "",
		    v->ui->wrap ? "on" : "off");
	wattrset(win, (attr_t)ui_attr(THEME_DIM));
	table_put(win, y + h - 1, 0, buf, w, v->ui->ellipsis);
}

static int
logs_key(struct view *v, int key)
{
	struct logs_view *lv = v->data;

	switch (key) {
	case 'f':
		pager_follow(lv->pager, !pager_following(lv->pager));
		lv->paused = false;
		break;
	case ' ':
		lv->paused = !lv->paused;
		if (!lv->paused)
			lv->held = 0;
		pager_follow(lv->pager, !lv->paused);
		break;
	case 'w':
		v->ui->wrap = !v->ui->wrap;
		break;
	case 'p':
		lv->previous = !lv->previous;
		logs_start(v);
		break;
	default:
		return pager_key(lv->pager, key) ? VIEW_HANDLED : VIEW_UNHANDLED;
	}
	ui_dirty(v->ui);
	return VIEW_HANDLED;
}

static const char *
logs_title(struct view *v)
{
	return ((struct logs_view *)v->data)->title;
}

static int
logs_search(struct view *v, const char *text, char **cause)
{
	struct logs_view *lv = v->data;

	if (pager_search(lv->pager, text, cause) != 0)
		return -1;
	if (*text != '\0')
		lv->paused = true;
	return 0;
}

/* The pod whose log this is. */
static void
logs_subject(struct view *v, const char **ns, const char **name)
{
	struct logs_view *lv = v->data;

	*ns = lv->ns;
	*name = lv->pod;
}

const struct view_class view_logs_class = {
	.name = "logs",
	.init = logs_init,
	.free = logs_free,
	.draw = logs_draw,
	.key = logs_key,
	.title = logs_title,
	.search = logs_search,
	.subject = logs_subject,
};

int
view_logs_open(struct ui *ui, size_t cluster, const char *ns, const char *pod,
    const char *container, bool previous, char **cause)
{
	struct logs_view *lv;
	struct view *v;

	if (ui->client == NULL) {
		*cause = xstrdup("logs: no connection");
		return -1;
	}
	v = ui_push(ui, &view_logs_class, "pods", pod, cluster, cause);
	if (v == NULL)
		return -1;
	lv = v->data;
	lv->cluster = cluster;
	lv->ns = xstrdup(ns);
	lv->pod = xstrdup(pod);
	lv->container = container != NULL ? xstrdup(container) : NULL;
	lv->previous = previous;
	logs_start(v);
	return 0;
}
