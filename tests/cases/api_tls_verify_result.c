// SPDX-License-Identifier: MIT
/* Clean control: clients that run with SSL_VERIFY_NONE (set, or never switched on)
 * and check the peer themselves with SSL_get_verify_result, as SSL_CTX_set_verify(3)
 * documents; a server context with NONE; an SSL set to NONE that never starts a
 * handshake. No network: the handshakes only enter client mode. Nothing is
 * reported. */
// build-flags: -lssl -lcrypto
// expect-none: tls-verify-disabled
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: checked 0 0
#include <openssl/ssl.h>
#include <stdio.h>

static long handshake_then_check(SSL_CTX *ctx, int set_none)
{
	SSL *ssl = SSL_new(ctx);
	long r;

	if (set_none)
		SSL_set_verify(ssl, SSL_VERIFY_NONE, NULL);
	SSL_set_connect_state(ssl);
	r = SSL_get_verify_result(ssl);
	SSL_free(ssl);
	return r;
}

int main(void)
{
	SSL_CTX *client = SSL_CTX_new(TLS_client_method());
	SSL_CTX *server = SSL_CTX_new(TLS_server_method());
	SSL *idle;
	long r1, r2;

	SSL_CTX_set_verify(client, SSL_VERIFY_NONE, NULL);
	SSL_CTX_set_verify(server, SSL_VERIFY_NONE, NULL);
	r1 = handshake_then_check(client, 0);
	r2 = handshake_then_check(server, 1);
	idle = SSL_new(client);
	SSL_set_verify(idle, SSL_VERIFY_NONE, NULL);
	SSL_free(idle);
	SSL_CTX_free(client);
	SSL_CTX_free(server);
	printf("checked %ld %ld\n", r1, r2);
	return 0;
}
