/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * limits_repeat.h - R1000(f, x): f(x000) f(x001) ... f(x999), numbers
 * made by token pasting, so R1000(f, 1) R1000(f, 2) expands f 2000 times
 * with 1000 ... 2999.
 */
#ifndef LIMITS_REPEAT_H
#define LIMITS_REPEAT_H

#define R10(f, x)	f(x##0) f(x##1) f(x##2) f(x##3) f(x##4) \
			f(x##5) f(x##6) f(x##7) f(x##8) f(x##9)
#define R100(f, x)	R10(f, x##0) R10(f, x##1) R10(f, x##2) R10(f, x##3) R10(f, x##4) \
			R10(f, x##5) R10(f, x##6) R10(f, x##7) R10(f, x##8) R10(f, x##9)
#define R1000(f, x)	R100(f, x##0) R100(f, x##1) R100(f, x##2) R100(f, x##3) R100(f, x##4) \
			R100(f, x##5) R100(f, x##6) R100(f, x##7) R100(f, x##8) R100(f, x##9)

#endif
