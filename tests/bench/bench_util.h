/*
 * bench_util.h - timing and percentiles shared by the benchmarks under
 * tests/bench/.  Header-only so that each benchmark stays one program.
 */
#ifndef SEUIL_BENCH_UTIL_H
#define SEUIL_BENCH_UTIL_H

#include <stdint.h>
#include <stdlib.h>
#include <time.h>

static inline int64_t bench_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int bench_cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* sorts v in place and returns the q-quantile (0..1), nearest rank */
static inline int64_t bench_quantile(int64_t *v, size_t n, double q)
{
	size_t i;

	qsort(v, n, sizeof(*v), bench_cmp_i64);
	i = (size_t)(q * (double)n);
	if (i >= n)
		i = n - 1;
	return v[i];
}

#endif
