/*
 * Mini printf family. One formatter writes through a sink: a bounded buffer for snprintf, or a
 * chunk buffer flushed through the PRINT host call for printf (so output of any length works).
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#include "hostcall.h"
#include "mtb_libc.h"

typedef struct Sink {
    char *buf;
    size_t size;   /* capacity including the NUL */
    size_t used;   /* characters stored in buf */
    size_t total;  /* characters produced (the return value) */
    int flush_to_host;
} Sink;

static void sink_flush(Sink *s)
{
    if (s->flush_to_host && s->used) {
        s->buf[s->used] = 0;
        mtb_print(s->buf);
        s->used = 0;
    }
}

static void sink_put(Sink *s, char c)
{
    ++s->total;
    if (s->used + 1 < s->size) {
        s->buf[s->used++] = c;
        return;
    }
    if (s->flush_to_host) {
        sink_flush(s);
        s->buf[s->used++] = c;
    }
}

static void put_padded(Sink *s, const char *text, size_t len, int width, int left, char pad)
{
    int fill = width > (int)len ? width - (int)len : 0;
    if (!left)
        while (fill-- > 0)
            sink_put(s, pad);
    while (len--)
        sink_put(s, *text++);
    if (left)
        while (fill-- > 0)
            sink_put(s, ' ');
}

static void put_number(Sink *s, unsigned long v, int negative, unsigned base, int upper, int width,
                       int left, int zero)
{
    char digits[12];
    char out[14];
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0, len = 0;
    do {
        digits[n++] = set[v % base];
        v /= base;
    } while (v);
    if (negative && zero && !left) {
        /* the sign goes before the zero padding: -0042 */
        sink_put(s, '-');
        if (width > 0)
            --width;
        negative = 0;
    }
    if (negative)
        out[len++] = '-';
    while (n)
        out[len++] = digits[--n];
    put_padded(s, out, (size_t)len, width, left, zero && !left ? '0' : ' ');
}

static void format(Sink *s, const char *fmt, va_list ap)
{
    for (; *fmt; ++fmt) {
        int left = 0, zero = 0, width = 0, is_long = 0;
        if (*fmt != '%') {
            sink_put(s, *fmt);
            continue;
        }
        ++fmt;
        for (;; ++fmt) {
            if (*fmt == '-')
                left = 1;
            else if (*fmt == '0')
                zero = 1;
            else
                break;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l') {
            is_long = 1;
            ++fmt;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            long v = is_long ? va_arg(ap, long) : (long)va_arg(ap, int);
            unsigned long mag = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
            put_number(s, mag, v < 0, 10, 0, width, left, zero);
            break;
        }
        case 'u':
        case 'x':
        case 'X': {
            unsigned long v = is_long ? va_arg(ap, unsigned long) : (unsigned long)va_arg(ap, unsigned);
            put_number(s, v, 0, *fmt == 'u' ? 10 : 16, *fmt == 'X', width, left, zero);
            break;
        }
        case 'p': {
            unsigned long v = (unsigned long)va_arg(ap, void *);
            sink_put(s, '0');
            sink_put(s, 'x');
            put_number(s, v, 0, 16, 0, 8, 0, 1);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_padded(s, &c, 1, width, left, ' ');
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            if (!str)
                str = "(null)";
            put_padded(s, str, strlen(str), width, left, ' ');
            break;
        }
        case '%':
            sink_put(s, '%');
            break;
        case 0:
            return;
        default: /* unknown conversion: show it rather than guess */
            sink_put(s, '%');
            sink_put(s, *fmt);
            break;
        }
    }
}

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    Sink s = {buf, size, 0, 0, 0};
    format(&s, fmt, ap);
    if (size)
        buf[s.used] = 0;
    return (int)s.total;
}

int snprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    int n;
    va_start(ap, fmt);
    n = vsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

int printf(const char *fmt, ...)
{
    char chunk[128];
    Sink s = {chunk, sizeof chunk, 0, 0, 1};
    va_list ap;
    va_start(ap, fmt);
    format(&s, fmt, ap);
    va_end(ap);
    sink_flush(&s);
    return (int)s.total;
}

int puts(const char *text)
{
    mtb_print(text);
    mtb_print("\n");
    return 0;
}
