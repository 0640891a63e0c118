// SPDX-License-Identifier: MIT
/* Double delete in C++: an owner deletes a session it does not own any more. The
 * finding names both deletes and the new, with the operators as alloc_op/free_op. */
// vigil-env: VIGIL_OPTIONS=guard_rate=0
// variant: canary --mode canary VIGIL_OPTIONS=sample_bytes=1:guard_rate=0
// variant: abort --on-error abort
// expect: double-free function=Registry::clear line=39 details.alloc_op="operator new" details.free_op="operator delete"
// expect: double-free role=first-free function=expire line=45
// expect: double-free role=allocation function=Registry::add line=32
// expect-none: mismatched-free
// expect-none: crash
// expect-exit: 0
// expect-exit[abort]: 134
#include <cstdio>

struct Session {
	long id;
	char peer[56];
};

class Registry {
public:
	Session *add(long id);
	void clear();

private:
	Session *last_ = nullptr;
};

Session *Registry::add(long id)
{
	last_ = new Session();
	last_->id = id;
	return last_;
}

void Registry::clear()
{
	delete last_;
	last_ = nullptr;
}

static void expire(Session *s)
{
	delete s;
}

int main()
{
	Registry r;
	Session *s = r.add(3);

	expire(s); /* the bug: r still holds s */
	r.clear();
	std::printf("registry cleared\n");
	return 0;
}
