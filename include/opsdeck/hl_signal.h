/* Signals in headless commands (opsdeck runbook run, opsdeck silence
 * add|expire): SIGTERM, SIGHUP and SIGINT are caught through a self-pipe
 * the loop watches, so the command stops sending, waits a bounded time for
 * the replies of requests already sent, records every outcome in the audit
 * log and exits 128 + the signal, as a shell reports a killed command.
 * (SIGKILL cannot be caught: its intents stay unmatched, and the next start
 * reports them, see audit_recover.) */
#ifndef OPSDECK_HL_SIGNAL_H
#define OPSDECK_HL_SIGNAL_H

struct loop;

/* Seconds a signalled command waits for replies in flight. */
#define HL_SIGNAL_WAIT	5.0

/* Catch the signals on loop. 0, or -1 with *cause. */
int	 hl_signals_install(struct loop *, char **cause);
/* The first signal caught since install, or 0. */
int	 hl_signal_caught(void);
/* "SIGTERM" etc. for sig (static). */
const char *hl_signal_name(int sig);
/* After a signal: stop the action pipeline from sending more
 * (actions_interrupt), wait up to wait seconds for the replies of requests
 * in flight, so their outcomes are recorded. Returns 128 + the signal. The
 * caller then tears down with actions_shutdown, which records "interrupted"
 * for any reply that did not come. */
int	 hl_signals_finish(struct loop *, double wait);
/* Restore the default dispositions and close the pipe. */
void	 hl_signals_remove(struct loop *);

#endif
