/* The generic table widget (see table.h). */
#include <ctype.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/json_util.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/xmalloc.h"

#define TABLE_MAX_CELL	256	/* widest a column grows */
#define TABLE_MAX_COLS	64	/* the own mask's bits */
#define TABLE_GAP	2	/* spaces between columns */
#define TABLE_GIVE_WAY_MIN 8	/* a column that gives way keeps this much at first */

/* The widget. */
struct table {
	struct table_col	*cols;
	size_t			 ncols;
	bool			*hidden;
	bool			*give_way;	/* table_col_shrink_first */

	struct table_row	**rows;
	size_t			 nrows;
	size_t			 arows;
	size_t			*order;		/* every row, sorted: indices into rows */
	bool			 order_valid;	/* false when rows or the sort changed */
	size_t			*vis;		/* filtered order: indices into rows */
	size_t			 nvis;
	/* a filter being applied a slice at a time: walk[wpos..nwalk) left */
	size_t			*walk;		/* order, or the matches being narrowed */
	size_t			 nwalk;
	size_t			 wpos;
	bool			 walk_own;	/* walk is a copy (narrowing) */
	bool			 walking;
	int			*maxw;		/* widest visible cell per column */
	bool			 maxw_stale;	/* a widest one may have gone */

	size_t			 sel;		/* index into vis */
	size_t			 top;
	int			 page;		/* rows shown at the last draw */
	char			*sel_key;

	char			**marks;	/* sorted keys */
	size_t			 nmarks;

	char			*filter;
	bool			 filter_invert;
	bool			 filter_is_label;
	struct label_selector	*label_sel;	/* the -l filter */
	regex_t			 re;
	bool			 have_re;
	char			*plain;		/* no metacharacters: substring search */

	int			 sort_col;	/* -1: none (default order) */
	int			 sort_dir;
	int			 def_col;
	int			 def_dir;
	unsigned		 flag_first;
};

static void	table_walk_stop(struct table *);

/* Free one row. */
static void
row_free(struct table_row *r, size_t ncols)
{
	size_t i;

	for (i = 0; i < ncols; i++) {
		if (r->own & ((uint64_t)1 << i))
			free(r->cells[i]);
	}
	free(r->cells);		/* one block: cells, nums, widths */
	free(r->timed);
	free(r->key);
	if (r->src != NULL)
		store_row_release(r->src);
	else {
		free(r->labels);
		free(r->ns);
		free(r->name);
		free(r->uid);
	}
	free(r);
}

/* The source cell shown in column col, or NULL. */
static const struct cell *
src_cell(const struct table_row *r, size_t col)
{
	if (r->src == NULL || col < r->src_col || col - r->src_col >= r->src->ncells)
		return NULL;
	return &r->src->cells[col - r->src_col];
}

/* True if cell c changes with the clock. */
static bool
cell_timed(const struct cell *c)
{
	return c->when != 0 && (c->type == CELL_AGE || c->type == CELL_UNTIL ||
	    c->type == CELL_RESTARTS);
}

/* Text of column col at now: formatted into buf when it must be. */
static const char *
row_text(const struct table_row *r, size_t col, int64_t now, char *buf, size_t len)
{
	const struct cell *c;

	if (r->cells[col] != NULL) {
		if (r->timed != NULL && r->timed[col].type != CELL_TEXT) {
			cell_format(&r->timed[col], now, buf, len);
			return buf;
		}
		return r->cells[col];
	}
	if ((c = src_cell(r, col)) == NULL)
		return "";
	if (c->type == CELL_TEXT)
		return c->text != NULL ? c->text : "";
	cell_format(c, now, buf, len);
	return buf;
}

const char *
table_cell_text(const struct table_row *r, size_t col, char *buf, size_t len)
{
	const struct cell *c;

	if (col >= r->ncols)
		return "";
	if (r->cells[col] != NULL)
		return r->cells[col];
	if ((c = src_cell(r, col)) == NULL)
		return "";
	if (c->type == CELL_TEXT)
		return c->text != NULL ? c->text : "";
	cell_format(c, r->now, buf, len);
	return buf;
}

/* Widest visible cell of each column, measured again. */
static void
table_measure(struct table *t)
{
	size_t i, c;
	struct table_row *r;

	memset(t->maxw, 0, t->ncols * sizeof *t->maxw);
	for (i = 0; i < t->nvis; i++) {
		r = t->rows[t->vis[i]];
		for (c = 0; c < t->ncols; c++) {
			if (r->widths[c] > t->maxw[c])
				t->maxw[c] = r->widths[c];
		}
	}
	t->maxw_stale = false;
}

/* The sort key of a cell: its number, or an age in seconds at build time. */
int64_t
table_cell_num(const struct table_row *r, size_t col)
{
	const struct cell *c;

	if (col >= r->ncols)
		return 0;
	if (r->cells[col] != NULL)
		return r->nums[col];
	if ((c = src_cell(r, col)) == NULL)
		return 0;
	if (c->type == CELL_AGE || c->type == CELL_UNTIL)
		return c->when != 0 ? r->now - c->when : INT64_MIN;
	return c->n;
}

struct table *
table_new(const struct table_col *cols, size_t ncols)
{
	struct table *t = xcalloc(1, sizeof *t);

	if (ncols > TABLE_MAX_COLS)
		ncols = TABLE_MAX_COLS;
	t->cols = xcalloc(ncols, sizeof *t->cols);
	memcpy(t->cols, cols, ncols * sizeof *cols);
	t->ncols = ncols;
	t->hidden = xcalloc(ncols, sizeof *t->hidden);
	t->maxw = xcalloc(ncols, sizeof *t->maxw);
	t->give_way = xcalloc(ncols, sizeof *t->give_way);
	t->sort_col = -1;
	t->sort_dir = 1;
	t->def_col = -1;
	t->def_dir = 1;
	return t;
}

void
table_free(struct table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows; i++)
		row_free(t->rows[i], t->ncols);
	free(t->rows);
	free(t->vis);
	free(t->order);
	if (t->walk_own)
		free(t->walk);
	for (i = 0; i < t->nmarks; i++)
		free(t->marks[i]);
	free(t->marks);
	free(t->sel_key);
	free(t->filter);
	label_selector_free(t->label_sel);
	free(t->plain);
	if (t->have_re)
		regfree(&t->re);
	free(t->hidden);
	free(t->maxw);
	free(t->give_way);
	free(t->cols);
	free(t);
}

size_t
table_ncols(const struct table *t)
{
	return t->ncols;
}

const struct table_col *
table_col_at(const struct table *t, size_t i)
{
	return i < t->ncols ? &t->cols[i] : NULL;
}

void
table_col_hide(struct table *t, size_t col, bool hide)
{
	if (col < t->ncols)
		t->hidden[col] = hide;
}

void
table_col_shrink_first(struct table *t, size_t col)
{
	if (col < t->ncols)
		t->give_way[col] = true;
}

/* Remember the selected row's key so a rebuild can find it again. */
static void
table_remember(struct table *t)
{
	free(t->sel_key);
	t->sel_key = NULL;
	if (t->sel < t->nvis)
		t->sel_key = xstrdup(t->rows[t->vis[t->sel]]->key);
}

void
table_begin(struct table *t)
{
	size_t i;

	table_remember(t);
	for (i = 0; i < t->nrows; i++)
		row_free(t->rows[i], t->ncols);
	t->nrows = 0;
	t->nvis = 0;
	t->order_valid = false;
	table_walk_stop(t);
}

struct table_row *
table_add(struct table *t, const char *key, size_t cluster)
{
	struct table_row *r;

	if (t->nrows == t->arows) {
		t->arows = t->arows == 0 ? 64 : t->arows * 2;
		t->rows = xreallocarray(t->rows, t->arows, sizeof *t->rows);
	}
	r = xcalloc(1, sizeof *r);
	r->key = xstrdup(key);
	r->cluster = cluster;
	r->ncols = t->ncols;
	/* one block: cells, then nums, then widths */
	r->cells = xcalloc(1, t->ncols * (sizeof *r->cells + sizeof *r->nums +
	    sizeof *r->widths) + 1);
	r->nums = (int64_t *)(void *)(r->cells + t->ncols);
	r->widths = (uint16_t *)(void *)(r->nums + t->ncols);
	t->rows[t->nrows++] = r;
	return r;
}

/* Width of text for widths[]. */
static uint16_t
cell_width(const char *text)
{
	size_t w = display_width(text);

	return w > TABLE_MAX_CELL ? TABLE_MAX_CELL : (uint16_t)w;
}

/* Put text in column col: owned (freed with the row) or borrowed. */
static void
cell_put(struct table_row *r, size_t col, const char *text, bool own, int64_t num)
{
	if (r->own & ((uint64_t)1 << col))
		free(r->cells[col]);
	r->own &= ~((uint64_t)1 << col);
	if (own)
		r->own |= (uint64_t)1 << col;
	r->cells[col] = own ? xstrdup(text) : (char *)(uintptr_t)text;
	r->widths[col] = cell_width(text);
	r->nums[col] = num;
}

void
table_set(struct table_row *r, size_t col, const char *text, int64_t num)
{
	if (col < r->ncols)
		cell_put(r, col, text != NULL ? text : "", true, num);
}

void
table_set_ref(struct table_row *r, size_t col, const char *text, int64_t num)
{
	if (col < r->ncols)
		cell_put(r, col, text != NULL ? text : "", false, num);
}

/* Room for a time-dependent cell's text to grow as the clock moves ("59s"
 * → "2m30s"): the width to measure it by. */
static uint16_t
timed_width(const struct cell *c, uint16_t w)
{
	if (c->when == 0)
		return w;
	if (c->type == CELL_RESTARTS)
		return (uint16_t)(w + 2);
	if (w < (c->type == CELL_UNTIL ? 9 : 5))
		return c->type == CELL_UNTIL ? 9 : 5;
	return w;
}

void
table_set_source(struct table_row *r, size_t col, const struct row *src, int64_t now)
{
	const struct cell *c;
	char buf[256];
	size_t i;

	if (r->src != NULL || src == NULL)
		return;
	store_row_hold(src);
	r->src = src;
	r->src_col = col;
	r->now = now;
	r->labels = src->labels;
	r->ns = src->ns;
	r->name = src->name;
	r->uid = src->uid;
	for (i = col; i < r->ncols; i++) {
		if ((c = src_cell(r, i)) == NULL)
			break;
		if (c->type == CELL_TEXT) {
			r->widths[i] = cell_width(c->text != NULL ? c->text : "");
			continue;
		}
		cell_format(c, now, buf, sizeof buf);
		r->widths[i] = c->type == CELL_INT || c->type == CELL_NONE ?
		    cell_width(buf) : timed_width(c, cell_width(buf));
	}
}

void
table_set_cell(struct table_row *r, size_t col, const struct cell *c, int64_t now)
{
	char buf[256];
	int64_t num = c->n;

	cell_format(c, now, buf, sizeof buf);
	if (c->type == CELL_AGE || c->type == CELL_UNTIL)
		num = c->when != 0 ? now - c->when : INT64_MIN;
	table_set(r, col, buf, num);
	if (c->type == CELL_TEXT || c->type == CELL_INT || c->type == CELL_NONE ||
	    col >= r->ncols)
		return;
	r->widths[col] = timed_width(c, r->widths[col]);
	if (r->timed == NULL)	/* one per column: most rows have one age */
		r->timed = xcalloc(r->ncols, sizeof *r->timed);
	r->timed[col] = *c;
	r->timed[col].text = NULL;	/* the formatted text is in cells[col] */
	if (c->when == 0)
		r->timed[col].type = CELL_TEXT;	/* "<none>" and friends never change */
}

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

/* Seconds on a monotonic clock. */
static double
table_clock(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Forget a walk in progress. */
static void
table_walk_stop(struct table *t)
{
	if (t->walk_own)
		free(t->walk);
	t->walk = NULL;
	t->nwalk = t->wpos = 0;
	t->walk_own = false;
	t->walking = false;
}

/* Filter anew from src (n sorted indices; a copy the table now owns if
 * own): the matches so far are the visible rows. */
static void
table_walk_start(struct table *t, size_t *src, size_t n, bool own)
{
	table_walk_stop(t);
	t->walk = src;
	t->nwalk = n;
	t->walk_own = own;
	t->walking = true;
	free(t->vis);
	t->vis = xcalloc(n + 1, sizeof *t->vis);
	t->nvis = 0;
	memset(t->maxw, 0, t->ncols * sizeof *t->maxw);
	t->maxw_stale = false;
}

/* Go on filtering for at most budget seconds (0: to the end); true once
 * done, the selection found again by its key. */
static bool
table_walk(struct table *t, double budget)
{
	double t0 = budget > 0 ? table_clock() : 0;
	struct table_row *r;
	size_t i, c;

	while (t->walking && t->wpos < t->nwalk) {
		r = t->rows[t->walk[t->wpos++]];
		if (table_row_passes(t, r)) {
			t->vis[t->nvis++] = t->walk[t->wpos - 1];
			for (c = 0; c < t->ncols; c++) {
				if (r->widths[c] > t->maxw[c])
					t->maxw[c] = r->widths[c];
			}
		}
		if (budget > 0 && (t->wpos & 255) == 0 && table_clock() - t0 > budget)
			break;
	}
	if (t->walking && t->wpos < t->nwalk) {
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

bool
table_place(struct table *t, struct table_row *r)
{
	size_t i = t->nrows - 1, p, c;

	if (t->nrows == 0 || t->rows[i] != r || r->src == NULL || !t->order_valid)
		return false;
	table_walk(t, 0);
	t->order = xreallocarray(t->order, t->nrows + 1, sizeof *t->order);
	order_insert(t->order, t->nrows - 1, order_find(t, t->order, t->nrows - 1, i), i);
	if (!table_row_passes(t, r))
		return true;
	t->vis = xreallocarray(t->vis, t->nvis + 2, sizeof *t->vis);
	p = order_find(t, t->vis, t->nvis, i);
	order_insert(t->vis, t->nvis++, p, i);
	if (t->sel_key != NULL && strcmp(r->key, t->sel_key) == 0)
		t->sel = p;		/* the selected row, changed */
	else if (p <= t->sel && t->nvis > 1)
		t->sel++;
	for (c = 0; c < t->ncols; c++) {
		if (r->widths[c] > t->maxw[c])
			t->maxw[c] = r->widths[c];
	}
	return true;
}

/* Take index i (at position p of order) out of the table and free it;
 * the last row moves into its slot. */
static void
table_drop(struct table *t, size_t i, size_t p)
{
	struct table_row *r = t->rows[i];
	size_t q, c, last = t->nrows - 1;

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
		for (c = 0; c < t->ncols; c++) {
			if (r->widths[c] >= t->maxw[c])
				t->maxw_stale = true;
		}
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
	row_free(r, t->ncols);
	t->nrows--;
}

bool
table_remove_like(struct table *t, struct table_row *probe)
{
	size_t pi = t->nrows - 1, p, i;
	bool found = false;

	if (t->nrows == 0 || t->rows[pi] != probe)
		return false;
	if (probe->src != NULL && t->order_valid) {
		table_walk(t, 0);
		/* the probe sorts right after the row built like it */
		p = order_find(t, t->order, t->nrows - 1, pi);
		if (p > 0) {
			i = t->order[p - 1];
			found = t->rows[i]->src == probe->src &&
			    t->rows[i]->cluster == probe->cluster;
		}
	}
	row_free(probe, t->ncols);
	t->nrows--;
	if (found)
		table_drop(t, i, p - 1);
	return found;
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

void
table_move(struct table *t, long delta)
{
	long s = (long)t->sel + delta;

	if (s < 0 || t->nvis == 0)
		s = 0;
	else if ((size_t)s >= t->nvis)
		s = (long)t->nvis - 1;
	t->sel = (size_t)s;
	table_remember(t);
}

void
table_top(struct table *t)
{
	t->sel = 0;
	table_remember(t);
}

void
table_bottom(struct table *t)
{
	t->sel = t->nvis == 0 ? 0 : t->nvis - 1;
	table_remember(t);
}

/* Move by a page: the rows shown at the last draw (at least 1). */
void
table_page(struct table *t, int dir)
{
	long h = t->page > 1 ? t->page - 1 : 1;

	table_move(t, dir * h);
}

/* Index of key in the sorted mark list, or where it would go (*found). */
static size_t
mark_find(const struct table *t, const char *key, bool *found)
{
	size_t lo = 0, hi = t->nmarks, mid;
	int c;

	*found = false;
	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(t->marks[mid], key);
		if (c == 0) {
			*found = true;
			return mid;
		}
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void
table_toggle_mark(struct table *t)
{
	struct table_row *r = table_selected(t);
	bool found;
	size_t i;

	if (r == NULL)
		return;
	i = mark_find(t, r->key, &found);
	if (found) {
		free(t->marks[i]);
		memmove(&t->marks[i], &t->marks[i + 1], (t->nmarks - i - 1) * sizeof *t->marks);
		t->nmarks--;
	} else {
		t->marks = xreallocarray(t->marks, t->nmarks + 1, sizeof *t->marks);
		memmove(&t->marks[i + 1], &t->marks[i], (t->nmarks - i) * sizeof *t->marks);
		t->marks[i] = xstrdup(r->key);
		t->nmarks++;
	}
	table_move(t, 1);
}

void
table_clear_marks(struct table *t)
{
	size_t i;

	for (i = 0; i < t->nmarks; i++)
		free(t->marks[i]);
	free(t->marks);
	t->marks = NULL;
	t->nmarks = 0;
}

size_t
table_nmarks(const struct table *t)
{
	return t->nmarks;
}

bool
table_is_marked(const struct table *t, const char *key)
{
	bool found;

	mark_find(t, key, &found);
	return found;
}

size_t
table_marked_rows(struct table *t, struct table_row ***out)
{
	size_t i, n = 0;

	*out = NULL;
	if (t->nmarks == 0)
		return 0;
	*out = xcalloc(t->nmarks, sizeof **out);
	for (i = 0; i < t->nrows && n < t->nmarks; i++) {
		if (table_is_marked(t, t->rows[i]->key))
			(*out)[n++] = t->rows[i];
	}
	return n;
}

/* Decode the length of the UTF-8 sequence at s (1 for invalid bytes). */
static size_t
utf8_len(const unsigned char *s)
{
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4;
	else
		return 1;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 1;
	}
	return n;
}

size_t
table_fit_bytes(const char *s, int width, int *used)
{
	const unsigned char *p = (const unsigned char *)s;
	char one[5];
	size_t off = 0, n;
	int w = 0, cw;

	while (p[off] != '\0') {
		n = utf8_len(p + off);
		if (n == 1 && p[off] < 0x80)
			cw = p[off] >= 0x20 && p[off] != 0x7f ? 1 : 0;
		else {
			memcpy(one, p + off, n);
			one[n] = '\0';
			cw = (int)display_width(one);
		}
		if (w + cw > width)
			break;
		w += cw;
		off += n;
	}
	if (used != NULL)
		*used = w;
	return off;
}

void
table_put(WINDOW *win, int y, int x, const char *s, int width, const char *ellipsis)
{
	int used, ew;
	size_t n;

	if (width <= 0)
		return;
	if (s == NULL)
		s = "";
	n = table_fit_bytes(s, width, &used);
	if (s[n] != '\0') {
		ew = (int)display_width(ellipsis);
		n = table_fit_bytes(s, width - ew, &used);
		mvwaddnstr(win, y, x, s, (int)n);
		waddstr(win, ellipsis);
		used += ew;
	} else
		mvwaddnstr(win, y, x, s, (int)n);
	for (; used < width; used++)
		waddch(win, ' ');
}

/* Total width of the shown columns in out, with gaps; *shown counts them. */
static int
table_total_width(const struct table *t, const int *out, int *shown)
{
	size_t i;
	int total = 0;

	*shown = 0;
	for (i = 0; i < t->ncols; i++) {
		if (out[i] >= 0) {
			total += out[i] + (*shown > 0 ? TABLE_GAP : 0);
			(*shown)++;
		}
	}
	return total;
}

/* A column's natural width: its widest cell, or its heading (with the
 * sort arrow) when wider. */
static int
table_natural(const struct table *t, size_t i)
{
	int hw = (int)display_width(t->cols[i].name) + ((int)i == t->sort_col ? 1 : 0);

	return t->maxw[i] > hw ? t->maxw[i] : hw;
}

/* The column to shrink next and its room (*room): among the columns that
 * are not kept, the one with most room above its minimum; among kept
 * ones (kept true), room above half the screen while a droppable column
 * is still shown (even one left with a little room), else above the
 * minimum. -1 when none has room. */
static int
table_fit_room(const struct table *t, const int *out, const int *mins, int w,
    bool kept, int *room)
{
	size_t i;
	bool droppable = false;
	int bi = -1, n, floor;

	*room = 0;
	for (i = 0; kept && i < t->ncols; i++) {
		if (out[i] >= 0 && t->cols[i].drop > 0 && !t->cols[i].keep)
			droppable = true;
	}
	for (i = 0; i < t->ncols && i < 64; i++) {
		if (out[i] < 0 || t->cols[i].keep != kept)
			continue;
		floor = kept && droppable && w / 2 > mins[i] ? w / 2 : mins[i];
		n = out[i] - (floor < out[i] ? floor : out[i]);
		if (n > *room) {
			*room = n;
			bi = (int)i;
		}
	}
	return bi;
}

/* Column widths for screen width w (see table.h). */
void
table_fit(struct table *t, int w, bool wide, int *out)
{
	size_t i;
	int total, n, best, bi, hw, mins[64], shown, pass;

	if (t->maxw_stale)
		table_measure(t);
	for (i = 0; i < t->ncols; i++) {
		if (t->hidden[i] || (t->cols[i].priority > 0 && !wide)) {
			out[i] = -1;
			continue;
		}
		hw = (int)display_width(t->cols[i].name) + ((int)i == t->sort_col ? 1 : 0);
		out[i] = table_natural(t, i);
		if (out[i] > TABLE_MAX_CELL / 2 && t->cols[i].min < TABLE_MAX_CELL / 2)
			out[i] = TABLE_MAX_CELL / 2;
		if (i < 64)
			mins[i] = t->cols[i].min > 0 ? t->cols[i].min : (hw < 3 ? 3 : hw);
	}
	/* columns that give way (NAMESPACE, CLUSTER) shrink first, to a floor
	 * that still tells "prod-to…" from "prod-os…" */
	total = table_total_width(t, out, &shown);
	for (i = 0; i < t->ncols && i < 64 && total > w; i++) {
		hw = mins[i] > TABLE_GIVE_WAY_MIN ? mins[i] : TABLE_GIVE_WAY_MIN;
		if (out[i] < 0 || !t->give_way[i] || out[i] <= hw)
			continue;
		n = out[i] - hw;
		if (n > total - w)
			n = total - w;
		out[i] -= n;
		total -= n;
	}
	/* wide-only columns go before anything is cut, least useful first */
	while (total > w) {
		bi = -1;
		best = -1;
		for (i = 0; i < t->ncols; i++) {
			if (out[i] >= 0 && t->cols[i].priority != 0 && t->cols[i].drop > best) {
				best = t->cols[i].drop;
				bi = (int)i;
			}
		}
		if (bi < 0)
			break;
		out[bi] = -1;
		total = table_total_width(t, out, &shown);
	}
	for (;;) {
		total = table_total_width(t, out, &shown);
		if (total <= w)
			break;
		/* shrink the column with most room above its minimum; a kept
		 * column only when no other has room left */
		for (pass = 0; pass < 2; pass++) {
			bi = table_fit_room(t, out, mins, w, pass == 1, &best);
			if (bi >= 0 && (t->cols[bi].drop == 0 || best > 4))
				break;
		}
		if (pass < 2) {
			n = total - w;
			if (n > best)
				n = best;
			out[bi] -= n;
			continue;
		}
		/* drop the highest drop-rank column, else the last one */
		bi = -1;
		best = 0;
		for (i = 0; i < t->ncols; i++) {
			if (out[i] >= 0 && t->cols[i].drop > best) {
				best = t->cols[i].drop;
				bi = (int)i;
			}
		}
		if (bi < 0) {
			if (shown <= 1) {
				for (i = 0; i < t->ncols; i++) {
					if (out[i] >= 0)
						out[i] = w;
				}
				break;
			}
			/* the last column, unless it is kept: then the last
			 * other one */
			for (i = t->ncols; i > 0 && bi < 0; i--) {
				if (out[i - 1] >= 0 && !t->cols[i - 1].keep)
					bi = (int)i - 1;
			}
			for (i = t->ncols; i > 0 && bi < 0; i--) {
				if (out[i - 1] >= 0)
					bi = (int)i - 1;
			}
		}
		out[bi] = -1;
	}
	/* room left after dropping columns goes back to a kept column, then to
	 * those that gave way, up to their natural width */
	total = table_total_width(t, out, &shown);
	for (pass = 0; pass < 2; pass++) {
		for (i = 0; i < t->ncols && i < 64 && total < w; i++) {
			if (out[i] < 0 || !(pass == 0 ? t->cols[i].keep : t->give_way[i]))
				continue;
			n = table_natural(t, i) - out[i];
			if (n > w - total)
				n = w - total;
			if (n > 0) {
				out[i] += n;
				total += n;
			}
		}
	}
}

/* Time-dependent cells of the rows about to show may have grown since
 * the rows were built ("59s" → "1m0s"): widen their columns. */
static void
table_measure_timed(struct table *t, int h, int64_t now)
{
	struct table_row *r;
	size_t ri, c;
	char tbuf[256];
	int cw;

	for (ri = t->top; ri < t->nvis && ri < t->top + (size_t)h; ri++) {
		r = t->rows[t->vis[ri]];
		if (r->timed == NULL && r->src == NULL)
			continue;
		for (c = 0; c < t->ncols && c < r->ncols; c++) {
			if (r->cells[c] != NULL ? r->timed == NULL ||
			    r->timed[c].type == CELL_TEXT :
			    src_cell(r, c) == NULL || !cell_timed(src_cell(r, c)))
				continue;
			cw = (int)display_width(row_text(r, c, now, tbuf, sizeof tbuf));
			if (cw > TABLE_MAX_CELL)
				cw = TABLE_MAX_CELL;
			if (cw > t->maxw[c])
				t->maxw[c] = cw;
		}
	}
}

/* Attributes for a row: by its flags; dimmed when its cluster is not live
 * (problems keep their colour, dimmed). */
static unsigned long
row_attr(const struct table_row *r, const struct table_style *st)
{
	if (st->stale != NULL && st->stale(r->cluster, st->stale_arg)) {
		if (r->flags & ROW_FIRING)
			return st->firing | A_DIM;
		if (r->flags & (ROW_BAD | ROW_STUCK))
			return st->bad | A_DIM;
		return st->dim;
	}
	if (r->attr != 0)
		return r->attr;
	if (r->flags & ROW_FIRING)
		return st->firing;
	if (r->flags & (ROW_BAD | ROW_STUCK))
		return st->bad;
	if (r->flags & ROW_AT_MAX)
		return st->atmax;
	if (r->flags & ROW_WARN)
		return st->warn;
	if (r->flags & ROW_PROGRESSING)
		return st->progressing;
	return st->normal;
}

void
table_draw(struct table *t, WINDOW *win, int y, int x, int h, int w,
    const struct table_style *st)
{
	int widths[64], cx, i, line, sdir, scol, mw;
	size_t c, ri;
	struct table_row *r;
	bool marked, any = false;
	unsigned long a;
	char hdr[128], tbuf[256];
	const char *cell;

	if (h <= 0 || w <= 0)
		return;
	if (t->ncols > 64)
		t->ncols = 64;
	mw = t->nmarks > 0 ? 2 : 0;	/* mark gutter only while marks exist */
	table_measure_timed(t, h, st->now);
	table_fit(t, w - mw, st->wide, widths);
	scol = table_sort_col(t, &sdir);
	/* header */
	wattrset(win, (attr_t)st->colhead);
	wmove(win, y, x);
	for (i = 0; i < w; i++)
		waddch(win, ' ');
	cx = x + mw;
	for (c = 0; c < t->ncols; c++) {
		if (widths[c] < 0)
			continue;
		if (any)
			cx += TABLE_GAP;
		any = true;
		if ((int)c == scol)
			snprintf(hdr, sizeof hdr, "%s%s", t->cols[c].name, sdir > 0 ? "↑" : "↓");
		else
			snprintf(hdr, sizeof hdr, "%s", t->cols[c].name);
		if ((int)c == scol && strcmp(st->ellipsis, "~") == 0)
			snprintf(hdr, sizeof hdr, "%s%s", t->cols[c].name, sdir > 0 ? "^" : "v");
		table_put(win, y, cx, hdr, widths[c] < x + w - cx ? widths[c] : x + w - cx,
		    st->ellipsis);
		cx += widths[c];
	}
	/* scroll so the selection shows */
	h--;
	if (t->sel < t->top)
		t->top = t->sel;
	if (h > 0 && t->sel >= t->top + (size_t)h)
		t->top = t->sel - (size_t)h + 1;
	if (t->top > 0 && t->top + (size_t)h > t->nvis)
		t->top = t->nvis > (size_t)h ? t->nvis - (size_t)h : 0;
	t->page = h;
	for (line = 0; line < h; line++) {
		ri = t->top + (size_t)line;
		wmove(win, y + 1 + line, x);
		if (ri >= t->nvis) {
			wattrset(win, (attr_t)st->normal);
			for (i = 0; i < w; i++)
				waddch(win, ' ');
			continue;
		}
		r = t->rows[t->vis[ri]];
		marked = t->nmarks > 0 && table_is_marked(t, r->key);
		a = row_attr(r, st);
		if (marked)
			a = st->marked;
		if (ri == t->sel)
			a = st->selected;
		wattrset(win, (attr_t)a);
		for (i = 0; i < w; i++)
			waddch(win, ' ');
		if (mw > 0)
			mvwaddstr(win, y + 1 + line, x, marked ? "* " : "  ");
		cx = x + mw;
		any = false;
		for (c = 0; c < t->ncols; c++) {
			if (widths[c] < 0)
				continue;
			if (any)
				cx += TABLE_GAP;
			any = true;
			if (cx >= x + w)
				break;
			cell = row_text(r, c, st->now, tbuf, sizeof tbuf);
			table_put(win, y + 1 + line, cx, cell,
			    widths[c] < x + w - cx ? widths[c] : x + w - cx, st->ellipsis);
			cx += widths[c];
		}
	}
	wattrset(win, (attr_t)st->normal);
}
