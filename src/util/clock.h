/*
 * The monotonic clock in milliseconds: for deadlines, debouncing and rate
 * buckets, never for dates.
 */
#ifndef CAPSULED_UTIL_CLOCK_H
#define CAPSULED_UTIL_CLOCK_H

long long monotonic_ms(void);
/* The same in microseconds: for budgets of a few milliseconds. */
long long monotonic_us(void);

#endif
