/* Unit tests of the drill's credentials: generated certificates chain to
 * the CA and name the right subjects; exec tokens verify until they expire
 * and refuse forgeries. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "../../drill/drill.h"

/* Import a PEM certificate. */
static gnutls_x509_crt_t
crt_of(const char *pem)
{
	gnutls_x509_crt_t	crt;
	gnutls_datum_t		d = { (unsigned char *)(uintptr_t)pem, (unsigned)strlen(pem) };

	assert_int_equal(gnutls_x509_crt_init(&crt), 0);
	assert_int_equal(gnutls_x509_crt_import(crt, &d, GNUTLS_X509_FMT_PEM), 0);
	return crt;
}

/* The certificates chain to the CA with the expected names. */
static void
test_certs(void **state)
{
	struct drill_creds	 cr;
	gnutls_x509_crt_t	 ca, srv, cli;
	unsigned int		 status = 1;
	char			*cause = NULL, buf[256];
	size_t			 len = sizeof buf;

	(void)state;
	assert_int_equal(drill_creds_generate(&cr, &cause), 0);
	ca = crt_of(cr.ca_cert);
	srv = crt_of(cr.server_cert);
	cli = crt_of(cr.client_cert);
	assert_int_equal(gnutls_x509_crt_verify(srv, &ca, 1, 0, &status), 0);
	assert_int_equal(status, 0);
	status = 1;
	assert_int_equal(gnutls_x509_crt_verify(cli, &ca, 1, 0, &status), 0);
	assert_int_equal(status, 0);
	assert_true(gnutls_x509_crt_check_hostname(srv, "127.0.0.1") != 0);
	assert_true(gnutls_x509_crt_check_hostname(srv, "localhost") != 0);
	assert_true(gnutls_x509_crt_check_hostname(srv, "example.com") == 0);
	assert_int_equal(gnutls_x509_crt_get_dn_by_oid(cli, GNUTLS_OID_X520_COMMON_NAME, 0, 0,
	    buf, &len), 0);
	assert_string_equal(buf, "drill-admin");
	len = sizeof buf;
	assert_int_equal(gnutls_x509_crt_get_dn_by_oid(cli, GNUTLS_OID_X520_ORGANIZATION_NAME,
	    0, 0, buf, &len), 0);
	assert_string_equal(buf, "system:masters");
	assert_true(strlen(cr.viewer_token) >= 32);
	gnutls_x509_crt_deinit(ca);
	gnutls_x509_crt_deinit(srv);
	gnutls_x509_crt_deinit(cli);
	drill_creds_free(&cr);
}

/* Exec tokens: valid before expiry, expired after, forged never. */
static void
test_exec_tokens(void **state)
{
	char	*tok, *forged;

	(void)state;
	tok = drill_exec_token("secret-a", 1000);
	assert_int_equal(strncmp(tok, "drill-exec.1000.", 16), 0);
	assert_int_equal(drill_exec_token_check("secret-a", tok, 999), 1);
	assert_int_equal(drill_exec_token_check("secret-a", tok, 1000), 0);
	assert_int_equal(drill_exec_token_check("secret-b", tok, 999), -1);
	forged = strdup(tok);
	memcpy(forged + 11, "9999", 4);	/* a later expiry with the old MAC */
	assert_int_equal(drill_exec_token_check("secret-a", forged, 999), -1);
	assert_int_equal(drill_exec_token_check("secret-a", "drill-exec.", 1), -1);
	assert_int_equal(drill_exec_token_check("secret-a", "drill-exec.12", 1), -1);
	assert_int_equal(drill_exec_token_check("secret-a", "Bearer x", 1), -1);
	free(forged);
	free(tok);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_certs),
		cmocka_unit_test(test_exec_tokens),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
