/* pods/portforward on the drill: SPDY/3.1, either tunnelled through
 * WebSocket binary messages (subprotocol SPDY/3.1+portforward.k8s.io, what
 * kubectl 1.31+ asks first) or as the upgraded connection itself (Upgrade:
 * SPDY/3.1, X-Stream-Protocol-Version portforward.k8s.io: older kubectl). Per forwarded connection the client opens
 * an error stream and a data stream (headers streamtype, port, requestid);
 * the simulated pod answers one HTTP request on each data stream from its
 * containerPorts, then finishes both streams. Other ports get a refusal on
 * the error stream. Frames, header blocks and requests from the client are
 * untrusted: sizes are capped and every length is checked. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <zlib.h>

#include "opsdeck/xmalloc.h"
#include "drill.h"

#define PF_BUF_MAX	(256 * 1024)	/* SPDY bytes buffered, not yet framed */
#define PF_REQ_MAX	(64 * 1024)	/* one forwarded request */
#define PF_HDR_MAX	(16 * 1024)	/* a decompressed header block */
#define PF_STREAMS	32
#define PF_CHUNK	16384		/* data frame payload sent */

/* SPDY/3 control frame types. */
#define SPDY_SYN_STREAM		1
#define SPDY_SYN_REPLY		2
#define SPDY_RST_STREAM		3
#define SPDY_PING		6
#define SPDY_GOAWAY		7
#define SPDY_FLAG_FIN		0x01
#define SPDY_REFUSED_STREAM	3

const char *const drill_pf_protocols[] = { "SPDY/3.1+portforward.k8s.io", NULL };

/* The SPDY/3 header compression dictionary (draft-mbelshe-httpbis-spdy-00,
 * 2.6.10.1): these words, each after its 32-bit big-endian length, then
 * the tail as it is. */
static const char *const dict_words[] = {
	"options", "head", "post", "put", "delete", "trace", "accept", "accept-charset",
	"accept-encoding", "accept-language", "accept-ranges", "age", "allow",
	"authorization", "cache-control", "connection", "content-base", "content-encoding",
	"content-language", "content-length", "content-location", "content-md5",
	"content-range", "content-type", "date", "etag", "expect", "expires", "from", "host",
	"if-match", "if-modified-since", "if-none-match", "if-range", "if-unmodified-since",
	"last-modified", "location", "max-forwards", "pragma", "proxy-authenticate",
	"proxy-authorization", "range", "referer", "retry-after", "server", "te", "trailer",
	"transfer-encoding", "upgrade", "user-agent", "vary", "via", "warning",
	"www-authenticate", "method", "get", "status", "200 OK", "version", "HTTP/1.1", "url",
	"public", "set-cookie", "keep-alive", "origin",
};
static const char dict_tail[] =
	"100101201202205206300302303304305306307402405406407408409410411412413414415416417"
	"502504505203 Non-Authoritative Information204 No Content301 Moved Permanently"
	"400 Bad Request401 Unauthorized403 Forbidden404 Not Found500 Internal Server Error"
	"501 Not Implemented503 Service UnavailableJan Feb Mar Apr May Jun Jul Aug Sept Oct "
	"Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMTchunked,text/html,image/png,"
	"image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,"
	"text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8"
	"charset=iso-8859-1,utf-,*,enq=0.";

/* One stream the client opened. */
struct pf_stream {
	uint32_t	 id;
	int		 data;		/* a data stream (else an error stream) */
	int		 port;
	char		 reqid[32];
	unsigned char	*req;		/* what came in (data streams) */
	size_t		 reqlen;
	int		 answered;
};

struct pf_session {
	struct drill_exec	*pod;
	struct drill_ws		 ws;
	unsigned char		*buf;
	size_t			 len;
	z_stream		 zin, zout;
	int			 zin_ok, zout_ok;
	unsigned char		 dict[1500];
	size_t			 dictlen;
	struct pf_stream	 streams[PF_STREAMS];
	size_t			 nstreams;
};

/* Build the dictionary. */
static void
dict_build(struct pf_session *s)
{
	size_t	i, n;

	s->dictlen = 0;
	for (i = 0; i < sizeof dict_words / sizeof dict_words[0]; i++) {
		n = strlen(dict_words[i]);
		s->dict[s->dictlen++] = 0;
		s->dict[s->dictlen++] = 0;
		s->dict[s->dictlen++] = 0;
		s->dict[s->dictlen++] = (unsigned char)n;
		memcpy(s->dict + s->dictlen, dict_words[i], n);
		s->dictlen += n;
	}
	memcpy(s->dict + s->dictlen, dict_tail, sizeof dict_tail - 1);
	s->dictlen += sizeof dict_tail - 1;
}

static uint32_t
be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void
put32(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)(v >> 24);
	p[1] = (unsigned char)(v >> 16);
	p[2] = (unsigned char)(v >> 8);
	p[3] = (unsigned char)v;
}

/* Send SPDY bytes as one binary message. */
static void
pf_send(struct pf_session *s, const unsigned char *p, size_t len)
{
	drill_ws_send(&s->ws, 2, p, len);
}

/* A control frame of type with payload. */
static void
pf_control(struct pf_session *s, int type, int flags, const unsigned char *payload, size_t len)
{
	unsigned char	*f = xmalloc(len + 8);

	f[0] = 0x80;
	f[1] = 3;
	f[2] = (unsigned char)(type >> 8);
	f[3] = (unsigned char)type;
	put32(f + 4, (uint32_t)len);
	f[4] = (unsigned char)flags;
	memcpy(f + 8, payload, len);
	pf_send(s, f, len + 8);
	free(f);
}

/* A data frame on stream id. */
static void
pf_data(struct pf_session *s, uint32_t id, int fin, const void *data, size_t len)
{
	unsigned char	*f = xmalloc(len + 8);

	put32(f, id & 0x7fffffff);
	put32(f + 4, (uint32_t)len);
	f[4] = (unsigned char)(fin ? SPDY_FLAG_FIN : 0);
	memcpy(f + 8, data, len);
	pf_send(s, f, len + 8);
	free(f);
}

/* Reply to stream id with an empty header block. */
static void
pf_reply(struct pf_session *s, uint32_t id)
{
	unsigned char	 nv[4] = { 0, 0, 0, 0 }, out[64], payload[68];
	size_t		 n;

	s->zout.next_in = nv;
	s->zout.avail_in = sizeof nv;
	s->zout.next_out = out;
	s->zout.avail_out = sizeof out;
	if (deflate(&s->zout, Z_SYNC_FLUSH) != Z_OK)
		return;
	n = sizeof out - s->zout.avail_out;
	put32(payload, id & 0x7fffffff);
	memcpy(payload + 4, out, n);
	pf_control(s, SPDY_SYN_REPLY, 0, payload, n + 4);
}

/* Refuse stream id. */
static void
pf_reset(struct pf_session *s, uint32_t id, uint32_t code)
{
	unsigned char	p[8];

	put32(p, id & 0x7fffffff);
	put32(p + 4, code);
	pf_control(s, SPDY_RST_STREAM, 0, p, sizeof p);
}

/* Decompress a header block into out (at most max); its length, or -1. */
static long
pf_inflate(struct pf_session *s, const unsigned char *in, size_t len, unsigned char *out,
    size_t max)
{
	int	rc;

	s->zin.next_in = (unsigned char *)in;
	s->zin.avail_in = (uInt)len;
	s->zin.next_out = out;
	s->zin.avail_out = (uInt)max;
	for (;;) {
		rc = inflate(&s->zin, Z_SYNC_FLUSH);
		if (rc == Z_NEED_DICT) {
			if (inflateSetDictionary(&s->zin, s->dict, (uInt)s->dictlen) != Z_OK)
				return -1;
			continue;
		}
		if (rc != Z_OK && rc != Z_BUF_ERROR)
			return -1;
		break;
	}
	if (s->zin.avail_in != 0)
		return -1;	/* larger than we keep */
	return (long)(max - s->zin.avail_out);
}

/* The value of header name in a decompressed block (first value; new), or NULL. */
static char *
pf_header(const unsigned char *nv, size_t len, const char *name)
{
	uint32_t	n, i, kl, vl;
	size_t		off = 4;

	if (len < 4)
		return NULL;
	n = be32(nv);
	for (i = 0; i < n; i++) {
		if (len - off < 4)
			return NULL;
		kl = be32(nv + off);
		off += 4;
		if (kl > len - off)
			return NULL;
		if (len - off - kl < 4)
			return NULL;
		vl = be32(nv + off + kl);
		if (vl > len - off - kl - 4)
			return NULL;
		if (kl == strlen(name) && strncasecmp((const char *)nv + off, name, kl) == 0)
			return xstrndup((const char *)nv + off + kl + 4, strnlen((const char *)nv +
			    off + kl + 4, vl));
		off += kl + 4 + vl;
	}
	return NULL;
}

/* Does the pod listen on port? */
static int
pf_listens(struct pf_session *s, int port)
{
	size_t	i;

	for (i = 0; i < s->pod->nports; i++) {
		if (s->pod->ports[i] == port)
			return 1;
	}
	return 0;
}

/* The error stream paired with data stream d, or NULL. */
static struct pf_stream *
pf_partner(struct pf_session *s, struct pf_stream *d)
{
	size_t	i;

	for (i = 0; i < s->nstreams; i++) {
		if (!s->streams[i].data && strcmp(s->streams[i].reqid, d->reqid) == 0)
			return &s->streams[i];
	}
	return NULL;
}

/* Finish data stream d, with err on its error stream if not NULL. */
static void
pf_finish(struct pf_session *s, struct pf_stream *d, const char *err)
{
	struct pf_stream	*e = pf_partner(s, d);

	d->answered = 1;
	if (e != NULL) {
		if (err != NULL)
			pf_data(s, e->id, 0, err, strlen(err));
		pf_data(s, e->id, 1, "", 0);
	}
	pf_data(s, d->id, 1, "", 0);
}

/* Append s2 to b with bytes outside printable ASCII as \xNN. */
static void
escaped_cat(char *b, size_t max, const char *s2)
{
	size_t	len = strlen(b);

	for (; *s2 != '\0' && len + 5 < max; s2++) {
		unsigned char c = (unsigned char)*s2;

		if (c < 0x20 || c >= 0x7f)
			len += (size_t)snprintf(b + len, max - len, "\\x%02x", c);
		else
			b[len++] = (char)c;
	}
	b[len] = '\0';
}

/* Answer the HTTP request on data stream d once it is whole. */
static void
pf_serve(struct pf_session *s, struct pf_stream *d, int fin)
{
	char		*head, *end, *cl, line[512], body[1024], *resp;
	const char	*status = "200 OK";
	size_t		 hlen, want = 0, off;
	char		 method[16] = "", path[256] = "";

	if (d->answered)
		return;
	if (!pf_listens(s, d->port)) {
		snprintf(line, sizeof line, "failed to connect to localhost:%d inside the pod "
		    "%s: connection refused (it listens on its containerPorts)", d->port,
		    s->pod->hostname);
		pf_finish(s, d, line);
		return;
	}
	head = xstrndup((const char *)d->req, d->reqlen);
	end = strstr(head, "\r\n\r\n");
	if (end == NULL) {
		free(head);
		if (fin || d->reqlen >= PF_REQ_MAX)
			pf_finish(s, d, NULL);	/* not HTTP: the connection just closes */
		return;
	}
	hlen = (size_t)(end - head) + 4;
	*end = '\0';
	cl = strcasestr(head, "\r\ncontent-length:");
	if (cl != NULL)
		want = strtoul(cl + 17, NULL, 10);
	if (want > PF_REQ_MAX || (d->reqlen - hlen < want && !fin)) {
		free(head);
		if (want > PF_REQ_MAX)
			pf_finish(s, d, NULL);
		return;		/* the body is still coming */
	}
	off = strcspn(head, "\r\n");
	head[off] = '\0';
	if (sscanf(head, "%15s %255s HTTP/1.%*c", method, path) != 2) {
		status = "400 Bad Request";
		snprintf(body, sizeof body, "bad request\n");
	} else {
		snprintf(body, sizeof body, "hello from %s (namespace %s), port %d: ",
		    s->pod->hostname, s->pod->ns, d->port);
		escaped_cat(body, sizeof body - 2, method);
		escaped_cat(body, sizeof body - 2, " ");
		escaped_cat(body, sizeof body - 2, path);
		strcat(body, "\n");
	}
	resp = xasprintf("HTTP/1.1 %s\r\nContent-Type: text/plain; charset=utf-8\r\n"
	    "Content-Length: %zu\r\nConnection: close\r\nX-Drill-Pod: %s\r\n\r\n%s", status,
	    strlen(body), s->pod->hostname, body);
	pf_data(s, d->id, 0, resp, strlen(resp));
	free(resp);
	free(head);
	pf_finish(s, d, NULL);
}

/* A SYN_STREAM: the client opens a stream. */
static void
pf_syn(struct pf_session *s, const unsigned char *p, size_t len)
{
	unsigned char		 nv[PF_HDR_MAX];
	struct pf_stream	*st;
	char			*type, *port, *reqid;
	long			 n;
	uint32_t		 id;

	if (len < 10)
		return;
	id = be32(p) & 0x7fffffff;
	n = pf_inflate(s, p + 10, len - 10, nv, sizeof nv);
	if (n < 0) {
		s->ws.stop = 1;		/* the header stream is broken for good */
		return;
	}
	type = pf_header(nv, (size_t)n, "streamtype");
	port = pf_header(nv, (size_t)n, "port");
	reqid = pf_header(nv, (size_t)n, "requestid");
	if (s->nstreams == PF_STREAMS || type == NULL || port == NULL ||
	    (strcmp(type, "data") != 0 && strcmp(type, "error") != 0) ||
	    atoi(port) <= 0 || atoi(port) > 65535) {
		pf_reset(s, id, SPDY_REFUSED_STREAM);
	} else {
		st = &s->streams[s->nstreams++];
		memset(st, 0, sizeof *st);
		st->id = id;
		st->data = strcmp(type, "data") == 0;
		st->port = atoi(port);
		snprintf(st->reqid, sizeof st->reqid, "%s", reqid != NULL ? reqid : "");
		pf_reply(s, id);
		if (st->data && !pf_listens(s, st->port))
			pf_serve(s, st, 1);	/* refused at once, as a closed port is */
	}
	free(type);
	free(port);
	free(reqid);
}

/* Drop finished streams (both halves answered). */
static void
pf_reap(struct pf_session *s)
{
	size_t	i = 0;

	while (i < s->nstreams) {
		if (s->streams[i].data && s->streams[i].answered) {
			struct pf_stream *e = pf_partner(s, &s->streams[i]);

			free(s->streams[i].req);
			s->streams[i] = s->streams[--s->nstreams];
			if (e != NULL) {
				free(e->req);
				*e = s->streams[--s->nstreams];
			}
			i = 0;
			continue;
		}
		i++;
	}
}

/* One whole SPDY frame. */
static void
pf_frame(struct pf_session *s, const unsigned char *f, size_t len)
{
	const unsigned char	*p = f + 8;
	size_t			 plen = len - 8, i;
	uint32_t		 id;
	int			 type, flags = f[4];

	if (f[0] & 0x80) {
		type = f[2] << 8 | f[3];
		if ((((f[0] & 0x7f) << 8) | f[1]) != 3) {
			s->ws.stop = 1;
			return;
		}
		if (type == SPDY_SYN_STREAM)
			pf_syn(s, p, plen);
		else if (type == SPDY_PING && plen == 4)
			pf_control(s, SPDY_PING, 0, p, plen);
		else if (type == SPDY_GOAWAY)
			s->ws.stop = 1;
		else if (type == SPDY_RST_STREAM && plen >= 4) {
			id = be32(p) & 0x7fffffff;
			for (i = 0; i < s->nstreams; i++) {
				if (s->streams[i].id == id)
					s->streams[i].answered = 1;
			}
		}
		/* SETTINGS, WINDOW_UPDATE, HEADERS, SYN_REPLY: nothing to do */
		return;
	}
	id = be32(f) & 0x7fffffff;
	for (i = 0; i < s->nstreams; i++) {
		if (s->streams[i].id == id)
			break;
	}
	if (i == s->nstreams) {
		pf_reset(s, id, 2);	/* INVALID_STREAM */
		return;
	}
	if (!s->streams[i].data || s->streams[i].answered)
		return;
	if (s->streams[i].reqlen + plen <= PF_REQ_MAX) {
		s->streams[i].req = xrealloc(s->streams[i].req, s->streams[i].reqlen + plen + 1);
		memcpy(s->streams[i].req + s->streams[i].reqlen, p, plen);
		s->streams[i].reqlen += plen;
	}
	pf_serve(s, &s->streams[i], (flags & SPDY_FLAG_FIN) ||
	    s->streams[i].reqlen + plen > PF_REQ_MAX);
	pf_reap(s);
}

/* A WebSocket message: more SPDY bytes. */
static void
pf_message(void *arg, const unsigned char *m, size_t len)
{
	struct pf_session	*s = arg;
	size_t			 used = 0, flen;

	if (s->len + len > PF_BUF_MAX) {
		s->ws.stop = 1;
		return;
	}
	s->buf = xrealloc(s->buf, s->len + len + 1);
	memcpy(s->buf + s->len, m, len);
	s->len += len;
	while (!s->ws.stop && s->len - used >= 8) {
		flen = 8 + ((size_t)s->buf[used + 5] << 16 | (size_t)s->buf[used + 6] << 8 |
		    s->buf[used + 7]);
		if (flen > PF_BUF_MAX) {
			s->ws.stop = 1;
			break;
		}
		if (s->len - used < flen)
			break;
		pf_frame(s, s->buf + used, flen);
		used += flen;
	}
	memmove(s->buf, s->buf + used, s->len - used);
	s->len -= used;
}

void
drill_pf_run(struct drill_exec *pod, int fd, const char *extra, size_t extra_len,
    int (*alive)(void *), void *alive_arg)
{
	struct pf_session	*s = xcalloc(1, sizeof *s);
	size_t			 i;

	s->pod = pod;
	s->ws.fd = fd;
	s->ws.raw = pod->spdy;
	s->ws.on_message = pf_message;
	s->ws.arg = s;
	dict_build(s);
	s->zin_ok = inflateInit(&s->zin) == Z_OK;
	s->zout_ok = deflateInit(&s->zout, Z_DEFAULT_COMPRESSION) == Z_OK &&
	    deflateSetDictionary(&s->zout, s->dict, (uInt)s->dictlen) == Z_OK;
	if (s->zin_ok && s->zout_ok)
		drill_ws_run(&s->ws, extra, extra_len, alive, alive_arg);
	drill_ws_close(&s->ws);
	if (s->zin_ok)
		inflateEnd(&s->zin);
	if (s->zout_ok)
		deflateEnd(&s->zout);
	for (i = 0; i < s->nstreams; i++)
		free(s->streams[i].req);
	free(s->buf);
	free(s);
}
