/* SPDX-License-Identifier: MIT */
/* The one unwinding step the frame-pointer walk cannot do: the caller of a frameless
 * leaf (a libc syscall wrapper, a static binary's libc), from the leaf's .eh_frame
 * rule and the stack bytes the BPF sample copied above the stack pointer. */
#ifndef VIGIL_CFI_H
#define VIGIL_CFI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vigil_cfi;

struct vigil_cfi *vigil_cfi__new(void);
void vigil_cfi__free(struct vigil_cfi *c);

/* The return address of the function executing at pc (in the ELF at path, loaded with
 * bias) when its CFA is the stack pointer plus a constant: read from stack (bytes at
 * sp upward). 0 when the rule is another one (a frame-pointer function: the walk
 * already has its caller) or the bytes do not reach. */
uint64_t vigil_cfi__caller(struct vigil_cfi *c, const char *path, uint64_t bias, uint64_t pc,
			   const uint8_t *stack, size_t stack_len);

/* Whether the instruction before pc (a return address in the ELF at path) is a call:
 * a frame-pointer walk that ran into a frame without one yields addresses that are
 * not, and the stack is cut there. True when the file cannot tell. */
bool vigil_cfi__after_call(struct vigil_cfi *c, const char *path, uint64_t bias, uint64_t pc);

#endif
