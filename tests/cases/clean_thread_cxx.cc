// SPDX-License-Identifier: MIT
/* Clean control: C++ threads through libstdc++ - std::thread joined and detached,
 * std::async futures - reach the interposed pthread_create, pthread_join and
 * pthread_detach. Nothing is reported. */
// expect-none: thread-leak
// expect-none: crash
// expect-exit: 0
// expect-stdout: sum 45 async 7
#include <atomic>
#include <cstdio>
#include <future>
#include <thread>
#include <vector>

int main()
{
	std::atomic<int> sum{0};
	std::vector<std::thread> ts;

	for (int i = 0; i < 10; i++)
		ts.emplace_back([&sum, i] { sum += i; });
	for (auto &t : ts)
		t.join();
	std::thread([] {}).detach();
	auto f = std::async(std::launch::async, [] { return 7; });
	std::printf("sum %d async %d\n", sum.load(), f.get());
	return 0;
}
