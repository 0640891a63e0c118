// SPDX-License-Identifier: MIT
/* Invalid free of an interior pointer: a packet parser hands out a pointer past the
 * 16-byte header and the consumer frees that pointer. The report must say it points
 * inside a heap block and name the block (size, offset, allocation stack). */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: invalid-free function=consume line=32 details.where="the inside of a heap block" details.size=80 details.offset=16
// expect: invalid-free role=allocation function=packet_new line=22
// expect-none: crash
// expect-none: leak
// expect-exit: 0
// expect-exit[abort]: 134
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER 16

static unsigned char *packet_new(size_t payload)
{
	return malloc(HEADER + payload);
}

static unsigned char *payload_of(unsigned char *packet)
{
	return packet + HEADER;
}

static void consume(unsigned char *payload)
{
	free(payload);
}

int main(void)
{
	unsigned char *pkt = packet_new(64);

	if (!pkt)
		return 1;
	memset(pkt, 0, HEADER + 64);
	consume(payload_of(pkt)); /* the bug: not the block's start */
	free(pkt);
	printf("packet done\n");
	return 0;
}
