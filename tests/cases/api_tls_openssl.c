// SPDX-License-Identifier: MIT
/* Bug: TLS clients that accept any certificate. A client context set to
 * SSL_VERIFY_NONE; a general-purpose context set to NONE, reported when an SSL made
 * from it enters client mode (the set_verify call is the finding's stack, the
 * handshake's the other); an SSL that starts a client handshake without ever
 * turning verification on (OpenSSL's default); verification flags that skip the
 * validity period or unknown critical extensions; host name matching loosened. No
 * network: the settings are made and the program exits. */
// build-flags: -lssl -lcrypto
// expect: tls-verify-disabled function=main line=37 severity=warning details.function=SSL_CTX_set_verify details.reason="peer certificate not verified"
// expect: tls-verify-disabled function=make_generic line=27 details.function=SSL_CTX_set_verify
// expect: tls-verify-disabled role=other-call function=main line=39
// expect: tls-verify-disabled function=main line=41 details.function=SSL_set_connect_state details.reason="peer certificate not verified"
// expect: tls-verify-disabled function=main line=43 details.function=SSL_set_verify
// expect: tls-verify-disabled function=main line=44 details.function=X509_VERIFY_PARAM_set_flags details.reason="certificate checks skipped" details.flags=0x200000
// expect: tls-verify-disabled function=main line=45 details.function=X509_VERIFY_PARAM_set_hostflags details.reason="host name matching loosened" details.flags=0x8
// expect-exit: 0
// expect-stdout: tls settings made
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>

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
	SSL *a, *b, *c;

	SSL_CTX_set_verify(client, SSL_VERIFY_NONE, NULL);
	a = SSL_new(generic);
	SSL_set_connect_state(a);
	b = SSL_new(plain);
	SSL_set_connect_state(b);
	c = SSL_new(client);
	SSL_set_verify(c, SSL_VERIFY_NONE, NULL);
	X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(plain), X509_V_FLAG_NO_CHECK_TIME);
	X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(plain),
					X509_CHECK_FLAG_MULTI_LABEL_WILDCARDS);
	SSL_free(a);
	SSL_free(b);
	SSL_free(c);
	SSL_CTX_free(client);
	SSL_CTX_free(generic);
	SSL_CTX_free(plain);
	puts("tls settings made");
	return 0;
}
