/* Trends: the last 15 minutes of a few numbers per object, kept in memory
 * from what the watches and the metrics polls already put in the store, and
 * drawn as sparklines. Each series is a fixed ring of TREND_SAMPLES samples,
 * one every TREND_STEP seconds; a series not sampled for as long is dropped.
 * Series (keys are "what/cluster/namespace/name"):
 *   hpa-replicas/C/NS/NAME, hpa-current/C/NS/NAME, hpa-target/C/NS/NAME
 *   restarts/C/NS/DEPLOYMENT (its pods' restarts, summed)
 *   node-cpu/C//NODE (millicores), cluster-cpu/C (its nodes' millicores)
 *   alerts/C (alerts firing)
 * Single-threaded, like the store. */
#ifndef OPSDECK_TREND_H
#define OPSDECK_TREND_H

#include <stdbool.h>
#include <stddef.h>

#define TREND_SAMPLES	90	/* 15 minutes ... */
#define TREND_STEP	10.0	/* ... at one sample per 10 seconds (the
				 * console's trendInterval option) */
#define TREND_WIDTH	15	/* cells of a sparkline: a minute each */

struct store;
struct trends;

/* One series: a ring of the newest samples. */
struct trend {
	double		 v[TREND_SAMPLES];
	unsigned	 head;		/* where the next sample goes */
	unsigned	 n;		/* samples held (at most TREND_SAMPLES) */
	unsigned long	 seen;		/* the sampling round of the newest sample
					 * (trend_push alone: one per push) */
};

/* Add a sample, dropping the oldest when full. */
void		 trend_push(struct trend *, double v);
/* The i-th newest sample (0: the newest); i < n. */
double		 trend_at(const struct trend *, unsigned i);

/* A sparkline of the whole window of t in width cells (new string): each
 * cell the largest of its share of the samples (cut at fixed sampling
 * rounds), oldest left, newest right, blank where there is no sample yet;
 * heights from 0 to the largest sample and floor (a target, say), in
 * eight Unicode blocks, or with ascii in "_.-=#". t NULL: blank. */
char		*trend_spark(const struct trend *t, int width, double floor, bool ascii);

struct trends	*trends_new(void);
void		 trends_free(struct trends *);
/* The series named key, or NULL. */
const struct trend *trends_get(const struct trends *, const char *key);
/* Push v to the series named key (created when new) in this round. */
void		 trends_put(struct trends *, const char *key, double v);
/* One sampling round over the store: every series above, then drop the
 * series this round and the TREND_SAMPLES before it did not push. */
void		 trends_sample(struct trends *, struct store *);
/* Sampling rounds so far (changes with every trends_sample). */
unsigned long	 trends_round(const struct trends *);
/* Number of series kept. */
size_t		 trends_count(const struct trends *);

#endif
