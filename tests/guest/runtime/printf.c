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

/* One conversion's flags, field width and precision (C99 7.19.6.1). */
typedef struct Spec {
    int left;      /* '-' */
    int zero;      /* '0': pad numbers with zeros after the sign (ignored with '-' or a precision) */
    int plus;      /* '+' */
    int space;     /* ' ' */
    int alt;       /* '#'; 2 = always "0x" (%p) */
    int width;     /* minimum field width; 0 = none */
    int precision; /* -1 = none */
} Spec;

static void put_repeat(Sink *s, char c, int n)
{
    while (n-- > 0)
        sink_put(s, c);
}

/* prefix (sign, 0x) + `zeros` zeros + body, padded to the field width with spaces (or, for
 * zero_fill, with zeros between prefix and body). */
static void put_field(Sink *s, const Spec *sp, int zero_fill, const char *prefix, int prefix_len,
                      int zeros, const char *body, int body_len)
{
    int fill = sp->width - (prefix_len + zeros + body_len);
    if (fill < 0)
        fill = 0;
    if (!sp->left && !zero_fill)
        put_repeat(s, ' ', fill);
    while (prefix_len-- > 0)
        sink_put(s, *prefix++);
    if (!sp->left && zero_fill)
        put_repeat(s, '0', fill);
    put_repeat(s, '0', zeros);
    while (body_len-- > 0)
        sink_put(s, *body++);
    if (sp->left)
        put_repeat(s, ' ', fill);
}

static void put_number(Sink *s, const Spec *sp, unsigned long v, int negative, unsigned base,
                       int upper)
{
    char digits[12]; /* 11 octal digits hold 32 bits */
    char prefix[2];
    const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
    int n = 0, prefix_len = 0, zeros = 0;
    const int nonzero = v != 0;
    while (v) {
        digits[n++] = set[v % base];
        v /= base;
    }
    if (sp->precision < 0 && !nonzero)
        digits[n++] = '0'; /* "0", but "%.0d" of 0 prints no digits */
    if (negative)
        prefix[prefix_len++] = '-';
    else if (sp->plus)
        prefix[prefix_len++] = '+';
    else if (sp->space)
        prefix[prefix_len++] = ' ';
    if (sp->alt && base == 16 && (nonzero || sp->alt == 2)) {
        prefix[prefix_len++] = '0';
        prefix[prefix_len++] = upper ? 'X' : 'x';
    }
    if (sp->precision > n)
        zeros = sp->precision - n;
    if (sp->alt && base == 8 && zeros == 0 && (n == 0 || digits[n - 1] != '0'))
        zeros = 1; /* "%#o": the first digit is a zero */
    {
        char body[12];
        int i;
        for (i = 0; i < n; ++i)
            body[i] = digits[n - 1 - i];
        put_field(s, sp, sp->zero && !sp->left && sp->precision < 0, prefix, prefix_len, zeros,
                  body, n);
    }
}

/* At most `max` characters of `str` (max < 0: up to its NUL); never reads past them, so
 * "%.80s" of an unterminated buffer is safe. */
static void put_string(Sink *s, const Spec *sp, const char *str, int max)
{
    int len = 0;
    while ((max < 0 || len < max) && str[len])
        ++len;
    put_field(s, sp, 0, "", 0, 0, str, len);
}

/* Reads a field width or precision: digits, or '*' taking an int argument. */
static int read_count(const char **fmt, va_list *ap, int *from_star)
{
    int n = 0;
    *from_star = 0;
    if (**fmt == '*') {
        ++*fmt;
        *from_star = 1;
        return va_arg(*ap, int);
    }
    while (**fmt >= '0' && **fmt <= '9')
        n = n * 10 + (*(*fmt)++ - '0');
    return n;
}

static void format(Sink *s, const char *fmt, va_list ap_in)
{
    va_list ap;
    va_copy(ap, ap_in);
    for (; *fmt; ++fmt) {
        Spec sp = {0, 0, 0, 0, 0, 0, -1};
        int is_long = 0, is_short = 0, star;
        const char *start = fmt;
        if (*fmt != '%') {
            sink_put(s, *fmt);
            continue;
        }
        ++fmt;
        for (;; ++fmt) {
            if (*fmt == '-')
                sp.left = 1;
            else if (*fmt == '0')
                sp.zero = 1;
            else if (*fmt == '+')
                sp.plus = 1;
            else if (*fmt == ' ')
                sp.space = 1;
            else if (*fmt == '#')
                sp.alt = 1;
            else
                break;
        }
        sp.width = read_count(&fmt, &ap, &star);
        if (sp.width < 0) { /* a negative '*' width means '-' */
            sp.left = 1;
            sp.width = -sp.width;
        }
        if (*fmt == '.') {
            ++fmt;
            sp.precision = read_count(&fmt, &ap, &star);
            if (sp.precision < 0) /* a negative '*' precision counts as none */
                sp.precision = -1;
        }
        for (;; ++fmt) {
            if (*fmt == 'l' || *fmt == 'z' || *fmt == 't')
                ++is_long; /* long, size_t and ptrdiff_t are all 32 bits here */
            else if (*fmt == 'h')
                is_short = is_short ? 2 : 1;
            else
                break;
        }
        if (is_long > 1 && *fmt) { /* ll: no 64-bit support, show the conversion as written */
            while (start <= fmt)
                sink_put(s, *start++);
            continue;
        }
        switch (*fmt) {
        case 'd':
        case 'i': {
            long v = is_long ? va_arg(ap, long) : (long)va_arg(ap, int);
            unsigned long mag;
            if (!is_long && is_short == 1)
                v = (short)v;
            else if (!is_long && is_short == 2)
                v = (signed char)v;
            mag = v < 0 ? 0ul - (unsigned long)v : (unsigned long)v;
            put_number(s, &sp, mag, v < 0, 10, 0);
            break;
        }
        case 'u':
        case 'x':
        case 'X':
        case 'o': {
            unsigned long v = is_long ? va_arg(ap, unsigned long) : (unsigned long)va_arg(ap, unsigned);
            if (!is_long && is_short == 1)
                v = (unsigned short)v;
            else if (!is_long && is_short == 2)
                v = (unsigned char)v;
            sp.plus = sp.space = 0;
            put_number(s, &sp, v, 0, *fmt == 'u' ? 10 : *fmt == 'o' ? 8 : 16, *fmt == 'X');
            break;
        }
        case 'p': { /* 0x and eight digits: addresses line up in traces */
            Spec p = {sp.left, 0, 0, 0, 2, sp.width, 8};
            put_number(s, &p, (unsigned long)va_arg(ap, void *), 0, 16, 0);
            break;
        }
        case 'c': {
            char c = (char)va_arg(ap, int);
            put_field(s, &sp, 0, "", 0, 0, &c, 1);
            break;
        }
        case 's': {
            const char *str = va_arg(ap, const char *);
            put_string(s, &sp, str ? str : "(null)", str ? sp.precision : -1);
            break;
        }
        case '%':
            sink_put(s, '%');
            break;
        case 0:
            va_end(ap);
            return;
        default: /* unknown conversion (ll, floating point...): show it rather than guess */
            while (start <= fmt)
                sink_put(s, *start++);
            break;
        }
    }
    va_end(ap);
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
