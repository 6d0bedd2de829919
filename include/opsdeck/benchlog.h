/* The console's --bench-log FILE: timestamps a benchmark reads instead of
 * the screen. Lines, seconds since the console started:
 *   T first-row N	the current view first drew rows (N of them)
 *   T synced N		every cluster's list of the view's kind is complete
 *   T full N		the view drew all N rows the store holds, sorted
 *   key NAME MS	a key read to its frame written (milliseconds)
 * Nothing is written without the option. */
#ifndef OPSDECK_BENCHLOG_H
#define OPSDECK_BENCHLOG_H

struct ui;

/* Open path for writing (truncated); 0, or -1 with *cause. */
int	bench_log_open(const char *path, char **cause);
/* A key was read (before it is handled). */
void	bench_log_key(int key);
/* A frame was written (after doupdate). */
void	bench_log_frame(struct ui *);
void	bench_log_close(void);

#endif
