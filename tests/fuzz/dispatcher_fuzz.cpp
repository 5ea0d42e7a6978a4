// libFuzzer target: the whole dispatcher (mtb::Bridge) driven by operation sequences on a
// scripted host (scripted_host_io.h): no threads of ours, no sockets, no real clock, so an input
// replays exactly. Each input is decoded into guest calls that reuse a few valid streams,
// parameter blocks, WDS and RDS (TCP, UDP, IP, DNR selectors, KillIO), host answers and host
// events (readiness, connect results, DNS answers, time passing), interrupts and resets; the fake
// CPU makes nested calls from completion routines and ASRs when the input says so.
//
// Checks, beyond "no crash, no hang, no sanitizer report":
//  - every call returns inProgress or a MacTCP / Device Manager result code, and every result
//    written into a parameter block is one;
//  - a request's completion routine runs at most once per call issued;
//  - no ASR runs for a stream that was never created or has been released;
//  - the bridge never touches a host socket it does not have (ScriptedHostIo aborts);
//  - after reset() and shutdown() the bridge holds no host socket and no lookup.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <array>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <vector>

#include "../unit/fake_host.h"
#include "dnr/dnr_layout.h"
#include "driver/mactcp_codes.h"
#include "fuzz_input.h"
#include "guest/pb_layout.h"
#include "mactcp_bridge/bridge.h"
#include "mactcp_bridge/ipp_driver_image.h"
#include "scripted_host_io.h"

namespace mtb::fuzz {
namespace {

namespace hdr = layout::header;
namespace T = layout::tcp;
namespace U = layout::udp;
namespace image = guest_image::ipp_driver;
using test::FakeHost;

// A finding: says which promise broke, then aborts (libFuzzer keeps the input).
void check(bool condition, const char *promise = "") {
    if (condition) return;
    std::fprintf(stderr, "dispatcher_fuzz: broken: %s\n", promise);
    std::abort();
}

bool plausible_result(int32_t result) {
    return result == 1 || result == 0 || (result <= -17 && result >= -28) || result == err::memFullErr ||
           (result <= -23000 && result >= -23048);
}

// Guest RAM as the decoder lays it out (the driver image sits at 0x1000, its DCE at 0x800).
constexpr uint32_t kPbs = 0x40000, kPbStride = 0x300, kPbCount = 6;  // big enough for a DNR block
constexpr uint32_t kStreamBuffers = 0x50000, kStreamBufferStride = 0x8000, kStreamCount = 4;
constexpr uint32_t kData = 0x80000, kDataSize = 0x10000;
constexpr uint32_t kTables = 0x90000, kTableStride = 0x200;  // WDS / RDS, 80 entries each
constexpr uint32_t kRecords = 0xA0000;                       // DNR hostInfo / returnRec, names
constexpr uint32_t kCompletion = 0x9000, kAsr = 0xA000, kResultProc = 0xB000;
constexpr uint32_t kA5 = 0xC000;
constexpr int kMaxNesting = 2;
// Every service reaches the host through the seam (net/host_io.h): TCP, UDP, ICMP echo, the DNR.
// A service not on it would open real sockets: set this false to leave UDP and ICMP out then.
constexpr bool kUdpOnSeam = true;

class Run {
public:
    // `host` is reused from input to input (a fresh megabyte of RAM each time was most of the
    // cost); everything an input can see of it is put back here.
    Run(FuzzInput &input, FakeHost &host) : in_(input), host_(host), io_(input) {
        std::memset(host_.ram.data(), 0, host_.ram.size());  // memset/memcpy: loops here are instrumented
        host_.calls.clear();
        host_.logs.clear();
        host_.prefs = {{"ipplog", "off"}};
        host_.on_call = [this](uint32_t address, GuestRegs &regs) { guest_code(address, regs); };
        host_.install_driver();
        static const std::vector<uint8_t> pattern = [] {
            std::vector<uint8_t> bytes(kDataSize);
            for (uint32_t i = 0; i < kDataSize; ++i) bytes[i] = static_cast<uint8_t>(i * 31);
            return bytes;
        }();
        std::memcpy(host_.ram.data() + kData, pattern.data(), kDataSize);
        bridge_.emplace(host_, host_, io_);
        GuestRegs regs;
        regs.d[0] = 0;  // Open
        regs.a[1] = FakeHost::kDceAddress;
        bridge_->emul_op(regs);
    }

    void run() {
        for (int steps = 0; steps < 400 && !in_.empty(); ++steps) operation(0);
        interrupt();
        bridge_->reset();
        check(io_.open_sockets() == 0, "a host socket still open after reset");
        check(io_.lookups_in_flight() == 0, "a lookup still in flight after reset");
        bridge_->shutdown();
        check(io_.open_sockets() == 0, "a host socket still open after shutdown");
        bridge_.reset();
    }

private:
    // One interrupt drain. ASRs queued before a TCPRelease returned (its own TCPTerminate, reason
    // ULPAbort: mactcp-reference 5.5) are delivered in it; after it, a released stream gets none.
    void interrupt() {
        bridge_->interrupt();
        released_.clear();
    }

    uint32_t pb_address(uint8_t which) const { return kPbs + (which % kPbCount) * kPbStride; }
    uint32_t table(uint8_t which) const { return kTables + (which % 8) * kTableStride; }

    // A stream pointer: mostly one the bridge handed out, sometimes a stale or wild one.
    uint32_t stream(uint8_t which) {
        if (which % 16 == 15) return in_.u32();
        if (which % 16 == 14) return kStreamBuffers + (which % kStreamCount) * kStreamBufferStride;
        const auto &pool = which & 0x80 ? udp_streams_ : tcp_streams_;
        if (pool.empty()) return kStreamBuffers;
        auto it = pool.begin();
        std::advance(it, which % pool.size());
        return *it;
    }

    void clear_pb(uint32_t pb, uint32_t size) {
        for (uint32_t i = 0; i < size; ++i) host_.put8(pb + i, 0);
    }

    // Issues csCode on the block at `pb` (header filled here) and checks what comes back.
    int32_t control(uint16_t cs_code, uint32_t pb, bool async) {
        host_.put16(pb + hdr::ioTrap.offset, async ? 0xA404 : 0xA004);
        host_.put32(pb + hdr::ioCompletion.offset, async ? kCompletion : 0);
        host_.put16(pb + hdr::csCode.offset, cs_code);
        // IPEchoICMP also runs its icmpCompletion (through the same trampoline), sync or async:
        // an async echo runs both routines, or one when both are the same address
        // (mactcp-reference, IPEchoICMP).
        const bool echo = cs_code == static_cast<uint16_t>(CsCode::ipctlEchoICMP) &&
                          host_.memory().contains(pb + layout::icmp_echo::icmpCompletion.offset, 4) &&
                          host_.get32(pb + layout::icmp_echo::icmpCompletion.offset) != 0;
        const bool echo_routine_is_io_completion =
            echo && async && host_.get32(pb + layout::icmp_echo::icmpCompletion.offset) == kCompletion;
        issued_[pb] += (async ? 1 : 0) + (echo && !echo_routine_is_io_completion ? 1 : 0);
        GuestRegs regs;
        regs.d[0] = 2;  // Control
        regs.a[0] = pb;
        regs.a[1] = FakeHost::kDceAddress;
        regs.a[5] = kA5;
        bridge_->emul_op(regs);
        const int32_t result = static_cast<int32_t>(regs.d[0]);
        check(plausible_result(result), "a call answered something not a MacTCP code");
        return result;
    }

    // A WDS (or RDS-shaped table) of `entries` pieces of the data area, terminated.
    void put_wds(uint32_t at, unsigned entries) {
        for (unsigned i = 0; i < entries; ++i) {
            const uint16_t length = in_.u8() % 4 == 0 ? in_.u16() : in_.u8();
            host_.put16(at + i * 6, length);
            host_.put32(at + i * 6 + 2, kData + in_.u16() % (kDataSize - length));
        }
        host_.put16(at + entries * 6, 0);
    }

    void tcp_create(uint8_t which) {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, T::size);
        const uint32_t buffer = kStreamBuffers + (which % kStreamCount) * kStreamBufferStride;
        host_.put32(pb + T::create::rcvBuff.offset, buffer);
        host_.put32(pb + T::create::rcvBuffLen.offset, in_.u8() % 8 == 0 ? in_.u32() : 4096u + in_.u16() % 0x4000);
        host_.put32(pb + T::create::notifyProc.offset, in_.u8() % 4 ? kAsr : 0);
        host_.put32(pb + T::create::userDataPtr.offset, 0x5A5A);
        if (control(static_cast<uint16_t>(CsCode::tcpCreate), pb, false) == 0)
            tcp_streams_.insert(host_.get32(pb + T::stream.offset));
    }

    void tcp_open(bool active) {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, T::size);
        host_.put32(pb + T::stream.offset, stream(in_.u8()));
        host_.put8(pb + T::open::ulpTimeoutValue.offset, in_.u8());
        host_.put8(pb + T::open::ulpTimeoutAction.offset, in_.u8() % 2);
        host_.put8(pb + T::open::validityFlags.offset, in_.u8());
        host_.put8(pb + T::open::commandTimeoutValue.offset, in_.u8() % 4);
        host_.put32(pb + T::open::remoteHost.offset, in_.u8() % 2 ? 0x7F000001 : in_.u32());
        host_.put16(pb + T::open::remotePort.offset, in_.u16());
        host_.put16(pb + T::open::localPort.offset, in_.u8() % 2 ? 0 : in_.u16());
        host_.put8(pb + T::open::optionCnt.offset, in_.u8() % 4 == 0 ? in_.u8() : 0);
        control(static_cast<uint16_t>(active ? CsCode::tcpActiveOpen : CsCode::tcpPassiveOpen), pb, in_.u8() % 4 != 0);
    }

    void tcp_send() {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, T::size);
        const uint32_t wds = table(in_.u8());
        put_wds(wds, in_.u8() % 6);
        host_.put32(pb + T::stream.offset, stream(in_.u8()));
        host_.put32(pb + T::send::wdsPtr.offset, in_.u8() % 16 == 0 ? in_.u32() : wds);
        host_.put8(pb + T::send::pushFlag.offset, in_.u8() % 2);
        host_.put8(pb + T::send::urgentFlag.offset, in_.u8() % 4 == 0);
        host_.put8(pb + T::send::ulpTimeoutValue.offset, in_.u8());
        host_.put8(pb + T::send::validityFlags.offset, in_.u8());
        control(static_cast<uint16_t>(CsCode::tcpSend), pb, in_.u8() % 4 != 0);
    }

    void tcp_receive(bool no_copy) {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, T::size);
        host_.put32(pb + T::stream.offset, stream(in_.u8()));
        host_.put8(pb + T::receive::commandTimeoutValue.offset, in_.u8() % 4);
        if (no_copy) {
            const uint32_t rds = table(in_.u8());
            for (uint32_t i = 0; i < 8 * 6; ++i) host_.put8(rds + i, 0xEE);  // garbage, as on a Mac
            host_.put32(pb + T::receive::rdsPtr.offset, in_.u8() % 16 == 0 ? in_.u32() : rds);
            host_.put16(pb + T::receive::rdsLength.offset, in_.u8() % 8);
            rds_of_stream_[host_.get32(pb + T::stream.offset)] = host_.get32(pb + T::receive::rdsPtr.offset);
        } else {
            host_.put32(pb + T::receive::rcvBuff.offset, in_.u8() % 16 == 0 ? in_.u32() : kData + in_.u16() % 0x8000);
            host_.put16(pb + T::receive::rcvBuffLen.offset, in_.u16() % 0x8000);
        }
        control(static_cast<uint16_t>(no_copy ? CsCode::tcpNoCopyRcv : CsCode::tcpRcv), pb, no_copy || in_.u8() % 4 != 0);
    }

    void tcp_buffer_return() {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, T::size);
        const uint32_t s = stream(in_.u8());
        host_.put32(pb + T::stream.offset, s);
        const auto found = rds_of_stream_.find(s);
        host_.put32(pb + T::receive::rdsPtr.offset,
                    found != rds_of_stream_.end() && in_.u8() % 8 ? found->second : table(in_.u8()));
        control(static_cast<uint16_t>(CsCode::tcpRcvBfrReturn), pb, false);
    }

    // Close, Abort, Status, ExtendedStat, Release, GlobalInfo: a stream and a few fields.
    void tcp_simple(uint16_t cs_code) {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, T::size);
        const uint32_t s = stream(in_.u8());
        host_.put32(pb + T::stream.offset, s);
        host_.put8(pb + T::close::ulpTimeoutValue.offset, in_.u8());
        host_.put8(pb + T::close::validityFlags.offset, in_.u8());
        if (cs_code == static_cast<uint16_t>(CsCode::tcpGlobalInfo)) {
            host_.put32(pb + T::global_info::tcpParamPtr.offset, kRecords);
            host_.put32(pb + T::global_info::tcpStatsPtr.offset, kRecords + 0x100);
        }
        const bool async = cs_code == static_cast<uint16_t>(CsCode::tcpClose) && in_.u8() % 2;
        if (control(cs_code, pb, async) == 0 && cs_code == static_cast<uint16_t>(CsCode::tcpRelease)) {
            tcp_streams_.erase(s);
            released_.insert(s);
        }
    }

    void udp_create() {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, U::size);
        const uint32_t buffer = kStreamBuffers + (in_.u8() % kStreamCount) * kStreamBufferStride;
        host_.put32(pb + U::create::rcvBuff.offset, buffer);
        host_.put32(pb + U::create::rcvBuffLen.offset, in_.u8() % 8 == 0 ? in_.u32() : 2048u + in_.u16() % 0x6000);
        host_.put32(pb + U::create::notifyProc.offset, in_.u8() % 4 ? kAsr : 0);
        host_.put16(pb + U::create::localPort.offset, in_.u8() % 2 ? 0 : in_.u16());
        const bool multi = in_.u8() % 8 == 0;
        if (multi) host_.put16(pb + U::create::endingPort.offset, in_.u16());
        if (control(static_cast<uint16_t>(multi ? CsCode::udpMultiCreate : CsCode::udpCreate), pb, false) == 0)
            udp_streams_.insert(host_.get32(pb + U::stream.offset));
    }

    void udp_read() {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, U::size);
        const uint32_t s = stream(in_.u8() | 0x80);
        host_.put32(pb + U::stream.offset, s);
        host_.put16(pb + U::receive::timeOut.offset, in_.u8() % 3);
        const bool async = in_.u8() % 4 != 0;
        if (control(static_cast<uint16_t>(CsCode::udpRead), pb, async) == 0 && !async)
            udp_buffers_[s] = host_.get32(pb + U::receive::rcvBuff.offset);
    }

    void udp_buffer_return() {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, U::size);
        const uint32_t s = stream(in_.u8() | 0x80);
        host_.put32(pb + U::stream.offset, s);
        const auto found = udp_buffers_.find(s);
        host_.put32(pb + U::bfr_return::rcvBuff.offset, found != udp_buffers_.end() && in_.u8() % 8 ? found->second : in_.u32());
        control(static_cast<uint16_t>(CsCode::udpBfrReturn), pb, false);
    }

    void udp_write() {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, U::size);
        const uint32_t wds = table(in_.u8());
        put_wds(wds, in_.u8() % 4);
        host_.put32(pb + U::stream.offset, stream(in_.u8() | 0x80));
        host_.put32(pb + U::send::remoteHost.offset, in_.u8() % 2 ? 0x7F000001 : in_.u32());
        host_.put16(pb + U::send::remotePort.offset, in_.u16());
        host_.put32(pb + U::send::wdsPtr.offset, in_.u8() % 16 == 0 ? in_.u32() : wds);
        host_.put8(pb + U::send::checkSum.offset, in_.u8() % 2);
        const bool multi = in_.u8() % 8 == 0;
        if (multi) host_.put16(pb + U::send::localPort.offset, in_.u16());
        control(static_cast<uint16_t>(multi ? CsCode::udpMultiSend : CsCode::udpWrite), pb, in_.u8() % 2);
    }

    void udp_release() {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, U::size);
        const uint32_t s = stream(in_.u8() | 0x80);
        host_.put32(pb + U::stream.offset, s);
        if (control(static_cast<uint16_t>(CsCode::udpRelease), pb, false) == 0) {
            udp_streams_.erase(s);
            released_.insert(s);
        }
    }

    // One DNR selector through the private call block, with names (well-formed, odd or wild),
    // records and a result procedure.
    void dnr_call() {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, dnr::call::size);
        const uint32_t selector = in_.u8() % 10;  // 0 and 9: unknown selectors
        const uint32_t name = kRecords + 0x1000 + (in_.u8() % 4) * 0x100;
        static constexpr const char *kNames[] = {"www.test.example", "10.1.2.3", "a..b", "localhost", "x.y",
                                                 "255.255.255.255", "", "mx.example."};
        const uint8_t how = in_.u8();
        if (how % 4 == 0) {
            uint8_t bytes[260] = {};
            in_.bytes(std::span(bytes, 1 + in_.u8() % 259));
            for (uint32_t i = 0; i < sizeof bytes; ++i) host_.put8(name + i, bytes[i]);  // maybe not terminated
        } else {
            const std::string text = kNames[how % std::size(kNames)];
            for (uint32_t i = 0; i <= text.size(); ++i) host_.put8(name + i, i < text.size() ? text[i] : 0);
        }
        const uint32_t record = kRecords + 0x2000 + (in_.u8() % 4) * 0x300;
        uint32_t a1 = name, a2 = record, a3 = in_.u8() % 4 ? kResultProc : 0, a4 = in_.u32();
        if (selector == dnr::kAddrToStr || selector == dnr::kAddrToName) a1 = in_.u32();
        if (selector == dnr::kEnumCache) a1 = kResultProc;
        if (in_.u8() % 16 == 0) a2 = in_.u32();
        host_.put32(pb + dnr::call::selector.offset, selector);
        host_.put32(pb + dnr::call::arg1.offset, a1);
        host_.put32(pb + dnr::call::arg2.offset, a2);
        host_.put32(pb + dnr::call::arg3.offset, a3);
        host_.put32(pb + dnr::call::arg4.offset, a4);
        host_.put32(pb + dnr::call::callerA5.offset, in_.u8() % 8 ? kA5 : in_.u32());
        if (selector == dnr::kOpenResolver && in_.u8() % 2) {
            const uint32_t hosts = kRecords + 0x4000;
            uint8_t text[512];
            const std::size_t n = in_.bytes(std::span(text, in_.u16() % sizeof text));
            for (std::size_t i = 0; i < n; ++i) host_.put8(hosts + static_cast<uint32_t>(i), text[i]);
            host_.put32(pb + dnr::call::hostsData.offset, hosts);
            host_.put32(pb + dnr::call::hostsLength.offset, static_cast<uint32_t>(n));
        }
        control(static_cast<uint16_t>(CsCode::dnrCall), pb, false);
    }

    // Any csCode the seam covers, with a block of input bytes and a known stream in it.
    void raw_call() {
        uint16_t cs_code = in_.u16();
        if (in_.u8() % 2) cs_code = static_cast<uint16_t>(1 + cs_code % 49);
        if (!on_the_seam(cs_code)) return;
        const uint8_t where = in_.u8();
        if (where % 32 == 0) {  // a block outside guest RAM, or its header running past the end
            GuestRegs regs;
            regs.d[0] = 2;
            regs.a[0] = where % 64 == 0 ? in_.u32() : FakeHost::kRamSize - in_.u8() % hdr::size;
            if (host_.memory().contains(regs.a[0], hdr::size)) return;
            regs.a[1] = FakeHost::kDceAddress;
            bridge_->emul_op(regs);
            check(plausible_result(static_cast<int32_t>(regs.d[0])));
            return;
        }
        // Mostly one of the blocks; now and then one whose body runs past the end of RAM.
        const uint32_t pb = where % 16 == 1 ? FakeHost::kRamSize - hdr::size - in_.u8() % 80 : pb_address(in_.u8());
        for (uint32_t b = hdr::size; b < 120 && pb + b < FakeHost::kRamSize; ++b) host_.put8(pb + b, in_.u8());
        if (pb + 32 <= FakeHost::kRamSize && in_.u8() % 2) host_.put32(pb + T::stream.offset, stream(in_.u8()));
        const uint32_t named = pb + 32 <= FakeHost::kRamSize ? host_.get32(pb + T::stream.offset) : 0;
        if (control(cs_code, pb, in_.u8() % 2) != 0) return;
        // Streams made or ended this way count as the dedicated operations' do.
        const uint32_t made = pb + 32 <= FakeHost::kRamSize ? host_.get32(pb + T::stream.offset) : 0;
        switch (static_cast<CsCode>(cs_code)) {
        case CsCode::tcpCreate: tcp_streams_.insert(made); break;
        case CsCode::tcpRelease:
            tcp_streams_.erase(named);
            released_.insert(named);
            break;
        case CsCode::udpCreate:
        case CsCode::udpMultiCreate: udp_streams_.insert(made); break;
        case CsCode::udpRelease:
            udp_streams_.erase(named);
            released_.insert(named);
            break;
        default: break;
        }
    }

    // The services that reach the host only through the scripted host. TCP is on it; IP
    // configuration calls touch no socket.
    static bool on_the_seam(uint16_t cs_code) {
        if (cs_code == 15 || cs_code == 19 || cs_code == 1) return true;
        if (cs_code >= 30 && cs_code <= 49) return true;
        if (kUdpOnSeam && cs_code >= 17 && cs_code <= 29) return true;
        if (cs_code >= 0x4E00 && cs_code <= 0x4E0F) return true;  // the DNR
        return cs_code < 15 || (cs_code > 49 && cs_code < 0x4E00) || cs_code > 0x4E0F;  // unknown: controlErr
    }

    void kill_io() {
        const uint32_t pb = pb_address(in_.u8());
        clear_pb(pb, hdr::size + 4);
        control(static_cast<uint16_t>(CsCode::killIO), pb, false);
    }

    void host_event(int depth) {
        const uint8_t kind = in_.u8();
        const net::SocketId id = io_.pick_socket(in_.u8());
        switch (kind % 4) {
        case 0:
        case 1: io_.make_ready(id, static_cast<uint8_t>(in_.u8() & 0x1F)); break;
        case 2: io_.finish_connect(id, in_.u8() % 3 == 0 ? ECONNREFUSED : 0); break;
        case 3: io_.answer_dns(in_.u8()); break;
        }
        if (depth == 0 && in_.u8() % 2) interrupt();  // never nested: guest code runs with interrupts masked
    }

    void operation(int depth) {
        const uint8_t op = in_.u8();
        switch (op % 27) {
        case 0: tcp_create(in_.u8()); break;
        case 1: tcp_open(false); break;
        case 2: tcp_open(true); break;
        case 3: tcp_send(); break;
        case 4: tcp_receive(false); break;
        case 5: tcp_receive(true); break;
        case 6: tcp_buffer_return(); break;
        case 7: tcp_simple(static_cast<uint16_t>(CsCode::tcpStatus)); break;
        case 8: tcp_simple(static_cast<uint16_t>(CsCode::tcpClose)); break;
        case 9: tcp_simple(static_cast<uint16_t>(CsCode::tcpAbort)); break;
        case 10: tcp_simple(static_cast<uint16_t>(CsCode::tcpRelease)); break;
        case 11: tcp_simple(static_cast<uint16_t>(in_.u8() % 2 ? CsCode::tcpExtendedStat : CsCode::tcpGlobalInfo)); break;
        case 12: kill_io(); break;
        case 13:
        case 14: host_event(depth); break;
        case 15: io_.advance(std::chrono::milliseconds(in_.u8() % 4 == 0 ? in_.u16() * 100 : in_.u8() * 10)); [[fallthrough]];
        case 16:
            if (depth == 0) interrupt();
            break;
        case 17: raw_call(); break;
        case 18:
            if (depth == 0 && in_.u8() % 8 == 0) {
                bridge_->reset();
                check(io_.open_sockets() == 0, "a host socket still open after reset");
                tcp_streams_.clear();
                udp_streams_.clear();
                released_.clear();
                rds_of_stream_.clear();
                udp_buffers_.clear();
            }
            break;
        case 19: break;
        case 20:
            if (kUdpOnSeam) udp_create();
            break;
        case 21:
            if (kUdpOnSeam) udp_read();
            break;
        case 22:
            if (kUdpOnSeam) udp_buffer_return();
            break;
        case 23:
            if (kUdpOnSeam) udp_write();
            break;
        case 24:
            if (kUdpOnSeam) udp_release();
            break;
        case 25:
        case 26: dnr_call(); break;
        }
    }

    // The fake CPU running guest code the bridge called: a completion routine, an ASR or a DNR
    // result procedure. It may call back into the driver, as real ones do.
    void guest_code(uint32_t address, GuestRegs &regs) {
        const uint32_t offset = address - FakeHost::kDriverAddress;
        if (offset == image::symbol::ipp_tramp_completion) {
            const uint32_t pb = regs.a[0];
            check(plausible_result(static_cast<int16_t>(host_.get16(pb + hdr::ioResult.offset))), "ioResult not a MacTCP code");
            check(++completed_[pb] <= issued_[pb], "a completion routine ran twice for one call, or for none");
        } else if (offset == image::symbol::ipp_tramp_tcp_asr) {
            const uint32_t s = regs.a[0];
            check(tcp_streams_.contains(s) || released_.contains(s), "an ASR for a TCP stream never created, or released before the last drain");
            check(regs.d[0] >= 1 && regs.d[0] <= 6, "a TCP ASR event code out of range");
        } else if (offset == image::symbol::ipp_tramp_udp_asr) {
            check(udp_streams_.contains(regs.a[0]) || released_.contains(regs.a[0]),
                  "an ASR for a UDP stream never created, or released before the last drain");
        }
        if (depth_ < kMaxNesting && in_.u8() % 4 == 0) {
            ++depth_;
            operation(depth_);
            --depth_;
        }
    }

    FuzzInput &in_;
    FakeHost &host_;
    ScriptedHostIo io_;
    std::optional<Bridge> bridge_;
    std::set<uint32_t> tcp_streams_, udp_streams_, released_;
    std::map<uint32_t, uint32_t> rds_of_stream_, udp_buffers_;
    std::map<uint32_t, int> issued_, completed_;  // async calls per block, completion routines run
    int depth_ = 0;
};

}  // namespace
}  // namespace mtb::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    mtb::fuzz::FuzzInput input(data, size);
    static mtb::test::FakeHost host;
    mtb::fuzz::Run(input, host).run();
    return 0;
}
