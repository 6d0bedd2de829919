/* What the files of the table widget share (table.c: rows, cells, moving
 * and marks, drawing; table_order.c: the sorted order, the filter and its
 * slices, placing changed rows). Nothing outside them includes it. */
#ifndef TABLE_INT_H
#define TABLE_INT_H

#include <regex.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "opsdeck/table.h"

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
	/* how many visible rows have each width, per column (TABLE_WIDTHS
	 * counts a column): the widest found again without a walk of the
	 * rows when the widest row goes */
	uint32_t		*wcount;

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

#define TABLE_WIDTHS	(TABLE_MAX_CELL + 1)	/* widths 0 to TABLE_MAX_CELL */

/* Row r joins the visible rows: its cells count in their columns' widths. */
static inline void
table_show(struct table *t, struct table_row *r)
{
	size_t c;

	if (r->shown)
		return;
	r->shown = true;
	for (c = 0; c < t->ncols; c++) {
		t->wcount[c * TABLE_WIDTHS + r->widths[c]]++;
		if (r->widths[c] > t->maxw[c])
			t->maxw[c] = r->widths[c];
	}
}

/* Row r leaves the visible rows: if it was a column's last widest, that
 * column's width is found again from the counts before the next draw. */
static inline void
table_unshow(struct table *t, struct table_row *r)
{
	size_t c;

	if (!r->shown)
		return;
	r->shown = false;
	for (c = 0; c < t->ncols; c++) {
		if (--t->wcount[c * TABLE_WIDTHS + r->widths[c]] == 0 &&
		    r->widths[c] >= t->maxw[c])
			t->maxw_stale = true;
	}
}

/* table.c */
void			 table_row_free(struct table_row *r, size_t ncols);
const struct cell	*src_cell(const struct table_row *r, size_t col);
void			 table_remember(struct table *t);
/* table_order.c */
void			 table_walk_stop(struct table *t);

#endif
