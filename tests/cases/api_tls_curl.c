// SPDX-License-Identifier: MIT
/* Bug: libcurl told not to verify the server's certificate or host name, or a
 * proxy's, or a DNS-over-HTTPS server's. Each setting is a warning at the
 * curl_easy_setopt call. No request is made. */
// build-flags: -lcurl
// expect: tls-verify-disabled function=insecure line=19 severity=warning details.function=curl_easy_setopt details.reason="peer certificate not verified"
// expect: tls-verify-disabled function=insecure line=20 details.reason="host name not verified"
// expect: tls-verify-disabled function=insecure line=21 details.reason="proxy certificate not verified"
// expect: tls-verify-disabled function=insecure line=22 details.reason="proxy host name not verified"
// expect: tls-verify-disabled function=insecure line=23 details.reason="DNS-over-HTTPS certificate not verified"
// expect-exit: 0
// expect-stdout: curl options set
#include <curl/curl.h>
#include <stdio.h>

static void insecure(CURL *h)
{
	curl_easy_setopt(h, CURLOPT_URL, "https://example.invalid/");
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_PROXY_SSL_VERIFYPEER, 0L);
	curl_easy_setopt(h, CURLOPT_PROXY_SSL_VERIFYHOST, 0L);
	curl_easy_setopt(h, CURLOPT_DOH_SSL_VERIFYPEER, 0L);
}

int main(void)
{
	CURL *h;

	curl_global_init(CURL_GLOBAL_DEFAULT);
	h = curl_easy_init();
	insecure(h);
	curl_easy_cleanup(h);
	curl_global_cleanup();
	puts("curl options set");
	return 0;
}
