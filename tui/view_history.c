/* The revision history pane under the deployments view: the replica sets
 * the selected deployment owns (kubectl rollout history's revisions, with
 * ages, images and change causes), fetched when the deployment or the
 * replica sets change, and the deployment's share of an Istio
 * VirtualService's stable/canary split when one routes to it. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "opsdeck/actions.h"
#include "opsdeck/client.h"
#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

#include "view_history.h"

/* A request of the pane in flight. */
struct history_req {
	struct history	*h;
	struct client_call *call;
	char		*uid;
	char		*name;		/* the deployment's (VirtualService request) */
	char		*selector;
};

/* Compare revisions, newest first. */
static int
history_cmp(const void *a, const void *b)
{
	const struct revision *ra = a, *rb = b;

	return ra->revision < rb->revision ? 1 : ra->revision > rb->revision ? -1 : 0;
}

static void
history_req_free(struct history_req *req)
{
	if (req == NULL)
		return;
	free(req->uid);
	free(req->name);
	free(req->selector);
	free(req);
}

/* Forget the revisions and the error. */
static void
history_clear(struct history *h)
{
	size_t i;

	for (i = 0; i < h->n; i++) {
		free(h->revs[i].images);
		free(h->revs[i].cause);
		free(h->revs[i].name);
	}
	h->n = 0;
	free(h->error);
	h->error = NULL;
}

/* Drop the requests in flight: their answers are never looked at (a newer
 * fetch replaces them, or the view is freed). */
static void
history_cancel(struct history *h)
{
	if (h->req != NULL)
		client_call_cancel(h->ui->client, h->req->call);
	if (h->vs_req != NULL)
		client_call_cancel(h->ui->client, h->vs_req->call);
	history_req_free(h->req);
	history_req_free(h->vs_req);
	h->req = h->vs_req = NULL;
}

void
history_free(struct history *h)
{
	history_clear(h);
	if (h->ui != NULL)
		history_cancel(h);
	free(h->uid);
	free(h->rv);
	free(h->traffic);
	h->uid = h->rv = h->traffic = NULL;
}

/* The share of traffic a VirtualService of list (a VirtualServiceList)
 * gives a deployment: a split route between the stable and canary subsets
 * of a host whose first label is the deployment's app label (or its name);
 * the deployment is the subset its version label names ("stable" without
 * one). New text, or NULL if no VirtualService routes to it. */
char *
view_vs_traffic(json_t *list, const char *name, const char *selector)
{
	json_t *vs, *route, *stable, *canary, *mine;
	char appbuf[256], subbuf[256], *out = NULL, *clean;
	const char *app = labels_flat_get(selector, "app", appbuf, sizeof appbuf);
	const char *subset = labels_flat_get(selector, "version", subbuf, sizeof subbuf);
	const char *host, *vsname, *want = app != NULL ? app : name;
	size_t i, j, n;

	json_array_foreach(json_object_get(list, "items"), i, vs) {
		json_array_foreach(json_path(vs, "spec.http"), j, route) {
			if (out != NULL || !actions_vs_split(route, &stable, &canary))
				continue;
			mine = subset == NULL || strcmp(subset, "stable") == 0 ? stable :
			    strcmp(subset, "canary") == 0 ? canary : NULL;
			host = json_path_str_or(mine, "destination.host", "");
			n = strcspn(host, ".");
			if (mine == NULL || strlen(want) != n || strncmp(host, want, n) != 0)
				continue;
			vsname = json_path_str_or(vs, "metadata.name", "");
			out = xasprintf("traffic %lld%% (%s subset of VirtualService %s, "
			    "stable/canary %lld/%lld)",
			    (long long)json_path_int(mine, "weight", 0),
			    mine == stable ? "stable" : "canary", vsname,
			    (long long)json_path_int(stable, "weight", 0),
			    (long long)json_path_int(canary, "weight", 0));
		}
	}
	if (out == NULL)
		return NULL;
	clean = sanitize_str(out, 0);
	free(out);
	return clean;
}

/* The namespace's VirtualServices arrived: the deployment's weight. A
 * cluster without Istio (404) or any error shows no weight. */
static void
history_vs_done(const struct client_response *resp, void *arg)
{
	struct history_req *req = arg;
	struct history *h = req->h;
	json_t *root;
	json_error_t jerr;

	h->vs_req = NULL;
	if (resp->error != NULL || resp->status / 100 != 2)
		goto out;
	root = json_loadb(resp->body, resp->len, 0, &jerr);
	free(h->traffic);
	h->traffic = view_vs_traffic(root, req->name, req->selector);
	json_decref(root);
	ui_dirty(h->ui);
out:
	history_req_free(req);
}

/* A replica set list arrived: keep those the deployment owns. */
static void
history_done(const struct client_response *resp, void *arg)
{
	struct history_req *req = arg;
	struct history *h = req->h;
	json_t *root = NULL, *items, *it, *md, *refs, *ref, *ann, *cs, *c;
	json_error_t jerr;
	size_t i, j;
	const char *s;
	char images[512], *clean;
	struct revision *r;

	h->req = NULL;
	h->loading = false;
	history_clear(h);
	if (resp->error != NULL || resp->status / 100 != 2) {
		clean = client_response_error(resp);
		h->error = sanitize_str(clean, 0);
		free(clean);
		goto done;
	}
	root = json_loadb(resp->body, resp->len, 0, &jerr);
	items = json_object_get(root, "items");
	json_array_foreach(items, i, it) {
		md = json_object_get(it, "metadata");
		refs = json_object_get(md, "ownerReferences");
		s = NULL;
		json_array_foreach(refs, j, ref) {
			if (json_is_true(json_object_get(ref, "controller")))
				s = json_string_value(json_object_get(ref, "uid"));
		}
		if (s == NULL || strcmp(s, req->uid) != 0 || h->n == HISTORY_MAX)
			continue;
		r = &h->revs[h->n++];
		ann = json_object_get(md, "annotations");
		s = json_string_value(json_object_get(ann, "deployment.kubernetes.io/revision"));
		r->revision = s != NULL ? strtol(s, NULL, 10) : 0;
		s = json_string_value(json_object_get(ann, "kubernetes.io/change-cause"));
		r->cause = sanitize_str(s != NULL ? s : "<none>", 0);
		s = json_string_value(json_object_get(md, "name"));
		r->name = sanitize_str(s != NULL ? s : "", 0);
		s = json_string_value(json_object_get(md, "creationTimestamp"));
		r->created = s != NULL ? parse_rfc3339(s) : 0;
		images[0] = '\0';
		cs = json_object_get(json_object_get(json_object_get(json_object_get(it, "spec"),
		    "template"), "spec"), "containers");
		json_array_foreach(cs, j, c) {
			s = json_string_value(json_object_get(c, "image"));
			if (s != NULL && strlen(images) + strlen(s) + 2 < sizeof images) {
				if (images[0] != '\0')
					strcat(images, ",");
				strcat(images, s);
			}
		}
		r->images = sanitize_str(images, 0);
	}
	qsort(h->revs, h->n, sizeof h->revs[0], history_cmp);
done:
	ui_dirty(h->ui);
	json_decref(root);
	history_req_free(req);
}

/* A rollback or rollout gives the deployment a new resourceVersion: the
 * history follows the store, whether or not replica sets are watched. */
void
history_fetch(struct history *h, const struct table_row *r)
{
	struct ui *ui = h->ui;
	struct history_req *req;
	const struct row *dep;
	const struct kind *vs;
	uint64_t ver = store_version(ui->store, "replicasets");
	const char *dep_rv;
	bool same;
	char *path;

	if (r == NULL || ui->client == NULL)
		return;
	dep = store_get(ui->store, r->cluster, "deployments", r->ns, r->name);
	dep_rv = dep != NULL && dep->rv != NULL ? dep->rv : "";
	same = h->uid != NULL && strcmp(h->uid, r->uid) == 0;
	if (same && (h->loading || (h->version == ver &&
	    h->rv != NULL && strcmp(h->rv, dep_rv) == 0)))
		return;
	free(h->uid);
	h->uid = xstrdup(r->uid);
	free(h->rv);
	h->rv = xstrdup(dep_rv);
	h->version = ver;
	history_cancel(h);
	h->loading = true;
	req = xcalloc(1, sizeof *req);
	req->h = h;
	req->uid = xstrdup(r->uid);
	path = xasprintf("/apis/apps/v1/namespaces/%s/replicasets?limit=500", r->ns);
	h->req = req;
	req->call = client_request(ui->client, r->cluster, "GET", path, NULL, NULL,
	    history_done, req);
	free(path);
	/* the VirtualServices that may route to it */
	free(h->traffic);
	h->traffic = NULL;
	vs = kind_find_api("networking.istio.io", "virtualservices");
	if (vs == NULL)
		return;
	req = xcalloc(1, sizeof *req);
	req->h = h;
	req->uid = xstrdup(r->uid);
	req->name = xstrdup(r->name);
	req->selector = xstrdup(dep != NULL && dep->selector != NULL ? dep->selector : "");
	path = kind_path(vs, r->ns, NULL);
	h->vs_req = req;
	req->call = client_request(ui->client, r->cluster, "GET", path, NULL, NULL,
	    history_vs_done, req);
	free(path);
}

/* Byte offset in s after which the rest is at most width columns wide. */
static size_t
tail_bytes(const char *s, int width)
{
	size_t off = 0;

	while (s[off] != '\0' && (int)display_width(s + off) > width) {
		off++;
		while (((unsigned char)s[off] & 0xc0) == 0x80)
			off++;
	}
	return off;
}

/* Images (comma separated, sanitised) shortened from the left to width
 * columns, keeping each repo:tag: "…/quiz-backend:v2.4.0-bad". New string. */
char *
view_short_image(const char *images, int width, const char *ellipsis)
{
	char *out, *copy, *img, *save = NULL, *slash;
	size_t len;
	int ew = (int)display_width(ellipsis);

	if (width <= 0)
		return xstrdup("");
	if ((int)display_width(images) <= width)
		return xstrdup(images);
	/* registry and path go first: "…/name:tag" for each image */
	len = strlen(images) * 2 + 16;
	out = xcalloc(1, len);
	copy = xstrdup(images);
	for (img = strtok_r(copy, ",", &save); img != NULL; img = strtok_r(NULL, ",", &save)) {
		if (*out != '\0')
			strcat(out, ",");
		slash = strrchr(img, '/');
		if (slash != NULL) {
			strcat(out, ellipsis);
			strcat(out, slash);
		} else
			strcat(out, img);
	}
	free(copy);
	if ((int)display_width(out) > width) {
		/* still too wide: keep the right end */
		copy = out;
		out = ew < width ? xasprintf("%s%s", ellipsis,
		    copy + tail_bytes(copy, width - ew)) :
		    xstrdup(copy + tail_bytes(copy, width));
		free(copy);
	}
	return out;
}

int
history_height(const struct history *h, int height)
{
	int ph = (h->n > 0 ? (int)h->n : 1) + 2;

	if (ph > height / 3)
		ph = height / 3;
	if (ph > HISTORY_MAX + 2)
		ph = HISTORY_MAX + 2;
	return ph;
}

void
history_draw(struct history *h, const char *name, WINDOW *win, int y, int ph,
    int w, int64_t now)
{
	const char *ell = h->ui->ellipsis;
	int i, wr = 8, wa = 3, wi = 6, x, cw, avail, n;
	char buf[1024], age[32], rev[32], *img;
	struct revision *hr;
	size_t k;

	wattrset(win, (attr_t)ui_attr(THEME_SECTION));
	snprintf(buf, sizeof buf, " revision history: %s%s%s%s", name,
	    h->loading ? " (loading)" : "", h->traffic != NULL ? " — " : "",
	    h->traffic != NULL ? h->traffic : "");
	table_put(win, y, 0, buf, w, ell);
	/* column widths by display width: REVISION, AGE, IMAGES, CHANGE-CAUSE */
	for (k = 0; k < h->n; k++) {
		hr = &h->revs[k];
		n = snprintf(rev, sizeof rev, "%ld", hr->revision);
		wr = n > wr ? n : wr;
		human_duration(hr->created != 0 ? now - hr->created : 0, age, sizeof age);
		n = (int)display_width(age);
		wa = n > wa ? n : wa;
		n = (int)display_width(hr->images);
		wi = n > wi ? n : wi;
	}
	/* IMAGES gets what CHANGE-CAUSE (12 at least) leaves */
	avail = w - (2 + wr + 2 + wa + 2) - 2 - 12;
	if (wi > avail) {
		/* as wide as the shortened images need */
		avail = avail > 12 ? avail : 12;
		wi = 6;
		for (k = 0; k < h->n; k++) {
			img = view_short_image(h->revs[k].images, avail, ell);
			n = (int)display_width(img);
			wi = n > wi ? n : wi;
			free(img);
		}
	}
	wattrset(win, (attr_t)ui_attr(THEME_COLHEAD));
	table_put(win, y + 1, 0, "", w, ell);
	x = 2;
	table_put(win, y + 1, x, "REVISION", wr, ell);
	x += wr + 2;
	table_put(win, y + 1, x, "AGE", wa < w - x ? wa : w - x, ell);
	x += wa + 2;
	table_put(win, y + 1, x, "IMAGES", wi < w - x ? wi : w - x, ell);
	x += wi + 2;
	if (x < w)
		table_put(win, y + 1, x, "CHANGE-CAUSE", w - x, ell);
	wattrset(win, (attr_t)ui_attr(THEME_NORMAL));
	for (i = 0; i < ph - 2; i++) {
		table_put(win, y + 2 + i, 0, "", w, ell);
		if (i == 0 && h->error != NULL) {
			table_put(win, y + 2, 0, h->error, w, ell);
			continue;
		}
		if ((size_t)i >= h->n)
			continue;
		hr = &h->revs[i];
		snprintf(rev, sizeof rev, "%ld", hr->revision);
		human_duration(hr->created != 0 ? now - hr->created : 0, age, sizeof age);
		x = 2;
		table_put(win, y + 2 + i, x, rev, wr, ell);
		x += wr + 2;
		if (x >= w)
			continue;
		table_put(win, y + 2 + i, x, age, wa < w - x ? wa : w - x, ell);
		x += wa + 2;
		if (x >= w)
			continue;
		cw = wi < w - x ? wi : w - x;
		img = view_short_image(hr->images, cw, ell);
		table_put(win, y + 2 + i, x, img, cw, ell);
		free(img);
		x += wi + 2;
		if (x < w)
			table_put(win, y + 2 + i, x, hr->cause, w - x, ell);
	}
}
