// SPDX-License-Identifier: MIT
/* fork(2). Across fork the forking thread holds every vigil lock, in rank order
 * (heap table and quarantine, stack table, module map, threads, guard pool, signal
 * dispositions, internal allocator), so the child finds them consistent, resets
 * them and starts its own log. */
#include <pthread.h>
#include <unistd.h>

#include "emit.h"
#include "fds.h"
#include "growth.h"
#include "guardpool.h"
#include "heap.h"
#include "ialloc.h"
#include "locks.h"
#include "maps.h"
#include "memclass.h"
#include "modmap.h"
#include "rawlog.h"
#include "rt.h"
#include "stack.h"
#include "thread.h"

static void prepare(void)
{
	if (vigil_rt__state() != VIGIL_READY)
		return;
	vigil_guard__enter();
	vigil_heap__lock();
	if (vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS))
		vigil_locks__fork_lock();
	vigil_stacktab__lock_all(vigil_stacks);
	vigil_modmap__lock();
	vigil_thread__lock();
	vigil_guardpool__lock();
	vigil_signal__lock();
	vigil_memclass__fork_lock();
	vigil_maps__lock();
	vigil_ialloc__lock();
}

static void parent(void)
{
	if (vigil_rt__state() != VIGIL_READY)
		return;
	vigil_ialloc__unlock();
	vigil_maps__unlock(0);
	vigil_memclass__fork_unlock(0);
	vigil_signal__unlock(0);
	vigil_guardpool__unlock(0);
	vigil_thread__unlock();
	vigil_modmap__unlock(0);
	vigil_stacktab__unlock_all(vigil_stacks, 0);
	if (vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS))
		vigil_locks__fork_unlock(0);
	vigil_heap__unlock(0);
	vigil_guard__leave();
}

static void child(void)
{
	if (vigil_rt__state() != VIGIL_READY)
		return;
	vigil_ialloc__reset_lock();
	vigil_maps__unlock(1);
	vigil_memclass__fork_unlock(1);
	vigil_signal__unlock(1);
	vigil_guardpool__unlock(1);
	vigil_emit__reset_after_fork();
	vigil_thread__after_fork_child();
	vigil_modmap__unlock(1);
	vigil_stacktab__unlock_all(vigil_stacks, 1);
	vigil_heap__unlock(1);
	vigil_heaptab__mark_inherited(vigil_heap);
	vigil_rt__after_fork_child();
	if (vigil_rt.opt.checks & (1u << VIGIL_CHECK_THREADS))
		vigil_locks__fork_unlock(1);
	vigil_growth__after_fork_child();
	vigil_fds__after_fork_child();
	if (vigil_rt__start_log())
		vigil_rt__disable("the fork child cannot open its raw log");
	vigil_guard__leave();
}

void vigil_fork__init(void)
{
	pthread_atfork(prepare, parent, child);
}
