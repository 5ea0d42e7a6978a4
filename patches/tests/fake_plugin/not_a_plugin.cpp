// A shared library that is not a MacTCP plugin: it lacks mactcp_bridge_entry.
// SPDX-License-Identifier: GPL-2.0-or-later
extern "C" int not_a_mactcp_plugin() { return 1; }
