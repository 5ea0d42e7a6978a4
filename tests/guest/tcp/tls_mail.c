/*
 * Plaintext mail dialogues that the bridge carries over TLS (`ipptls`, issue 15): the program
 * speaks plain IMAP/POP3-like text to 127.0.0.1 on the guest ports 143, 110 and 119 and never
 * knows a TLS server answers. The host test points rules for those ports at its TLS servers.
 *   imap (143): greeting, LOGIN, FETCH of `bytes` host bytes (checksum against `expected`),
 *               APPEND of `bytes` guest bytes (the host checks them), LOGOUT; the server ends
 *               with close_notify: TCPRcv gives connectionClosing, TCPClose sends ours.
 *   pop  (110): greeting, RETR; the server resets mid-answer: the stream ends with an error.
 *   news (119): greeting, then the guest aborts (the host sees no close_notify).
 * Parameters: bytes, expected.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "common/tcp_util.h"

#define BUFFER 32768
static char line[256];
static char data[8192];

static StreamPtr open_to(tcp_port port, Ptr buffer)
{
    StreamPtr stream = tcp_create(buffer, BUFFER, 0, 0);
    TCPiopb pb;
    tcp_prepare_open(&pb, stream, LOOPBACK, port, 0);
    CHECK_EQ(tcp_call(&pb, TCPActiveOpen), noErr);
    return stream;
}

/* Reads up to and including "\r\n" into `line` (NUL-terminated); the TCPRcv result. */
static OSErr read_line(StreamPtr stream)
{
    unsigned short used = 0, got;
    OSErr err = noErr;
    line[0] = 0;
    while ((unsigned long)used + 1 < sizeof line) {
        err = tcp_rcv(stream, line + used, 1, 30, &got);
        if (err != noErr)
            break;
        used += got;
        line[used] = 0;
        if (used >= 2 && line[used - 2] == '\r' && line[used - 1] == '\n')
            break;
    }
    return err;
}

static void expect_line(StreamPtr stream, const char *text)
{
    CHECK_EQ(read_line(stream), noErr);
    CHECK(strcmp(line, text) == 0);
    if (strcmp(line, text) != 0)
        printf("expected \"%s\", got \"%s\"\n", text, line);
}

static void send_text(StreamPtr stream, const char *text)
{
    CHECK_EQ(tcp_send_bytes(stream, text, (unsigned short)strlen(text)), noErr);
}

static void imap(unsigned long bytes)
{
    Ptr buffer = NewPtr(BUFFER);
    StreamPtr stream = open_to(143, buffer);
    checksum_t sum = {0, 0};
    unsigned long done = 0, i;
    unsigned short got;
    TCPiopb status;
    OSErr err;

    expect_line(stream, "* OK IMAP4rev1 ready\r\n");
    CHECK_EQ(tcp_status(stream, &status), noErr);
    CHECK_EQ(status.csParam.status.connectionState, 8); /* established */
    send_text(stream, "a1 LOGIN mac secret\r\n");
    expect_line(stream, "a1 OK LOGIN completed\r\n");

    send_text(stream, "a2 FETCH 1 BODY[]\r\n");
    while (done < bytes) {
        unsigned short want = (unsigned short)(bytes - done < sizeof data ? bytes - done : sizeof data);
        err = tcp_rcv(stream, data, want, 30, &got);
        CHECK_EQ(err, noErr);
        if (err != noErr)
            break;
        checksum_add(&sum, (const unsigned char *)data, got);
        done += got;
    }
    CHECK_EQ(done, bytes);
    CHECK_EQ(checksum_value(&sum), (unsigned long)mtb_param("expected"));
    expect_line(stream, "a2 OK FETCH completed\r\n");

    send_text(stream, "a3 APPEND INBOX\r\n");
    for (i = 0; i < sizeof data; ++i)
        data[i] = (char)(i * 13 + (i >> 7));
    for (done = 0; done < bytes;) {
        unsigned short length = (unsigned short)(bytes - done < sizeof data ? bytes - done : sizeof data);
        CHECK_EQ(tcp_send_bytes(stream, data, length), noErr);
        done += length;
    }
    expect_line(stream, "a3 OK APPEND completed\r\n");

    send_text(stream, "a4 LOGOUT\r\n");
    expect_line(stream, "* BYE\r\n");
    /* The server's close_notify: the end of its data. */
    CHECK_EQ(tcp_rcv(stream, data, sizeof data, 30, &got), connectionClosing);
    CHECK_EQ(tcp_close(stream), noErr);
    CHECK_EQ(tcp_release(stream), noErr);
    DisposePtr(buffer);
    printf("imap: %lu bytes each way through TLS\n", bytes);
}

static void pop_reset_by_server(void)
{
    Ptr buffer = NewPtr(BUFFER);
    StreamPtr stream = open_to(110, buffer);
    unsigned short got;
    OSErr err;
    expect_line(stream, "+OK POP3 ready\r\n");
    send_text(stream, "RETR 1\r\n");
    do {
        err = tcp_rcv(stream, data, sizeof data, 30, &got);
    } while (err == noErr);
    CHECK(err == connectionTerminated || err == connectionDoesntExist);
    printf("pop: the server's reset ended the stream (%d)\n", err);
    tcp_release(stream);
    DisposePtr(buffer);
}

static void news_aborted_by_guest(void)
{
    Ptr buffer = NewPtr(BUFFER);
    StreamPtr stream = open_to(119, buffer);
    expect_line(stream, "200 news ready\r\n");
    CHECK_EQ(tcp_abort(stream), noErr);
    CHECK_EQ(tcp_release(stream), noErr);
    DisposePtr(buffer);
}

int main(void)
{
    tcp_open_driver();
    imap((unsigned long)mtb_param("bytes"));
    pop_reset_by_server();
    news_aborted_by_guest();
    return mtb_test_finish();
}
