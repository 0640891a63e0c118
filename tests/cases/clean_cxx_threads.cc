// SPDX-License-Identifier: MIT
/* Clean control: C++ threads. std::thread workers, a std::mutex +
 * std::condition_variable queue with std::unique_lock, std::scoped_lock over two
 * mutexes taken in opposite orders (std::lock avoids deadlock with try_lock and
 * back-off, so this is no inversion), a std::shared_mutex with shared readers and
 * a std::recursive_mutex. */
// expect-none: lock-order-inversion
// expect-none: double-lock
// expect-none: cond-wait-not-owner
// expect-none: deadlock
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: items 20000 swaps 4000 reads 8000 depth 3
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <mutex>
#include <shared_mutex>
#include <thread>
#include <vector>

static std::mutex q_lock;
static std::condition_variable q_cond;
static std::deque<int> queue;
static bool closed;
static int items;

static std::mutex left, right;
static int swaps;

static std::shared_mutex table;
static int reads;
static std::mutex reads_lock;

static std::recursive_mutex rec;
static int depth;

static void consume()
{
	for (;;) {
		std::unique_lock<std::mutex> l(q_lock);
		q_cond.wait(l, [] { return !queue.empty() || closed; });
		if (queue.empty())
			return;
		queue.pop_front();
		items++;
	}
}

static void swapper(bool reverse)
{
	for (int i = 0; i < 2000; i++) {
		if (reverse) {
			std::scoped_lock both(right, left);
			swaps++;
		} else {
			std::scoped_lock both(left, right);
			swaps++;
		}
	}
}

static void reader()
{
	for (int i = 0; i < 2000; i++) {
		std::shared_lock<std::shared_mutex> r(table);
		std::lock_guard<std::mutex> g(reads_lock);
		reads++;
	}
}

static void recurse(int n)
{
	std::lock_guard<std::recursive_mutex> g(rec);
	depth = n > depth ? n : depth;
	if (n < 3)
		recurse(n + 1);
}

int main()
{
	std::vector<std::thread> th;

	for (int i = 0; i < 2; i++)
		th.emplace_back(consume);
	th.emplace_back(swapper, false);
	th.emplace_back(swapper, true);
	for (int i = 0; i < 4; i++)
		th.emplace_back(reader);
	for (int i = 0; i < 20000; i++) {
		std::lock_guard<std::mutex> g(q_lock);
		queue.push_back(i);
		q_cond.notify_one();
	}
	{
		std::lock_guard<std::mutex> g(q_lock);
		closed = true;
	}
	q_cond.notify_all();
	{
		std::unique_lock<std::shared_mutex> w(table);
		recurse(1);
	}
	for (auto &t : th)
		t.join();
	std::printf("items %d swaps %d reads %d depth %d\n", items, swaps, reads, depth);
	return 0;
}
