/* A host whose wall clock is off (a VM without NTP), for bench/faults.py: LD_PRELOAD this into a process and its
 * CLOCK_REALTIME reads (clock_gettime, gettimeofday, time) are GRIDBOT_BENCH_CLOCK_SKEW_S seconds off, while its
 * monotonic clock, its sleeps and its timed waits stay true, as on such a VM.
 *
 * Why not Debian's libfaketime (0.9.10): with Python 3.11 a relative FAKETIME either hangs every threading wait
 * (the monotonic clock is faked, the deadlines of sem_clockwait are not) or, with FAKETIME_DONT_FAKE_MONOTONIC=1,
 * makes time.sleep fail with EINVAL (its clock_nanosleep(TIMER_ABSTIME) wrapper).
 *
 * Built by faults.py with: cc -shared -fPIC -O2 -o skewed_clock.so skewed_clock.c -ldl
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <stdlib.h>
#include <sys/time.h>
#include <time.h>

static long skew_s(void) {
    static long skew;
    static int read;
    if (!read) {
        const char *value = getenv("GRIDBOT_BENCH_CLOCK_SKEW_S");
        skew = value ? atol(value) : 0;
        read = 1;
    }
    return skew;
}

int clock_gettime(clockid_t clock, struct timespec *now) {
    static int (*real)(clockid_t, struct timespec *);
    if (!real)
        real = (int (*)(clockid_t, struct timespec *))dlsym(RTLD_NEXT, "clock_gettime");
    int result = real(clock, now);
    if (result == 0 && (clock == CLOCK_REALTIME || clock == CLOCK_REALTIME_COARSE))
        now->tv_sec += skew_s();
    return result;
}

int gettimeofday(struct timeval *restrict now, void *restrict zone) {
    static int (*real)(struct timeval *restrict, void *restrict);
    if (!real)
        real = (int (*)(struct timeval *restrict, void *restrict))dlsym(RTLD_NEXT, "gettimeofday");
    int result = real(now, zone);
    if (result == 0)
        now->tv_sec += skew_s();
    return result;
}

time_t time(time_t *now) {
    struct timespec spec;
    clock_gettime(CLOCK_REALTIME, &spec);
    if (now)
        *now = spec.tv_sec;
    return spec.tv_sec;
}
