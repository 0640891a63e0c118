// SPDX-License-Identifier: MIT
/* Bug: TLS client connections that accept any certificate and never check the
 * result themselves. A client context set to SSL_VERIFY_NONE and a general-purpose
 * one set to NONE, reported for an SSL made from each that enters client mode (the
 * set_verify call is the finding's stack, the handshake's the other); an SSL that
 * starts a client handshake without ever turning verification on (OpenSSL's
 * default); one set to NONE itself and left open at exit; verification flags that
 * skip the validity period or unknown critical extensions; host name matching
 * loosened. No network: the settings are made and the program exits. */
// build-flags: -lssl -lcrypto
// expect: tls-verify-disabled function=main line=40 severity=warning details.function=SSL_CTX_set_verify details.reason="peer certificate not verified"
// expect: tls-verify-disabled function=make_generic line=30 details.function=SSL_CTX_set_verify
// expect: tls-verify-disabled role=other-call function=main line=43
// expect: tls-verify-disabled function=main line=45 details.function=SSL_set_connect_state details.reason="peer certificate not verified"
// expect: tls-verify-disabled function=main line=50 details.function=SSL_set_verify
// expect: tls-verify-disabled function=main line=52 details.function=X509_VERIFY_PARAM_set_flags details.reason="certificate checks skipped" details.flags=0x200000
// expect: tls-verify-disabled function=main line=53 details.function=X509_VERIFY_PARAM_set_hostflags details.reason="host name matching loosened" details.flags=0x8
// expect-exit: 0
// expect-stdout: tls settings made
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>

static SSL *left_open;

static SSL_CTX *make_generic(void)
{
	SSL_CTX *ctx = SSL_CTX_new(TLS_method());

	SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
	return ctx;
}

int main(void)
{
	SSL_CTX *client = SSL_CTX_new(TLS_client_method());
	SSL_CTX *generic = make_generic(), *plain = SSL_CTX_new(TLS_method());
	SSL *a, *b, *c, *d;

	SSL_CTX_set_verify(client, SSL_VERIFY_NONE, NULL);
	d = SSL_new(client);
	a = SSL_new(generic);
	SSL_set_connect_state(a);
	b = SSL_new(plain);
	SSL_set_connect_state(b);
	SSL_set_connect_state(d);
	/* Freed at exit by nobody: reported when the program ends. */
	left_open = SSL_new(plain);
	SSL_set_verify(left_open, SSL_VERIFY_PEER, NULL);
	SSL_set_verify(left_open, SSL_VERIFY_NONE, NULL);
	SSL_set_connect_state(left_open);
	X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(plain), X509_V_FLAG_NO_CHECK_TIME);
	X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(plain),
					X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS);
	SSL_free(a);
	SSL_free(b);
	SSL_free(d);
	SSL_CTX_free(client);
	SSL_CTX_free(generic);
	SSL_CTX_free(plain);
	puts("tls settings made");
	return 0;
}
