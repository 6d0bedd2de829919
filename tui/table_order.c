/* The table widget's order: every row kept sorted, the filter applied a
 * slice at a time as it is typed, and changed rows placed where they now
 * sort (see table.h). */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "opsdeck/json_util.h"
#include "opsdeck/loop.h"
#include "opsdeck/printers.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/xmalloc.h"

#include "table_int.h"

/* True if row r passes the filter. */
static bool
table_row_passes(struct table *t, struct table_row *r)
{
	char buf[4096], tbuf[256];
	const char *text;
	size_t i, off = 0, n;
	bool m;

	if (t->filter_is_label)
		return label_selector_match_flat(t->label_sel, r->labels);
	if (!t->have_re)
		return true;

	for (i = 0; i < t->ncols && off < sizeof buf - 1; i++) {
		text = table_cell_text(r, i, tbuf, sizeof tbuf);
		n = strlen(text);
		if (n > sizeof buf - 2 - off)
			n = sizeof buf - 2 - off;
		memcpy(buf + off, text, n);
		off += n;
		buf[off++] = ' ';
	}
	buf[off] = '\0';
	if (t->plain != NULL)	/* plain text, the usual case: no regex engine */
		m = strcasestr(buf, t->plain) != NULL;
	else
		m = regexec(&t->re, buf, 0, NULL, 0) == 0;
	return m != t->filter_invert;
}

/* The table being sorted (qsort has no context argument). */
static struct table *sorting;

/* A numeric sort key: ages of source rows by their time (the same order
 * as their age at any one moment, whenever each row was built). */
static int64_t
sort_num(const struct table_row *r, size_t col)
{
	const struct cell *c;

	if (r->cells[col] == NULL && (c = src_cell(r, col)) != NULL &&
	    (c->type == CELL_AGE || c->type == CELL_UNTIL))
		return c->when != 0 ? -c->when : INT64_MIN;
	return table_cell_num(r, col);
}

/* Order of rows rows[ia] and rows[ib]: flagged first, the sort column,
 * then as the store lists them (cluster, namespace, name, uid) for rows
 * from the store, else as added. A strict order: where a row goes is
 * where a full sort puts it. */
static int
row_order(const struct table *t, size_t ia, size_t ib)
{
	const struct table_row *ra = t->rows[ia];
	const struct table_row *rb = t->rows[ib];
	int col = t->sort_col >= 0 ? t->sort_col : t->def_col;
	int dir = t->sort_col >= 0 ? t->sort_dir : t->def_dir;
	int c = 0;
	bool fa, fb;
	char ba[256], bb[256];
	int64_t na, nb;

	if (t->flag_first != 0) {
		fa = (ra->flags & t->flag_first) != 0;
		fb = (rb->flags & t->flag_first) != 0;
		if (fa != fb)
			return fa ? -1 : 1;
	}
	if (col >= 0 && (size_t)col < t->ncols) {
		if (t->cols[col].numeric) {
			na = sort_num(ra, (size_t)col);
			nb = sort_num(rb, (size_t)col);
			if (na != nb)
				c = na < nb ? -1 : 1;
		} else
			c = strcmp(table_cell_text(ra, (size_t)col, ba, sizeof ba),
			    table_cell_text(rb, (size_t)col, bb, sizeof bb));
		c *= dir;
	}
	if (c == 0 && ra->src != NULL && rb->src != NULL) {
		if (ra->cluster != rb->cluster)
			return ra->cluster < rb->cluster ? -1 : 1;
		if ((c = strcmp(ra->ns, rb->ns)) == 0 &&
		    (c = strcmp(ra->name, rb->name)) == 0)
			c = strcmp(ra->uid != NULL ? ra->uid : "", rb->uid != NULL ? rb->uid : "");
	}
	if (c == 0 && ia != ib)
		c = ia < ib ? -1 : 1;	/* stable: as added */
	return c;
}

/* qsort's comparison of two indices of sorting's rows. */
static int
row_cmp(const void *a, const void *b)
{
	return row_order(sorting, *(const size_t *)a, *(const size_t *)b);
}

/* Where row index i goes in a (n indices, in row order): the first
 * position whose row comes after it. */
static size_t
order_find(const struct table *t, const size_t *a, size_t n, size_t i)
{
	size_t lo = 0, hi = n, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (row_order(t, a[mid], i) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* True if rows are sorted at all (else they stay in the order added). */
static bool
table_sorted(const struct table *t)
{
	return t->sort_col >= 0 || t->def_col >= 0 || t->flag_first != 0;
}

/* Sort every row into t->order, if rows or the sort changed since. */
static void
table_order(struct table *t)
{
	size_t i;

	if (t->order_valid)
		return;
	table_walk_stop(t);
	free(t->order);
	t->order = xcalloc(t->nrows + 1, sizeof *t->order);
	for (i = 0; i < t->nrows; i++)
		t->order[i] = i;
	/* rows from the store in its order even with no sort: rows changed
	 * in place (table_place) are no longer in the order added */
	if (table_sorted(t) || (t->nrows > 0 && t->rows[0]->src != NULL)) {
		sorting = t;
		qsort(t->order, t->nrows, sizeof *t->order, row_cmp);
		sorting = NULL;
	}
	t->order_valid = true;
}

/* Filter anew from src (n sorted indices; a copy the table now owns if
 * own): the matches so far are the visible rows. */
static void
table_walk_start(struct table *t, size_t *src, size_t n, bool own)
{
	size_t i;

	table_walk_stop(t);
	t->walk = src;
	t->nwalk = n;
	t->walk_own = own;
	t->walking = true;
	for (i = 0; i < t->nvis; i++)
		t->rows[t->vis[i]]->shown = false;
	free(t->vis);
	t->vis = xcalloc(n + 1, sizeof *t->vis);
	t->nvis = 0;
	memset(t->maxw, 0, t->ncols * sizeof *t->maxw);
	memset(t->wcount, 0, t->ncols * TABLE_WIDTHS * sizeof *t->wcount);
	t->maxw_stale = false;
}

/* Go on filtering for at most budget seconds (0: to the end); true once
 * done, the selection found again by its key. */
static bool
table_walk(struct table *t, double budget)
{
	double t0;
	struct table_row *r;
	size_t i;

	if (!t->walking)
		return true;	/* none under way: the selection is kept as rows move */
	t0 = budget > 0 ? loop_now() : 0;
	while (t->wpos < t->nwalk) {
		r = t->rows[t->walk[t->wpos++]];
		if (table_row_passes(t, r)) {
			t->vis[t->nvis++] = t->walk[t->wpos - 1];
			table_show(t, r);
		}
		if (budget > 0 && (t->wpos & 255) == 0 && loop_now() - t0 > budget)
			break;
	}
	if (t->wpos < t->nwalk) {
		if (t->sel >= t->nvis)
			t->sel = t->nvis == 0 ? 0 : t->nvis - 1;
		return false;
	}
	table_walk_stop(t);
	if (t->sel_key != NULL) {
		for (i = 0; i < t->nvis; i++) {
			if (strcmp(t->rows[t->vis[i]]->key, t->sel_key) == 0) {
				t->sel = i;
				break;
			}
		}
	}
	if (t->sel >= t->nvis)
		t->sel = t->nvis == 0 ? 0 : t->nvis - 1;
	return true;
}

/* Recompute the visible list and restore the selection. */
static void
table_refilter(struct table *t)
{
	table_order(t);
	table_walk_start(t, t->order, t->nrows, false);
	table_walk(t, 0);
}

void
table_end(struct table *t)
{
	t->order_valid = false;
	table_refilter(t);
}

bool
table_filtering(const struct table *t)
{
	return t->walking;
}

bool
table_filter_continue(struct table *t, double budget)
{
	return table_walk(t, budget);
}

size_t
table_count(const struct table *t)
{
	return t->nvis;
}

size_t
table_total(const struct table *t)
{
	return t->nrows;
}

struct table_row *
table_row_at(struct table *t, size_t i)
{
	return i < t->nvis ? t->rows[t->vis[i]] : NULL;
}

struct table_row *
table_row_raw(struct table *t, size_t i)
{
	return i < t->nrows ? t->rows[i] : NULL;
}

struct table_row *
table_selected(struct table *t)
{
	return table_row_at(t, t->sel);
}

size_t
table_selected_index(const struct table *t)
{
	return t->sel;
}

bool
table_select_key(struct table *t, const char *key)
{
	size_t i;

	for (i = 0; i < t->nvis; i++) {
		if (strcmp(t->rows[t->vis[i]]->key, key) == 0) {
			t->sel = i;
			table_remember(t);
			return true;
		}
	}
	return false;
}

/* The position of row index i in a (n indices), or SIZE_MAX. */
static size_t
order_at(const struct table *t, const size_t *a, size_t n, size_t i)
{
	size_t p = order_find(t, a, n, i);

	return p < n && a[p] == i ? p : SIZE_MAX;
}

/* Insert index i at position p of a (n indices, room for one more). */
static void
order_insert(size_t *a, size_t n, size_t p, size_t i)
{
	memmove(&a[p + 1], &a[p], (n - p) * sizeof *a);
	a[p] = i;
}

/* Put rows[i], in neither order nor vis, where it sorts in both. */
static void
table_place_at(struct table *t, size_t i)
{
	struct table_row *r = t->rows[i];
	size_t p;

	t->order = xreallocarray(t->order, t->nrows + 1, sizeof *t->order);
	order_insert(t->order, t->nrows - 1, order_find(t, t->order, t->nrows - 1, i), i);
	if (!table_row_passes(t, r))
		return;
	t->vis = xreallocarray(t->vis, t->nvis + 2, sizeof *t->vis);
	p = order_find(t, t->vis, t->nvis, i);
	order_insert(t->vis, t->nvis++, p, i);
	if (t->sel_key != NULL && strcmp(r->key, t->sel_key) == 0)
		t->sel = p;		/* the selected row, changed */
	else if (p <= t->sel && t->nvis > 1)
		t->sel++;
	table_show(t, r);
}

bool
table_place(struct table *t, struct table_row *r)
{
	size_t i = t->nrows - 1;

	if (t->nrows == 0 || t->rows[i] != r || r->src == NULL || !t->order_valid)
		return false;
	table_walk(t, 0);
	table_place_at(t, i);
	return true;
}

/* Merge a (na indices) and b (nb), each in row order, into out. */
static void
order_merge(const struct table *t, const size_t *a, size_t na, const size_t *b, size_t nb,
    size_t *out)
{
	size_t i = 0, j = 0, k = 0;

	while (i < na && j < nb)
		out[k++] = row_order(t, a[i], b[j]) < 0 ? a[i++] : b[j++];
	while (i < na)
		out[k++] = a[i++];
	while (j < nb)
		out[k++] = b[j++];
}

bool
table_place_from(struct table *t, size_t first)
{
	size_t n, i, keep = 0, p;
	size_t *add, *merged, was = SIZE_MAX;

	if (first > t->nrows || !t->order_valid)
		return false;
	n = t->nrows - first;
	for (i = first; i < t->nrows; i++) {
		if (t->rows[i]->src == NULL)
			return false;
	}
	if (n == 0)
		return true;
	table_walk(t, 0);
	add = xreallocarray(NULL, n, sizeof *add);
	for (i = 0; i < n; i++)
		add[i] = first + i;
	sorting = t;
	qsort(add, n, sizeof *add, row_cmp);
	sorting = NULL;
	merged = xreallocarray(NULL, t->nrows + 1, sizeof *merged);
	order_merge(t, t->order, first, add, n, merged);
	free(t->order);
	t->order = merged;

	/* the new rows that pass the filter join vis; the selection stays on
	 * its row, or moves to a new row with the remembered key (one taken
	 * out and placed again) */
	for (i = 0; i < n; i++) {
		if (!table_row_passes(t, t->rows[add[i]]))
			continue;
		add[keep++] = add[i];
		table_show(t, t->rows[add[i]]);
		if (t->sel_key != NULL && strcmp(t->rows[add[i]]->key, t->sel_key) == 0)
			was = add[i];
	}
	if (was == SIZE_MAX && t->sel < t->nvis)
		was = t->vis[t->sel];
	merged = xreallocarray(NULL, t->nvis + keep + 2, sizeof *merged);
	order_merge(t, t->vis, t->nvis, add, keep, merged);
	free(t->vis);
	t->vis = merged;
	t->nvis += keep;
	free(add);
	if (was != SIZE_MAX && (p = order_at(t, t->vis, t->nvis, was)) != SIZE_MAX)
		t->sel = p;
	return true;
}

/* Take index i (at position p of order) out of the table and free it;
 * the last row moves into its slot. */
static void
table_drop(struct table *t, size_t i, size_t p)
{
	struct table_row *r = t->rows[i];
	size_t q, last = t->nrows - 1;

	memmove(&t->order[p], &t->order[p + 1], (t->nrows - p - 1) * sizeof *t->order);
	if ((q = order_at(t, t->vis, t->nvis, i)) != SIZE_MAX) {
		memmove(&t->vis[q], &t->vis[q + 1], (t->nvis - q - 1) * sizeof *t->vis);
		t->nvis--;
		if (q == t->sel) {	/* placed again (changed): selected again */
			free(t->sel_key);
			t->sel_key = xstrdup(r->key);
		}
		if (q < t->sel)
			t->sel--;
		table_unshow(t, r);
		if (t->sel >= t->nvis)
			t->sel = t->nvis == 0 ? 0 : t->nvis - 1;
	}
	if (i != last) {
		/* rows from the store sort by what they show and where the
		 * store lists them, never by index: only the index changes */
		p = order_at(t, t->order, t->nrows - 1, last);
		q = order_at(t, t->vis, t->nvis, last);
		if (p != SIZE_MAX)
			t->order[p] = i;
		if (q != SIZE_MAX)
			t->vis[q] = i;
		t->rows[i] = t->rows[last];
	}
	table_row_free(r, t->ncols);
	t->nrows--;
}

/* The row built like probe, rows[pi] (its source and cluster; order holds
 * the rows before the probe, which sorts right after it): its index, and
 * its position in order in *p; SIZE_MAX if there is none. */
static size_t
table_find_like(struct table *t, size_t pi, size_t *p)
{
	struct table_row *probe = t->rows[pi];
	size_t i;

	if (probe->src == NULL || !t->order_valid)
		return SIZE_MAX;
	table_walk(t, 0);
	*p = order_find(t, t->order, pi, pi);
	if (*p == 0)
		return SIZE_MAX;
	i = t->order[--*p];
	return t->rows[i]->src == probe->src && t->rows[i]->cluster == probe->cluster ?
	    i : SIZE_MAX;
}

bool
table_remove_like(struct table *t, struct table_row *probe)
{
	size_t pi = t->nrows - 1, p = 0, i;

	if (t->nrows == 0 || t->rows[pi] != probe)
		return false;
	i = table_find_like(t, pi, &p);
	table_row_free(probe, t->ncols);
	t->nrows--;
	if (i != SIZE_MAX)
		table_drop(t, i, p);
	return i != SIZE_MAX;
}

/* Row r takes the place of rows[i] (at position p of order), which it
 * sorts at: the same neighbours in order, and so in vis. */
static void
table_swap_in(struct table *t, size_t i, struct table_row *r)
{
	struct table_row *old = t->rows[i];
	size_t q = order_at(t, t->vis, t->nvis, i);
	bool shown;

	t->rows[i] = r;
	shown = table_row_passes(t, r);
	table_unshow(t, old);
	if (q != SIZE_MAX && !shown) {
		memmove(&t->vis[q], &t->vis[q + 1], (t->nvis - q - 1) * sizeof *t->vis);
		t->nvis--;
		if (q < t->sel)
			t->sel--;
		else if (q == t->sel) {	/* shown again if it passes again */
			free(t->sel_key);
			t->sel_key = xstrdup(r->key);
		}
		if (t->sel >= t->nvis)
			t->sel = t->nvis == 0 ? 0 : t->nvis - 1;
	} else if (q == SIZE_MAX && shown) {
		t->vis = xreallocarray(t->vis, t->nvis + 2, sizeof *t->vis);
		q = order_find(t, t->vis, t->nvis, i);
		order_insert(t->vis, t->nvis++, q, i);
		if (t->sel_key != NULL && strcmp(r->key, t->sel_key) == 0)
			t->sel = q;
		else if (q <= t->sel && t->nvis > 1)
			t->sel++;
	}
	if (shown)
		table_show(t, r);
	table_row_free(old, t->ncols);
}

bool
table_replace(struct table *t, struct table_row *probe, struct table_row *r)
{
	size_t n = t->nrows, i, p = 0;
	bool fits;

	if (n < 2 || t->rows[n - 2] != probe || t->rows[n - 1] != r || r->src == NULL)
		return false;
	i = table_find_like(t, n - 2, &p);
	/* the probe goes: r takes its index, the last */
	t->rows[n - 2] = r;
	table_row_free(probe, t->ncols);
	t->nrows = --n;
	if (i == SIZE_MAX) {
		table_row_free(r, t->ncols);
		t->nrows--;
		return false;
	}
	/* order holds every row but r: where r sorts among the neighbours of
	 * the row it replaces (the same key: most watch events) */
	fits = (p == 0 || row_order(t, t->order[p - 1], n - 1) < 0) &&
	    (p + 1 >= n - 1 || row_order(t, n - 1, t->order[p + 1]) < 0);
	if (fits) {
		t->nrows--;
		table_swap_in(t, i, r);
		return true;
	}
	/* it moves: out, and in where it sorts */
	t->nrows--;
	table_drop(t, i, p);
	t->rows[t->nrows++] = r;
	table_place_at(t, t->nrows - 1);
	return true;
}

/* Parse spec into the table's filter (without applying it). */
static int
table_filter_parse(struct table *t, const char *spec, char **cause)
{
	regex_t re;
	const char *p = spec;
	struct label_selector *sel;
	bool invert = false;
	char err[256], *why = NULL;
	int rc;

	while (*p == ' ')
		p++;
	if (strncmp(p, "-l", 2) == 0 && (p[2] == ' ' || p[2] == '\0')) {
		p += 2;
		while (*p == ' ')
			p++;
		if (*p == '\0') {
			*cause = xstrdup("label selector: -l key=value[,key!=value,key in (a,b),...]");
			return -1;
		}
		sel = label_selector_parse(p, &why);
		if (sel == NULL) {
			*cause = xasprintf("label selector: %s", why);
			free(why);
			return -1;
		}
		if (t->have_re)
			regfree(&t->re);
		t->have_re = false;
		label_selector_free(t->label_sel);
		t->label_sel = sel;
		t->filter_is_label = true;
		free(t->filter);
		t->filter = xstrdup(spec);
		return 0;
	}
	if (*p == '!') {
		invert = true;
		p++;
	}
	if (*p == '\0') {
		if (t->have_re)
			regfree(&t->re);
		t->have_re = false;
		t->filter_is_label = false;
		free(t->filter);
		t->filter = NULL;
		return 0;
	}
	rc = regcomp(&re, p, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &re, err, sizeof err);
		*cause = xasprintf("filter: %s", err);
		return -1;
	}
	if (t->have_re)
		regfree(&t->re);
	t->re = re;
	t->have_re = true;
	free(t->plain);
	t->plain = strpbrk(p, ".[]()*+?{}|^$\\") == NULL ? xstrdup(p) : NULL;
	t->filter_invert = invert;
	t->filter_is_label = false;
	free(t->filter);
	t->filter = xstrdup(spec);
	return 0;
}

/* Set the filter and apply it for at most budget seconds (0: all of it).
 * A plain text that contains the one applied before only narrows its
 * matches; anything else filters every row again, in sorted order. */
static int
table_filter_apply(struct table *t, const char *spec, char **cause, double budget)
{
	char *old = NULL;
	size_t *src;
	bool narrow;

	if (t->filter != NULL && strcmp(spec, t->filter) == 0 && t->order_valid) {
		table_walk(t, budget);		/* the same filter: finish it */
		return 0;
	}
	if (!t->walking && t->have_re && t->plain != NULL && !t->filter_invert &&
	    !t->filter_is_label && t->order_valid)
		old = xstrdup(t->plain);
	table_remember(t);
	if (table_filter_parse(t, spec, cause) != 0) {
		free(old);
		return -1;
	}
	narrow = old != NULL && t->have_re && t->plain != NULL && !t->filter_invert &&
	    !t->filter_is_label && strcasestr(t->plain, old) != NULL;
	free(old);
	if (narrow) {
		src = xcalloc(t->nvis + 1, sizeof *src);
		memcpy(src, t->vis, t->nvis * sizeof *src);
		table_walk_start(t, src, t->nvis, true);
	} else {
		table_order(t);
		table_walk_start(t, t->order, t->nrows, false);
	}
	table_walk(t, budget);
	return 0;
}

int
table_set_filter(struct table *t, const char *spec, char **cause)
{
	return table_filter_apply(t, spec, cause, 0);
}

int
table_set_filter_live(struct table *t, const char *spec, char **cause, double budget)
{
	return table_filter_apply(t, spec, cause, budget);
}

const char *
table_filter(const struct table *t)
{
	return t->filter;
}

/* Sort by a named column. */
int
table_sort_by(struct table *t, const char *name, char **cause)
{
	size_t i, n = strlen(name);
	int found = -1;

	for (i = 0; i < t->ncols; i++) {
		if (strcasecmp(t->cols[i].name, name) == 0) {
			found = (int)i;
			break;
		}
	}
	for (i = 0; found < 0 && i < t->ncols; i++) {
		if (n > 0 && strncasecmp(t->cols[i].name, name, n) == 0)
			found = (int)i;
	}
	if (found < 0) {
		*cause = xasprintf("no column '%s'", name);
		return -1;
	}
	table_remember(t);
	if (t->sort_col == found)
		t->sort_dir = -t->sort_dir;
	else {
		t->sort_col = found;
		t->sort_dir = 1;
	}
	t->order_valid = false;
	table_refilter(t);
	return 0;
}

void
table_sort_step(struct table *t, int dir)
{
	int c = t->sort_col, i;

	for (i = 0; i < (int)t->ncols; i++) {
		c += dir;
		if (c < 0)
			c = (int)t->ncols - 1;
		if (c >= (int)t->ncols)
			c = 0;
		if (!t->hidden[c])
			break;
	}
	table_remember(t);
	t->sort_col = c;
	t->sort_dir = 1;
	t->order_valid = false;
	table_refilter(t);
}

int
table_sort_col(const struct table *t, int *dir)
{
	*dir = t->sort_dir;
	return t->sort_col;
}

void
table_set_default_sort(struct table *t, int col, int dir)
{
	t->def_col = col;
	t->def_dir = dir;
	t->order_valid = false;
}

void
table_set_flag_first(struct table *t, unsigned flags)
{
	t->flag_first = flags;
	t->order_valid = false;
}
