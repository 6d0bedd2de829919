/* The pager: bounded lines of sanitised text with scrolling, wrap,
 * follow and regex search (YAML, describe, help, logs, dialogs). */
#include <curses.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/pager.h"
#include "opsdeck/sanitize.h"
#include "opsdeck/table.h"
#include "opsdeck/theme.h"
#include "opsdeck/xmalloc.h"

/* One line and how to colour it. */
struct pager_line {
	char		*text;
	int		 slot;
	int		 hang;		/* wrapped parts start at this column */
};

/* A ring of at most max lines. */
struct pager {
	struct pager_line	*lines;
	size_t			 max;
	size_t			 first;		/* ring start */
	size_t			 n;
	size_t			 top;		/* first line shown (logical index) */
	int			 page;
	bool			 follow;
	regex_t			 re;
	bool			 have_re;
	size_t			 dropped;	/* lines dropped from the front */
};

struct pager *
pager_new(size_t max_lines)
{
	struct pager *p = xcalloc(1, sizeof *p);

	p->max = max_lines > 0 ? max_lines : 10000;
	p->lines = xcalloc(p->max, sizeof *p->lines);
	return p;
}

void
pager_clear(struct pager *p)
{
	size_t i;

	for (i = 0; i < p->n; i++)
		free(p->lines[(p->first + i) % p->max].text);
	p->first = 0;
	p->n = 0;
	p->top = 0;
}

void
pager_free(struct pager *p)
{
	if (p == NULL)
		return;
	pager_clear(p);
	if (p->have_re)
		regfree(&p->re);
	free(p->lines);
	free(p);
}

/* Append an owned line. */
static void
pager_push(struct pager *p, char *text, int slot)
{
	struct pager_line *l;

	if (p->n == p->max) {
		free(p->lines[p->first].text);
		p->first = (p->first + 1) % p->max;
		p->n--;
		p->dropped++;
		if (p->top > 0)
			p->top--;
	}
	l = &p->lines[(p->first + p->n) % p->max];
	l->text = text;
	l->slot = slot;
	l->hang = 0;
	p->n++;
	if (p->follow)
		pager_bottom(p);
}

void
pager_add(struct pager *p, const char *text, size_t len)
{
	char *clean, *s, *nl;

	clean = sanitize(text, len, SAN_KEEP_NEWLINE);
	s = clean;
	for (;;) {
		nl = strchr(s, '\n');
		if (nl == NULL) {
			if (*s != '\0' || s == clean)
				pager_push(p, xstrdup(s), -1);
			break;
		}
		pager_push(p, xstrndup(s, (size_t)(nl - s)), -1);
		s = nl + 1;
		if (*s == '\0')
			break;
	}
	free(clean);
}

void
pager_add_line(struct pager *p, const char *line, enum theme_slot slot)
{
	pager_push(p, sanitize_str(line, 0), (int)slot);
}

void
pager_add_hanging(struct pager *p, const char *line, int hang)
{
	pager_push(p, sanitize_str(line, 0), -1);
	p->lines[(p->first + p->n - 1) % p->max].hang = hang > 0 ? hang : 0;
}

void
pager_set_last_slot(struct pager *p, enum theme_slot slot)
{
	if (p->n > 0)
		p->lines[(p->first + p->n - 1) % p->max].slot = (int)slot;
}

size_t
pager_get_top(const struct pager *p)
{
	return p->top;
}

void
pager_set_top(struct pager *p, size_t top)
{
	p->top = top < p->n ? top : (p->n > 0 ? p->n - 1 : 0);
}

size_t
pager_count(const struct pager *p)
{
	return p->n;
}

const char *
pager_line(const struct pager *p, size_t i)
{
	return i < p->n ? p->lines[(p->first + i) % p->max].text : NULL;
}

void
pager_bottom(struct pager *p)
{
	size_t h = p->page > 0 ? (size_t)p->page : 1;

	p->top = p->n > h ? p->n - h : 0;
}

void
pager_follow(struct pager *p, bool on)
{
	p->follow = on;
	if (on)
		pager_bottom(p);
}

bool
pager_following(const struct pager *p)
{
	return p->follow;
}

/* Move to the next (dir 1) or previous match from the top line. */
static void
pager_find(struct pager *p, int dir)
{
	size_t i, k;

	if (!p->have_re || p->n == 0)
		return;
	for (k = 1; k <= p->n; k++) {
		i = (p->top + p->n + (dir > 0 ? k : p->n - k)) % p->n;
		if (regexec(&p->re, pager_line(p, i), 0, NULL, 0) == 0) {
			p->top = i;
			p->follow = false;
			return;
		}
	}
}

int
pager_search(struct pager *p, const char *regex, char **cause)
{
	char err[256];
	int rc;

	if (p->have_re)
		regfree(&p->re);
	p->have_re = false;
	if (*regex == '\0')
		return 0;
	rc = regcomp(&p->re, regex, REG_EXTENDED | REG_ICASE | REG_NOSUB);
	if (rc != 0) {
		regerror(rc, &p->re, err, sizeof err);
		*cause = xasprintf("search: %s", err);
		return -1;
	}
	p->have_re = true;
	if (p->top > 0)
		p->top--;
	pager_find(p, 1);
	return 0;
}

bool
pager_key(struct pager *p, int key)
{
	size_t h = p->page > 1 ? (size_t)p->page - 1 : 1;

	switch (key) {
	case 'j':
	case KEY_DOWN:
		if (p->top + 1 < p->n)
			p->top++;
		break;
	case 'k':
	case KEY_UP:
		if (p->top > 0)
			p->top--;
		p->follow = false;
		break;
	case 'g':
	case KEY_HOME:
		p->top = 0;
		p->follow = false;
		break;
	case 'G':
	case KEY_END:
		pager_bottom(p);
		break;
	case KEY_NPAGE:
	case 6:
		p->top = p->top + h < p->n ? p->top + h : p->top;
		break;
	case KEY_PPAGE:
	case 2:
		p->top = p->top > h ? p->top - h : 0;
		p->follow = false;
		break;
	case 'n':
		pager_find(p, 1);
		break;
	case 'N':
		pager_find(p, -1);
		break;
	default:
		return false;
	}
	return true;
}

void
pager_draw(struct pager *p, WINDOW *win, int y, int h, int w, bool wrap,
    const char *ellipsis)
{
	const char *s;
	size_t li = p->top, off, n;
	int line = 0, used, slot, hang, x;
	unsigned long a;

	p->page = h;
	if (p->follow)
		pager_bottom(p);
	while (line < h) {
		wmove(win, y + line, 0);
		s = pager_line(p, li);
		if (s == NULL) {
			wattrset(win, (attr_t)theme_attr(THEME_NORMAL));
			table_put(win, y + line, 0, p->n == 0 && line == 0 ? "(empty)" : "", w,
			    ellipsis);
			line++;
			continue;
		}
		slot = p->lines[(p->first + li) % p->max].slot;
		a = theme_attr(slot >= 0 ? (enum theme_slot)slot : THEME_NORMAL);
		if (p->have_re && regexec(&p->re, s, 0, NULL, 0) == 0)
			a = theme_attr(THEME_MARKED);
		wattrset(win, (attr_t)a);
		if (!wrap) {
			table_put(win, y + line, 0, s, w, ellipsis);
			line++;
		} else {
			off = 0;
			hang = p->lines[(p->first + li) % p->max].hang;
			if (hang > w / 2)
				hang = 0;
			do {
				x = off == 0 ? 0 : hang;
				wmove(win, y + line, 0);
				for (used = 0; used < x; used++)
					waddch(win, ' ');
				n = table_fit_bytes(s + off, w - x, &used);
				if (n == 0 && s[off] != '\0')
					n = 1;
				mvwaddnstr(win, y + line, x, s + off, (int)n);
				for (used += x; used < w; used++)
					waddch(win, ' ');
				off += n;
				line++;
			} while (s[off] != '\0' && line < h);
		}
		li++;
	}
	wattrset(win, (attr_t)theme_attr(THEME_NORMAL));
}

/* Word-wrap text into p at width w: a line that fits is kept
 * as it is (a diff's indentation and columns stay); longer ones break at
 * spaces, words longer than a line are split, wrapped parts keep the
 * paragraph's indent. */
void
pager_wrap(struct pager *p, const char *text, int w)
{
	const char *para = text, *end, *s, *word;
	char *line;
	size_t len, cap, indent, n, wl;
	int used, lw, ww;

	pager_clear(p);
	if (w < 8)
		w = 8;
	cap = strlen(text) + 1 + (size_t)w;
	line = xmalloc(cap * 2 + 16);
	for (;;) {
		end = strchr(para, '\n');
		if (end == NULL)
			end = para + strlen(para);
		memcpy(line, para, (size_t)(end - para));
		line[end - para] = '\0';
		if ((int)display_width(line) <= w) {
			pager_add(p, line, (size_t)(end - para));
			if (*end == '\0')
				break;
			para = end + 1;
			continue;
		}
		indent = strspn(para, " ");
		if ((int)indent > w / 2)
			indent = (size_t)w / 2;
		memcpy(line, para, indent);
		len = indent;
		lw = (int)indent;
		s = para + indent;
		while (s < end) {
			word = s;
			while (s < end && *s != ' ')
				s++;
			wl = (size_t)(s - word);
			memcpy(line + len + 1, word, wl);	/* measure the word alone */
			line[len + 1 + wl] = '\0';
			ww = (int)display_width(line + len + 1);
			if (lw > (int)indent && lw + 1 + ww > w) {
				line[len] = '\0';
				pager_add(p, line, len);
				memset(line, ' ', indent);
				len = indent;
				lw = (int)indent;
			}
			if (lw > (int)indent) {
				line[len++] = ' ';
				lw++;
			}
			/* a word wider than a line is split */
			while (lw + ww > w) {
				n = table_fit_bytes(word, w - lw, &used);
				if (n == 0)
					n = 1;
				memcpy(line + len, word, n);
				len += n;
				line[len] = '\0';
				pager_add(p, line, len);
				word += n;
				wl -= n;
				memset(line, ' ', indent);
				len = indent;
				lw = (int)indent;
				memcpy(line + len, word, wl);
				line[len + wl] = '\0';
				ww = (int)display_width(line + len);
			}
			memcpy(line + len, word, wl);
			len += wl;
			lw += ww;
			while (s < end && *s == ' ')
				s++;
		}
		line[len] = '\0';
		pager_add(p, line, len);
		if (*end == '\0')
			break;
		para = end + 1;
	}
	free(line);
}
