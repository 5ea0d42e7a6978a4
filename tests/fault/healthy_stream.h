// A healthy TCP stream that runs alongside a fault: the host peer sends a known byte pattern,
// the guest side echoes every piece back (TCPRcv then TCPSend from guest RAM), and the peer
// checks what comes back. At the end, both directions must have carried every byte unchanged.
// Driven from the test thread's pump loop (poll()), like the rest of the harness.
// SPDX-License-Identifier: GPL-2.0-or-later
#pragma once

#include <atomic>
#include <string>
#include <thread>

#include "tcp_test_support.h"

namespace mtb::test {

inline uint8_t pattern_byte(uint64_t i) { return static_cast<uint8_t>((i * 2654435761u) >> 13); }

class HealthyStream {
public:
    // `base`: 0x10000 bytes of guest RAM this stream owns (stream buffer, data, WDS, pbs).
    HealthyStream(TcpHarness &h, uint32_t base, uint64_t bytes = 1 << 20)
        : h_(&h), stream_(base), data_(base + 0x8000), wds_(base + 0xF000), rcv_pb_(base + 0xF100),
          send_pb_(base + 0xF200), total_(bytes) {
        EXPECT_EQ(h.create(stream_, 0x8000, kAsrRoutine, 0x55AA, base + 0xF300), 0);
        h.active_open(base + 0xF300, stream_, listener_.port);
        EXPECT_TRUE(h.wait_done(base + 0xF300));
        EXPECT_EQ(h.io_result(base + 0xF300), 0);
        peer_ = listener_.accept();
        writer_ = std::thread([this] {
            std::string chunk;
            for (uint64_t at = 0; at < total_;) {
                chunk.clear();
                for (int i = 0; i < 4096 && at < total_; ++i) chunk.push_back(static_cast<char>(pattern_byte(at++)));
                peer_.send_all(chunk);
            }
        });
        reader_ = std::thread([this] {
            uint64_t at = 0;
            while (at < total_) {
                const std::string got = peer_.read(std::min<uint64_t>(65536, total_ - at), 20000);
                if (got.empty()) break;
                for (char c : got)
                    if (static_cast<uint8_t>(c) != pattern_byte(at++)) echoed_wrong_++;
            }
            echoed_ = at;
        });
    }
    ~HealthyStream() {
        if (writer_.joinable()) writer_.join();
        ::shutdown(peer_.fd, SHUT_RDWR);
        if (reader_.joinable()) reader_.join();
    }

    // Moves the guest side on by at most one step; call it between interrupts.
    void poll() {
        if (sending_) {
            if (h_->io_result(send_pb_) > 0) return;
            sending_ = false;
            if (h_->io_result(send_pb_) != 0) ++guest_errors_;
        }
        if (receiving_) {
            if (h_->io_result(rcv_pb_) > 0) return;
            receiving_ = false;
            if (h_->io_result(rcv_pb_) != 0) {
                ++guest_errors_;
                return;
            }
            const uint16_t n = h_->rcv_length(rcv_pb_);
            for (uint16_t i = 0; i < n; ++i)
                if (h_->host.get8(data_ + i) != pattern_byte(received_ + i)) ++received_wrong_;
            received_ += n;
            h_->put_wds(wds_, {{n, data_}});
            h_->send(send_pb_, stream_, wds_);
            sending_ = true;
            return;
        }
        if (received_ < total_ && guest_errors_ == 0) {
            h_->rcv(rcv_pb_, stream_, data_, 0x4000);
            receiving_ = true;
        }
    }
    bool guest_done() const { return (received_ == total_ && !sending_) || guest_errors_ != 0; }

    // Pumps until the whole pattern went both ways (or `limit` passes); then checks it all.
    void finish(std::chrono::seconds limit = std::chrono::seconds(60)) {
        EXPECT_TRUE(h_->pump_until([&] { poll(); return guest_done(); }, limit));
        writer_.join();
        reader_.join();
        EXPECT_EQ(guest_errors_, 0u);
        EXPECT_EQ(received_, total_);
        EXPECT_EQ(received_wrong_, 0u);
        EXPECT_EQ(echoed_.load(), total_);
        EXPECT_EQ(echoed_wrong_.load(), 0u);
    }

private:
    TcpHarness *h_;
    uint32_t stream_, data_, wds_, rcv_pb_, send_pb_;
    uint64_t total_;
    HostListener listener_;
    HostPeer peer_;
    std::thread writer_, reader_;
    bool receiving_ = false, sending_ = false;
    uint64_t received_ = 0, received_wrong_ = 0, guest_errors_ = 0;
    std::atomic<uint64_t> echoed_{0}, echoed_wrong_{0};
};

// Pumps interrupts, moving the healthy streams on, until `done` holds or `limit` passes.
template <typename... Healthy>
bool pump_with(TcpHarness &h, const std::function<bool()> &done, std::chrono::milliseconds limit, Healthy &...healthy) {
    return h.pump_until([&] {
        (healthy.poll(), ...);
        return done();
    }, limit);
}

}  // namespace mtb::test
