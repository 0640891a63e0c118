// SPDX-License-Identifier: MIT
/* Bug: a reader asks for the write lock while it still holds the read lock (an
 * "upgrade"). The writer waits for all readers, itself included, forever; glibc does
 * not detect it. vigil reports it before the call blocks; the test kills the program. */
// kill-after: double-lock
// expect: double-lock function=update line=17 role=acquire count=1 details.lock_kind=pthread_rwlock_t
// expect: double-lock role=held function=lookup line=24
// expect-exit: 137
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t table_lock = PTHREAD_RWLOCK_INITIALIZER;
static int value;

static void update(void)
{
	pthread_rwlock_wrlock(&table_lock);
	value++;
	pthread_rwlock_unlock(&table_lock);
}

static void lookup(void)
{
	pthread_rwlock_rdlock(&table_lock);
	if (value == 0)
		update();
	pthread_rwlock_unlock(&table_lock);
}

int main(void)
{
	lookup();
	printf("value %d\n", value);
	return 0;
}
