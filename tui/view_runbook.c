/* The runbook view: the plan of the console's runbook run and where it is.
 * The title, severity and target, the elapsed time against the RTO, then
 * every step with a state marker, its kind, its title or text and its last
 * message. It holds a reference to the run, so the run's progress outlives
 * the run (the view stays until Esc) and the run goes on when the view is
 * closed. x aborts after a confirmation; questions the run asks (confirm
 * steps, "continue after a failure?") are dialogs drawn over this view. The
 * runner calls back on every change (ui_dirty); the clock ticks with the
 * header's once a second. Every line is sanitised by the pager. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "opsdeck/runbook.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

#define RBV_INDENT	20	/* " [ ok ] 12. confirm " */
#define RBV_MAX_LINES	4096

/* The view's own keys (shown by the help view). */
const struct view_key_help view_runbook_keys[] = {
	{ "x", "abort the run (asks first; the step is recorded as cancelled)" },
	{ "Escape", "back: the run goes on (:runbook-show reopens the view)" },
	{ "j k g G", "scroll" },
};
const size_t view_runbook_nkeys = sizeof view_runbook_keys / sizeof view_runbook_keys[0];

/* State of a runbook view. */
struct rbv {
	struct rb_run	*run;		/* a reference */
	struct pager	*head;		/* title, target, state and clock: pinned */
	struct pager	*pager;		/* the steps; both rebuilt at each draw */
	struct pager	*wrap;		/* scratch for word wrapping */
	bool		 scrolled;	/* the operator scrolled: stop following */
	char		 title[160];
};

/* The marker of a step state. */
static const char *
rbv_marker(enum rb_state s)
{
	switch (s) {
	case RB_PENDING:
		return "[    ]";
	case RB_RUNNING:
		return "[ >> ]";
	case RB_OK:
		return "[ ok ]";
	case RB_FAILED:
		return "[FAIL]";
	case RB_SKIPPED:
		return "[skip]";
	}
	return "[ ?? ]";
}

/* The colour of a step state. */
static enum theme_slot
rbv_slot(enum rb_state s)
{
	switch (s) {
	case RB_RUNNING:
		return THEME_PROGRESSING;
	case RB_FAILED:
		return THEME_BAD;
	case RB_PENDING:
	case RB_SKIPPED:
		return THEME_DIM;
	case RB_OK:
		break;
	}
	return THEME_NORMAL;
}

/* Add text to p word-wrapped to width w: the first line after first, the
 * rest indented to indent columns. */
static void
rbv_add(struct rbv *d, struct pager *p, const char *first, int indent, const char *text,
    int w, enum theme_slot slot)
{
	char *line;
	size_t i;

	pager_wrap(d->wrap, text, w - indent);
	for (i = 0; i < pager_count(d->wrap); i++) {
		line = xasprintf("%-*s%s", indent, i == 0 && first != NULL ? first : "",
		    pager_line(d->wrap, i));
		pager_add_line(p, line, slot);
		free(line);
	}
}

/* What a step is doing or did, for its message line (new string or NULL). */
static char *
rbv_step_message(const struct rb_run *run, const struct rb_run_info *info, size_t i)
{
	const struct rb_step *st = &info->rb->steps[i];
	const char *msg;
	enum rb_state s = runbook_run_state(run, i, &msg);
	bool here = !info->finished && i == info->current;
	char limit[32];

	if (s == RB_FAILED && here && info->asking)
		return xasprintf("%s -- continue anyway? answer in the dialog",
		    msg != NULL ? msg : "failed");
	if (s == RB_RUNNING && here && info->asking)
		return xstrdup("waiting for the operator: answer in the dialog (y/n)");
	if (s == RB_RUNNING && st->kind == RB_WAIT) {
		rb_format_limit(st->timeout, limit, sizeof limit);
		return xasprintf("waiting, up to %s%s%s", limit, msg != NULL ? ": now " : "",
		    msg != NULL ? msg : "");
	}
	if (s == RB_RUNNING)
		return xstrdup(msg != NULL ? msg : "running");
	if (msg == NULL || (st->kind == RB_NOTE && strcmp(msg, runbook_run_step_text(run, i)) == 0))
		return NULL;
	return xstrdup(msg);
}

/* Add the lines of step i; returns the index of its first line. */
static size_t
rbv_add_step(struct rbv *d, const struct rb_run_info *info, size_t i, int w)
{
	const struct rb_step *st = &info->rb->steps[i];
	enum rb_state s = runbook_run_state(d->run, i, NULL);
	const char *text = runbook_run_step_text(d->run, i);
	const char *title = runbook_run_step_title(d->run, i);
	size_t at = pager_count(d->pager);
	char head[64], *msg;

	snprintf(head, sizeof head, " %s %2zu. %-7s ", rbv_marker(s), i + 1,
	    rb_kind_name(st->kind));
	rbv_add(d, d->pager, head, RBV_INDENT, title != NULL ? title : text, w, rbv_slot(s));
	if (title != NULL)
		rbv_add(d, d->pager, NULL, RBV_INDENT, text, w, THEME_DIM);
	msg = rbv_step_message(d->run, info, i);
	if (msg != NULL) {
		rbv_add(d, d->pager, NULL, RBV_INDENT + 2, msg, w,
		    s == RB_OK ? THEME_NORMAL : rbv_slot(s));
		free(msg);
	}
	return at;
}

/* The line that says where the run is: "running step 3 of 5", "COMPLETED". */
static char *
rbv_state_line(const struct rb_run_info *info)
{
	char used[32], rto[128];

	rb_format_duration(info->elapsed, used, sizeof used);
	rb_format_rto(info->rb->rto, info->elapsed, !info->finished, rto, sizeof rto);
	if (info->finished)
		return xasprintf("%s: %s | elapsed %s%s%s", info->interrupted ? "INTERRUPTED" :
		    info->aborted ? "ABORTED" : info->rc == 0 ? "DONE" : "FAILED", info->summary,
		    used, *rto != '\0' ? " | " : "", rto);
	return xasprintf("%s step %zu of %zu | elapsed %s%s%s", info->asking ?
	    "WAITING FOR YOU at" : "RUNNING", info->current + 1, info->rb->nsteps, used,
	    *rto != '\0' ? " | " : "", rto);
}

/* Rebuild the lines for width w; returns the first line of the current step. */
static size_t
rbv_build(struct rbv *d, int w)
{
	struct rb_run_info info;
	size_t i, at, cur = 0;
	char *s;

	runbook_run_info(d->run, &info);
	pager_clear(d->head);
	pager_clear(d->pager);
	rbv_add(d, d->head, " ", 1, info.rb->title, w, THEME_SECTION);
	if (info.name != NULL)
		s = xasprintf("runbook %s | severity %s | target %s, %s%s%s%s%s", info.rb->name,
		    info.rb->severity, info.cluster, info.kind != NULL ? info.kind : "",
		    info.kind != NULL ? " " : "", info.ns != NULL ? info.ns : "",
		    info.ns != NULL ? "/" : "", info.name);
	else
		s = xasprintf("runbook %s | severity %s | target %s", info.rb->name,
		    info.rb->severity, info.cluster);
	rbv_add(d, d->head, " ", 1, s, w, THEME_NORMAL);
	free(s);
	for (i = 0; i < info.nparams; i++) {
		s = xasprintf("parameter %s = %s (%s)", info.pnames[i], info.pvalues[i],
		    info.porigin[i] != NULL ? info.porigin[i] : "default");
		rbv_add(d, d->head, " ", 3, s, w, THEME_DIM);
		free(s);
	}
	s = rbv_state_line(&info);
	rbv_add(d, d->head, " ", 1, s, w, info.finished ?
	    (info.rc == 0 ? THEME_SECTION : THEME_BAD) :
	    info.asking ? THEME_WARN : THEME_PROGRESSING);
	free(s);
	pager_add_line(d->head, "", THEME_NORMAL);
	for (i = 0; i < info.rb->nsteps; i++) {
		at = rbv_add_step(d, &info, i, w);
		if (i == info.current)
			cur = at;
	}
	pager_add_line(d->pager, "", THEME_NORMAL);
	rbv_add(d, d->pager, " ", 1, info.finished ? "Esc: back" :
	    "x: abort the run | Esc: back (the run goes on; :runbook-show reopens this)", w,
	    THEME_DIM);
	return cur;
}

/* Set up: hold the console's run. */
static int
rbv_init(struct view *v, char **cause)
{
	struct rb_run *run = runbook_console_run();
	struct rbv *d;

	if (run == NULL) {
		*cause = xstrdup("no runbook has run (:runbook NAME starts one)");
		return -1;
	}
	d = xcalloc(1, sizeof *d);
	d->run = run;
	runbook_run_ref(run);
	d->head = pager_new(RBV_MAX_LINES);
	d->pager = pager_new(RBV_MAX_LINES);
	d->wrap = pager_new(RBV_MAX_LINES);
	v->data = d;
	return 0;
}

/* Drop the run (it may go now) and the lines. */
static void
rbv_free(struct view *v)
{
	struct rbv *d = v->data;

	if (d == NULL)
		return;
	runbook_run_unref(d->run);
	pager_free(d->head);
	pager_free(d->pager);
	pager_free(d->wrap);
	free(d);
	v->data = NULL;
}

/* Draw the run: the head pinned, the steps below it following the current
 * step unless the operator scrolled. */
static void
rbv_draw(struct view *v, WINDOW *win, int y, int h, int w, int64_t now)
{
	struct rbv *d = v->data;
	size_t top = pager_get_top(d->pager), cur, n;
	int nh;

	cur = rbv_build(d, w);
	nh = (int)pager_count(d->head);
	if (nh > h / 2)
		nh = h / 2;	/* a tiny screen: the steps come first */
	pager_set_top(d->head, 0);
	pager_draw(d->head, win, y, nh, w, v->ui->wrap, v->ui->ellipsis);
	y += nh;
	h -= nh;
	n = pager_count(d->pager);
	if (!d->scrolled && n > (size_t)h) {
		top = cur + 4 > (size_t)h ? cur + 4 - (size_t)h : 0;
		if (top > n - (size_t)h)
			top = n - (size_t)h;
	}
	pager_set_top(d->pager, top);
	pager_draw(d->pager, win, y, h, w, v->ui->wrap, v->ui->ellipsis);
}

/* The operator answered "abort?". */
static void
rbv_abort_answer(bool ok, void *arg)
{
	struct rb_run *run = arg;

	if (ok)
		runbook_run_abort(run);
	runbook_run_unref(run);
}

/* x: ask, then abort; scrolling keys; the rest goes to the key table. */
static int
rbv_key(struct view *v, int key)
{
	struct rbv *d = v->data;
	struct rb_run_info info;
	char *q;

	if (key != 'x') {
		if (!pager_key(d->pager, key))
			return VIEW_UNHANDLED;
		d->scrolled = true;
		return VIEW_HANDLED;
	}
	runbook_run_info(d->run, &info);
	if (info.finished) {
		ui_message(v->ui, false, "runbook %s is over: %s", info.rb->name, info.summary);
		return VIEW_HANDLED;
	}
	q = xasprintf("Abort runbook %s at step %zu of %zu?\nThe step is abandoned and "
	    "recorded as cancelled; later steps do not run.", info.rb->name,
	    info.current + 1, info.rb->nsteps);
	runbook_run_ref(d->run);
	v->ui->ops.confirm(v->ui, "abort runbook", q, NULL, rbv_abort_answer, d->run);
	free(q);
	return VIEW_HANDLED;
}

/* "runbook NAME". */
static const char *
rbv_title(struct view *v)
{
	struct rbv *d = v->data;
	struct rb_run_info info;

	runbook_run_info(d->run, &info);
	snprintf(d->title, sizeof d->title, "runbook %s", info.rb->name);
	return d->title;
}

/* "/" searches the lines. */
static int
rbv_search(struct view *v, const char *text, char **cause)
{
	return pager_search(((struct rbv *)v->data)->pager, text, cause);
}

const struct view_class view_runbook_class = {
	.name = "runbook",
	.init = rbv_init,
	.free = rbv_free,
	.draw = rbv_draw,
	.key = rbv_key,
	.title = rbv_title,
	.search = rbv_search,
};
