/* opsdeck get: the store's rows across clusters without the console, as
 * kubectl prints them (plus a leading CLUSTER column), or as JSON.
 *
 * JSON (-o json) is an array of row objects, in cluster, namespace, name
 * order:
 *	{"cluster":"prod-tokyo","kind":"Pod","resource":"pods",
 *	 "namespace":"shop","name":"web-1","uid":"...","labels":"app=web",
 *	 "cells":{"NAME":"web-1","READY":"1/1",...}}
 * cells carries every column (wide ones too) under kubectl's upper-cased
 * header, formatted as the table prints it. The columns are the API
 * server's Table's: for custom resources, those their CRDs declare. */
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jansson.h>

#include "opsdeck/buf.h"
#include "opsdeck/cli.h"
#include "opsdeck/client.h"
#include "opsdeck/config.h"
#include "opsdeck/duration.h"
#include "opsdeck/hl_session.h"
#include "opsdeck/json_util.h"
#include "opsdeck/kinds.h"
#include "opsdeck/kubeconfig.h"
#include "opsdeck/map.h"
#include "opsdeck/loop.h"
#include "opsdeck/printers.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/store.h"
#include "opsdeck/xmalloc.h"

/* Output formats. */
enum get_output {
	GET_TABLE,
	GET_WIDE,
	GET_JSON,
};

/* What get was asked for and the state it runs with. */
struct get_ctx {
	struct store			*store;
	struct client			*client;
	const struct kind	**kinds;
	size_t				 nkinds;
	enum get_output			 output;
	bool				 all_ns;
	const char			*ns;		/* -n, or NULL */
	bool				 multi_kind;
	int64_t				 now;
	/* --watch: rows already printed, keyed by content */
	struct map			*seen;
	size_t				*widths;	/* --watch: widths of the first table */
	size_t				 nwidths;
	uint64_t			*versions;
	enum conn_state			*states;	/* --watch: last reported */
	bool				 json_first;
	struct buf			 line;		/* the line being built */
	struct buf			 cells;		/* -o json: a row's cells */
	const struct kind		*headers_kind;	/* whose headers are headers */
	char				**headers;
	size_t				 nheaders;
	const struct kind		*prefix_kind;	/* whose name prefix is prefix */
	char				*prefix;	/* with several kinds, else NULL */
	struct get_kept			*kept;		/* not --watch: per kind */
	struct cell			*ucells;	/* a kept row's cells, unpacked */
	size_t				 nucells;
};

/* Print usage. */
static void
get_usage(FILE *f)
{
	fprintf(f, "usage: opsdeck get KIND[,KIND...] [-A | -n NS] [--context A,B | "
	    "--all-contexts]\n"
	    "                   [-l SELECTOR] [-o table|wide|json] [--watch] "
	    "[--kubeconfig FILE]\n"
	    "                   [--request-timeout DURATION] [--connect-timeout DURATION]\n"
	    "                   [--max-rows N] [--max-object-size SIZE]\n");
}

/* True once every (cluster, kind) has synced or failed. */
static int
get_settled(void *arg)
{
	struct get_ctx *g = arg;
	size_t c, k;

	for (c = 0; c < store_ncluster(g->store); c++) {
		for (k = 0; k < g->nkinds; k++) {
			if (!client_settled(g->client, c, kind_store_name(g->kinds[k])))
				return 0;
		}
	}
	return 1;
}

/* Number of UTF-8 code points in s (Go's tabwriter counts runes). */
static size_t
rune_count(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++) {
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	}
	return n;
}

/* Index of the name column of p, or 0. */
static size_t
name_column(const struct printer *p)
{
	size_t i;

	for (i = 0; i < p->ncolumns; i++) {
		if (p->columns[i].format != NULL && strcmp(p->columns[i].format, "name") == 0)
			return i;
	}
	return 0;
}

/* Whether column i shows in this output. */
static bool
column_shown(const struct get_ctx *g, const struct printer *p, size_t i)
{
	return p->columns[i].priority == 0 || g->output != GET_TABLE;
}

/* Upper-cased copy of a header. */
static char *
header_text(const char *name)
{
	char *h = xstrdup(name), *q;

	for (q = h; *q != '\0'; q++) {
		if (*q >= 'a' && *q <= 'z')
			*q = (char)(*q - 'a' + 'A');
	}
	return h;
}

/* kubectl's "kind.group/" prefix for names when several kinds print. */
static char *
name_prefix(const struct kind *res)
{
	char *kind = xstrdup(res->kind), *q, *out;

	for (q = kind; *q != '\0'; q++) {
		if (*q >= 'A' && *q <= 'Z')
			*q = (char)(*q - 'A' + 'a');
	}
	if (*res->group != '\0')
		out = xasprintf("%s.%s/", kind, res->group);
	else
		out = xasprintf("%s/", kind);
	free(kind);
	return out;
}

/*
 * get without --watch keeps no store rows (store_set_sink): each row, as
 * the store builds it, is packed into its kind's buffer, only what a line
 * or a JSON element reads (namespace, name, uid, labels and the cells: a
 * text cell's text, another's type, number, time and text), and unpacked
 * for printing once every list is in. Times stay times: ages are
 * formatted when the table is printed, as kubectl does. A pod packs into
 * about half of what its store row takes, and nothing is kept per row
 * but its bytes and where they are.
 */
struct get_kept {
	struct buf	 data;		/* packed rows, one after another */
	size_t		*offs;		/* where each row begins in data */
	size_t		*clusters;	/* and its cluster */
	size_t		 n;
	size_t		 cap;
};

/* Pack a string that may be NULL: a flag byte, then it NUL-terminated. */
static void
get_pack_str(struct buf *b, const char *s)
{
	buf_add(b, s != NULL ? "1" : "0", 1);
	if (s != NULL)
		buf_add(b, s, strlen(s) + 1);
}

/* Unpack what get_pack_str packed at *p; moves *p past it. */
static const char *
get_unpack_str(const char **p)
{
	const char *s = *p + 1;

	if (**p == '0') {
		*p += 1;
		return NULL;
	}
	*p = s + strlen(s) + 1;
	return s;
}

/* The kept rows of the kind the store names resource, or NULL (--watch,
 * or a kind not asked for). */
static struct get_kept *
get_kept_of(struct get_ctx *g, const char *resource)
{
	size_t i;

	for (i = 0; g->kept != NULL && i < g->nkinds; i++) {
		if (strcmp(kind_store_name(g->kinds[i]), resource) == 0)
			return &g->kept[i];
	}
	return NULL;
}

/* store sink: keep a row of one of the kinds asked for (NULL: forget the
 * rows of resource on cluster, a list begun again). */
static void
get_keep(size_t cluster, const char *resource, const struct row *row, void *arg)
{
	struct get_ctx *g = arg;
	struct get_kept *kp = get_kept_of(g, resource);
	unsigned char type;
	size_t i, j;

	if (kp == NULL)
		return;
	if (row == NULL) {
		for (i = j = 0; i < kp->n; i++) {
			if (kp->clusters[i] == cluster)
				continue;
			kp->offs[j] = kp->offs[i];
			kp->clusters[j++] = kp->clusters[i];
		}
		kp->n = j;
		return;
	}
	if (kp->n == kp->cap) {
		kp->cap = kp->cap ? kp->cap * 2 : 256;
		kp->offs = xreallocarray(kp->offs, kp->cap, sizeof *kp->offs);
		kp->clusters = xreallocarray(kp->clusters, kp->cap, sizeof *kp->clusters);
	}
	kp->offs[kp->n] = kp->data.len;
	kp->clusters[kp->n++] = cluster;
	buf_add(&kp->data, &row->ncells, sizeof row->ncells);
	get_pack_str(&kp->data, row->ns);
	get_pack_str(&kp->data, row->name);
	get_pack_str(&kp->data, row->uid);
	get_pack_str(&kp->data, row->labels);
	for (i = 0; i < row->ncells; i++) {
		type = (unsigned char)row->cells[i].type;
		buf_add(&kp->data, &type, 1);
		if (row->cells[i].type != CELL_TEXT) {
			buf_add(&kp->data, &row->cells[i].n, sizeof row->cells[i].n);
			buf_add(&kp->data, &row->cells[i].when, sizeof row->cells[i].when);
		}
		get_pack_str(&kp->data, row->cells[i].text);
	}
}

/* Unpack the identity of the kept row at p (its cell count, namespace,
 * name, uid, labels) into *row, pointing into the kept data; returns
 * where its cells begin. */
static const char *
get_unpack_ids(const char *p, struct row *row)
{
	memset(row, 0, sizeof *row);
	memcpy(&row->ncells, p, sizeof row->ncells);
	p += sizeof row->ncells;
	row->ns = (char *)(uintptr_t)get_unpack_str(&p);
	row->name = (char *)(uintptr_t)get_unpack_str(&p);
	row->uid = (char *)(uintptr_t)get_unpack_str(&p);
	row->labels = (char *)(uintptr_t)get_unpack_str(&p);
	return p;
}

/* Unpack the kept row at p into *row; its strings and cells point into
 * the kept data and g->ucells, valid until the next row is unpacked. */
static void
get_unpack(struct get_ctx *g, const char *p, struct row *row)
{
	size_t i;

	p = get_unpack_ids(p, row);
	if (row->ncells > g->nucells) {
		g->ucells = xreallocarray(g->ucells, row->ncells, sizeof *g->ucells);
		g->nucells = row->ncells;
	}
	row->cells = g->ucells;
	for (i = 0; i < row->ncells; i++) {
		struct cell *c = &g->ucells[i];

		memset(c, 0, sizeof *c);
		c->type = (enum cell_type)(unsigned char)*p++;
		if (c->type != CELL_TEXT) {
			memcpy(&c->n, p, sizeof c->n);
			p += sizeof c->n;
			memcpy(&c->when, p, sizeof c->when);
			p += sizeof c->when;
		}
		c->text = (char *)(uintptr_t)get_unpack_str(&p);
	}
}

/* A kept row, in the order of printing. */
struct get_order {
	size_t		 cluster;
	const char	*ns;
	const char	*name;
	const char	*uid;
	size_t		 off;
};

/* qsort: cluster, then namespace, name, uid, as store_foreach visits. */
static int
get_order_cmp(const void *a, const void *b)
{
	const struct get_order *x = a, *y = b;
	int c;

	if (x->cluster != y->cluster)
		return x->cluster < y->cluster ? -1 : 1;
	if ((c = strcmp(x->ns != NULL ? x->ns : "", y->ns != NULL ? y->ns : "")) != 0)
		return c;
	if ((c = strcmp(x->name != NULL ? x->name : "", y->name != NULL ? y->name : "")) != 0)
		return c;
	return strcmp(x->uid != NULL ? x->uid : "", y->uid != NULL ? y->uid : "");
}

/* Call cb for each row of res as store_foreach would: the kept rows
 * without --watch, else the store's. */
static void
get_foreach(struct get_ctx *g, const struct kind *res,
    int (*cb)(size_t cluster, const struct row *, void *arg), void *arg)
{
	struct get_kept *kp = get_kept_of(g, kind_store_name(res));
	struct get_order *o;
	struct row row;
	size_t i;

	if (kp == NULL) {
		store_foreach(g->store, SIZE_MAX, kind_store_name(res), NULL, cb, arg);
		return;
	}
	o = xcalloc(kp->n + 1, sizeof *o);
	for (i = 0; i < kp->n; i++) {
		(void)get_unpack_ids(kp->data.p + kp->offs[i], &row);	/* the sort keys */
		o[i] = (struct get_order){ kp->clusters[i], row.ns, row.name, row.uid,
		    kp->offs[i] };
	}
	qsort(o, kp->n, sizeof *o, get_order_cmp);
	for (i = 0; i < kp->n; i++) {
		get_unpack(g, kp->data.p + o[i].off, &row);
		if (cb(o[i].cluster, &row, arg) != 0)
			break;
	}
	free(o);
}

/* The formatted cells of one table line (CLUSTER, NAMESPACE, columns) are
 * kept as text: each cell NUL-terminated, one after another. */

/* Append a cell to line: prefix (may be NULL) then s. */
static void
get_cell_add(struct buf *line, const char *prefix, const char *s)
{
	buf_str(line, prefix);
	buf_add(line, s, strlen(s) + 1);
}

/* The prefix of res's names in this output (NULL: none), made once per
 * kind rather than once per row. */
static const char *
get_prefix(struct get_ctx *g, const struct kind *res)
{
	if (!g->multi_kind)
		return NULL;
	if (g->prefix_kind != res) {
		free(g->prefix);
		g->prefix = name_prefix(res);
		g->prefix_kind = res;
	}
	return g->prefix;
}

/* Append the displayed cells of row on cluster to line. */
static void
get_line_build(struct get_ctx *g, const struct kind *res, const struct printer *p,
    size_t cluster, const struct row *row, struct buf *line)
{
	char buf[4096];
	size_t i, ncol = name_column(p);
	const char *prefix = get_prefix(g, res);

	get_cell_add(line, NULL, store_cluster(g->store, cluster)->name);
	if (g->all_ns && res->namespaced)
		get_cell_add(line, NULL, row->ns);
	for (i = 0; i < p->ncolumns && i < row->ncells; i++) {
		if (!column_shown(g, p, i))
			continue;
		cell_format(&row->cells[i], g->now, buf, sizeof buf);
		get_cell_add(line, i == ncol ? prefix : NULL, buf);
	}
}

/* Widen widths (nwidths of them) to the cells of the line in text[0..len). */
static void
get_line_measure(const char *text, size_t len, size_t *widths, size_t nwidths)
{
	const char *c = text, *end = text + len;
	size_t j, w;

	for (j = 0; c < end && j < nwidths; j++) {
		w = rune_count(c);
		if (w > widths[j])
			widths[j] = w;
		c += strlen(c) + 1;
	}
}

/* Print the line in text[0..len) padded to widths (the last cell unpadded),
 * as Go's tabwriter does for kubectl: width + 3 spaces, at least 6. */
static void
get_line_print(const char *text, size_t len, const size_t *widths, size_t nwidths)
{
	static const char spaces[] = "                                ";
	const char *c = text, *end = text + len;
	size_t i, w, cw, n, pad;

	for (i = 0; c < end; i++) {
		n = strlen(c);
		fwrite(c, 1, n, stdout);
		if (c + n + 1 >= end)
			break;
		w = i < nwidths ? widths[i] + 3 : 0;
		if (w < 6)
			w = 6;
		cw = rune_count(c);
		if (w < cw + 3)
			w = cw + 3;	/* --watch lines wider than the first table */
		for (; cw < w; cw += pad) {
			pad = w - cw < sizeof spaces - 1 ? w - cw : sizeof spaces - 1;
			fwrite(spaces, 1, pad, stdout);
		}
		c += n + 1;
	}
	putchar('\n');
}

/* The lines of one table, as text. kubectl (get.go) reads every chunk of a
 * list before it prints, through one tabwriter, so its columns are as wide
 * as the widest cell of the whole list and no line can be printed before
 * the last page is in. What is kept meanwhile is each line's text, once:
 * one buffer for all of them, not an allocation per cell. */
struct get_table {
	struct get_ctx			*g;
	const struct kind		*res;
	const struct printer		*p;
	struct buf			 text;
	size_t				*ends;		/* where each line ends in text */
	size_t				 n;
	size_t				 cap;
	size_t				*widths;
	size_t				 nwidths;
};

/* store_foreach callback: add a line. */
static int
get_table_add(size_t cluster, const struct row *row, void *arg)
{
	struct get_table *t = arg;
	size_t start = t->text.len;

	if (t->n == t->cap) {
		t->cap = t->cap ? t->cap * 2 : 64;
		t->ends = xreallocarray(t->ends, t->cap, sizeof *t->ends);
	}
	get_line_build(t->g, t->res, t->p, cluster, row, &t->text);
	get_line_measure(t->text.p + start, t->text.len - start, t->widths, t->nwidths);
	t->ends[t->n++] = t->text.len;
	return 0;
}

/* The header line of a table, appended to line; returns its cell count. */
static size_t
get_header(struct get_ctx *g, const struct kind *res, const struct printer *p,
    struct buf *line)
{
	size_t i, n = 0;
	char *text;

	get_cell_add(line, NULL, "CLUSTER");
	n++;
	if (g->all_ns && res->namespaced) {
		get_cell_add(line, NULL, "NAMESPACE");
		n++;
	}
	for (i = 0; i < p->ncolumns; i++) {
		if (!column_shown(g, p, i))
			continue;
		text = header_text(p->columns[i].name);
		get_cell_add(line, NULL, text);
		free(text);
		n++;
	}
	return n;
}

/* Print the table of one kind; returns the number of rows. */
static size_t
get_print_table(struct get_ctx *g, const struct kind *res, bool blank_before)
{
	const struct printer *p = printer_find_table(kind_store_name(res));
	struct get_table t;
	struct buf hdr;
	size_t i, n;

	memset(&hdr, 0, sizeof hdr);
	memset(&t, 0, sizeof t);
	t.g = g;
	t.res = res;
	t.p = p;
	t.nwidths = get_header(g, res, p, &hdr);
	t.widths = xcalloc(t.nwidths, sizeof *t.widths);
	get_line_measure(hdr.p, hdr.len, t.widths, t.nwidths);
	get_foreach(g, res, get_table_add, &t);
	n = t.n;
	if (n > 0) {
		if (blank_before)
			putchar('\n');
		get_line_print(hdr.p, hdr.len, t.widths, t.nwidths);
		for (i = 0; i < n; i++) {
			size_t start = i > 0 ? t.ends[i - 1] : 0;

			get_line_print(t.text.p + start, t.ends[i] - start, t.widths, t.nwidths);
		}
	}
	buf_free(&hdr);
	buf_free(&t.text);
	free(t.ends);
	if (n > 0 && g->widths == NULL) {
		g->widths = t.widths;
		g->nwidths = t.nwidths;
	} else {
		free(t.widths);
	}
	return n;
}

/* The code point of the UTF-8 sequence at NUL-terminated s in *cp; its
 * length, or 0 where jansson would refuse the string. */
static size_t
get_utf8_next(const char *s, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s;

	/* a NUL ends any cut sequence: 4 bytes are never read past it */
	return utf8_decode(u, u[0] == 0 ? 1 : u[1] == 0 ? 2 : u[2] == 0 ? 3 : 4, cp);
}

/* True if s is a string jansson takes (valid UTF-8). */
static bool
get_json_valid(const char *s)
{
	uint32_t cp;
	size_t n;

	for (; *s != '\0'; s += n) {
		if ((unsigned char)*s < 0x80)
			n = 1;
		else if ((n = get_utf8_next(s, &cp)) == 0)
			return false;
	}
	return true;
}

/* Append s as a JSON string, escaped as json_dumps escapes with
 * JSON_ENSURE_ASCII: \" \\ \b \f \n \r \t, other control characters and
 * everything past ASCII as \uXXXX (upper-case hex, a surrogate pair past
 * U+FFFF), '/' and DEL as they are. False if s is not valid UTF-8 (what
 * was appended is then of no use). */
static bool
get_json_str(struct buf *b, const char *s)
{
	const char *run;
	uint32_t cp;
	size_t n;

	buf_add(b, "\"", 1);
	while (*s != '\0') {
		for (run = s; (unsigned char)*s >= 0x20 && (unsigned char)*s < 0x80 &&
		    *s != '"' && *s != '\\'; s++)
			;
		buf_add(b, run, (size_t)(s - run));
		if (*s == '\0')
			break;
		if ((n = get_utf8_next(s, &cp)) == 0)
			return false;
		s += n;
		switch (cp) {
		case '"':	buf_add(b, "\\\"", 2); break;
		case '\\':	buf_add(b, "\\\\", 2); break;
		case '\b':	buf_add(b, "\\b", 2); break;
		case '\f':	buf_add(b, "\\f", 2); break;
		case '\n':	buf_add(b, "\\n", 2); break;
		case '\r':	buf_add(b, "\\r", 2); break;
		case '\t':	buf_add(b, "\\t", 2); break;
		default:
			if (cp < 0x10000) {
				buf_printf(b, "\\u%04X", (unsigned)cp);
			} else {
				cp -= 0x10000;
				buf_printf(b, "\\u%04X\\u%04X", (unsigned)(0xd800 | (cp >> 10)),
				    (unsigned)(0xdc00 | (cp & 0x3ff)));
			}
			break;
		}
	}
	buf_add(b, "\"", 1);
	return true;
}

/* Append the member key:value to an object being written (*first: none
 * yet). As json_object_set_new, a key or value that is not valid UTF-8 is
 * no member. */
static void
get_json_member(struct buf *b, bool *first, const char *key, const char *value)
{
	size_t len = b->len;

	if (!*first)
		buf_add(b, ",", 1);
	if (get_json_str(b, key)) {
		buf_add(b, ":", 1);
		if (get_json_str(b, value)) {
			*first = false;
			return;
		}
	}
	b->len = len;	/* no member: taken back */
	b->p[len] = '\0';
}

/* The upper-cased column headers of res (once per kind). */
static void
get_json_headers(struct get_ctx *g, const struct kind *res, const struct printer *p)
{
	size_t i;

	if (g->headers_kind == res)
		return;
	for (i = 0; i < g->nheaders; i++)
		free(g->headers[i]);
	g->headers = xreallocarray(g->headers, p->ncolumns + 1, sizeof *g->headers);
	g->nheaders = p->ncolumns;
	for (i = 0; i < p->ncolumns; i++)
		g->headers[i] = header_text(p->columns[i].name);
	g->headers_kind = res;
}

/* Append one row as a JSON object, written straight from the row, byte
 * for byte what json_dumps(JSON_COMPACT | JSON_ENSURE_ASCII) made of the
 * object built member by member (cells under their headers, in column
 * order; a header repeated keeps its first place and its last value). */
static void
get_row_json(struct get_ctx *g, const struct kind *res, size_t cluster,
    const struct row *row, struct buf *b)
{
	const struct printer *p = printer_find_table(kind_store_name(res));
	char buf[4096];
	size_t i, k, nslot = 0, ncol;
	size_t *slot_col, *slot_val, *val;
	bool first = true, cfirst = true;

	get_json_headers(g, res, p);
	ncol = p->ncolumns < row->ncells ? p->ncolumns : row->ncells;
	buf_add(b, "{", 1);
	get_json_member(b, &first, "cluster", store_cluster(g->store, cluster)->name);
	get_json_member(b, &first, "kind", res->kind);
	get_json_member(b, &first, "resource", res->resource);
	get_json_member(b, &first, "namespace", row->ns);
	get_json_member(b, &first, "name", row->name);
	get_json_member(b, &first, "uid", row->uid != NULL ? row->uid : "");
	get_json_member(b, &first, "labels", row->labels != NULL ? row->labels : "");
	/* the cells' text first, to find the members they make */
	g->cells.len = 0;
	val = xcalloc(3 * (ncol + 1), sizeof *val);
	slot_col = val + ncol + 1;
	slot_val = slot_col + ncol + 1;
	for (i = 0; i < ncol; i++) {
		val[i] = g->cells.len;
		cell_format(&row->cells[i], g->now, buf, sizeof buf);
		buf_add(&g->cells, buf, strlen(buf) + 1);
	}
	for (i = 0; i < ncol; i++) {
		if (!get_json_valid(g->headers[i]) || !get_json_valid(g->cells.p + val[i]))
			continue;
		for (k = 0; k < nslot; k++) {
			if (strcmp(g->headers[slot_col[k]], g->headers[i]) == 0)
				break;
		}
		if (k == nslot)
			slot_col[nslot++] = i;
		slot_val[k] = val[i];
	}
	if (!first)
		buf_add(b, ",", 1);
	buf_add(b, "\"cells\":{", 9);
	for (k = 0; k < nslot; k++) {
		if (!cfirst)
			buf_add(b, ",", 1);
		cfirst = false;
		(void)get_json_str(b, g->headers[slot_col[k]]);	/* both valid */
		buf_add(b, ":", 1);
		(void)get_json_str(b, g->cells.p + slot_val[k]);
	}
	buf_add(b, "}}", 2);
	free(val);
}

/* JSON printer state. */
struct get_json {
	struct get_ctx			*g;
	const struct kind	*res;
	size_t				 n;
};

/* store_foreach callback: print one JSON element. */
static int
get_json_add(size_t cluster, const struct row *row, void *arg)
{
	struct get_json *j = arg;
	struct buf *b = &j->g->line;

	b->len = 0;
	buf_str(b, j->g->json_first ? "\n  " : ",\n  ");
	get_row_json(j->g, j->res, cluster, row, b);
	fwrite(b->p, 1, b->len, stdout);
	j->g->json_first = false;
	j->n++;
	return 0;
}

/* Add s to the seen set; true if it was new. */
static bool
get_seen_add(struct get_ctx *g, const char *s)
{
	if (g->seen == NULL)
		g->seen = map_new();
	return map_put(g->seen, s, (void *)1) == NULL;
}

/* Watch printer state. */
struct get_watch {
	struct get_ctx			*g;
	const struct kind	*res;
	bool				 print;
};

/* store_foreach callback: print a row not printed in this form before. */
static int
get_watch_row(size_t cluster, const struct row *row, void *arg)
{
	struct get_watch *w = arg;
	struct get_ctx *g = w->g;
	const struct printer *p = printer_find_table(kind_store_name(w->res));
	char *key, *tmp;
	size_t i;

	key = xasprintf("%s\x1f%s\x1f%s", kind_store_name(w->res),
	    store_cluster(g->store, cluster)->name, row->uid != NULL ? row->uid : "");
	for (i = 0; i < row->ncells; i++) {
		char buf[1024];

		if (row->cells[i].type == CELL_AGE)
			continue;
		cell_format(&row->cells[i], 0, buf, sizeof buf);
		tmp = xasprintf("%s\x1f%s", key, buf);
		free(key);
		key = tmp;
	}
	if (get_seen_add(g, key) && w->print) {
		if (g->output == GET_JSON) {
			g->line.len = 0;
			get_row_json(g, w->res, cluster, row, &g->line);
			buf_add(&g->line, "\n", 1);
			fwrite(g->line.p, 1, g->line.len, stdout);
		} else {
			g->line.len = 0;
			get_line_build(g, w->res, p, cluster, row, &g->line);
			get_line_print(g->line.p, g->line.len, g->widths, g->nwidths);
		}
	}
	free(key);
	return 0;
}

/* --watch: say on stderr when a cluster's connection state changes. */
static void
get_watch_states(struct get_ctx *g)
{
	struct store_cluster *sc;
	size_t c;

	for (c = 0; c < store_ncluster(g->store); c++) {
		sc = store_cluster(g->store, c);
		if (sc->state == g->states[c])
			continue;
		g->states[c] = sc->state;
		fprintf(stderr, "opsdeck: %s: %s%s%s\n", sc->name, conn_state_name(sc->state),
		    sc->reason != NULL ? ": " : "", sc->reason != NULL ? sc->reason : "");
	}
}

/* Before sleep in --watch: print what changed. */
static void
get_watch_hook(void *arg)
{
	struct get_ctx *g = arg;
	struct get_watch w;
	size_t k;

	get_watch_states(g);
	for (k = 0; k < g->nkinds; k++) {
		uint64_t v = store_version(g->store, kind_store_name(g->kinds[k]));

		if (v == g->versions[k])
			continue;
		g->versions[k] = v;
		g->now = (int64_t)time(NULL);
		w.g = g;
		w.res = g->kinds[k];
		w.print = true;
		store_foreach(g->store, SIZE_MAX, kind_store_name(g->kinds[k]), NULL, get_watch_row, &w);
	}
	fflush(stdout);
}

/* Report clusters that failed for kind; returns how many. */
static int
get_report_failures(struct get_ctx *g, const struct kind *res, bool timed_out)
{
	size_t c;
	int failed = 0;

	for (c = 0; c < store_ncluster(g->store); c++) {
		struct store_cluster *sc = store_cluster(g->store, c);
		const char *reason = NULL;
		enum conn_state ks = store_kind_state(g->store, c, kind_store_name(res), &reason);

		if (store_synced(g->store, c, kind_store_name(res)) &&
		    (ks == CONN_LIVE || ks == CONN_CONNECTING)) {
			if (reason != NULL && strcmp(reason, "not installed") == 0)
				fprintf(stderr, "opsdeck: %s: %s: not installed on this cluster\n",
				    sc->name, kind_store_name(res));
			continue;
		}
		if (ks == CONN_CONNECTING && (sc->state == CONN_CONNECTING ||
		    sc->state == CONN_LIVE)) {
			/* still waiting, perhaps to retry: the last answer is why */
			fprintf(stderr, "opsdeck: %s: %s: %s%s%s\n", sc->name, kind_store_name(res),
			    timed_out ? "timed out waiting for the list" : "not synced",
			    reason != NULL ? "; last answer: " : "", reason != NULL ? reason : "");
			failed++;
			continue;
		}
		if (ks == CONN_CONNECTING || reason == NULL)
			reason = sc->reason;
		fprintf(stderr, "opsdeck: %s: %s: %s: %s\n", sc->name, kind_store_name(res),
		    conn_state_name(ks != CONN_CONNECTING ? ks : sc->state),
		    reason != NULL ? reason : "failed");
		failed++;
	}
	return failed;
}

/* The path of the CustomResourceDefinitions. */
#define CRD_PATH	"/apis/apiextensions.k8s.io/v1/customresourcedefinitions"

/* True if k is a custom resource: its Table is what its CRD declares. */
static bool
kind_is_custom(const struct kind *k)
{
	size_t n = strlen(k->group);

	return k->source == KIND_API && (k->table != NULL || (strchr(k->group, '.') != NULL &&
	    !(n >= 7 && strcmp(k->group + n - 7, ".k8s.io") == 0)));
}

/* The CustomResourceDefinitions asked of every cluster. */
struct get_crds {
	json_t		**answers;	/* per cluster: the CRD or the list, or NULL */
	char		**errors;	/* per cluster: why not */
	size_t		  pending;
};

/* One cluster's answer. */
struct get_crd_call {
	struct get_crds	*crds;
	size_t		 cluster;
};

/* client_request callback: keep the CRD (or list), or why not. */
static void
get_crd_done(const struct client_response *resp, void *arg)
{
	struct get_crd_call *call = arg;
	struct get_crds *crds = call->crds;
	json_t *doc = NULL;

	if (resp->error == NULL && resp->status == 200)
		doc = json_loadb(resp->body, resp->len, 0, NULL);
	if (doc != NULL)
		crds->answers[call->cluster] = doc;
	else
		crds->errors[call->cluster] = client_response_error(resp);
	crds->pending--;
	free(call);
}

/* loop_run_until condition: every cluster answered. */
static int
get_crds_done(void *arg)
{
	return ((struct get_crds *)arg)->pending == 0;
}

/* Learn the columns of the custom resources among names (a comma list) from
 * the clusters' CRDs: the one named for a kind the table knows, the whole
 * list when a name is unknown. The first cluster (in context order) that
 * answers wins; a kind whose CRD no cluster lets us read keeps its built-in
 * columns. Sets *why to the first cluster's failure, if any. */
static void
get_learn_crds(struct get_ctx *g, struct loop *loop, size_t nctx, const char *names,
    double timeout, char **why)
{
	char *copy = xstrdup(names), *p, *tok, *save = NULL, *path = NULL;
	const struct kind *k;
	struct get_crds crds;
	struct get_crd_call *call;
	json_t *item;
	size_t c, i, nwant = 0;
	bool list = false;

	for (p = copy; (tok = strtok_r(p, ",", &save)) != NULL; p = NULL) {
		k = kind_find(tok);
		if (k == NULL)
			list = true;
		else if (kind_is_custom(k)) {
			nwant++;
			free(path);
			path = xasprintf(CRD_PATH "/%s.%s", k->resource, k->group);
		}
	}
	free(copy);
	if (list || nwant > 1) {
		free(path);
		path = xstrdup(CRD_PATH);
	}
	if (path == NULL)
		return;
	memset(&crds, 0, sizeof crds);
	crds.answers = xcalloc(nctx, sizeof *crds.answers);
	crds.errors = xcalloc(nctx, sizeof *crds.errors);
	crds.pending = nctx;
	for (c = 0; c < nctx; c++) {
		call = xcalloc(1, sizeof *call);
		call->crds = &crds;
		call->cluster = c;
		client_request(g->client, c, "GET", path, NULL, NULL, get_crd_done, call);
	}
	if (loop_run_until(loop, get_crds_done, &crds, timeout) != 0 && *why == NULL)
		*why = xstrdup("timed out");
	for (c = 0; c < nctx; c++) {
		if (crds.answers[c] != NULL && json_is_array(json_object_get(crds.answers[c],
		    "items"))) {
			json_array_foreach(json_object_get(crds.answers[c], "items"), i, item)
				kind_learn_crd(item);
		} else if (crds.answers[c] != NULL) {
			kind_learn_crd(crds.answers[c]);
		} else if (*why == NULL && crds.errors[c] != NULL) {
			*why = sanitize_str(crds.errors[c], 0);
		}
		json_decref(crds.answers[c]);
		free(crds.errors[c]);
	}
	free(crds.answers);
	free(crds.errors);
	free(path);
}

/* Parse the kinds list into g. 0, or -1 with a message printed (crd_why:
 * why the clusters' CRDs could not be read, or NULL). */
static int
get_parse_kinds(struct get_ctx *g, const char *spec, const char *crd_why)
{
	char *copy = xstrdup(spec), *p, *tok, *save = NULL;
	const struct kind *res;
	size_t i;
	int rc = 0;

	for (p = copy;; p = NULL) {
		tok = strtok_r(p, ",", &save);
		if (tok == NULL)
			break;
		res = kind_find(tok);
		if (res == NULL) {
			char *clean = sanitize_str(tok, 0);

			fprintf(stderr, "opsdeck: the server doesn't have a resource type \"%s\"%s%s%s\n",
			    clean, crd_why != NULL ? " (its CustomResourceDefinitions could not be "
			    "read: " : "", crd_why != NULL ? crd_why : "", crd_why != NULL ? ")" : "");
			free(clean);
			rc = -1;
			break;
		}
		for (i = 0; i < g->nkinds; i++) {
			if (g->kinds[i] == res)
				break;
		}
		if (i < g->nkinds)
			continue;
		g->kinds = xreallocarray(g->kinds, g->nkinds + 1, sizeof *g->kinds);
		g->kinds[g->nkinds++] = res;
	}
	free(copy);
	if (rc == 0 && g->nkinds == 0) {
		fprintf(stderr, "opsdeck: get: no resource type given\n");
		rc = -1;
	}
	return rc;
}

/* opsdeck get. */
int
get_main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "all-namespaces", no_argument, NULL, 'A' },
		{ "namespace", required_argument, NULL, 'n' },
		{ "context", required_argument, NULL, 'c' },
		{ "all-contexts", no_argument, NULL, 'a' },
		{ "selector", required_argument, NULL, 'l' },
		{ "output", required_argument, NULL, 'o' },
		{ "watch", no_argument, NULL, 'w' },
		{ "kubeconfig", required_argument, NULL, 'k' },
		{ "request-timeout", required_argument, NULL, 't' },
		{ "connect-timeout", required_argument, NULL, 'C' },
		{ "max-rows", required_argument, NULL, 'R' },
		{ "max-object-size", required_argument, NULL, 'S' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct get_ctx g;
	struct hl_session s;
	struct hl_session_opts so;
	struct loop *loop;
	struct client_opts copts;
	const char *context_spec = NULL, *kubeconfig = NULL, *selector = NULL;
	const char *why = NULL;
	char *cause = NULL, *crd_why = NULL;
	size_t k, total = 0;
	double timeout = 60, connect_timeout = 5, q, t0;
	size_t max_rows = 0, max_object = 0;
	bool all_contexts = false, watch = false, timed_out = false;
	int ch, rc = 2, failed = 0;

	memset(&g, 0, sizeof g);
	memset(&s, 0, sizeof s);
	g.json_first = true;
	optind = 1;
	for (;;) {
		ch = getopt_long(argc, argv, "An:l:o:wh", longopts, NULL);
		if (ch == -1)
			break;
		switch (ch) {
		case 'A':
			g.all_ns = true;
			break;
		case 'n':
			g.ns = optarg;
			break;
		case 'c':
			context_spec = optarg;
			break;
		case 'a':
			all_contexts = true;
			break;
		case 'l':
			selector = optarg;
			break;
		case 'o':
			if (strcmp(optarg, "table") == 0)
				g.output = GET_TABLE;
			else if (strcmp(optarg, "wide") == 0)
				g.output = GET_WIDE;
			else if (strcmp(optarg, "json") == 0)
				g.output = GET_JSON;
			else {
				fprintf(stderr, "opsdeck: get: unknown output format '%s' "
				    "(table, wide, json)\n", optarg);
				goto out;
			}
			break;
		case 'w':
			watch = true;
			break;
		case 'k':
			kubeconfig = optarg;
			break;
		case 't':
		case 'C':
			if (duration_parse(optarg, ch == 't' ? &timeout :
			    &connect_timeout, &why) != 0 || (ch == 't' ? timeout : connect_timeout) <= 0) {
				fprintf(stderr, "opsdeck: get: bad duration '%s': %s\n", optarg,
				    why != NULL ? why : "must be more than 0");
				goto out;
			}
			break;
		case 'R':
		case 'S':
			/* a count, or a size as a quantity ("8Mi"); at least 1 (a
			 * size at least 1 KiB), at most 2^40 */
			if (quantity_parse(optarg, &q) != 0 || !(q >= (ch == 'R' ? 1 : 1024)) ||
			    q > 1099511627776.0 || q != (double)(size_t)q) {
				fprintf(stderr, "opsdeck: get: bad %s '%s'\n", ch == 'R' ?
				    "--max-rows" : "--max-object-size", optarg);
				goto out;
			}
			if (ch == 'R')
				max_rows = (size_t)q;
			else
				max_object = (size_t)q;
			break;
		case 'h':
			get_usage(stdout);
			rc = 0;
			goto out;
		default:
			get_usage(stderr);
			goto out;
		}
	}
	if (optind >= argc) {
		get_usage(stderr);
		goto out;
	}
	if (g.all_ns && g.ns != NULL)
		g.ns = NULL;

	memset(&copts, 0, sizeof copts);
	copts.connect_timeout = connect_timeout;
	copts.max_rows = max_rows;
	copts.max_object = max_object;
	copts.once = !watch;
	copts.list_only = !watch;
	copts.health_interval = watch ? 0 : -1;	/* 0: the default probe period */
	so = (struct hl_session_opts){ .kubeconfig = kubeconfig, .spec = context_spec,
	    .all = all_contexts, .server_tables = true, .client = &copts };
	if (hl_session_open(&s, &so) != 0)
		goto out;
	loop = s.loop;
	g.store = s.store;
	g.client = s.client;
	t0 = loop_now();
	get_learn_crds(&g, loop, s.nctx, argv[optind], timeout, &crd_why);
	timeout -= loop_now() - t0;	/* one --request-timeout for it all */
	if (get_parse_kinds(&g, argv[optind], crd_why) != 0)
		goto out;
	g.multi_kind = g.nkinds > 1;
	if (!watch) {
		g.kept = xcalloc(g.nkinds, sizeof *g.kept);
		store_set_sink(g.store, get_keep, &g);
	}
	for (k = 0; k < g.nkinds; k++) {
		const char *scope = g.all_ns ? NULL : (g.ns != NULL ? g.ns : "");

		if (client_watch_scoped(g.client, kind_store_name(g.kinds[k]), scope, selector,
		    &cause) != 0) {
			fprintf(stderr, "opsdeck: %s\n", cause);
			goto out;
		}
	}
	if (timeout <= 0 || loop_run_until(loop, get_settled, &g, timeout) != 0)
		timed_out = true;

	g.now = (int64_t)time(NULL);
	if (g.output == GET_JSON && !watch)
		fputs("[", stdout);
	for (k = 0; k < g.nkinds; k++) {
		if (g.output == GET_JSON) {
			struct get_json j = { &g, g.kinds[k], 0 };

			if (!watch)
				get_foreach(&g, g.kinds[k], get_json_add, &j);
			total += j.n;
		} else {
			total += get_print_table(&g, g.kinds[k], total > 0);
		}
		failed += get_report_failures(&g, g.kinds[k], timed_out);
	}
	if (g.output == GET_JSON && !watch)
		fputs(g.json_first ? "]\n" : "\n]\n", stdout);
	if (total == 0 && g.output != GET_JSON && failed < (int)(s.nctx * g.nkinds)) {
		/* some cluster answered: nothing is there (never said when
		 * every cluster failed: that is not knowing, not nothing) */
		const char *ns = g.ns != NULL ? g.ns : s.ctxs[0]->namespace_;

		if (g.all_ns || ns == NULL)
			fprintf(stderr, "No resources found\n");
		else
			fprintf(stderr, "No resources found in %s namespace.\n", ns);
	}
	fflush(stdout);
	if (watch) {
		struct get_watch w;

		g.versions = xcalloc(g.nkinds, sizeof *g.versions);
		g.states = xcalloc(store_ncluster(g.store), sizeof *g.states);
		for (k = 0; k < store_ncluster(g.store); k++)
			g.states[k] = store_cluster(g.store, k)->state;
		for (k = 0; k < g.nkinds; k++) {
			w.g = &g;
			w.res = g.kinds[k];
			w.print = g.output == GET_JSON;
			g.versions[k] = store_version(g.store, kind_store_name(g.kinds[k]));
			store_foreach(g.store, SIZE_MAX, kind_store_name(g.kinds[k]), NULL,
			    get_watch_row, &w);
		}
		fflush(stdout);
		loop_before_sleep(loop, get_watch_hook, &g);
		loop_run(loop);
	}
	rc = failed > 0 ? 1 : 0;
out:
	free(cause);
	free(crd_why);
	hl_session_close(&s);
	for (k = 0; g.kept != NULL && k < g.nkinds; k++) {
		buf_free(&g.kept[k].data);
		free(g.kept[k].offs);
		free(g.kept[k].clusters);
	}
	free(g.kept);
	free(g.ucells);
	free(g.kinds);
	free(g.widths);
	free(g.versions);
	free(g.states);
	kind_forget_learnt();
	map_free(g.seen, NULL);
	buf_free(&g.line);
	buf_free(&g.cells);
	for (k = 0; k < g.nheaders; k++)
		free(g.headers[k]);
	free(g.headers);
	free(g.prefix);
	return rc;
}
