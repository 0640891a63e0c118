// SPDX-License-Identifier: MIT
/* Bug: a writer write-locks its rwlock again. glibc detects this one and returns
 * EDEADLK: vigil reports the relock and the program still sees EDEADLK. */
// expect: double-lock function=rename_entry line=16 role=acquire count=1 details.lock_kind=pthread_rwlock_t
// expect: double-lock role=held function=main line=23
// expect-exit: 0
// expect-stdout: relock: EDEADLK
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

static pthread_rwlock_t dir_lock = PTHREAD_RWLOCK_INITIALIZER;

static int rename_entry(void)
{
	return pthread_rwlock_wrlock(&dir_lock);
}

int main(void)
{
	int r;

	pthread_rwlock_wrlock(&dir_lock);
	r = rename_entry();
	printf("relock: %s\n", r == EDEADLK ? "EDEADLK" : "other");
	pthread_rwlock_unlock(&dir_lock);
	return 0;
}
