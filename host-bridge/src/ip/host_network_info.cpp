// SPDX-License-Identifier: GPL-2.0-or-later
#include "ip/host_network_info.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

namespace mtb {

namespace {

// Linux: the interface named on the default-route line of /proc/net/route.
std::string default_route_interface() {
    std::ifstream routes("/proc/net/route");
    std::string line;
    std::getline(routes, line);  // header
    while (std::getline(routes, line)) {
        std::istringstream fields(line);
        std::string name, destination, gateway, flags, refcnt, use, metric, mask;
        if (!(fields >> name >> destination >> gateway >> flags >> refcnt >> use >> metric >> mask)) continue;
        if (destination == "00000000" && mask == "00000000") return name;
    }
    return {};
}

uint32_t interface_mtu(const char *name) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return 1500;
    ifreq request{};
    std::strncpy(request.ifr_name, name, IFNAMSIZ - 1);
    uint32_t mtu = 1500;
    if (::ioctl(fd, SIOCGIFMTU, &request) == 0 && request.ifr_mtu > 0) mtu = static_cast<uint32_t>(request.ifr_mtu);
    ::close(fd);
    return mtu;
}

}  // namespace

HostNetworkInfo discover_host_network() {
    HostNetworkInfo info;
    ifaddrs *list = nullptr;
    if (::getifaddrs(&list) != 0) return info;
    const std::string preferred = default_route_interface();
    const ifaddrs *chosen = nullptr;
    for (const ifaddrs *entry = list; entry != nullptr; entry = entry->ifa_next) {
        if (entry->ifa_addr == nullptr || entry->ifa_addr->sa_family != AF_INET) continue;
        if ((entry->ifa_flags & IFF_UP) == 0 || (entry->ifa_flags & IFF_LOOPBACK) != 0) continue;
        if (!preferred.empty() && preferred == entry->ifa_name) {
            chosen = entry;
            break;
        }
        if (chosen == nullptr) chosen = entry;
    }
    if (chosen != nullptr) {
        info.address = ntohl(reinterpret_cast<const sockaddr_in *>(chosen->ifa_addr)->sin_addr.s_addr);
        info.netmask = chosen->ifa_netmask
                           ? ntohl(reinterpret_cast<const sockaddr_in *>(chosen->ifa_netmask)->sin_addr.s_addr)
                           : 0xFFFFFF00;
        info.mtu = interface_mtu(chosen->ifa_name);
        info.found_outward_interface = true;
    }
    ::freeifaddrs(list);
    return info;
}

}  // namespace mtb
