/* The one generic table widget: rows of text cells from any view, with
 * scrolling, selection, marks (kept across clusters by row key), a filter
 * (regular expression, "!" inverts, "-l k=v,k2!=v" label selector), sort by
 * any column (toggling direction), columns sized by display width and fitted
 * to the screen (wide-only and droppable columns go first, long cells are
 * truncated with an ellipsis). Only visible rows are drawn. Views rebuild
 * rows with table_begin/table_add/table_end; selection and marks survive. */
#ifndef OPSDECK_TABLE_H
#define OPSDECK_TABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <curses.h>

#include "opsdeck/printers.h"

struct row;

/* A column. */
struct table_col {
	const char	*name;		/* header, upper case */
	int		 priority;	/* 0 always, 1 wide only; -1 always, but
					 * given up with the wide ones, before
					 * any other column is cut */
	int		 drop;		/* 0 never dropped; higher drops first when narrow */
	int		 min;		/* shrink limit (0: header width) */
	bool		 numeric;	/* sort by the row's number for this column */
	bool		 keep;		/* the text that matters: others shrink to
					 * their minimum (and drop) before it does */
};

/* A row as the view built it. A row built from a store row (table_set_source)
 * holds that row and reads its cells from it: nothing of it is copied. */
struct table_row {
	char		*key;		/* unique across clusters: marks, selection */
	size_t		 cluster;
	const struct row *src;		/* the store row (held), or NULL */
	size_t		 src_col;	/* column of src's first cell */
	int64_t		 now;		/* when built: sort keys of src's ages */
	char		**cells;	/* text set with table_set or table_set_ref;
					 * NULL: src's cell (table_cell_text) */
	int64_t		*nums;		/* numeric sort keys of those cells */
	uint16_t	*widths;	/* display width of each cell */
	uint64_t	 own;		/* bit c: cells[c] is the table's */
	struct cell	*timed;		/* time-dependent cells (ages) set with
					 * table_set_cell: ncols of them, or NULL */
	size_t		 ncols;		/* the table's column count */
	char		*labels;	/* "k=v,k2=v2" or NULL */
	unsigned	 flags;		/* enum row_flag: colour */
	bool		 shown;		/* the table's: among the visible rows */
	unsigned long	 attr;		/* explicit curses attributes, or 0: by flags */
	void		*data;		/* the view's (not freed) */
	char		*ns;		/* for command targets */
	char		*name;
	char		*uid;		/* labels, ns, name, uid: the table's, or
					 * src's when src is set */
	const char	*resource;	/* static string */
};

struct table;

struct table	*table_new(const struct table_col *, size_t ncols);
void		 table_free(struct table *);
size_t		 table_ncols(const struct table *);
const struct table_col *table_col_at(const struct table *, size_t);
/* Hide or show a column (the CLUSTER column when one cluster is shown). */
void		 table_col_hide(struct table *, size_t col, bool hide);
/* Let a column give way first when the screen is narrow (NAMESPACE and
 * CLUSTER shrink to their minimum before NAME is cut). */
void		 table_col_shrink_first(struct table *, size_t col);

/* Rebuild: drop all rows, add new ones, then end (filters, sorts, keeps
 * the selection by key). */
void		 table_begin(struct table *);
struct table_row *table_add(struct table *, const char *key, size_t cluster);
/* Set a cell (text copied; NULL is ""); num is its sort key for numeric
 * columns. */
void		 table_set(struct table_row *, size_t col, const char *text, int64_t num);
/* Set a cell from a printer cell: ages and "n (2m ago)" are formatted
 * again at every draw (only for visible rows), so a view need not rebuild
 * its rows as the clock moves. The sort key is the cell's number, or its
 * age in seconds at now. */
void		 table_set_cell(struct table_row *, size_t col, const struct cell *, int64_t now);
/* Cells of a row already in the table set in place, where its place does
 * not change (the usage of rows not sorted by it): table_edit before, and
 * table_edit_done with what it returned after, so that the columns'
 * widths follow the new cells. */
bool		 table_edit(struct table *, struct table_row *);
void		 table_edit_done(struct table *, struct table_row *, bool shown);
/* Set a cell to text that outlives the row (a cluster's name, a string of
 * the row's source): not copied. */
void		 table_set_ref(struct table_row *, size_t col, const char *text, int64_t num);
/* Read the row's cells from column col on, and its labels, namespace, name
 * and uid, from the store row src, held (not copied) until the row goes.
 * Ages sort by their age at now; as with table_set_cell they are formatted
 * again at every draw. */
void		 table_set_source(struct table_row *, size_t col, const struct row *src,
		    int64_t now);
/* The text of a cell (ages formatted at the row's build time, into buf
 * when they must be), "" for none; and its numeric sort key. */
const char	*table_cell_text(const struct table_row *, size_t col, char *buf, size_t len);
int64_t		 table_cell_num(const struct table_row *, size_t col);
void		 table_end(struct table *);
/* One row changed, in place of a rebuild (rows with a source only, while
 * the order is kept: false otherwise, and then table_end sorts again).
 * table_place puts the row just added where a full sort would; for
 * table_remove_like, add a row built like the one to remove (the same
 * source and cells): both go, true if there was one. */
bool		 table_place(struct table *, struct table_row *);
bool		 table_remove_like(struct table *, struct table_row *probe);
/* Every row added since rows numbered first (table_total before them),
 * none yet in the order, placed at once where a full sort puts them: one
 * merge, for a batch of new rows (a list page). */
bool		 table_place_from(struct table *, size_t first);
/* Both at once for the two rows just added, probe then r: the row built
 * like probe goes and r goes where a full sort puts it; in its place, with
 * no other row moved, when it sorts there (a watch event that left the
 * sort keys alone). False if there was no row like probe (both go). */
bool		 table_replace(struct table *, struct table_row *probe, struct table_row *r);

/* Rows after filter and sort. */
size_t		 table_count(const struct table *);
size_t		 table_total(const struct table *);
struct table_row *table_row_at(struct table *, size_t);
/* Row i of all rows (filtered or not), in the order added. */
struct table_row *table_row_raw(struct table *, size_t);
struct table_row *table_selected(struct table *);
size_t		 table_selected_index(const struct table *);
/* Select the row with key (true if found). */
bool		 table_select_key(struct table *, const char *key);

/* Filter: "" clears. Returns 0 or -1 with *cause (bad regex, bad selector).
 * Filtering walks the rows in their sorted order (kept between filters,
 * sorted again only when rows or the sort change); a plain text containing
 * the one applied before walks only that one's matches. */
int		 table_set_filter(struct table *, const char *spec, char **cause);
/* The same as the user types: stops after budget seconds, the rows
 * matched so far visible; table_filter_continue goes on (true once done),
 * table_filtering says whether it must. The same spec again completes it. */
int		 table_set_filter_live(struct table *, const char *spec, char **cause,
		    double budget);
bool		 table_filter_continue(struct table *, double budget);
bool		 table_filtering(const struct table *);
const char	*table_filter(const struct table *);
/* Sort by column name (prefix, case-insensitive); the same column again
 * toggles direction. Returns 0 or -1 with *cause. */
int		 table_sort_by(struct table *, const char *name, char **cause);
/* Sort by the next (dir 1) or previous (dir -1) visible column. */
void		 table_sort_step(struct table *, int dir);
/* Current sort column (or -1) and direction (1 ascending, -1 descending). */
int		 table_sort_col(const struct table *, int *dir);
/* Default sort when the user has not chosen one. */
void		 table_set_default_sort(struct table *, int col, int dir);
/* Rows with these flags first (events: warnings first), before the sort. */
void		 table_set_flag_first(struct table *, unsigned flags);

/* Movement: by delta rows (clamped), to top/bottom, by pages of h rows. */
void		 table_move(struct table *, long delta);
void		 table_top(struct table *);
void		 table_bottom(struct table *);
void		 table_page(struct table *, int dir);

/* Marks: Space toggles the selected row's mark and moves down. */
void		 table_toggle_mark(struct table *);
void		 table_clear_marks(struct table *);
size_t		 table_nmarks(const struct table *);
bool		 table_is_marked(const struct table *, const char *key);
/* Marked rows that are present now (caller frees the array only). */
size_t		 table_marked_rows(struct table *, struct table_row ***out);

/* Drawing style: theme attributes for row flags and parts. */
struct table_style {
	unsigned long	 normal, colhead, selected, marked, bad, warn, progressing,
			 atmax, firing, dim;
	const char	*ellipsis;	/* "…" or "~" */
	bool		 wide;		/* show priority 1 columns */
	int64_t		 now;		/* for time-dependent cells */
	/* true if the cluster's rows are not live (drawn dimmed), or NULL */
	bool		(*stale)(size_t cluster, void *arg);
	void		*stale_arg;
};
/* Draw header and visible rows into win at (y, x) size h x w. */
void		 table_draw(struct table *, WINDOW *, int y, int x, int h, int w,
		    const struct table_style *);
/* Column widths for width w: -1 for hidden or dropped columns. Columns
 * set with table_col_shrink_first shrink to their minimum first; then wide-only
 * columns go, highest drop rank first; then the column with most room
 * above its minimum shrinks; then droppable columns go. Natural widths
 * are the widest cell of the rows (kept as rows are rebuilt, and grown
 * as time-dependent cells are drawn wider). */
void		 table_fit(struct table *, int w, bool wide, int *out);

/* Write s into win at (y, x) in exactly width columns (truncated with
 * ellipsis or padded with spaces). s must be sanitised UTF-8. */
void		 table_put(WINDOW *, int y, int x, const char *s, int width, const char *ellipsis);
/* Byte length of the longest prefix of s that fits in width columns. */
size_t		 table_fit_bytes(const char *s, int width, int *used);

#endif
