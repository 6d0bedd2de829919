/* Port-forwards: `kubectl port-forward` children the console manages. Each
 * runs in its own session (no terminal signals), its output read through a
 * pipe on the loop: "Forwarding from 127.0.0.1:L -> R" makes it
 * forwarding (the local port as kubectl chose it), each "Handling
 * connection" counts a connection, an error line is kept as its message.
 * Stopped one by one from the port-forwards view or all at exit. */
#ifndef OPSDECK_PORTFWD_H
#define OPSDECK_PORTFWD_H

#include <stddef.h>
#include <stdint.h>

struct loop;

enum portfwd_state {
	PF_STARTING,
	PF_FORWARDING,
	PF_STOPPING,
	PF_ENDED,	/* kept in the list until the view drops it */
};

struct portfwd {
	int			 id;
	int			 pid;
	enum portfwd_state	 state;
	char			*context;
	char			*ns;
	char			*target;	/* "pod/NAME", "svc/NAME" */
	int			 local;		/* 0 until kubectl says */
	int			 remote;
	unsigned long		 connections;
	int64_t			 started;	/* unix seconds */
	char			*message;	/* last error or the end (sanitised), or NULL */
};

/* Start argv (PATH searched; envp NULL: ours); done(wait status, why, arg)
 * runs once when it ends (why: "stopped" when stopped, else NULL). The new
 * entry's id, or -1 with *cause. */
int		 portfwd_start(struct loop *, char *const argv[], char *const envp[],
		    const char *context, const char *ns, const char *target, int local,
		    int remote, void (*done)(int status, const char *why, void *arg),
		    void *arg, char **cause);
/* Stop one (SIGTERM); 0, or -1 if there is no such running forward. */
int		 portfwd_stop(int id);
/* Stop every one and wait for them (exit). */
void		 portfwd_stop_all(void);
/* The entries, oldest first (borrowed until the next loop turn). */
const struct portfwd *const *portfwd_list(size_t *n);
/* Forget ended entries. */
void		 portfwd_prune(void);
/* Bumped on every change (views redraw when it moves). */
uint64_t	 portfwd_generation(void);

#endif
