// SPDX-License-Identifier: MIT
/* Bug: the main thread moves money with the accounts lock taken before the audit
 * lock; later a worker takes them the other way round. The two never overlap here,
 * so nothing hangs, but run concurrently they can deadlock: the worker's acquisition
 * closes the cycle and is reported with both edges' stacks. With --checks heap the
 * lock interposers pass through and nothing is reported. */
// variant: heaponly --checks heap
// expect[base]: lock-order-inversion function=audit line=37 severity=error count=1 details.lock_kind=pthread_mutex_t details.cycle_locks=2 details.single_thread=false details.lock=accounts details.other_lock=audit_log
// expect[base]: lock-order-inversion role=held function=audit line=36
// expect[base]: lock-order-inversion role=acquire stack=1 function=transfer line=27
// expect[base]: lock-order-inversion role=held stack=1 function=transfer line=26
// expect-none[heaponly]: lock-order-inversion
// expect-report[heaponly]: run.checks.0=heap
// expect-none[heaponly]: * severity=error
// expect-exit: 0
// expect-stdout: balance 100 audited 100
#include <pthread.h>
#include <stdio.h>

static pthread_mutex_t accounts = PTHREAD_MUTEX_INITIALIZER;
static pthread_mutex_t audit_log = PTHREAD_MUTEX_INITIALIZER;
static int balance, audited;

static void transfer(int amount)
{
	pthread_mutex_lock(&accounts);
	pthread_mutex_lock(&audit_log);
	balance += amount;
	pthread_mutex_unlock(&audit_log);
	pthread_mutex_unlock(&accounts);
}

static void *audit(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&audit_log);
	pthread_mutex_lock(&accounts);
	audited = balance;
	pthread_mutex_unlock(&accounts);
	pthread_mutex_unlock(&audit_log);
	return NULL;
}

int main(void)
{
	pthread_t th;

	transfer(100);
	if (pthread_create(&th, NULL, audit, NULL))
		return 1;
	pthread_join(th, NULL);
	printf("balance %d audited %d\n", balance, audited);
	return 0;
}
