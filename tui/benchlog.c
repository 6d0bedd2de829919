/* --bench-log: when the console's rows and keys reached the screen
 * (benchlog.h). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "opsdeck/benchlog.h"
#include "opsdeck/keymap.h"
#include "opsdeck/loop.h"
#include "opsdeck/store.h"
#include "opsdeck/table.h"
#include "opsdeck/ui.h"
#include "opsdeck/xmalloc.h"

static FILE	*bench_f;
static double	 bench_start;
static double	 bench_key_at;		/* the oldest key not yet on screen */
static int	 bench_key;
static bool	 bench_first, bench_synced, bench_full;

int
bench_log_open(const char *path, char **cause)
{
	bench_f = fopen(path, "w");
	if (bench_f == NULL) {
		*cause = xasprintf("--bench-log %s: cannot open", path);
		return -1;
	}
	setvbuf(bench_f, NULL, _IOLBF, 0);
	bench_start = loop_now();
	return 0;
}

void
bench_log_key(int key)
{
	if (bench_f == NULL || bench_key_at != 0)
		return;
	bench_key_at = loop_now();
	bench_key = key;
}

void
bench_log_frame(struct ui *ui)
{
	struct view *v = ui->view;
	struct timespec wall;
	double now;
	size_t i, n, total;
	bool synced;

	if (bench_f == NULL)
		return;
	now = loop_now();
	if (bench_key_at != 0) {
		/* the frame's wall-clock time too: a bench that knows when it
		 * sent the key measures the wait before it was read as well */
		clock_gettime(CLOCK_REALTIME, &wall);
		fprintf(bench_f, "key %s %.3f %lld.%06ld\n", keymap_key_name(bench_key),
		    (now - bench_key_at) * 1e3, (long long)wall.tv_sec, wall.tv_nsec / 1000);
		bench_key_at = 0;
	}
	if (v == NULL || v->table == NULL || v->resource == NULL || bench_full)
		return;
	n = table_total(v->table);
	if (!bench_first && n > 0) {
		fprintf(bench_f, "%.3f first-row %zu\n", now - bench_start, n);
		bench_first = true;
	}
	synced = store_ncluster(ui->store) > 0;
	for (i = 0; i < store_ncluster(ui->store) && synced; i++)
		synced = store_synced(ui->store, i, v->resource);
	if (!synced)
		return;
	total = store_count(ui->store, SIZE_MAX, v->resource);
	if (!bench_synced) {
		fprintf(bench_f, "%.3f synced %zu\n", now - bench_start, total);
		bench_synced = true;
	}
	if (n == total) {
		fprintf(bench_f, "%.3f full %zu\n", now - bench_start, n);
		bench_full = true;
	}
}

void
bench_log_close(void)
{
	if (bench_f != NULL)
		fclose(bench_f);
	bench_f = NULL;
}
