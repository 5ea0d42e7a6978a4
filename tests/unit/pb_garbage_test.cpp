// Every csCode with garbage in every parameter-block field the reference says the call does not
// read (mactcp-reference sections 1.2, 3): client code on a real Mac leaves those fields as
// NewPtr or the stack left them. Each scenario runs twice on fresh bridges, once with those
// fields zero and once with the test machine's garbage pattern (0xDEADBEEF by address, as in
// tests/guest/include/mtb_guest_abi.h), and the outcome must be the same. The garbage run also
// checks that the bridge left the unread bytes alone and never called a synchronous call's
// (garbage) ioCompletion.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <functional>
#include <type_traits>

#include "driver/mactcp_codes.h"
#include "mtb_guest_abi.h"
#include "tcp_test_support.h"
#include "udp_test_support.h"

namespace mtb::test {
namespace {

constexpr uint32_t kPbUnderTest = 0x5000;  // clear of the pbs the TcpHarness helpers use
constexpr uint32_t kList = 0x6000;         // WDS / RDS
constexpr uint32_t kBytes = 0x7000;        // data
constexpr uint32_t kTcpBuffer = 0x10000;
constexpr uint32_t kBlockSize = 72;         // the largest block below TCP's 102 (ICMP reply view)

struct Range {
    uint32_t from, to;  // [from, to) offsets in the parameter block
};
// The header fields no MacTCP call reads: Device Manager queue fields, and ioNamePtr/ioVRefNum
// ("used internally by the driver"; glue stores A5 in ioNamePtr). ioCRefNum has already routed
// the call by the time the driver sees it.
const std::vector<Range> kHeader = {{0, 6}, {8, 12}, {18, 26}};

uint8_t garbage_byte(uint32_t address) {
    return static_cast<uint8_t>(MTB_GARBAGE_PATTERN >> (24 - 8 * (address & 3)));
}

// One call's parameter block: blank (zeros or garbage), then the fields the call reads.
struct PbUnderTest {
    BridgeHarness &h;
    bool garbage;
    uint32_t pb = kPbUnderTest;

    void blank(uint32_t size) {
        for (uint32_t i = 0; i < size; ++i) h.host.put8(pb + i, garbage ? garbage_byte(pb + i) : 0);
    }
    void put8(uint32_t offset, uint8_t v) { h.host.put8(pb + offset, v); }
    void put16(uint32_t offset, uint16_t v) { h.host.put16(pb + offset, v); }
    void put32(uint32_t offset, uint32_t v) { h.host.put32(pb + offset, v); }
    uint32_t get32(uint32_t offset) const { return h.host.get32(pb + offset); }
    uint16_t get16(uint32_t offset) const { return h.host.get16(pb + offset); }
    uint8_t get8(uint32_t offset) const { return h.host.get8(pb + offset); }
    int16_t result() const { return static_cast<int16_t>(get16(layout::header::ioResult.offset)); }

    // As the Device Manager and the .IPP driver hand it over: ioTrap and csCode set, and
    // ioCompletion only for an asynchronous call (a synchronous one keeps whatever was there).
    int32_t issue(uint16_t cs_code, bool async = false, uint32_t completion = kCompletionRoutine) {
        put16(layout::header::ioTrap.offset, async ? 0xA404 : 0xA004);
        put16(layout::header::csCode.offset, cs_code);
        if (async) put32(layout::header::ioCompletion.offset, completion);
        GuestRegs regs;
        regs.d[0] = 2;  // Control
        regs.a[0] = pb;
        regs.a[1] = FakeHost::kDceAddress;
        h.bridge.emul_op(regs);
        return static_cast<int32_t>(regs.d[0]);
    }
    bool wait_done() {
        return h.pump_until([&] { return result() <= 0; });
    }
};

using Outcome = std::vector<int64_t>;

// Runs `scenario` on a fresh harness without and with garbage; `not_read` are the call's own
// unread ranges beyond the header (and, for UDP, the bytes after a 1.x-size block).
template <typename Harness = TcpHarness>
void expect_garbage_ignored(const std::vector<Range> &not_read,
                            const std::type_identity_t<std::function<Outcome(Harness &, PbUnderTest &)>> &scenario) {
    Outcome clean, dirty;
    {
        Harness h;
        PbUnderTest pb{h, false};
        clean = scenario(h, pb);
    }
    Harness h;
    PbUnderTest pb{h, true};
    dirty = scenario(h, pb);
    EXPECT_EQ(clean, dirty) << "the call's outcome depends on a field it does not read";
    std::vector<Range> ranges = kHeader;
    ranges.insert(ranges.end(), not_read.begin(), not_read.end());
    for (const Range &r : ranges)
        for (uint32_t i = r.from; i < r.to; ++i)
            EXPECT_EQ(h.host.get8(pb.pb + i), garbage_byte(pb.pb + i)) << "the bridge wrote unread byte " << i;
    for (const auto &call : completion_calls(h))
        EXPECT_NE(call.regs.a[1], MTB_GARBAGE_PATTERN) << "a garbage ioCompletion was called";
}

std::string peer_reads(const HostPeer &peer, std::size_t n) { return peer.read(n); }

// A receive call's block on a stream connected to a peer that has sent `data`: stream, command
// timeout 5 s and the cookie set; the caller adds its buffer fields.
HostPeer receive_setup(TcpHarness &h, const HostListener &listener, PbUnderTest &pb, const std::string &data) {
    HostPeer peer = h.connected_stream(listener, kTcpBuffer);
    peer.send_all(data);
    pb.blank(T::size);
    pb.put32(T::stream.offset, kTcpBuffer);
    pb.put8(T::receive::commandTimeoutValue.offset, 5);
    pb.put32(T::receive::userDataPtr.offset, 0);
    return peer;
}

// ---- TCP -------------------------------------------------------------------------------------

TEST(PbGarbage, TcpCreate) {
    expect_garbage_ignored({{48, T::size}}, [](TcpHarness &, PbUnderTest &pb) {
        pb.blank(T::size);
        pb.put32(T::create::rcvBuff.offset, kTcpBuffer);
        pb.put32(T::create::rcvBuffLen.offset, 16384);
        pb.put32(T::create::notifyProc.offset, kAsrRoutine);
        pb.put32(T::create::userDataPtr.offset, 0x1234);
        const int32_t d0 = pb.issue(kTcpCreate);
        return Outcome{d0, pb.result(), pb.get32(T::stream.offset)};
    });
}

// validityFlags 0: the timeout, type-of-service and precedence fields are not read; optionCnt 0:
// nor are the options.
TEST(PbGarbage, TcpPassiveOpen) {
    expect_garbage_ignored({{32, 34}, {48, 50}, {54, 94}}, [](TcpHarness &h, PbUnderTest &pb) {
        EXPECT_EQ(h.create(kTcpBuffer), 0);
        pb.blank(T::size);
        pb.put32(T::stream.offset, kTcpBuffer);
        pb.put8(T::open::validityFlags.offset, 0);
        pb.put8(T::open::commandTimeoutValue.offset, 0);
        pb.put32(T::open::remoteHost.offset, 0);
        pb.put16(T::open::remotePort.offset, 0);
        pb.put16(T::open::localPort.offset, 0);
        for (uint32_t o = T::open::dontFrag.offset; o <= T::open::optionCnt.offset; ++o) pb.put8(o, 0);
        pb.put32(T::open::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kTcpPassiveOpen, true);
        const int16_t pending = pb.result();
        const uint16_t port = pb.get16(T::open::localPort.offset);
        HostPeer client = connect_to(port);
        EXPECT_TRUE(pb.wait_done());
        return Outcome{d0, pending, port != 0, client.fd >= 0, pb.result(), pb.get32(T::open::remoteHost.offset),
                       static_cast<int64_t>(h.completions(pb.pb))};
    });
}

// Active open: also commandTimeoutValue (passive only); localHost is output only.
TEST(PbGarbage, TcpActiveOpen) {
    expect_garbage_ignored({{32, 34}, {35, 36}, {48, 50}, {54, 94}}, [](TcpHarness &h, PbUnderTest &pb) {
        HostListener listener;
        EXPECT_EQ(h.create(kTcpBuffer), 0);
        pb.blank(T::size);
        pb.put32(T::stream.offset, kTcpBuffer);
        pb.put8(T::open::validityFlags.offset, 0);
        pb.put32(T::open::remoteHost.offset, 0x7F000001);
        pb.put16(T::open::remotePort.offset, listener.port);
        pb.put16(T::open::localPort.offset, 0);
        for (uint32_t o = T::open::dontFrag.offset; o <= T::open::optionCnt.offset; ++o) pb.put8(o, 0);
        pb.put32(T::open::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kTcpActiveOpen, true);
        EXPECT_TRUE(pb.wait_done());
        HostPeer peer = listener.accept();
        return Outcome{d0, pb.result(), pb.get32(T::open::localHost.offset) != 0, peer.fd >= 0,
                       static_cast<int64_t>(h.completions(pb.pb))};
    });
}

// Send: the filler, the reserved sendFree/sendLength and (validity 0) the timeout fields.
TEST(PbGarbage, TcpSend) {
    expect_garbage_ignored({{32, 34}, {37, 38}, {42, 48}, {52, T::size}}, [](TcpHarness &h, PbUnderTest &pb) {
        HostListener listener;
        HostPeer peer = h.connected_stream(listener, kTcpBuffer);
        h.put_bytes(kBytes, "hello");
        h.put_wds(kList, {{5, kBytes}});
        pb.blank(T::size);
        pb.put32(T::stream.offset, kTcpBuffer);
        pb.put8(T::send::validityFlags.offset, 0);
        pb.put8(T::send::pushFlag.offset, 1);
        pb.put8(T::send::urgentFlag.offset, 0);
        pb.put32(T::send::wdsPtr.offset, kList);
        pb.put32(T::send::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kTcpSend, true);
        EXPECT_TRUE(pb.wait_done());
        return Outcome{d0, pb.result(), peer_reads(peer, 5) == "hello", static_cast<int64_t>(h.completions(pb.pb))};
    });
}

// NoCopyRcv: rcvBuff/rcvBuffLen (TCPRcv's) and secondTimeStamp; the flag bytes are outputs.
TEST(PbGarbage, TcpNoCopyRcv) {
    expect_garbage_ignored({{36, 42}, {48, 50}, {54, T::size}}, [](TcpHarness &h, PbUnderTest &pb) {
        HostListener listener;
        HostPeer peer = receive_setup(h, listener, pb, "abc");
        pb.put32(T::receive::rdsPtr.offset, kList);
        pb.put16(T::receive::rdsLength.offset, 2);
        const int32_t d0 = pb.issue(kTcpNoCopyRcv, true);
        EXPECT_TRUE(pb.wait_done());
        const std::string data = h.rds_data(kList);
        const int16_t returned = h.bfr_return(0x4800, kTcpBuffer, kList);
        return Outcome{d0, pb.result(), data == "abc", pb.get8(T::receive::urgentFlag.offset), returned};
    });
}

// BfrReturn reads only the RDS pointer (and the cookie).
TEST(PbGarbage, TcpRcvBfrReturn) {
    expect_garbage_ignored({{32, 42}, {46, 50}, {54, T::size}}, [](TcpHarness &h, PbUnderTest &pb) {
        HostListener listener;
        HostPeer peer = h.connected_stream(listener, kTcpBuffer);
        peer.send_all("abc");
        h.no_copy_rcv(0x4800, kTcpBuffer, kList, 2, 5);
        EXPECT_TRUE(h.wait_done(0x4800));
        pb.blank(T::size);
        pb.put32(T::stream.offset, kTcpBuffer);
        pb.put32(T::receive::rdsPtr.offset, kList);
        pb.put32(T::receive::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kTcpRcvBfrReturn);
        return Outcome{d0, pb.result(), h.io_result(0x4800)};
    });
}

// Rcv: the RDS fields (NoCopyRcv's) and secondTimeStamp.
TEST(PbGarbage, TcpRcv) {
    expect_garbage_ignored({{42, 50}, {54, T::size}}, [](TcpHarness &h, PbUnderTest &pb) {
        HostListener listener;
        HostPeer peer = receive_setup(h, listener, pb, "xyz");
        pb.put32(T::receive::rcvBuff.offset, kBytes);
        pb.put16(T::receive::rcvBuffLen.offset, 100);
        const int32_t d0 = pb.issue(kTcpRcv, true);
        EXPECT_TRUE(pb.wait_done());
        const uint16_t length = pb.get16(T::receive::rcvBuffLen.offset);
        return Outcome{d0, pb.result(), length, h.get_bytes(kBytes, length) == "xyz"};
    });
}

// Close: the filler and everything after the cookie; validity 0: the timeout fields too.
TEST(PbGarbage, TcpClose) {
    expect_garbage_ignored({{32, 34}, {35, 36}, {40, T::size}}, [](TcpHarness &h, PbUnderTest &pb) {
        HostListener listener;
        HostPeer peer = h.connected_stream(listener, kTcpBuffer);
        pb.blank(T::size);
        pb.put32(T::stream.offset, kTcpBuffer);
        pb.put8(T::close::validityFlags.offset, 0);
        pb.put32(T::close::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kTcpClose, true);
        EXPECT_TRUE(pb.wait_done());
        return Outcome{d0, pb.result(), peer.sees_eof()};
    });
}

TEST(PbGarbage, TcpAbort) {
    expect_garbage_ignored({{36, T::size}}, [](TcpHarness &h, PbUnderTest &pb) {
        HostListener listener;
        HostPeer peer = h.connected_stream(listener, kTcpBuffer);
        pb.blank(T::size);
        pb.put32(T::stream.offset, kTcpBuffer);
        pb.put32(T::abort::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kTcpAbort);
        return Outcome{d0, pb.result(), h.state(kTcpBuffer)};
    });
}

// Status writes 32-97 and reads only the stream (and the cookie at 98).
TEST(PbGarbage, TcpStatus) {
    expect_garbage_ignored({}, [](TcpHarness &h, PbUnderTest &pb) {
        HostListener listener;
        HostPeer peer = h.connected_stream(listener, kTcpBuffer);
        peer.send_all("12345");
        // The same answer both times: all five bytes in (the status pb at 0x4800 is not the one under test).
        EXPECT_TRUE(h.pump_until([&] { return h.unread(kTcpBuffer) == 5; }));
        pb.blank(T::size);
        pb.put32(T::stream.offset, kTcpBuffer);
        pb.put32(T::status::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kTcpStatus);
        return Outcome{d0, pb.result(), pb.get8(T::status::connectionState.offset),
                       pb.get32(T::status::remoteHost.offset), pb.get16(T::status::remotePort.offset) == listener.port,
                       pb.get16(T::status::amtUnreadData.offset), pb.get16(T::status::amtUnackedData.offset),
                       pb.get32(T::status::connStatPtr.offset)};
    });
}

// TCPExtendedStat has no documented layout: with garbage after the stream, the same answer.
TEST(PbGarbage, TcpExtendedStat) {
    expect_garbage_ignored({}, [](TcpHarness &h, PbUnderTest &pb) {
        EXPECT_EQ(h.create(kTcpBuffer), 0);
        pb.blank(T::size);
        pb.put32(T::stream.offset, kTcpBuffer);
        const int32_t d0 = pb.issue(41);
        return Outcome{d0, pb.result()};
    });
}

// Release reads the stream and the cookie; the buffer fields are outputs.
TEST(PbGarbage, TcpRelease) {
    expect_garbage_ignored({{40, 44}, {48, T::size}}, [](TcpHarness &h, PbUnderTest &pb) {
        EXPECT_EQ(h.create(kTcpBuffer), 0);
        pb.blank(T::size);
        pb.put32(T::stream.offset, kTcpBuffer);
        pb.put32(T::release::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kTcpRelease);
        return Outcome{d0, pb.result(), pb.get32(T::release::rcvBuff.offset), pb.get32(T::release::rcvBuffLen.offset)};
    });
}

// GlobalInfo needs no stream and reads only the cookie.
TEST(PbGarbage, TcpGlobalInfo) {
    expect_garbage_ignored({{28, 32}, {50, T::size}}, [](TcpHarness &, PbUnderTest &pb) {
        pb.blank(T::size);
        pb.put32(T::global_info::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kTcpGlobalInfo);
        return Outcome{d0, pb.result(), pb.get32(T::global_info::tcpParamPtr.offset),
                       pb.get32(T::global_info::tcpStatsPtr.offset), pb.get32(T::global_info::tcpCDBTable.offset),
                       pb.get16(T::global_info::maxTCPConnections.offset)};
    });
}

// ---- UDP (a 1.x-size pb of 52 bytes: 52-57 are someone else's memory unless the call is Multi) --

// Create: endingPort (Multi only) and the bytes after the block.
TEST(PbGarbage, UdpCreate) {
    expect_garbage_ignored<BridgeHarness>({{50, U::size}}, [](BridgeHarness &, PbUnderTest &pb) {
        pb.blank(U::size);
        pb.put32(U::create::rcvBuff.offset, kUdpBuffer);
        pb.put32(U::create::rcvBuffLen.offset, 8192);
        pb.put32(U::create::notifyProc.offset, 0);
        pb.put16(U::create::localPort.offset, 0);
        pb.put32(U::create::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kUdpCreate);
        return Outcome{d0, pb.result(), pb.get32(U::stream.offset), pb.get16(U::create::localPort.offset) != 0};
    });
}

uint16_t create_udp(BridgeHarness &h, uint32_t buffer = kUdpBuffer) {
    EXPECT_EQ(udp_create(h, buffer), 0);
    return created_port(h);
}

// Read: the sender, pointer and length are outputs; secondTimeStamp must be 0 (kept 0).
TEST(PbGarbage, UdpRead) {
    expect_garbage_ignored<BridgeHarness>({{52, U::size}}, [](BridgeHarness &h, PbUnderTest &pb) {
        LoopbackPeer peer;
        peer.send_to(create_udp(h), "datagram");
        pb.blank(U::size);
        pb.put32(U::stream.offset, kUdpBuffer);
        pb.put16(U::receive::timeOut.offset, 5);
        pb.put16(U::receive::secondTimeStamp.offset, 0);
        pb.put32(U::receive::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kUdpRead, true);
        EXPECT_TRUE(pb.wait_done());
        const uint16_t length = pb.get16(U::receive::rcvBuffLen.offset);
        const std::string data = guest_string(h, pb.get32(U::receive::rcvBuff.offset), length);
        return Outcome{d0, pb.result(), length, data == "datagram", pb.get32(U::receive::remoteHost.offset),
                       pb.get16(U::receive::remotePort.offset) == peer.port};
    });
}

TEST(PbGarbage, UdpBfrReturn) {
    expect_garbage_ignored<BridgeHarness>({{32, 40}, {44, 48}, {52, U::size}}, [](BridgeHarness &h, PbUnderTest &pb) {
        LoopbackPeer peer;
        peer.send_to(create_udp(h), "datagram");
        prepare_read(h, 0x4800, kUdpBuffer, 5);
        h.control(kUdpRead, 0x4800, true, kCompletionRoutine);
        EXPECT_TRUE(h.pump_until([&] { return h.io_result(0x4800) <= 0; }));
        const uint32_t pointer = h.host.get32(0x4800 + U::receive::rcvBuff.offset);
        pb.blank(U::size);
        pb.put32(U::stream.offset, kUdpBuffer);
        pb.put32(U::bfr_return::rcvBuff.offset, pointer);
        pb.put32(U::bfr_return::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kUdpBfrReturn);
        return Outcome{d0, pb.result(), h.io_result(0x4800)};
    });
}

// Write: the filler after checkSum; reserved and sendLength must be 0 (kept 0).
TEST(PbGarbage, UdpWrite) {
    expect_garbage_ignored<BridgeHarness>({{45, 46}, {52, U::size}}, [](BridgeHarness &h, PbUnderTest &pb) {
        LoopbackPeer peer;
        create_udp(h);
        put_wds(h, {"to the peer"});
        pb.blank(U::size);
        pb.put32(U::stream.offset, kUdpBuffer);
        pb.put16(U::send::reserved.offset, 0);
        pb.put32(U::send::remoteHost.offset, kLoopback);
        pb.put16(U::send::remotePort.offset, peer.port);
        pb.put32(U::send::wdsPtr.offset, kWds);
        pb.put8(U::send::checkSum.offset, 1);
        pb.put16(U::send::sendLength.offset, 0);
        pb.put32(U::send::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kUdpWrite, true);
        EXPECT_TRUE(pb.wait_done());
        const auto got = peer.receive();
        return Outcome{d0, pb.result(), got && got->bytes == "to the peer"};
    });
}

TEST(PbGarbage, UdpRelease) {
    expect_garbage_ignored<BridgeHarness>({{40, 46}, {50, U::size}}, [](BridgeHarness &h, PbUnderTest &pb) {
        create_udp(h);
        pb.blank(U::size);
        pb.put32(U::stream.offset, kUdpBuffer);
        pb.put32(U::release::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kUdpRelease);
        return Outcome{d0, pb.result(), pb.get32(U::release::rcvBuff.offset), pb.get32(U::release::rcvBuffLen.offset)};
    });
}

// MaxMTUSize ignores the stream.
TEST(PbGarbage, UdpMaxMtuSize) {
    expect_garbage_ignored<BridgeHarness>({{28, 32}, {42, U::size}}, [](BridgeHarness &, PbUnderTest &pb) {
        pb.blank(U::size);
        pb.put32(U::mtu::remoteHost.offset, kLoopback);
        pb.put32(U::mtu::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kUdpMtu);
        return Outcome{d0, pb.result(), pb.get16(U::mtu::mtuSize.offset)};
    });
}

// UDPStatus has no documented layout: garbage after the stream, the same answer.
TEST(PbGarbage, UdpStatus) {
    expect_garbage_ignored<BridgeHarness>({}, [](BridgeHarness &h, PbUnderTest &pb) {
        create_udp(h);
        pb.blank(U::size);
        pb.put32(U::stream.offset, kUdpBuffer);
        const int32_t d0 = pb.issue(kUdpStatus);
        return Outcome{d0, pb.result()};
    });
}

// Three consecutive free ports, found the way udp_create_test does.
uint16_t free_port_range() {
    for (int attempt = 0; attempt < 20; ++attempt) {
        const uint16_t base = static_cast<uint16_t>(LoopbackPeer().port + 1 + attempt * 7);
        if (base > 65000) continue;
        BridgeHarness probe;
        if (udp_create(probe, kUdpBuffer, 4096, base, 0, 0, BridgeHarness::kPb, static_cast<uint16_t>(base + 2)) == 0)
            return base;
    }
    return 0;
}

// MultiCreate reads endingPort but nothing after it.
TEST(PbGarbage, UdpMultiCreate) {
    const uint16_t first = free_port_range();
    ASSERT_NE(first, 0);
    expect_garbage_ignored<BridgeHarness>({{52, U::size}}, [first](BridgeHarness &, PbUnderTest &pb) {
        pb.blank(U::size);
        pb.put32(U::create::rcvBuff.offset, kUdpBuffer);
        pb.put32(U::create::rcvBuffLen.offset, 8192);
        pb.put32(U::create::notifyProc.offset, 0);
        pb.put16(U::create::localPort.offset, first);
        pb.put32(U::create::userDataPtr.offset, 0);
        pb.put16(U::create::endingPort.offset, static_cast<uint16_t>(first + 2));
        const int32_t d0 = pb.issue(kUdpMultiCreate);
        return Outcome{d0, pb.result(), pb.get16(U::create::localPort.offset)};
    });
}

TEST(PbGarbage, UdpMultiSend) {
    const uint16_t first = free_port_range();
    ASSERT_NE(first, 0);
    expect_garbage_ignored<BridgeHarness>({{45, 46}, {54, U::size}}, [first](BridgeHarness &h, PbUnderTest &pb) {
        LoopbackPeer peer;
        EXPECT_EQ(udp_create(h, kUdpBuffer, 8192, first, 0, 0, BridgeHarness::kPb, static_cast<uint16_t>(first + 2)), 0);
        put_wds(h, {"multi"});
        pb.blank(U::size);
        pb.put32(U::stream.offset, kUdpBuffer);
        pb.put16(U::send::reserved.offset, 0);
        pb.put32(U::send::remoteHost.offset, kLoopback);
        pb.put16(U::send::remotePort.offset, peer.port);
        pb.put32(U::send::wdsPtr.offset, kWds);
        pb.put8(U::send::checkSum.offset, 1);
        pb.put16(U::send::sendLength.offset, 0);
        pb.put32(U::send::userDataPtr.offset, 0);
        pb.put16(U::send::localPort.offset, static_cast<uint16_t>(first + 1));
        const int32_t d0 = pb.issue(kUdpMultiSend, true);
        EXPECT_TRUE(pb.wait_done());
        const auto got = peer.receive();
        return Outcome{d0, pb.result(), got && got->bytes == "multi", got ? got->from_port - first : -1};
    });
}

TEST(PbGarbage, UdpMultiRead) {
    const uint16_t first = free_port_range();
    ASSERT_NE(first, 0);
    expect_garbage_ignored<BridgeHarness>({}, [first](BridgeHarness &h, PbUnderTest &pb) {
        LoopbackPeer peer;
        EXPECT_EQ(udp_create(h, kUdpBuffer, 8192, first, 0, 0, BridgeHarness::kPb, static_cast<uint16_t>(first + 2)), 0);
        peer.send_to(static_cast<uint16_t>(first + 2), "third");
        pb.blank(U::size);
        pb.put32(U::stream.offset, kUdpBuffer);
        pb.put16(U::receive::timeOut.offset, 5);
        pb.put16(U::receive::secondTimeStamp.offset, 0);
        pb.put32(U::receive::userDataPtr.offset, 0);
        const int32_t d0 = pb.issue(kUdpMultiRead, true);
        EXPECT_TRUE(pb.wait_done());
        const uint16_t length = pb.get16(U::receive::rcvBuffLen.offset);
        return Outcome{d0, pb.result(), length, guest_string(h, pb.get32(U::receive::rcvBuff.offset), length) == "third",
                       pb.get16(U::receive::destPort.offset) - first};
    });
}

// ---- IP ----------------------------------------------------------------------------------------

// GetAddr: a 36-byte block; what follows it is someone else's.
TEST(PbGarbage, IpGetAddr) {
    expect_garbage_ignored<BridgeHarness>({{layout::get_addr::size, kBlockSize}}, [](BridgeHarness &, PbUnderTest &pb) {
        pb.blank(kBlockSize);
        const int32_t d0 = pb.issue(15);
        return Outcome{d0, pb.result(), pb.get32(layout::get_addr::ourAddress.offset),
                       pb.get32(layout::get_addr::ourNetMask.offset)};
    });
}

struct NoIcmpHarness : BridgeHarness {
    NoIcmpHarness() : BridgeHarness(std::map<std::string, std::string>{{"ippicmp", "off"}}) {}
};

// EchoICMP with ICMP sockets off: the result is the timeout at once, the notifier called once.
TEST(PbGarbage, IpEchoIcmp) {
    namespace I = layout::icmp_echo;
    expect_garbage_ignored<NoIcmpHarness>({}, [](NoIcmpHarness &h, PbUnderTest &pb) {
        pb.blank(I::replySize);
        pb.put32(I::dest.offset, kLoopback);
        pb.put16(I::dataLength.offset, 4);
        pb.put32(I::dataPtr.offset, kBytes);
        pb.put16(I::timeout.offset, 1);
        pb.put32(I::options.offset, 0);
        pb.put16(I::optLength.offset, 0);
        pb.put32(I::icmpCompletion.offset, 0x9100);
        pb.put32(I::userDataPtr.offset, 0xCAFEF00D);
        const int32_t d0 = pb.issue(17);
        h.bridge.interrupt();
        return Outcome{d0, pb.result(), static_cast<int64_t>(completion_calls(h).size()),
                       pb.get32(I::replyUserDataPtr.offset)};
    });
}

TEST(PbGarbage, IpLapStats) {
    expect_garbage_ignored<BridgeHarness>({{32, layout::lap_stats_pb::size}}, [](BridgeHarness &, PbUnderTest &pb) {
        pb.blank(layout::lap_stats_pb::size);
        const int32_t d0 = pb.issue(19);
        return Outcome{d0, pb.result(), pb.get32(layout::lap_stats_pb::lapStatsPtr.offset)};
    });
}

}  // namespace
}  // namespace mtb::test
