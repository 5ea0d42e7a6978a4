// TCP calls (csCodes 30..43).
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>
#include <map>

#include "driver/call.h"
#include "driver/driver_core.h"
#include "ip/host_network_info.h"
#include "tcp/tcp_stream.h"

namespace mtb {

class TcpService final : public Service {
public:
    TcpService(DriverCore &core, const HostNetworkInfo &network) : core_(&core), network_(&network) {}
    ~TcpService() override;
    Outcome handle(Call &call) override;
    void reset() override;

    std::size_t stream_count() const { return streams_.size(); }

private:
    Outcome create(Call &call);
    Outcome release(Call &call, TcpStream &stream);
    Outcome status(Call &call, TcpStream &stream);
    Outcome active_open(Call &call, TcpStream &stream);

    TcpStream *find(uint32_t stream_ptr);
    bool overlaps_existing(uint32_t start, uint32_t length) const;
    void on_connected(uint32_t stream_ptr, RequestId request, int16_t result, uint32_t local_host, uint16_t local_port);
    void close_socket(TcpStream &stream);

    DriverCore *core_;
    const HostNetworkInfo *network_;
    std::map<uint32_t, TcpStream> streams_;  // by StreamPtr (= receive buffer address)
};

}  // namespace mtb
