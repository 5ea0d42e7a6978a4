// Fake emulator side for the glue tests: the emulators' my_sdl.h picks the SDL major version.
// SPDX-License-Identifier: GPL-2.0-or-later
#if defined(USE_SDL3)
#include <SDL3/SDL.h>
#else
#include <SDL.h>
#endif
