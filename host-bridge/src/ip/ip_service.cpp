// SPDX-License-Identifier: GPL-2.0-or-later
#include "ip/ip_service.h"

#include "driver/mactcp_codes.h"
#include "guest/pb_layout.h"

namespace mtb {

Outcome IpService::handle(Call &call) {
    switch (static_cast<CsCode>(call.cs_code)) {
    case CsCode::ipctlGetAddr: return get_addr(call);
    default: return err::controlErr;
    }
}

// The host's outward address, so FTP PORT commands and "Send IP Number" name a reachable
// host (design.md section 5). Writes exactly bytes 28..35: apps pass 36-byte blocks.
Outcome IpService::get_addr(Call &call) {
    call.pb.set(layout::get_addr::ourAddress, network_->address);
    call.pb.set(layout::get_addr::ourNetMask, network_->netmask);
    return err::noErr;
}

}  // namespace mtb
