/* The audit log: one JSON line per mutation, one write() each, fsync'd. */
#include <sys/file.h>
#include <sys/random.h>

#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>

#include "opsdeck/audit.h"
#include "opsdeck/sanitize.h"
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

/* True if s (n bytes) is valid UTF-8 without NUL bytes. */
static bool
audit_utf8_ok(const char *s, size_t n)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t i = 0, k;

	while (i < n) {
		if (u[i] == 0)
			return false;
		k = utf8_seq(u + i, n - i);
		if (k == 0)
			return false;
		i += k;
	}
	return true;
}

/* The "request" object of an intent: the body verbatim, or its digest. */
static json_t *
audit_request_json(const struct audit_record *r)
{
	unsigned char d[32];
	char hex[65];
	size_t n, i;
	json_t *o;

	o = json_object();
	json_object_set_new(o, "method", audit_json_str(r->method));
	json_object_set_new(o, "path", audit_json_str(r->path));
	n = r->body != NULL ? strlen(r->body) : 0;
	if (r->body == NULL) {
		json_object_set_new(o, "body", json_null());
	} else if (n <= AUDIT_BODY_MAX && audit_utf8_ok(r->body, n)) {
		json_object_set_new(o, "body", json_stringn(r->body, n));
	} else {
		json_object_set_new(o, "body", json_null());
		if (gnutls_hash_fast(GNUTLS_DIG_SHA256, r->body, n, d) == 0) {
			for (i = 0; i < sizeof d; i++)
				snprintf(hex + 2 * i, 3, "%02x", d[i]);
			json_object_set_new(o, "body_sha256", json_string(hex));
		} else
			json_object_set_new(o, "body_sha256", json_null());
		json_object_set_new(o, "body_bytes", json_integer((json_int_t)n));
	}
	return o;
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
	if (r->id != NULL) {
		json_object_set_new(o, "phase", json_string("intent"));
		json_object_set_new(o, "id", audit_json_str(r->id));
		json_object_set_new(o, "pid", json_integer((json_int_t)getpid()));
		json_object_set_new(o, "request", audit_request_json(r));
	} else {
		json_object_set_new(o, "phase", json_string("outcome"));
		json_object_set_new(o, "intent", audit_json_str(r->intent));
	}

	body = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	if (body == NULL)
		body = strdup("{}");
	if (body == NULL)
		fatal("out of memory");
	if (strlen(body) > AUDIT_LINE_MAX) {
		/* Params too large: keep the record, say so (and keep the
		 * intent pairing, so the stub still opens or closes one). */
		free(body);
		if (r->id != NULL)
			body = xasprintf("{\"time\":\"%s\",\"verb\":\"oversized\","
			    "\"outcome\":\"pending\",\"message\":\"audit record over %d bytes\","
			    "\"phase\":\"intent\",\"id\":\"%s\",\"pid\":%ld}", when,
			    AUDIT_LINE_MAX, r->id, (long)getpid());
		else
			body = xasprintf("{\"time\":\"%s\",\"verb\":\"oversized\","
			    "\"outcome\":\"failed\",\"message\":\"audit record over %d bytes\","
			    "\"phase\":\"outcome\",\"intent\":%s%s%s}", when, AUDIT_LINE_MAX,
			    r->intent != NULL ? "\"" : "", r->intent != NULL ? r->intent : "null",
			    r->intent != NULL ? "\"" : "");
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

/* A new intent id: 16 hex digits from the kernel's random source. */
static void
audit_new_id(char id[AUDIT_ID_SIZE])
{
	static unsigned long counter;
	unsigned char rnd[8];
	uint64_t v;
	struct timespec ts;
	size_t i;

	if (getrandom(rnd, sizeof rnd, GRND_NONBLOCK) != (ssize_t)sizeof rnd) {
		clock_gettime(CLOCK_REALTIME, &ts);
		v = ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)ts.tv_nsec ^
		    ((uint64_t)getpid() << 16) ^ ++counter;
		memcpy(rnd, &v, sizeof rnd);
	}
	for (i = 0; i < sizeof rnd; i++)
		snprintf(id + 2 * i, 3, "%02x", rnd[i]);
}

/* Write the intent for a request about to be sent. */
int
audit_intent(const struct audit_record *r, const char *method, const char *path,
    const char *body, char id[AUDIT_ID_SIZE], char **cause)
{
	struct audit_record w = *r;
	char nid[AUDIT_ID_SIZE];

	audit_new_id(nid);
	w.id = nid;
	w.intent = NULL;
	w.method = method;
	w.path = path;
	w.body = body;
	w.outcome = "pending";
	w.message = NULL;
	if (audit_write(&w, cause) != 0)
		return -1;
	memcpy(id, nid, AUDIT_ID_SIZE);
	return 0;
}

/* The outcome record of intent id. */
int
audit_outcome(const struct audit_record *r, const char *id, char **cause)
{
	struct audit_record w = *r;

	w.id = NULL;
	w.method = w.path = w.body = NULL;
	w.intent = id;
	return audit_write(&w, cause);
}

/* A string member of o, or NULL. */
static const char *
audit_jstr(json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* True if the writer of intent rec may still be waiting for its reply. */
static bool
audit_writer_alive(json_t *rec)
{
	const char *host = audit_jstr(rec, "host"), *when = audit_jstr(rec, "time");
	json_int_t pid = json_integer_value(json_object_get(rec, "pid"));
	struct tm tm;
	time_t t;

	if (host != NULL && strcmp(host, audit_host()) == 0) {
		if (pid <= 0 || (pid_t)pid == getpid())
			return false;
		return kill((pid_t)pid, 0) == 0 || errno == EPERM;
	}
	/* Another host: its process cannot be asked; trust a recent one. */
	memset(&tm, 0, sizeof tm);
	if (when == NULL || strptime(when, "%Y-%m-%dT%H:%M:%S", &tm) == NULL)
		return false;
	t = timegm(&tm);
	return time(NULL) - t < AUDIT_ORPHAN_AGE;
}

/* The report line for an orphaned intent (new, sanitised). */
static char *
audit_orphan_line(json_t *rec)
{
	json_t *tg = json_object_get(rec, "target"), *rq = json_object_get(rec, "request");
	const char *ns = audit_jstr(tg, "namespace"), *name = audit_jstr(tg, "name");
	char *raw, *clean;

	raw = xasprintf("outcome unknown — check the cluster: %s on %s: %s %s%s%s "
	    "(%s %s), sent %s by %s (pid %lld on %s) [intent %s]",
	    audit_jstr(rec, "verb") != NULL ? audit_jstr(rec, "verb") : "?",
	    audit_jstr(rec, "context") != NULL ? audit_jstr(rec, "context") : "?",
	    audit_jstr(tg, "kind") != NULL ? audit_jstr(tg, "kind") : "?",
	    ns != NULL && *ns != '\0' ? ns : "", ns != NULL && *ns != '\0' ? "/" : "",
	    name != NULL ? name : "-",
	    audit_jstr(rq, "method") != NULL ? audit_jstr(rq, "method") : "?",
	    audit_jstr(rq, "path") != NULL ? audit_jstr(rq, "path") : "?",
	    audit_jstr(rec, "time") != NULL ? audit_jstr(rec, "time") : "?",
	    audit_jstr(rec, "user") != NULL ? audit_jstr(rec, "user") : "?",
	    (long long)json_integer_value(json_object_get(rec, "pid")),
	    audit_jstr(rec, "host") != NULL ? audit_jstr(rec, "host") : "?",
	    audit_jstr(rec, "id"));
	clean = sanitize_str(raw, 0);
	free(raw);
	return clean;
}

/* Append the record closing orphaned intent rec with outcome "unknown". */
static int
audit_close_orphan(json_t *rec, char **cause)
{
	json_t *tg = json_object_get(rec, "target");
	struct audit_record r;
	char *msg;
	int rc;

	memset(&r, 0, sizeof r);
	r.verb = audit_jstr(rec, "verb");
	r.context = audit_jstr(rec, "context");
	r.kube_user = audit_jstr(rec, "kube_user");
	r.kind = audit_jstr(tg, "kind");
	r.ns = audit_jstr(tg, "namespace");
	r.name = audit_jstr(tg, "name");
	r.params = json_object_get(rec, "params");
	r.dry_run = audit_jstr(rec, "dry_run");
	r.outcome = "unknown";
	msg = xasprintf("no outcome was recorded: the process (pid %lld) ended after sending "
	    "the request — check the cluster",
	    (long long)json_integer_value(json_object_get(rec, "pid")));
	r.message = msg;
	r.origin = audit_jstr(rec, "origin");
	r.incident = audit_jstr(rec, "incident");
	r.runbook = audit_jstr(rec, "runbook");
	rc = audit_outcome(&r, audit_jstr(rec, "id"), cause);
	free(msg);
	return rc;
}

/* Report and close intents whose process died before the outcome. */
int
audit_recover(void (*report)(const char *line, void *arg), void *arg, char **cause)
{
	char *path = audit_path(), *line = NULL, *text, *wcause = NULL;
	json_t *pending = json_object(), *order = json_array(), *rec, *v;
	const char *id;
	size_t cap = 0, i;
	ssize_t len;
	FILE *f = NULL;
	struct stat st;
	int fd, n = -1;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd == -1) {
		if (errno == ENOENT)
			n = 0;
		else
			*cause = xasprintf("%s: %s", path, strerror(errno));
		goto out;
	}
	if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
		/* not a log we can read back (a device, a directory): its
		 * writes are refused anyway */
		close(fd);
		n = 0;
		goto out;
	}
	/* One recovery at a time: a second start waits, then sees the closes. */
	while (flock(fd, LOCK_EX) != 0 && errno == EINTR)
		;
	f = fdopen(fd, "r");
	if (f == NULL) {
		*cause = xasprintf("%s: %s", path, strerror(errno));
		close(fd);
		goto out;
	}
	while ((len = getline(&line, &cap, f)) != -1) {
		/* Only intents and the records naming one are parsed; a string
		 * value cannot contain these bytes unescaped. */
		if (strstr(line, "\"phase\":\"intent\"") != NULL) {
			rec = json_loadb(line, (size_t)len, 0, NULL);
			if (json_is_object(rec) &&
			    strcmp(audit_jstr(rec, "phase") != NULL ? audit_jstr(rec, "phase") :
			    "", "intent") == 0 && (id = audit_jstr(rec, "id")) != NULL) {
				json_object_set(pending, id, rec);
				json_array_append_new(order, json_string(id));
			}
			json_decref(rec);
		} else if (strstr(line, "\"intent\":\"") != NULL) {
			rec = json_loadb(line, (size_t)len, 0, NULL);
			if ((id = audit_jstr(rec, "intent")) != NULL)
				json_object_del(pending, id);
			json_decref(rec);
		}
	}
	n = 0;
	json_array_foreach(order, i, v) {
		rec = json_object_get(pending, json_string_value(v));
		if (rec == NULL || audit_writer_alive(rec))
			continue;
		/* an id written twice is reported once */
		json_incref(rec);
		json_object_del(pending, json_string_value(v));
		text = audit_orphan_line(rec);
		if (report != NULL)
			report(text, arg);
		free(text);
		n++;
		if (audit_close_orphan(rec, &wcause) != 0) {
			text = xasprintf("cannot record it as closed (it will be reported again): %s",
			    wcause);
			if (report != NULL)
				report(text, arg);
			free(text);
			free(wcause);
			wcause = NULL;
		}
		json_decref(rec);
	}
out:
	if (f != NULL)
		fclose(f);	/* releases the lock */
	free(line);
	free(path);
	json_decref(pending);
	json_decref(order);
	return n;
}

/* Report callback: one line on stderr. */
static void
audit_report_stderr(const char *line, void *arg)
{
	(void)arg;
	fprintf(stderr, "opsdeck: %s\n", line);
}

/* Report unmatched intents on stderr. */
void
audit_recover_stderr(void)
{
	char *cause = NULL;

	if (audit_recover(audit_report_stderr, NULL, &cause) < 0) {
		fprintf(stderr, "opsdeck: audit log: %s\n", cause);
		free(cause);
	}
}
