/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The only header core/ includes: the same sources build in the kernel module
 * (__KERNEL__) and in userspace. This file maps the few things core/ needs,
 * fixed-width types, limits, 64-bit division and error codes, onto each
 * world. No other file in core/ may declare a typedef.
 */
#ifndef _FC_TYPES_H
#define _FC_TYPES_H

#ifdef __KERNEL__

#include <linux/errno.h>
#include <linux/limits.h>
#include <linux/math64.h>
#include <linux/types.h>

/* 32-bit arches have no native 64-bit divide, so core/ divides only here. */
static inline u64 fc_div_u64(u64 dividend, u32 divisor)
{
	return div_u64(dividend, divisor);
}

/*
 * Truncates toward zero; the remainder takes the sign of the dividend.
 * divisor must not be 0, nor -1 with dividend S64_MIN.
 */
static inline s64 fc_div_s64_rem(s64 dividend, s32 divisor, s32 *remainder)
{
	return div_s64_rem(dividend, divisor, remainder);
}

#else /* !__KERNEL__ */

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*
 * The same base types as the kernel's int-ll64.h (and the uapi __u64 on every
 * arch fluxcap supports): 64-bit is long long, not int64_t, which is long on
 * LP64. So a %lld or an s64 * that is right in one world is right in the other.
 */
typedef unsigned int u32;
typedef int s32;
typedef unsigned long long u64;
typedef long long s64;

#ifndef U32_MAX
#define U32_MAX ((u32)~0U)
#endif
#ifndef U64_MAX
#define U64_MAX ((u64)~0ULL)
#endif
#ifndef S64_MAX
#define S64_MAX ((s64)(U64_MAX >> 1))
#endif
#ifndef S64_MIN
#define S64_MIN ((s64)(-S64_MAX - 1))
#endif

static inline u64 fc_div_u64(u64 dividend, u32 divisor)
{
	return dividend / divisor;
}

static inline s64 fc_div_s64_rem(s64 dividend, s32 divisor, s32 *remainder)
{
	*remainder = (s32)(dividend % divisor);
	return dividend / divisor;
}

#endif /* __KERNEL__ */

/* Errors are negative errno values, already negated: "return FC_EINVAL;". */
#define FC_EINVAL (-EINVAL)
#define FC_ERANGE (-ERANGE)

#endif /* _FC_TYPES_H */
