/* DPDK's rte_raw_cksum (inline in <rte_ip.h>) behind a non-inline function, compiled with
 * DPDK's own pkg-config flags (and once more with -mavx2), so the benchmark calls it exactly
 * as it calls ours: one out-of-line call per buffer. */
#include <rte_ip.h>

#ifndef SY_DPDK_BASELINE_NAME
#define SY_DPDK_BASELINE_NAME sy_dpdk_raw_cksum
#endif

uint16_t SY_DPDK_BASELINE_NAME(const void* buf, size_t len);

uint16_t SY_DPDK_BASELINE_NAME(const void* buf, size_t len) {
    return rte_raw_cksum(buf, len);
}
