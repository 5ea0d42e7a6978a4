// Fake emulator side for the glue tests: prefs lookup (emulator-integration.md section 7).
// SPDX-License-Identifier: GPL-2.0-or-later
#ifndef FAKE_PREFS_H
#define FAKE_PREFS_H

extern const char *PrefsFindString(const char *name, int index = 0);

#endif
