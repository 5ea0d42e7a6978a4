// Fake emulator side for the glue tests: the integer types of the emulators' sysdeps.h.
// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef FAKE_SYSDEPS_H
#define FAKE_SYSDEPS_H

#include <stdint.h>

typedef uint8_t uint8;
typedef int8_t int8;
typedef uint16_t uint16;
typedef int16_t int16;
typedef uint32_t uint32;
typedef int32_t int32;
typedef uintptr_t uintptr;

#endif
