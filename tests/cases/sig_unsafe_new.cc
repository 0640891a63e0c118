// SPDX-License-Identifier: MIT
/* Bug: a C++ signal handler that builds a std::string (operator new) and lets it go
 * (operator delete): both reported at the handler's lines. The same code in main is
 * not reported. */
// expect: signal-unsafe-call function=on_usr1 line=16 details.function="operator new"
// expect: signal-unsafe-call function=on_usr1 line=18 details.function="operator delete"
// expect-none: signal-unsafe-call function=main
// expect-exit: 0
#include <csignal>
#include <cstdio>

static volatile std::sig_atomic_t seen;

static void on_usr1(int sig)
{
	int *counter = new int(sig);
	seen = *counter;
	delete counter;
}

int main()
{
	std::signal(SIGUSR1, on_usr1);
	std::raise(SIGUSR1);
	int *mine = new int(seen);
	std::printf("seen %d\n", *mine);
	delete mine;
	return 0;
}
