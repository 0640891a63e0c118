// SPDX-License-Identifier: MIT
/* Clean control: heap objects with a std::mutex member (whose constructor and
 * destructor never call pthread_mutex_init or _destroy) are created, locked in a
 * fixed order (first, then second) and deleted, over and over. Once the allocator
 * hands the freed memory back, a new object's mutex sits where an old one's was:
 * it is a new lock and must not inherit the old one's order (the addresses of first
 * and second swap from one round to the next). Blocks of 1 MiB so that the
 * quarantine of the heap checks is recycled too; --checks threads alone as well. */
// variant: threads --checks threads
// expect-none: lock-order-inversion
// expect-none: * severity=error
// expect-exit: 0
// expect-stdout: rounds 200
#include <cstdio>
#include <mutex>

struct Session {
	std::mutex lock;
	int rounds = 0;
	char buffer[1 << 20];
};

int main()
{
	int rounds = 0;

	for (int i = 0; i < 200; i++) {
		Session *first = new Session, *second = new Session;

		{
			std::lock_guard<std::mutex> a(first->lock);
			std::lock_guard<std::mutex> b(second->lock);
			first->rounds++;
			second->rounds++;
		}
		rounds += first->rounds;
		delete first;
		delete second;
	}
	std::printf("rounds %d\n", rounds);
	return 0;
}
