/* SPDX-License-Identifier: MIT */
/* The one spelling of "internal to libvigil.so". The preload is built with
 * -fvisibility=hidden already; the mark keeps declarations honest when a module is
 * linked elsewhere (unit tests) and says at a glance what is not interposed. */
#ifndef VIGIL_HIDDEN_H
#define VIGIL_HIDDEN_H

#define VIGIL_HID __attribute__((visibility("hidden")))

#endif
