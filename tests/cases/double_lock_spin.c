// SPDX-License-Identifier: MIT
/* Bug: a spinlock relocked by its holder spins forever (at full CPU). Reported
 * before the spin starts; the test kills the program. */
// kill-after: double-lock
// expect: double-lock function=bump line=16 role=acquire count=1 details.lock_kind=pthread_spinlock_t
// expect: double-lock role=held function=main line=24
// expect-exit: 137
#include <pthread.h>
#include <stdio.h>

static pthread_spinlock_t counter_lock;
static int counter;

static void bump(void)
{
	pthread_spin_lock(&counter_lock);
	counter++;
	pthread_spin_unlock(&counter_lock);
}

int main(void)
{
	pthread_spin_init(&counter_lock, PTHREAD_PROCESS_PRIVATE);
	pthread_spin_lock(&counter_lock);
	bump();
	pthread_spin_unlock(&counter_lock);
	printf("counter %d\n", counter);
	return 0;
}
