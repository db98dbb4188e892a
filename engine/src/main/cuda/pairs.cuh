// (value, sequence) pairs between the ranks of a tensor-parallel run (allreduce.cu's reductions, argmax.cu's winners).
// A rank stores a value into a peer's memory beside the sequence number of the operation it belongs to, and the
// peer polls its own memory until the number shows: the value travels with its own flag, so no fence is needed.
// Sequence numbers count a rank's operations (one counter per rank, in its own memory) and only grow.
#pragma once
#include "common.cuh"

#define TIMEOUT_NS 10000000000LL

__device__ __forceinline__ int load_acquire(const int* p) {
    int v;
    asm volatile("ld.acquire.sys.global.s32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
    return v;
}

__device__ __forceinline__ long long global_ns() {
    long long t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

__device__ __forceinline__ void st_volatile4(uint4* p, uint4 v) {
    asm volatile("st.volatile.global.v4.u32 [%0], {%1, %2, %3, %4};" :: "l"(p), "r"(v.x), "r"(v.y), "r"(v.z), "r"(v.w) : "memory");
}

__device__ __forceinline__ uint4 ld_volatile(const uint4* p) {
    uint4 v;
    asm volatile("ld.volatile.global.v4.u32 {%0, %1, %2, %3}, [%4];" : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w) : "l"(p) : "memory");
    return v;
}

__device__ __forceinline__ uint2 ld_volatile(const uint2* p) {
    uint2 v;
    asm volatile("ld.volatile.global.v2.u32 {%0, %1}, [%2];" : "=r"(v.x), "=r"(v.y) : "l"(p) : "memory");
    return v;
}

__device__ __forceinline__ bool arrived(uint4 e, u32 seq) { return e.y == seq && e.w == seq; }
__device__ __forceinline__ bool arrived(uint2 e, u32 seq) { return e.y == seq; }

// Polls *p until e (loaded from it before) carries seq. Gives up, clearing ok, after 10 s or once *error is set.
template <class T>
__device__ __forceinline__ void await_pair(const T* p, T& e, u32 seq, int* error, long long start, bool& ok) {
    for (int spins = 1; ok && !arrived(e, seq); spins++) {
        // error lives in host memory, a read across PCIe: look at it (and the clock) only every 1024 polls
        if ((spins & 1023) == 0 && (load_acquire(error) != 0 || global_ns() - start > TIMEOUT_NS)) {
            atomicExch(error, 1);
            ok = false;
        }
        e = ld_volatile(p);
    }
}

#define RANK_BOXES uint4 *b0, uint4 *b1, uint4 *b2, uint4 *b3, uint4 *b4, uint4 *b5, uint4 *b6, uint4 *b7
