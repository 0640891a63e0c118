// SPDX-License-Identifier: MIT
/* Finding messages: the sentences report.json and report.txt show. */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>

#include "report.h"

static void put(struct vigil_finding *f, enum vigil_key k, uint64_t v)
{
	f->details[k] = v;
	f->details_set |= 1ull << k;
}

static const char *msg(const struct vigil_finding *f)
{
	static char buf[256];

	vigil_finding__message(f, buf, sizeof(buf));
	return buf;
}

Test(message, leak_direct_and_indirect)
{
	struct vigil_finding f = {.kind = VIGIL_FK_LEAK};

	put(&f, VIGIL_KEY_BYTES, 96);
	put(&f, VIGIL_KEY_BLOCKS, 3);
	cr_expect_str_eq(msg(&f), "leak of 96 bytes in 3 blocks");
	put(&f, VIGIL_KEY_DIRECT_BYTES, 32);
	put(&f, VIGIL_KEY_DIRECT_BLOCKS, 1);
	put(&f, VIGIL_KEY_INDIRECT_BYTES, 64);
	put(&f, VIGIL_KEY_INDIRECT_BLOCKS, 2);
	cr_expect_str_eq(msg(&f), "leak of 96 bytes in 3 blocks (direct: 32 bytes in 1 block; "
				  "indirect: 64 bytes in 2 blocks)");
	put(&f, VIGIL_KEY_INDIRECT_BLOCKS, 0);
	put(&f, VIGIL_KEY_BYTES, 1);
	put(&f, VIGIL_KEY_BLOCKS, 1);
	cr_expect_str_eq(msg(&f), "leak of 1 byte in 1 block (direct)");
	put(&f, VIGIL_KEY_INDIRECT_BLOCKS, 1);
	put(&f, VIGIL_KEY_DIRECT_BLOCKS, 0);
	cr_expect_str_eq(msg(&f), "leak of 1 byte in 1 block (indirect: reachable only from "
				  "other leaked blocks)");
	f.kind = VIGIL_FK_LEAK_REACHABLE;
	put(&f, VIGIL_KEY_BYTES, 40);
	cr_expect_str_eq(msg(&f), "40 bytes in 1 block still reachable at exit");
}

Test(message, crash)
{
	uint32_t pid = 4242;
	struct vigil_finding f = {.kind = VIGIL_FK_CRASH, .pids = &pid, .npids = 1};

	put(&f, VIGIL_KEY_SIGNAL, SIGSEGV);
	put(&f, VIGIL_KEY_FAULT_ADDR, 0);
	cr_expect_str_eq(msg(&f), "process 4242 killed by SIGSEGV (address 0x0)");
	put(&f, VIGIL_KEY_SIGNAL, SIGABRT);
	cr_expect_str_eq(msg(&f), "process 4242 killed by SIGABRT");
	put(&f, VIGIL_KEY_SIGNAL, 1000);
	cr_expect_str_eq(msg(&f), "process 4242 killed by signal 1000");
}

Test(message, heap_errors_and_generic_kinds)
{
	struct vigil_finding f = {.kind = VIGIL_FK_DOUBLE_FREE};

	cr_expect_str_eq(msg(&f), "double free");
	put(&f, VIGIL_KEY_SIZE, 32);
	cr_expect_str_eq(msg(&f), "double free of a 32-byte block");
	f.kind = VIGIL_FK_INVALID_FREE;
	put(&f, VIGIL_KEY_ADDR, 0x1234);
	cr_expect_str_eq(msg(&f), "free of pointer 0x1234 that was never allocated");
	f.kind = VIGIL_FK_LOCK_ORDER_INVERSION;
	cr_expect_str_eq(msg(&f), "lock order inversion");
}

Test(message, long_messages_are_cut_not_overrun)
{
	struct vigil_finding f = {.kind = VIGIL_FK_LEAK};
	char buf[16];

	memset(buf, 'x', sizeof(buf));
	put(&f, VIGIL_KEY_BYTES, 123456789);
	put(&f, VIGIL_KEY_BLOCKS, 3);
	put(&f, VIGIL_KEY_DIRECT_BLOCKS, 3);
	put(&f, VIGIL_KEY_INDIRECT_BLOCKS, 3);
	vigil_finding__message(&f, buf, 10);
	cr_expect_eq(strlen(buf), 9);
	cr_expect_eq(buf[10], 'x');
}
