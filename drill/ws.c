/* The WebSocket side of the drill's streaming subresources (exec, attach,
 * portforward): the RFC 6455 handshake key, frames out (unmasked, as a
 * server sends them) and frames in (masked, capped, reassembled into
 * messages; ping answered, close echoed). Everything from the client is
 * untrusted: an unmasked or oversized frame closes the connection. A raw
 * connection (SPDY upgraded directly) passes bytes through as they come. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>

#include "opsdeck/xmalloc.h"
#include "drill.h"

/* Largest client message accepted. */
#define WS_MSG_MAX	(64 * 1024)

/* The GUID RFC 6455 appends to the client's key. */
static const char ws_guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

char *
drill_ws_accept(const char *key)
{
	unsigned char	 digest[20];
	char		*cat;

	cat = xasprintf("%s%s", key, ws_guid);
	if (gnutls_hash_fast(GNUTLS_DIG_SHA1, cat, strlen(cat), digest) != 0) {
		free(cat);
		return NULL;
	}
	free(cat);
	return drill_base64(digest, sizeof digest);
}

const char *
drill_ws_protocol(const char *offered, const char *const *supported)
{
	const char	*p, *end;
	size_t		 i, len;

	if (offered == NULL)
		return NULL;
	for (i = 0; supported[i] != NULL; i++) {
		for (p = offered; *p != '\0'; p = *end == ',' ? end + 1 : end) {
			while (*p == ' ' || *p == '\t')
				p++;
			end = p + strcspn(p, ",");
			len = (size_t)(end - p);
			while (len > 0 && (p[len - 1] == ' ' || p[len - 1] == '\t'))
				len--;
			if (len == strlen(supported[i]) && strncmp(p, supported[i], len) == 0)
				return supported[i];
		}
	}
	return NULL;
}

/* Write all of buf; -1 when the peer is gone. */
static int
write_all(int fd, const void *buf, size_t len)
{
	const unsigned char	*p = buf;
	ssize_t			 n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
drill_ws_send(struct drill_ws *ws, int opcode, const void *data, size_t len)
{
	unsigned char	hdr[10];
	size_t		hlen = 2;

	if (ws->closed)
		return -1;
	if (ws->raw) {
		if (opcode != 2 || write_all(ws->fd, data, len) != 0) {
			ws->closed = opcode == 8 ? ws->closed : 1;
			return opcode == 8 ? 0 : -1;
		}
		return 0;
	}
	hdr[0] = (unsigned char)(0x80 | opcode);
	if (len < 126)
		hdr[1] = (unsigned char)len;
	else if (len < 65536) {
		hdr[1] = 126;
		hdr[2] = (unsigned char)(len >> 8);
		hdr[3] = (unsigned char)len;
		hlen = 4;
	} else {
		hdr[1] = 127;
		for (hlen = 2; hlen < 10; hlen++)
			hdr[hlen] = (unsigned char)((uint64_t)len >> (8 * (9 - hlen)));
	}
	if (write_all(ws->fd, hdr, hlen) != 0 || (len > 0 && write_all(ws->fd, data, len) != 0)) {
		ws->closed = 1;
		return -1;
	}
	return 0;
}

/* Close with code (RFC 6455 status) and stop. */
static int
ws_fail(struct drill_ws *ws, unsigned code)
{
	unsigned char	c[2] = { (unsigned char)(code >> 8), (unsigned char)code };

	drill_ws_send(ws, 8, c, 2);
	ws->closed = 1;
	return -1;
}

/* Parse complete frames out of ws->in; -1 on a protocol error or close. */
static int
ws_parse(struct drill_ws *ws)
{
	unsigned char	*p, mask[4];
	uint64_t	 plen;
	size_t		 hlen, i, used = 0;
	int		 fin, op;

	while (!ws->stop && ws->inlen - used >= 2) {
		p = ws->in + used;
		fin = p[0] & 0x80;
		op = p[0] & 0x0f;
		plen = p[1] & 0x7f;
		hlen = 2;
		if (plen == 126) {
			if (ws->inlen - used < 4)
				break;
			plen = ((uint64_t)p[2] << 8) | p[3];
			hlen = 4;
		} else if (plen == 127) {
			if (ws->inlen - used < 10)
				break;
			plen = 0;
			for (i = 2; i < 10; i++)
				plen = (plen << 8) | p[i];
			hlen = 10;
		}
		/* 1009: unmasked (clients must mask) or too big */
		if (!(p[1] & 0x80) || plen > WS_MSG_MAX || ws->msglen + plen > WS_MSG_MAX)
			return ws_fail(ws, 1009);
		if (ws->inlen - used < hlen + 4 + plen)
			break;
		memcpy(mask, p + hlen, 4);
		p += hlen + 4;
		for (i = 0; i < plen; i++)
			p[i] ^= mask[i & 3];
		used += hlen + 4 + (size_t)plen;
		if (op == 8)
			return ws_fail(ws, 1000);
		if (op == 9) {
			drill_ws_send(ws, 10, p, (size_t)plen);
			continue;
		}
		if (op == 10)
			continue;
		if (op != 0 && op != 1 && op != 2)
			return ws_fail(ws, 1002);
		ws->msg = xrealloc(ws->msg, ws->msglen + (size_t)plen + 1);
		memcpy(ws->msg + ws->msglen, p, (size_t)plen);
		ws->msglen += (size_t)plen;
		if (fin) {
			ws->on_message(ws->arg, ws->msg, ws->msglen);
			ws->msglen = 0;
		}
	}
	memmove(ws->in, ws->in + used, ws->inlen - used);
	ws->inlen -= used;
	return ws->closed ? -1 : 0;
}

/* Bytes from the client. */
static int
ws_feed(struct drill_ws *ws, const void *data, size_t len)
{
	if (ws->raw) {
		ws->on_message(ws->arg, data, len);
		return ws->closed ? -1 : 0;
	}
	if (ws->inlen + len > ws->incap) {
		ws->incap = ws->inlen + len + 4096;
		if (ws->incap > 2 * WS_MSG_MAX + 64)
			return ws_fail(ws, 1009);
		ws->in = xrealloc(ws->in, ws->incap);
	}
	memcpy(ws->in + ws->inlen, data, len);
	ws->inlen += len;
	return ws_parse(ws);
}

void
drill_ws_run(struct drill_ws *ws, const char *extra, size_t extra_len, int (*alive)(void *),
    void *alive_arg)
{
	struct pollfd	 pfd;
	unsigned char	 buf[16384];
	ssize_t		 n;
	int		 fl;

	fl = fcntl(ws->fd, F_GETFL);
	if (fl >= 0)
		(void)fcntl(ws->fd, F_SETFL, fl & ~O_NONBLOCK);
	if (!ws->stop && extra_len > 0 && ws_feed(ws, extra, extra_len) != 0)
		return;
	while (!ws->stop && !ws->closed && alive(alive_arg)) {
		pfd.fd = ws->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, 200);
		if (n < 0 && errno != EINTR)
			break;
		if (n <= 0)
			continue;
		n = read(ws->fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			ws->closed = 1;
			break;
		}
		if (ws_feed(ws, buf, (size_t)n) != 0)
			break;
	}
}

/* How long a closing session waits for the client to close its side. */
#define WS_LINGER_MS	2000

/* Read and drop what the client still sends until it closes, at most
 * WS_LINGER_MS. Closing a TCP connection with bytes unread makes the
 * kernel reset it, and a reset can destroy output the client has not read
 * yet: `kubectl exec -i` whose shell exited with stdin left over lost the
 * shell's last lines that way. */
static void
ws_linger(struct drill_ws *ws)
{
	struct pollfd	 pfd;
	struct timespec	 t0, t;
	unsigned char	 buf[4096];
	long		 left;
	ssize_t		 n;

	if (ws->fd < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = WS_LINGER_MS - ((t.tv_sec - t0.tv_sec) * 1000 +
		    (t.tv_nsec - t0.tv_nsec) / 1000000);
		if (left <= 0)
			break;
		pfd.fd = ws->fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		n = poll(&pfd, 1, (int)left);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		n = read(ws->fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
	}
}

void
drill_ws_close(struct drill_ws *ws)
{
	if (!ws->closed)
		ws_fail(ws, 1000);
	ws_linger(ws);
	free(ws->in);
	free(ws->msg);
	ws->in = ws->msg = NULL;
}
