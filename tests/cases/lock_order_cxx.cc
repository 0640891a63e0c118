// SPDX-License-Identifier: MIT
/* Bug: C++ with std::mutex and std::lock_guard, which reach pthread_mutex_lock
 * through libstdc++: the main thread locks `from` then `to`, a std::thread locks
 * them the other way round. Reported with the frames of the program's own functions
 * (the lock_guard constructor is in a libstdc++ header). Where the held locks were
 * taken is checked by lock_order_wrapper.c. */
// expect: lock-order-inversion function=Account::pay_back line=30 count=1 details.lock_kind=pthread_mutex_t details.cycle_locks=2 details.single_thread=false
// expect: lock-order-inversion role=acquire stack=1 function=Account::pay line=22
// expect-exit: 0
// expect-stdout: from 100 to 100
#include <cstdio>
#include <mutex>
#include <thread>

struct Account {
	std::mutex m;
	int balance = 100;

	void pay(Account &to, int n)
	{
		std::lock_guard<std::mutex> mine(m);
		std::lock_guard<std::mutex> theirs(to.m);
		balance -= n;
		to.balance += n;
	}

	void pay_back(Account &from, int n)
	{
		std::lock_guard<std::mutex> theirs(m);
		std::lock_guard<std::mutex> mine(from.m);
		balance -= n;
		from.balance += n;
	}
};

int main()
{
	Account from, to;

	from.pay(to, 10);
	std::thread t([&] { to.pay_back(from, 10); });
	t.join();
	std::printf("from %d to %d\n", from.balance, to.balance);
	return 0;
}
