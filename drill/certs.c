/* Certificates and credentials of the drill API server: a CA, a server
 * certificate for 127.0.0.1 and localhost, an admin client certificate, a
 * viewer bearer token and HMAC-signed exec-plugin tokens. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>

#include "opsdeck/xmalloc.h"
#include "drill.h"

/* Lowercase hex of len bytes (new string). */
static char *
hex_of(const unsigned char *p, size_t len)
{
	char	*s;
	size_t	 i;

	s = xmalloc(len * 2 + 1);
	for (i = 0; i < len; i++)
		snprintf(s + i * 2, 3, "%02x", p[i]);
	return s;
}

/* Base64 of len bytes (new string). */
char *
drill_base64(const void *p, size_t len)
{
	gnutls_datum_t	in, out;
	char		*s;

	in.data = (unsigned char *)(uintptr_t)p;
	in.size = (unsigned)len;
	if (gnutls_base64_encode2(&in, &out) != 0)
		return xstrdup("");
	s = xstrndup((char *)out.data, out.size);
	gnutls_free(out.data);
	return s;
}

/* Random hex string of n bytes of entropy (new). */
static char *
random_hex(size_t n)
{
	unsigned char	buf[64];

	if (n > sizeof buf)
		n = sizeof buf;
	if (gnutls_rnd(GNUTLS_RND_KEY, buf, n) != 0)
		fatal("no randomness");
	return hex_of(buf, n);
}

/* A key and certificate pair being built. */
struct pair {
	gnutls_x509_privkey_t	key;
	gnutls_x509_crt_t	crt;
};

/* Make a key and certificate with dn, signed by issuer (NULL: self). */
static int
make_pair(struct pair *p, const char *dn, int kind, struct pair *issuer, char **cause)
{
	unsigned char	serial[16], kid[64];
	size_t		kidlen = sizeof kid;
	unsigned char	ip[4] = { 127, 0, 0, 1 };
	const char	*err = NULL;
	time_t		now = time(NULL);
	int		r;

	gnutls_x509_privkey_init(&p->key);
	gnutls_x509_crt_init(&p->crt);
	r = gnutls_x509_privkey_generate(p->key, GNUTLS_PK_ECDSA,
	    GNUTLS_CURVE_TO_BITS(GNUTLS_ECC_CURVE_SECP256R1), 0);
	if (r != 0)
		goto fail;
	gnutls_x509_crt_set_version(p->crt, 3);
	gnutls_rnd(GNUTLS_RND_NONCE, serial, sizeof serial);
	serial[0] &= 0x7f;
	serial[0] |= 0x01;
	gnutls_x509_crt_set_serial(p->crt, serial, sizeof serial);
	gnutls_x509_crt_set_activation_time(p->crt, now - 3600);
	gnutls_x509_crt_set_expiration_time(p->crt, now + 30 * 86400);
	r = gnutls_x509_crt_set_dn(p->crt, dn, &err);
	if (r != 0)
		goto fail;
	gnutls_x509_crt_set_key(p->crt, p->key);
	gnutls_x509_crt_get_key_id(p->crt, 0, kid, &kidlen);
	gnutls_x509_crt_set_subject_key_id(p->crt, kid, kidlen);
	switch (kind) {
	case 0:		/* CA */
		gnutls_x509_crt_set_basic_constraints(p->crt, 1, 0);
		gnutls_x509_crt_set_key_usage(p->crt, GNUTLS_KEY_KEY_CERT_SIGN |
		    GNUTLS_KEY_CRL_SIGN | GNUTLS_KEY_DIGITAL_SIGNATURE);
		break;
	case 1:		/* server */
		gnutls_x509_crt_set_basic_constraints(p->crt, 0, -1);
		gnutls_x509_crt_set_key_usage(p->crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
		    GNUTLS_KEY_KEY_AGREEMENT);
		gnutls_x509_crt_set_key_purpose_oid(p->crt, GNUTLS_KP_TLS_WWW_SERVER, 0);
		gnutls_x509_crt_set_subject_alt_name(p->crt, GNUTLS_SAN_DNSNAME, "localhost",
		    9, GNUTLS_FSAN_APPEND);
		gnutls_x509_crt_set_subject_alt_name(p->crt, GNUTLS_SAN_IPADDRESS, ip,
		    sizeof ip, GNUTLS_FSAN_APPEND);
		break;
	default:	/* client */
		gnutls_x509_crt_set_basic_constraints(p->crt, 0, -1);
		gnutls_x509_crt_set_key_usage(p->crt, GNUTLS_KEY_DIGITAL_SIGNATURE |
		    GNUTLS_KEY_KEY_AGREEMENT);
		gnutls_x509_crt_set_key_purpose_oid(p->crt, GNUTLS_KP_TLS_WWW_CLIENT, 0);
		break;
	}
	if (issuer != NULL) {
		kidlen = sizeof kid;
		gnutls_x509_crt_get_subject_key_id(issuer->crt, kid, &kidlen, NULL);
		gnutls_x509_crt_set_authority_key_id(p->crt, kid, kidlen);
	} else
		issuer = p;
	r = gnutls_x509_crt_sign2(p->crt, issuer->crt, issuer->key, GNUTLS_DIG_SHA256, 0);
	if (r != 0)
		goto fail;
	return 0;
fail:
	*cause = xasprintf("certificate %s: %s", dn, gnutls_strerror(r));
	return -1;
}

/* Export a certificate and key as PEM strings. */
static void
export_pair(struct pair *p, char **cert, char **key)
{
	gnutls_datum_t	d;

	*cert = *key = NULL;
	if (gnutls_x509_crt_export2(p->crt, GNUTLS_X509_FMT_PEM, &d) == 0) {
		*cert = xstrndup((char *)d.data, d.size);
		gnutls_free(d.data);
	}
	if (key != NULL && gnutls_x509_privkey_export2(p->key, GNUTLS_X509_FMT_PEM, &d) == 0) {
		*key = xstrndup((char *)d.data, d.size);
		gnutls_free(d.data);
	}
	if (*cert == NULL)
		*cert = xstrdup("");
	if (*key == NULL)
		*key = xstrdup("");
}

/* Free a pair. */
static void
free_pair(struct pair *p)
{
	if (p->crt != NULL)
		gnutls_x509_crt_deinit(p->crt);
	if (p->key != NULL)
		gnutls_x509_privkey_deinit(p->key);
}

/* Generate every credential the server uses. */
int
drill_creds_generate(struct drill_creds *cr, char **cause)
{
	struct pair	ca = { 0 }, srv = { 0 }, cli = { 0 };
	char		*cakey = NULL;
	int		 rc = -1;

	memset(cr, 0, sizeof *cr);
	if (make_pair(&ca, "CN=opsdeck-drill-ca,O=opsdeck", 0, NULL, cause) != 0)
		goto out;
	if (make_pair(&srv, "CN=opsdeck-drill-apiserver", 1, &ca, cause) != 0)
		goto out;
	if (make_pair(&cli, "CN=drill-admin,O=system:masters", 2, &ca, cause) != 0)
		goto out;
	export_pair(&ca, &cr->ca_cert, &cakey);
	export_pair(&srv, &cr->server_cert, &cr->server_key);
	export_pair(&cli, &cr->client_cert, &cr->client_key);
	cr->viewer_token = random_hex(24);
	cr->exec_secret = random_hex(32);
	rc = 0;
out:
	free(cakey);
	free_pair(&ca);
	free_pair(&srv);
	free_pair(&cli);
	return rc;
}

/* Free the credentials. */
void
drill_creds_free(struct drill_creds *cr)
{
	free(cr->ca_cert);
	free(cr->server_cert);
	free(cr->server_key);
	free(cr->client_cert);
	free(cr->client_key);
	free(cr->viewer_token);
	free(cr->exec_secret);
	memset(cr, 0, sizeof *cr);
}

/* The HMAC part of an exec token for expiry (new hex string). */
static char *
exec_mac(const char *secret, int64_t expiry)
{
	unsigned char	digest[32];
	char		msg[64];

	snprintf(msg, sizeof msg, "drill-exec.%lld", (long long)expiry);
	if (gnutls_hmac_fast(GNUTLS_MAC_SHA256, secret, strlen(secret), msg, strlen(msg),
	    digest) != 0)
		return xstrdup("");
	return hex_of(digest, sizeof digest);
}

/* An exec-plugin token valid until expiry. */
char *
drill_exec_token(const char *secret, int64_t expiry)
{
	char	*mac, *tok;

	mac = exec_mac(secret, expiry);
	tok = xasprintf("drill-exec.%lld.%s", (long long)expiry, mac);
	free(mac);
	return tok;
}

/* Check an exec-plugin token. */
int
drill_exec_token_check(const char *secret, const char *token, int64_t now)
{
	const char	*p, *dot;
	char		*end, *mac;
	long long	 expiry;
	int		 ok;

	if (strncmp(token, "drill-exec.", 11) != 0)
		return -1;
	p = token + 11;
	dot = strchr(p, '.');
	if (dot == NULL || dot == p || dot - p > 20)
		return -1;
	expiry = strtoll(p, &end, 10);
	if (end != dot)
		return -1;
	mac = exec_mac(secret, expiry);
	ok = strlen(dot + 1) == strlen(mac) && strcmp(dot + 1, mac) == 0;
	free(mac);
	if (!ok)
		return -1;
	return expiry > now ? 1 : 0;
}

/* The credential id a real API server gives a client certificate's user:
 * X509SHA256= and the hex SHA-256 of the certificate (new), or NULL. */
char *
drill_cert_credential_id(const char *pem)
{
	gnutls_x509_crt_t	 crt;
	gnutls_datum_t		 d;
	unsigned char		 fp[32];
	size_t			 n = sizeof fp;
	char			*hex, *id = NULL;

	if (pem == NULL || gnutls_x509_crt_init(&crt) != 0)
		return NULL;
	d.data = (unsigned char *)(uintptr_t)pem;
	d.size = (unsigned)strlen(pem);
	if (gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM) == 0 &&
	    gnutls_x509_crt_get_fingerprint(crt, GNUTLS_DIG_SHA256, fp, &n) == 0 &&
	    n == sizeof fp) {
		hex = hex_of(fp, n);
		id = xasprintf("X509SHA256=%s", hex);
		free(hex);
	}
	gnutls_x509_crt_deinit(crt);
	return id;
}
