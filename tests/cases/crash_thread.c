// SPDX-License-Identifier: MIT
/* Crash in a worker thread: a parser thread dereferences a missing field. The crash
 * finding must carry the worker's stack, and the whole process dies with 128 + 11. */
// expect: crash function=field_length line=22 details.signal=11
// expect-exit: 139
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct message {
	const char *header;
	const char *body;
};

static struct message inbox[] = {{"hello", "first body"}, {"bye", NULL}};

static size_t field_length(const struct message *m)
{
	size_t n = strlen(m->header);

	n += (size_t)(m->body[0] != '\0') + strnlen(m->body, 64);
	return n;
}

static void *parser(void *arg)
{
	size_t total = 0;

	(void)arg;
	for (size_t i = 0; i < sizeof(inbox) / sizeof(inbox[0]); i++)
		total += field_length(&inbox[i]);
	return (void *)total;
}

int main(void)
{
	pthread_t th;
	void *ret;

	if (pthread_create(&th, NULL, parser, NULL))
		return 1;
	pthread_join(th, &ret);
	printf("total %zu\n", (size_t)ret);
	return 0;
}
