/* The audit log: one JSON line per mutation, one write() each, fsync'd. */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "opsdeck/audit.h"
#include "opsdeck/xmalloc.h"

/* Hard cap on one audit line (a preview or message larger than this is cut). */
#define AUDIT_LINE_MAX	(64 * 1024)
#define AUDIT_FIELD_MAX	(8 * 1024)

/* $XDG_STATE_HOME/opsdeck, else $HOME/.local/state/opsdeck. */
char *
audit_state_dir(void)
{
	const char *x = getenv("XDG_STATE_HOME");
	const char *home = getenv("HOME");

	if (x != NULL && *x == '/')
		return xasprintf("%s/opsdeck", x);
	if (home == NULL || *home == '\0')
		home = "/tmp";
	return xasprintf("%s/.local/state/opsdeck", home);
}

/* mkdir -p with 0700 for directories created here. */
int
audit_mkdirs(const char *dir, char **cause)
{
	char *p = xstrdup(dir), *s;
	int rc = -1;

	for (s = p + 1; ; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0700) != 0 && errno != EEXIST) {
			*cause = xasprintf("mkdir %s: %s", p, strerror(errno));
			goto out;
		}
		*s = c;
		if (c == '\0')
			break;
	}
	rc = 0;
out:
	free(p);
	return rc;
}

/* The audit log path. */
char *
audit_path(void)
{
	char *dir = audit_state_dir();
	char *path = xasprintf("%s/audit.jsonl", dir);

	free(dir);
	return path;
}

/* RFC 3339 with milliseconds, UTC. */
void
audit_format_time(const struct timespec *ts, char *buf, size_t len)
{
	struct tm tm;
	char base[32];
	time_t t = ts->tv_sec;

	gmtime_r(&t, &tm);
	strftime(base, sizeof base, "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(buf, len, "%s.%03ldZ", base, (long)(ts->tv_nsec / 1000000));
}

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if invalid. */
static size_t
utf8_seq(const unsigned char *s, size_t n)
{
	size_t need, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		need = 2;
		cp = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		need = 3;
		cp = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		need = 4;
		cp = s[0] & 0x07;
	} else
		return 0;
	if (n < need)
		return 0;
	for (i = 1; i < need; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	if ((need == 3 && cp < 0x800) || (need == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return need;
}

/* A JSON string that is always valid UTF-8, capped at AUDIT_FIELD_MAX bytes. */
json_t *
audit_json_str(const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n, i = 0, o = 0, k;
	char *buf;
	json_t *j;

	if (s == NULL)
		return json_null();
	n = strlen(s);
	if (n > AUDIT_FIELD_MAX)
		n = AUDIT_FIELD_MAX;
	buf = xmalloc(n * 3 + 1);
	while (i < n) {
		k = utf8_seq(u + i, n - i);
		if (k == 0) {
			memcpy(buf + o, "\xef\xbf\xbd", 3);
			o += 3;
			i++;
			continue;
		}
		memcpy(buf + o, s + i, k);
		o += k;
		i += k;
	}
	buf[o] = '\0';
	j = json_stringn(buf, o);
	free(buf);
	if (j == NULL)
		j = json_string("");
	return j;
}

/* Local user name. */
const char *
audit_local_user(void)
{
	static char name[256];
	struct passwd *pw;
	const char *env;

	if (name[0] != '\0')
		return name;
	pw = getpwuid(getuid());
	env = getenv("USER");
	if (pw != NULL && pw->pw_name != NULL)
		snprintf(name, sizeof name, "%s", pw->pw_name);
	else if (env != NULL && *env != '\0')
		snprintf(name, sizeof name, "%s", env);
	else
		snprintf(name, sizeof name, "uid%ld", (long)getuid());
	return name;
}

/* Host name. */
const char *
audit_host(void)
{
	static char host[256];

	if (host[0] == '\0' && gethostname(host, sizeof host - 1) != 0)
		snprintf(host, sizeof host, "unknown");
	return host;
}

/* The audit line for r at ts. */
char *
audit_format(const struct audit_record *r, const struct timespec *ts)
{
	char when[48];
	json_t *o, *target;
	char *body, *line;

	audit_format_time(ts, when, sizeof when);
	target = json_object();
	json_object_set_new(target, "kind", audit_json_str(r->kind));
	json_object_set_new(target, "namespace", audit_json_str(r->ns));
	json_object_set_new(target, "name", audit_json_str(r->name));

	o = json_object();
	json_object_set_new(o, "time", json_string(when));
	json_object_set_new(o, "user", audit_json_str(audit_local_user()));
	json_object_set_new(o, "host", audit_json_str(audit_host()));
	json_object_set_new(o, "kube_user", audit_json_str(r->kube_user));
	json_object_set_new(o, "context", audit_json_str(r->context));
	json_object_set_new(o, "verb", audit_json_str(r->verb));
	json_object_set_new(o, "target", target);
	if (r->params != NULL && json_is_object(r->params))
		json_object_set(o, "params", r->params);
	else
		json_object_set_new(o, "params", json_object());
	json_object_set_new(o, "dry_run", audit_json_str(r->dry_run));
	json_object_set_new(o, "outcome", audit_json_str(r->outcome));
	json_object_set_new(o, "message", audit_json_str(r->message));
	json_object_set_new(o, "origin", audit_json_str(r->origin));
	json_object_set_new(o, "incident", audit_json_str(r->incident));
	if (r->runbook != NULL)
		json_object_set_new(o, "runbook", audit_json_str(r->runbook));

	body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (body == NULL)
		body = strdup("{}");
	if (body == NULL)
		fatal("out of memory");
	if (strlen(body) > AUDIT_LINE_MAX) {
		/* Params too large: keep the record, say so. */
		free(body);
		body = xasprintf("{\"time\":\"%s\",\"verb\":\"oversized\",\"outcome\":\"failed\","
		    "\"message\":\"audit record over %d bytes\"}", when, AUDIT_LINE_MAX);
	}
	line = xasprintf("%s\n", body);
	free(body);
	return line;
}

/* Append line with one write(), then fsync. */
int
audit_append(const char *path, const char *line, char **cause)
{
	size_t len = strlen(line);
	ssize_t n;
	int fd, rc = -1;

	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);
	if (fd == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		return -1;
	}
	do {
		n = write(fd, line, len);
	} while (n == -1 && errno == EINTR);
	if (n == -1) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	if ((size_t)n != len) {
		*cause = xasprintf("%s: short write (%zd of %zu bytes)", path, n, len);
		goto out;
	}
	if (fsync(fd) != 0) {
		*cause = xasprintf("%s: fsync: %s", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	close(fd);
	return rc;
}

/* Format r now and append it to the audit log. */
int
audit_write(const struct audit_record *r, char **cause)
{
	struct timespec ts;
	char *dir, *path = NULL, *line = NULL;
	int rc = -1;

	clock_gettime(CLOCK_REALTIME, &ts);
	dir = audit_state_dir();
	if (audit_mkdirs(dir, cause) != 0)
		goto out;
	path = xasprintf("%s/audit.jsonl", dir);
	line = audit_format(r, &ts);
	rc = audit_append(path, line, cause);
out:
	free(line);
	free(path);
	free(dir);
	return rc;
}
