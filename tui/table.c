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

#include "table_int.h"

/* Free one row. */
void
table_row_free(struct table_row *r, size_t ncols)
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

/* Forget a walk in progress. */
void
table_walk_stop(struct table *t)
{
	if (t->walk_own)
		free(t->walk);
	t->walk = NULL;
	t->nwalk = t->wpos = 0;
	t->walk_own = false;
	t->walking = false;
}

/* The source cell shown in column col, or NULL. */
const struct cell *
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

/* Widest visible cell of each column, found again from the counts. */
static void
table_measure(struct table *t)
{
	size_t c;
	int w;

	for (c = 0; c < t->ncols; c++) {
		for (w = TABLE_MAX_CELL; w > 0 && t->wcount[c * TABLE_WIDTHS + (size_t)w] == 0; w--)
			;
		t->maxw[c] = w;
	}
	t->maxw_stale = false;
}

bool
table_edit(struct table *t, struct table_row *r)
{
	bool shown = r->shown;

	table_unshow(t, r);
	return shown;
}

void
table_edit_done(struct table *t, struct table_row *r, bool shown)
{
	if (shown)
		table_show(t, r);
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
	t->wcount = xcalloc(ncols * TABLE_WIDTHS, sizeof *t->wcount);
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
		table_row_free(t->rows[i], t->ncols);
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
	free(t->wcount);
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
void
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
		table_row_free(t->rows[i], t->ncols);
	t->nrows = 0;
	t->nvis = 0;
	memset(t->wcount, 0, t->ncols * TABLE_WIDTHS * sizeof *t->wcount);
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

/* Width of text for widths[]: printable ASCII (most cells) is a column a
 * byte, the rest as the terminal shows it. */
static uint16_t
cell_width(const char *text)
{
	const unsigned char *p = (const unsigned char *)text;
	size_t w;

	while (*p >= 0x20 && *p < 0x7f)
		p++;
	w = *p == '\0' ? (size_t)(p - (const unsigned char *)text) : display_width(text);
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
		/* an age is as wide as its room to grow until it is drawn:
		 * formatted for the rows shown only (table_measure_timed) */
		if ((c->type == CELL_AGE || c->type == CELL_UNTIL) && c->when != 0) {
			r->widths[i] = timed_width(c, 0);
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
	struct table_row *r = t->sel < t->nvis ? t->rows[t->vis[t->sel]] : NULL;
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
	/* scroll so the selection shows (under the header), and measure
	 * the ages of the rows that show then */
	h--;
	if (t->sel < t->top)
		t->top = t->sel;
	if (h > 0 && t->sel >= t->top + (size_t)h)
		t->top = t->sel - (size_t)h + 1;
	if (t->top > 0 && t->top + (size_t)h > t->nvis)
		t->top = t->nvis > (size_t)h ? t->nvis - (size_t)h : 0;
	t->page = h;
	table_measure_timed(t, h, st->now);
	table_fit(t, w - mw, st->wide, widths);
	scol = t->sort_col;
	sdir = t->sort_dir;
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
