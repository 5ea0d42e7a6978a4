/*
 * The guest programs' mini C library: string functions and a small printf (no floating point).
 * printf writes through the PRINT host call. Conversions %d %i %u %o %x %X %c %s %p %%; flags
 * '-' '0' '+' ' ' '#'; field width and precision as digits or '*' (`%.80s` never reads past 80
 * bytes, `%*d`, `%-8s`, `%08lx`, `%.3d`); length modifiers h hh l z t. No floating point, no ll.
 * SPDX-License-Identifier: GPL-2.0-or-later
 */
#ifndef MTB_LIBC_H
#define MTB_LIBC_H

#include <stdarg.h>
#include <stddef.h>

void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
void *memset(void *dst, int c, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strcpy(char *dst, const char *src);

int vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int snprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
int printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
int puts(const char *s); /* appends a newline, like the real one */

#endif
