// SPDX-License-Identifier: MIT
/* Mismatched release: a buffer from a C API (malloc inside strdup-like code) is
 * released with delete[] by C++ code. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: mismatched-free function=Name::~Name line=39 details.alloc_op=malloc details.free_op="operator delete[]" details.size=12
// expect: mismatched-free role=allocation function=c_copy line=20
// expect-none: invalid-free
// expect-none: crash
// expect-exit: 0
// expect-exit[abort]: 134
#include <cstdio>
#include <cstdlib>
#include <cstring>

extern "C" char *c_copy(const char *s)
{
	size_t n = std::strlen(s) + 1;
	char *d = static_cast<char *>(std::malloc(n));

	if (d)
		std::memcpy(d, s, n);
	return d;
}

class Name {
public:
	explicit Name(const char *s) : text_(c_copy(s)) {}
	~Name();
	const char *text() const { return text_; }

private:
	char *text_;
};

Name::~Name()
{
	delete[] text_;
}

int main()
{
	Name n("hello world");

	std::printf("%s\n", n.text());
	return 0;
}
