// SPDX-License-Identifier: MIT
/* Clean control: TLS verification left on. A client context and connection that
 * verify the peer, a server context without client certificates (SSL_VERIFY_NONE is
 * right there), flags that make checks stricter, and libcurl with verification on.
 * Nothing is reported. */
// build-flags: -lssl -lcrypto -lcurl
// expect-none: tls-verify-disabled
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: verified
#include <curl/curl.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>
#include <stdio.h>

int main(void)
{
	SSL_CTX *client = SSL_CTX_new(TLS_client_method());
	SSL_CTX *server = SSL_CTX_new(TLS_server_method());
	SSL_CTX *generic = SSL_CTX_new(TLS_method());
	SSL *c, *s;
	CURL *h;

	SSL_CTX_set_verify(client, SSL_VERIFY_PEER, NULL);
	SSL_CTX_set_verify(generic, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, NULL);
	SSL_CTX_set_verify(server, SSL_VERIFY_NONE, NULL);
	X509_VERIFY_PARAM_set_flags(SSL_CTX_get0_param(client),
				    X509_V_FLAG_X509_STRICT | X509_V_FLAG_PARTIAL_CHAIN);
	X509_VERIFY_PARAM_set_hostflags(SSL_CTX_get0_param(client),
					X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
	c = SSL_new(generic);
	SSL_set_connect_state(c);
	s = SSL_new(server);
	SSL_set_accept_state(s);
	SSL_free(c);
	SSL_free(s);
	SSL_CTX_free(client);
	SSL_CTX_free(server);
	SSL_CTX_free(generic);

	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = curl_easy_init();
	curl_easy_setopt(h, CURLOPT_URL, "https://example.invalid/");
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 1L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 2L);
	curl_easy_setopt(h, CURLOPT_TIMEOUT, 5L);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	puts("verified");
	return 0;
}
