/* SPDX-License-Identifier: MIT */
/* The lock-order graph (lockdep-style): an edge held -> acquired for every pair of
 * locks a thread took in that order, with the stacks of both acquisitions, made the
 * first time the pair is seen. A new edge that closes a cycle is a potential
 * deadlock and is reported at once, with every edge's stacks. */
#ifndef VIGIL_LOCKORDER_H
#define VIGIL_LOCKORDER_H

#include <stdint.h>

#include "hidden.h"

#define VIGIL_GATES_MAX 4

/* How the two locks of an edge were held and taken. */
#define VIGIL_EDGE_FROM_SHARED 1u /* `from` held for reading */
#define VIGIL_EDGE_TO_SHARED 2u   /* `to` taken for reading */

/* A thread takes `to` while holding `from` (flags: VIGIL_EDGE_*); held_exact is the
 * stack captured when `from` was taken, if it was (it replaces an edge's rebuilt
 * one); `gates` are the other locks it holds (a cycle whose edges all share one is
 * serialised by it and is no deadlock).
 * Stacks are made only for a new edge, by calling make_stacks(arg, &acq, &held).
 * Returns without blocking; takes the graph lock only for a new edge or a gate set
 * that shrinks. */
void vigil_lockorder__edge(uint32_t from, uint32_t to, unsigned flags, uint32_t held_exact,
			   const uint32_t *gates, unsigned ngates,
			   void (*make_stacks)(void *arg, uint32_t *acq, uint32_t *held),
			   void *arg) VIGIL_HID;

int vigil_lockorder__init(unsigned max_edges) VIGIL_HID;
/* Edges made, edges dropped (graph full), cycles found harmless (gated, or through
 * readers), searches that ran out of budget before deciding. */
void vigil_lockorder__stats(uint64_t *edges, uint64_t *overflow, uint64_t *gated,
			    uint64_t *cut) VIGIL_HID;
void vigil_lockorder__lock(void) VIGIL_HID;
void vigil_lockorder__unlock(int reset) VIGIL_HID;

#endif
