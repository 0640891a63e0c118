// SPDX-License-Identifier: MIT
/* Mismatched release of an over-aligned object: new on an alignas(64) type calls the
 * aligned operator new; a hand-written deleter releases it with the plain
 * ::operator delete(void *). alloc_op and free_op say which is which. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: mismatched-free function=raw_release line=29 details.alloc_op="aligned operator new" details.free_op="operator delete" details.size=128
// expect: mismatched-free role=allocation function=make_line line=24
// expect-none: invalid-free
// expect-none: crash
// expect-exit: 0
// expect-exit[abort]: 134
#include <cstdint>
#include <cstdio>
#include <new>

struct alignas(64) CacheLine {
	long words[16];
};

static CacheLine *make_line()
{
	return new CacheLine();
}

static void raw_release(void *p)
{
	::operator delete(p);
}

int main()
{
	CacheLine *c = make_line();

	std::printf("aligned %d\n", (reinterpret_cast<std::uintptr_t>(c) & 63) == 0);
	c->~CacheLine();
	raw_release(c); /* the bug: needs the aligned operator delete */
	return 0;
}
