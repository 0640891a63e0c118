// SPDX-License-Identifier: MIT
/* vfork and clone: noted, then the real call. vfork cannot return through a C frame
 * (the child would unwind the frame its suspended parent returns through), so its
 * interposer is a tail jump that leaves the caller's return address where it was. */
#include <errno.h>
#include <sched.h>
#include <stdarg.h>

#include "realsym.h"
#include "rt.h"
#include "vfork.h"

int vigil_vfork_seen;

/* The real vfork, for the assembly below: resolved at vigil's start. */
void *vigil_vfork_real VIGIL_HID;

/* The error path of a vfork made before the real one was known. */
VIGIL_HID long vigil_vfork_errno(int e)
{
	errno = e;
	return -1;
}

void vigil_vfork__init(void)
{
	vigil_realsym__fill(&vigil_vfork_real, "vfork", NULL, NULL);
}

__asm__(".text\n"
	".globl vfork\n"
	".type vfork,@function\n"
	"vfork:\n"
	"\tmovl $1, vigil_vfork_seen(%rip)\n"
	"\tmovq vigil_vfork_real(%rip), %rax\n"
	"\ttestq %rax, %rax\n"
	"\tjz 1f\n"
	"\tjmp *%rax\n"
	/* Before vigil's start: the system call, with the return address kept in a
	 * register across it, as glibc's own vfork does. */
	"1:\tpopq %rdi\n"
	"\tmovl $58, %eax\n"
	"\tsyscall\n"
	"\tpushq %rdi\n"
	"\tcmpq $-4095, %rax\n"
	"\tjae 2f\n"
	"\tret\n"
	"2:\tnegl %eax\n"
	"\tmovl %eax, %edi\n"
	"\tjmp vigil_vfork_errno\n"
	".size vfork, .-vfork\n");

static int (*real_clone)(int (*)(void *), void *, int, void *, ...);

VIGIL_EXPORT int clone(int (*fn)(void *), void *stack, int flags, void *arg, ...)
{
	pid_t *ptid, *ctid;
	void *tls;
	va_list ap;

	va_start(ap, arg);
	ptid = va_arg(ap, pid_t *);
	tls = va_arg(ap, void *);
	ctid = va_arg(ap, pid_t *);
	va_end(ap);
	if ((flags & CLONE_VM) && !(flags & CLONE_THREAD))
		__atomic_store_n(&vigil_vfork_seen, 1, __ATOMIC_RELAXED);
	return VIGIL_REAL(real_clone, "clone", NULL)(fn, stack, flags, arg, ptid, tls, ctid);
}
