// SPDX-License-Identifier: GPL-2.0-only
// XDP attachment as free functions (netlink attachments are per interface, not per handle), plus
// interface name/index lookups.
#pragma once

#include <napi.h>

namespace raftctl {

/**
 * Exports interfaceIndex(name), interfaceName(index), xdpAttach(ifname, progFd, mode, force),
 * xdpDetach(ifname, expectedProgramId) -> boolean and xdpQuery(ifname).
 */
void DefineXdpFunctions(Napi::Env env, Napi::Object exports);

}  // namespace raftctl
