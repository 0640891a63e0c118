// SPDX-License-Identifier: MIT
/* Finding messages: the sentences report.json and report.txt show. */
#include <criterion/criterion.h>
#include <signal.h>
#include <string.h>

#include "report.h"

static void put(struct vigil_finding *f, enum vigil_key k, uint64_t v)
{
	f->details[k] = v;
	f->details_set |= VIGIL_KEYBIT(k);
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

Test(message, double_free)
{
	struct vigil_finding f = {.kind = VIGIL_FK_DOUBLE_FREE};

	cr_expect_str_eq(msg(&f), "double free of a block");
	put(&f, VIGIL_KEY_SIZE, 32);
	cr_expect_str_eq(msg(&f), "double free of a 32-byte block");
	put(&f, VIGIL_KEY_FREE_OP, VIGIL_OP_FREE);
	cr_expect_str_eq(msg(&f), "double free of a 32-byte block");
	put(&f, VIGIL_KEY_FREE_OP, VIGIL_OP_DELETE_ARRAY);
	cr_expect_str_eq(msg(&f), "double free of a 32-byte block (by operator delete[])");
	put(&f, VIGIL_KEY_FREE_OP, VIGIL_OP_REALLOC);
	cr_expect_str_eq(msg(&f), "realloc of a freed 32-byte block");
	/* A value from a newer writer is not a name. */
	put(&f, VIGIL_KEY_FREE_OP, VIGIL_OP_MAX + 5);
	cr_expect_str_eq(msg(&f), "double free of a 32-byte block");
}

Test(message, invalid_free)
{
	struct vigil_finding f = {.kind = VIGIL_FK_INVALID_FREE};

	cr_expect_str_eq(msg(&f), "free of a pointer that was never allocated");
	put(&f, VIGIL_KEY_ADDR, 0x1234);
	cr_expect_str_eq(msg(&f), "free of a pointer that was never allocated (0x1234)");
	put(&f, VIGIL_KEY_WHERE, VIGIL_WHERE_STACK);
	cr_expect_str_eq(msg(&f), "free of a pointer into a stack (0x1234)");
	put(&f, VIGIL_KEY_WHERE, VIGIL_WHERE_UNKNOWN);
	cr_expect_str_eq(msg(&f), "free of a pointer into memory the allocator never returned "
				  "(0x1234)");
	put(&f, VIGIL_KEY_WHERE, VIGIL_WHERE_INTERIOR);
	put(&f, VIGIL_KEY_ADDR, 0x500c);
	put(&f, VIGIL_KEY_BLOCK_ADDR, 0x5000);
	put(&f, VIGIL_KEY_SIZE, 64);
	cr_expect_str_eq(msg(&f), "free of a pointer into the inside of a heap block (0x500c): "
				  "12 bytes inside a 64-byte block at 0x5000");
	put(&f, VIGIL_KEY_FREE_OP, VIGIL_OP_DELETE);
	put(&f, VIGIL_KEY_WHERE, VIGIL_WHERE_GLOBAL);
	put(&f, VIGIL_KEY_ADDR, 0x4ff8);
	cr_expect_str_eq(msg(&f), "operator delete of a pointer into a global (0x4ff8): "
				  "8 bytes before a 64-byte block at 0x5000");
	put(&f, VIGIL_KEY_ADDR, 0x5041);
	cr_expect_str_eq(msg(&f), "operator delete of a pointer into a global (0x5041): "
				  "1 byte after the end of a 64-byte block at 0x5000");
}

Test(message, mismatched_free)
{
	struct vigil_finding f = {.kind = VIGIL_FK_MISMATCHED_FREE};

	put(&f, VIGIL_KEY_SIZE, 32);
	cr_expect_str_eq(msg(&f), "mismatched deallocation of a 32-byte block");
	put(&f, VIGIL_KEY_ALLOC_OP, VIGIL_OP_NEW_ARRAY);
	put(&f, VIGIL_KEY_FREE_OP, VIGIL_OP_FREE);
	cr_expect_str_eq(msg(&f), "32-byte block allocated with operator new[] freed with free");
	put(&f, VIGIL_KEY_ALLOC_OP, VIGIL_OP_MALLOC);
	put(&f, VIGIL_KEY_FREE_OP, VIGIL_OP_DELETE_ALIGNED);
	cr_expect_str_eq(msg(&f), "32-byte block allocated with malloc freed with aligned "
				  "operator delete");
}

Test(message, heap_overflow)
{
	struct vigil_finding f = {.kind = VIGIL_FK_HEAP_OVERFLOW};

	cr_expect_str_eq(msg(&f), "write past the end of a block");
	put(&f, VIGIL_KEY_SIZE, 32);
	put(&f, VIGIL_KEY_OFFSET, 35);
	put(&f, VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_FREE);
	cr_expect_str_eq(msg(&f), "write 3 bytes past the end of a 32-byte block (found by "
				  "redzone, checked at free)");
	put(&f, VIGIL_KEY_OFFSET, 32);
	put(&f, VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_CALL);
	put(&f, VIGIL_KEY_ACCESS_SIZE, 40);
	cr_expect_str_eq(msg(&f), "40-byte write just past the end of a 32-byte block (found by "
				  "bounds check at the call)");
	/* A guard page sees reads too: an access, not a write. */
	put(&f, VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_GUARD_PAGE);
	put(&f, VIGIL_KEY_ACCESS_SIZE, 1);
	put(&f, VIGIL_KEY_OFFSET, 33);
	cr_expect_str_eq(msg(&f), "1-byte access 1 byte past the end of a 32-byte block (found "
				  "by guard page)");
	put(&f, VIGIL_KEY_OFFSET, (uint64_t)-8);
	cr_expect_str_eq(msg(&f), "1-byte access 8 bytes before the start of a 32-byte block "
				  "(found by guard page)");
	put(&f, VIGIL_KEY_OFFSET, (uint64_t)INT64_MIN);
	cr_expect_str_eq(msg(&f), "1-byte access 9223372036854775808 bytes before the start of a "
				  "32-byte block (found by guard page)");
	put(&f, VIGIL_KEY_OFFSET, 4);
	put(&f, VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_MAX);
	cr_expect_str_eq(msg(&f), "1-byte write at offset 4 of a 32-byte block");
}

Test(message, use_after_free)
{
	struct vigil_finding f = {.kind = VIGIL_FK_USE_AFTER_FREE};

	cr_expect_str_eq(msg(&f), "access to a freed block");
	put(&f, VIGIL_KEY_SIZE, 64);
	put(&f, VIGIL_KEY_OFFSET, 8);
	put(&f, VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_QUARANTINE);
	cr_expect_str_eq(msg(&f), "write to a freed 64-byte block at offset 8 (found by "
				  "freed-memory pattern, checked leaving quarantine)");
	put(&f, VIGIL_KEY_DETECTED_BY, VIGIL_DETECT_GUARD_PAGE);
	put(&f, VIGIL_KEY_ACCESS_SIZE, 4);
	cr_expect_str_eq(msg(&f), "4-byte access to a freed 64-byte block at offset 8 (found by "
				  "guard page)");
}

Test(message, bad_alloc_size)
{
	struct vigil_finding f = {.kind = VIGIL_FK_BAD_ALLOC_SIZE};

	put(&f, VIGIL_KEY_SIZE, ~0ull);
	cr_expect_str_eq(msg(&f), "allocation of 18446744073709551615 bytes (negative size -1)");
	put(&f, VIGIL_KEY_SIZE, 1ull << 41);
	cr_expect_str_eq(msg(&f), "allocation of 2199023255552 bytes (over the limit)");
	/* calloc: element count in blocks, element size in size. */
	put(&f, VIGIL_KEY_SIZE, 8);
	put(&f, VIGIL_KEY_BLOCKS, 1ull << 62);
	cr_expect_str_eq(msg(&f), "allocation of 4611686018427387904 x 8 bytes (calloc overflow)");
	put(&f, VIGIL_KEY_BLOCKS, 1ull << 40);
	cr_expect_str_eq(msg(&f), "allocation of 8796093022208 bytes (over the limit)");
}

Test(message, heap_growth)
{
	struct vigil_point curve[3] = {{1000, 64 << 10}, {1800, 1 << 20}, {2600, 1992294}};
	struct vigil_finding f = {.kind = VIGIL_FK_HEAP_GROWTH};

	/* No curve (an older writer): where it ended. */
	put(&f, VIGIL_KEY_BYTES, 2000000);
	cr_expect_str_eq(msg(&f), "live heap from one allocation site kept growing, to 2000000 "
				  "bytes");
	f.curve = curve;
	f.ncurve = 1;
	cr_expect_str_eq(msg(&f), "live heap from one allocation site kept growing, to 2000000 "
				  "bytes");
	/* From the first point to the last. */
	f.ncurve = 3;
	cr_expect_str_eq(msg(&f), "live heap from one allocation site grew from 64.0 KiB to "
				  "1.9 MiB over 1.6 s");
	curve[0] = (struct vigil_point){0, 1};
	curve[2] = (struct vigil_point){150000, 3ull << 30};
	cr_expect_str_eq(msg(&f), "live heap from one allocation site grew from 1 byte to "
				  "3.0 GiB over 2.5 min");
	/* Points out of order (a damaged writer) do not make a negative time. */
	curve[0].t_ms = 200000;
	cr_expect_str_eq(msg(&f), "live heap from one allocation site grew from 1 byte to "
				  "3.0 GiB over 0.0 s");
}

Test(message, human_units)
{
	char b[32];

	cr_expect_str_eq(vigil_format_bytes(b, sizeof(b), 0, false), "0 bytes");
	cr_expect_str_eq(vigil_format_bytes(b, sizeof(b), 1023, false), "1023 bytes");
	cr_expect_str_eq(vigil_format_bytes(b, sizeof(b), 1023, true), "1023 B");
	cr_expect_str_eq(vigil_format_bytes(b, sizeof(b), 1024, false), "1.0 KiB");
	cr_expect_str_eq(vigil_format_bytes(b, sizeof(b), 1024, true), "1.0 KiB");
	cr_expect_str_eq(vigil_format_bytes(b, sizeof(b), 266240, true), "260 KiB");
	cr_expect_str_eq(vigil_format_bytes(b, sizeof(b), 266240, false), "260.0 KiB");
	/* Never "1024.0 KiB": rounding moves to the next unit. */
	cr_expect_str_eq(vigil_format_bytes(b, sizeof(b), (1 << 20) - 10, false), "1.0 MiB");
	cr_expect_str_eq(vigil_format_bytes(b, sizeof(b), (1 << 20) - 400, true), "1.0 MiB");
	cr_expect_str_eq(vigil_format_bytes(b, sizeof(b), ~0ull, false), "16.0 EiB");
	cr_expect_str_eq(vigil_format_ms(b, sizeof(b), 0, true), "0.0s");
	cr_expect_str_eq(vigil_format_ms(b, sizeof(b), 1600, false), "1.6 s");
	cr_expect_str_eq(vigil_format_ms(b, sizeof(b), 59949, false), "59.9 s");
	cr_expect_str_eq(vigil_format_ms(b, sizeof(b), 59950, false), "1.0 min");
	cr_expect_str_eq(vigil_format_ms(b, sizeof(b), 90000, true), "1.5m");
	cr_expect_str_eq(vigil_format_ms(b, sizeof(b), 5400000, false), "1.5 h");
	cr_expect_str_eq(vigil_format_ms(b, sizeof(b), 5400000, true), "1.5h");
}

Test(message, generic_kinds)
{
	struct vigil_finding f = {.kind = VIGIL_FK_DATA_RACE};

	cr_expect_str_eq(msg(&f), "data race");
}

Test(message, thread_kinds)
{
	struct vigil_finding o = {.kind = VIGIL_FK_LOCK_ORDER_INVERSION};
	struct vigil_finding u = {.kind = VIGIL_FK_UNLOCK_NOT_OWNER};
	struct vigil_finding c = {.kind = VIGIL_FK_LOCK_CONTENTION};
	struct vigil_finding m = {.kind = VIGIL_FK_MT_UNSAFE_CALL};
	struct vigil_finding s = {.kind = VIGIL_FK_SIGNAL_UNSAFE_CALL};
	struct vigil_finding t = {.kind = VIGIL_FK_THREAD_LEAK};

	put(&o, VIGIL_KEY_LOCK_KIND, VIGIL_LK_MUTEX);
	put(&o, VIGIL_KEY_ADDR, 0x1000);
	put(&o, VIGIL_KEY_OTHER_ADDR, 0x2000);
	put(&o, VIGIL_KEY_CYCLE_LOCKS, 3);
	put(&o, VIGIL_KEY_SINGLE_THREAD, 1);
	cr_expect_str_eq(msg(&o), "lock order inversion: pthread_mutex_t 0x1000 taken while "
				  "holding 0x2000, which is elsewhere taken while holding it (a "
				  "cycle of 3 locks: potential deadlock, seen only in one thread)");
	o.lock_name = "accounts_lock";
	o.other_lock_name = "audit_lock";
	cr_expect(strstr(msg(&o), ": pthread_mutex_t accounts_lock taken while holding audit_lock,"),
		  "%s", msg(&o));
	put(&u, VIGIL_KEY_LOCK_KIND, VIGIL_LK_SPIN);
	put(&u, VIGIL_KEY_ADDR, 0x10);
	put(&u, VIGIL_KEY_REASON, VIGIL_REASON_UNLOCKED);
	cr_expect_str_eq(msg(&u), "unlock of pthread_spinlock_t 0x10 that is not locked");
	put(&u, VIGIL_KEY_REASON, VIGIL_REASON_OTHER_OWNER);
	put(&u, VIGIL_KEY_OWNER_TID, 77);
	cr_expect_str_eq(msg(&u), "unlock of pthread_spinlock_t 0x10 held by another thread (77)");
	put(&c, VIGIL_KEY_LOCK_KIND, VIGIL_LK_MTX);
	put(&c, VIGIL_KEY_ADDR, 0x20);
	put(&c, VIGIL_KEY_WAITS, 4);
	put(&c, VIGIL_KEY_WAIT_NS, 250000000);
	put(&c, VIGIL_KEY_MAX_WAIT_NS, 100000000);
	cr_expect(strstr(msg(&c), "mtx_t 0x20 contended: 4 waits, ") == msg(&c), "%s", msg(&c));
	put(&m, VIGIL_KEY_FUNC, VIGIL_FN_STRTOK);
	cr_expect_str_eq(msg(&m), "strtok, which is not thread-safe, called from several threads");
	put(&m, VIGIL_KEY_FUNC, VIGIL_FN_SETENV);
	put(&m, VIGIL_KEY_REASON, VIGIL_REASON_SETENV_THREADS);
	put(&m, VIGIL_KEY_THREADS, 3);
	cr_expect(strstr(msg(&m), "setenv while 3 threads run") == msg(&m), "%s", msg(&m));
	put(&s, VIGIL_KEY_FUNC, VIGIL_FN_PRINTF);
	cr_expect_str_eq(msg(&s),
			 "printf, which is not async-signal-safe, called in a signal handler");
	put(&s, VIGIL_KEY_ERRNO_CLOBBERED, 1);
	cr_expect_str_eq(msg(&s), "signal handler returned with errno changed");
	put(&t, VIGIL_KEY_REASON, VIGIL_REASON_JOIN_DETACHED);
	cr_expect_str_eq(msg(&t), "join of a detached thread");
	/* A function id from a newer writer: named generically, never out of bounds. */
	put(&m, VIGIL_KEY_REASON, VIGIL_REASON_TWO_THREADS);
	put(&m, VIGIL_KEY_FUNC, VIGIL_FN_MAX + 5);
	cr_expect_str_eq(msg(&m),
			 "a function, which is not thread-safe, called from several threads");
}

Test(message, long_messages_are_cut_not_overrun)
{
	struct vigil_finding h = {.kind = VIGIL_FK_INVALID_FREE};
	char small[24];
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
	/* Messages built in pieces are cut too. */
	put(&h, VIGIL_KEY_WHERE, VIGIL_WHERE_INTERIOR);
	put(&h, VIGIL_KEY_ADDR, 0x500c);
	put(&h, VIGIL_KEY_BLOCK_ADDR, 0x5000);
	memset(small, 'x', sizeof(small));
	vigil_finding__message(&h, small, 20);
	cr_expect_eq(strlen(small), 19);
	cr_expect_eq(small[20], 'x');
}
