// Demo v1 guest programs on the test machine: the 68k HTTP/1.0 client against a tiny host
// server, and the 68k echo/greeting server with a host client.
// SPDX-License-Identifier: GPL-2.0-or-later
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <string>
#include <thread>

#include "guest_harness.h"

namespace mtb::guest {

TEST(TcpDemo, HttpClientFetchesAPage) {
    LoopbackListener listener;
    std::string request;
    std::thread server([&] {
        pollfd p{listener.fd(), POLLIN, 0};
        if (::poll(&p, 1, 20000) <= 0) return;
        const int fd = ::accept(listener.fd(), nullptr, nullptr);
        char buffer[1024];
        while (request.find("\r\n\r\n") == std::string::npos) {
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n <= 0) break;
            request.append(buffer, static_cast<std::size_t>(n));
        }
        const std::string body = "<html><body><h1>Hello, 68k!</h1></body></html>\n";
        const std::string response = "HTTP/1.0 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
                                     std::to_string(body.size()) + "\r\n\r\n" + body;
        ::send(fd, response.data(), response.size(), MSG_NOSIGNAL);
        ::close(fd);
    });
    const auto result = run("demo_http_client", {{"port", std::to_string(listener.port())}, {"path", "/index.html"}});
    server.join();
    EXPECT_EQ(request.rfind("GET /index.html HTTP/1.0\r\n", 0), 0u) << request;
    EXPECT_NE(result.output.find("Hello, 68k!"), std::string::npos) << result.output;
}

TEST(TcpDemo, EchoServerGreetsAndEchoes) {
    const uint16_t port = closed_loopback_port();
    std::string transcript;
    std::atomic<bool> guest_finished{false};
    std::thread client([&] {
        const int fd = connect_when_listening(port, guest_finished);
        if (fd < 0) return;
        auto read_some = [&] {
            char buffer[512];
            pollfd p{fd, POLLIN, 0};
            if (::poll(&p, 1, 5000) <= 0) return;
            const ssize_t n = ::recv(fd, buffer, sizeof buffer, 0);
            if (n > 0) transcript.append(buffer, static_cast<std::size_t>(n));
        };
        read_some();  // greeting
        const std::string line = "ping from the host\r\n";
        ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
        read_some();  // echo
        ::close(fd);
    });
    const auto result = run("demo_echo_server", {{"port", std::to_string(port)}, {"clients", "1"}});
    guest_finished = true;
    client.join();
    EXPECT_NE(transcript.find("Hello from a 68k Mac"), std::string::npos) << transcript;
    EXPECT_NE(transcript.find("ping from the host"), std::string::npos) << transcript;
    EXPECT_NE(result.output.find("echo server listening on port " + std::to_string(port)), std::string::npos);
}

}  // namespace mtb::guest
