/* Allocation that never returns NULL: on exhaustion it restores the terminal
 * (through the hook set by the console) and exits. Network, parse and API
 * failures are never fatal; only memory exhaustion is. */
#ifndef OPSDECK_XMALLOC_H
#define OPSDECK_XMALLOC_H

#include <stdarg.h>
#include <stddef.h>

void	*xmalloc(size_t);
void	*xcalloc(size_t, size_t);
void	*xrealloc(void *, size_t);
/* Grow an array of n elements of size sz to hold at least want; updates *n. */
void	*xreallocarray(void *, size_t n, size_t sz);
char	*xstrdup(const char *);
char	*xstrndup(const char *, size_t);
char	*xasprintf(const char *, ...) __attribute__((format(printf, 1, 2)));
char	*xvasprintf(const char *, va_list) __attribute__((format(printf, 1, 0)));

/* Called before exiting on OOM or fatal(); the console sets it to endwin(). */
void	 xmalloc_set_fatal_hook(void (*)(void));
void	 fatal(const char *, ...) __attribute__((format(printf, 1, 2), noreturn));

#endif
