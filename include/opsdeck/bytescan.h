/* Eight bytes at a time: masks of the bytes of a word that are below a
 * value or equal to one. The lowest marked byte of a mask (bytescan_first)
 * is always the first byte that matches; bytes above it may be marked
 * wrongly, so only the first is meaningful. Used where the decoders run
 * through strings looking for the next byte that needs attention. */
#ifndef OPSDECK_BYTESCAN_H
#define OPSDECK_BYTESCAN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define BYTESCAN_ONES	UINT64_C(0x0101010101010101)
#define BYTESCAN_HIGH	UINT64_C(0x8080808080808080)

/* Whether the word tricks hold here (bytes in memory order from the low
 * end); elsewhere callers go byte by byte. */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define BYTESCAN_WORDS	1
#else
#define BYTESCAN_WORDS	0
#endif

/* The eight bytes at p (any alignment). */
static inline uint64_t
bytescan_load(const char *p)
{
	uint64_t w;

	memcpy(&w, p, sizeof w);
	return w;
}

/* Bytes of w below n (n at most 0x80). */
static inline uint64_t
bytescan_below(uint64_t w, unsigned n)
{
	return (w - BYTESCAN_ONES * n) & ~w & BYTESCAN_HIGH;
}

/* Bytes of w equal to c. */
static inline uint64_t
bytescan_eq(uint64_t w, unsigned char c)
{
	return bytescan_below(w ^ (BYTESCAN_ONES * c), 1);
}

/* Bytes of w with the top bit set (0x80 and over). */
static inline uint64_t
bytescan_high(uint64_t w)
{
	return w & BYTESCAN_HIGH;
}

/* The index of the first marked byte of a non-zero mask. */
static inline size_t
bytescan_first(uint64_t mask)
{
	return (size_t)__builtin_ctzll(mask) >> 3;
}

#endif
