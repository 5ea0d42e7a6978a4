// The DNR's guest-visible records (mactcp-reference section 8.3) and the private parameter block
// our 'dnrp' code (guest-driver/dnrp.S) hands to the .IPP driver.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <cstdint>

#include "guest/pb_layout.h"

namespace mtb::dnr {

// Selectors of the 'dnrp' entry point (section 8.2).
enum Selector : uint32_t {
    kOpenResolver = 1,
    kCloseResolver = 2,
    kStrToAddr = 3,
    kAddrToStr = 4,
    kEnumCache = 5,
    kAddrToName = 6,
    kHInfo = 7,
    kMXInfo = 8,
};

// The private _Control block the 'dnrp' code builds on its stack (csCode CsCode::dnrCall).
// MacTCP has no such call: the resource is built once, so it cannot hold an emulator-specific
// EMUL_OP word and reaches the host through our driver instead. The scratch areas are guest RAM
// the host may write for the duration of the call (ENUMCACHE hands pointers into them to the
// guest's EnumResultProc). Keep in step with the DP_* offsets in guest-driver/dnrp.S.
namespace call {
inline constexpr layout::U32 selector{28};
inline constexpr layout::U32 arg1{32};
inline constexpr layout::U32 arg2{36};
inline constexpr layout::U32 arg3{40};
inline constexpr layout::U32 arg4{44};
inline constexpr layout::U32 callerA5{48};
inline constexpr layout::U32 hostsData{52};    // OPENRESOLVER: hosts-file bytes read by the guest, or 0
inline constexpr layout::U32 hostsLength{56};
inline constexpr uint32_t entryRecord = 60;    // 16 bytes: the cacheEntryRecord for ENUMCACHE
inline constexpr uint32_t nameScratch = 76;    // 256 bytes: the entry's cname
inline constexpr uint32_t rdataScratch = 332;  // 256 bytes: the entry's rdata string (CNAME)
inline constexpr uint32_t scratchSize = 256;
inline constexpr uint32_t size = 588;
}  // namespace call

// struct hostInfo (276 bytes).
namespace host_info {
inline constexpr layout::U32 rtnCode{0};
inline constexpr uint32_t cname = 4;
inline constexpr uint32_t cnameSize = 255;
inline constexpr uint32_t addr = 260;  // 4 longs
inline constexpr uint32_t maxAddrs = 4;
inline constexpr uint32_t size = 276;
}  // namespace host_info

// struct returnRec (518 bytes): hostInfo's head, then a union.
namespace return_rec {
inline constexpr layout::U32 rtnCode{0};
inline constexpr uint32_t cname = 4;
inline constexpr uint32_t cpuType = 260;  // char[30]
inline constexpr uint32_t osType = 290;   // char[30]
inline constexpr uint32_t hinfoFieldSize = 30;
inline constexpr layout::U16 mxPreference{260};
inline constexpr uint32_t mxExchange = 262;  // char[255]
inline constexpr uint32_t size = 518;
}  // namespace return_rec

// struct cacheEntryRecord (16 bytes).
namespace cache_entry {
inline constexpr layout::U32 cname{0};
inline constexpr layout::U16 type{4};
inline constexpr layout::U16 cacheClass{6};
inline constexpr layout::U32 ttl{8};
inline constexpr layout::U32 rdata{12};
inline constexpr uint32_t size = 16;
}  // namespace cache_entry

// Resource record types the cache reports (section 8.3).
inline constexpr uint16_t kTypeA = 1;
inline constexpr uint16_t kTypeCNAME = 5;
inline constexpr uint16_t kTypeHINFO = 13;
inline constexpr uint16_t kTypeMX = 15;
inline constexpr uint16_t kClassIN = 1;

}  // namespace mtb::dnr
