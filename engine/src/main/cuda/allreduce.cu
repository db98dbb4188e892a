// One-shot all-reduce of tensor-parallel partial sums, on the devices: every rank signals that its partial is
// complete, waits until every rank has, then reads all partials (its own and its peers', through peer access or the
// shared memory of one GPU) and adds them in rank order, so that every rank gets the same bits.
// Signals: each rank has a mailbox of MAX_RANKS counters in its own memory; rank p raises slot p of every mailbox
// (stores to a peer are posted, no round trip) and polls only its own mailbox. Counters count reductions and only
// grow, so one mailbox per rank serves every reduction point and every graph replay.
#include "common.cuh"

#define MAX_RANKS 8
#define TIMEOUT_NS 10000000000LL

__device__ __forceinline__ int load_acquire(const int* p) {
    int v;
    asm volatile("ld.acquire.sys.global.s32 %0, [%1];" : "=r"(v) : "l"(p) : "memory");
    return v;
}

__device__ __forceinline__ void store_release(int* p, int v) {
    asm volatile("st.release.sys.global.s32 [%0], %1;" :: "l"(p), "r"(v) : "memory");
}

__device__ __forceinline__ long long global_ns() {
    long long t;
    asm volatile("mov.u64 %0, %%globaltimer;" : "=l"(t));
    return t;
}

// The value as it arrives after travelling in the reduce type (0 f32, 1 f16, 2 bf16, round to nearest even).
__device__ __forceinline__ float travel(float v, int type) {
    if (type == 1) return h2f(f2h(v));
    if (type == 2) {
        u32 b = __float_as_uint(v);
        b += 0x7FFFu + ((b >> 16) & 1u);
        return __uint_as_float(b & 0xFFFF0000u);
    }
    return v;
}

// Raises this rank's slot in every mailbox (its partial was written by the kernels before this one on its stream) and
// waits until every slot of its own mailbox has reached the same count; one thread only. False, with *error set, after
// a 10 s timeout (a peer never came). Once *error is set (by a timeout, or by the host aborting after a rank failed)
// every later wait gives up at its next look, so a broken step drains in one timeout instead of one per reduction.
__device__ __forceinline__ bool signal_and_wait(int* const* slots, int* own, const int* mail, int ranks, int* error) {
    int mine = *own + 1;
    __threadfence_system();
    for (int r = 0; r < ranks; r++) store_release(slots[r], mine);
    long long start = global_ns();
    for (int r = 0; r < ranks; r++)
        for (int spins = 1; load_acquire(mail + r) - mine < 0; spins++) {
            // error lives in host memory, a read across PCIe: look at it (and the clock) only every 256 polls
            if ((spins & 255) == 0) {
                if (load_acquire(error) != 0) return false;
                if (global_ns() - start > TIMEOUT_NS) {
                    atomicExch(error, 1);
                    return false;
                }
            }
            __nanosleep(32);
        }
    return true;
}

// dst[i] = the sum over ranks of src_r[i] in rank order, each rounded through the reduce type, for i = i0, i0 + stride...
__device__ __forceinline__ void sum_ranks(const float* const* src, float* dst, int ranks, long long n, int type,
                                          long long i0, long long stride) {
    for (long long i = i0; i < n; i += stride) {
        float s = 0.f;
        for (int r = 0; r < ranks; r++) s += travel(__ldcg(src[r] + i), type);
        dst[i] = travel(s, type);
    }
}

// sum_ranks over float4s, for decode-sized rows: each thread issues the loads of every rank before it adds, so a
// peer read's latency (NVLink between GPUs) is paid once per float4 rather than once per rank and value. The sums
// run in the same order, so the result is bit for bit that of sum_ranks.
__device__ __forceinline__ void sum_ranks4(const float* const* src, float* dst, int ranks, int n4, int type, int i0, int stride) {
    for (int i = i0; i < n4; i += stride) {
        float4 v[MAX_RANKS];
#pragma unroll
        for (int r = 0; r < MAX_RANKS; r++)
            if (r < ranks) v[r] = __ldcg(reinterpret_cast<const float4*>(src[r]) + i);
        float4 s = make_float4(0.f, 0.f, 0.f, 0.f);
#pragma unroll
        for (int r = 0; r < MAX_RANKS; r++)
            if (r < ranks) {
                s.x += travel(v[r].x, type);
                s.y += travel(v[r].y, type);
                s.z += travel(v[r].z, type);
                s.w += travel(v[r].w, type);
            }
        reinterpret_cast<float4*>(dst)[i] = make_float4(travel(s.x, type), travel(s.y, type), travel(s.z, type), travel(s.w, type));
    }
}

__device__ __forceinline__ bool aligned16(const float* const* src, const float* dst, int ranks) {
    unsigned long long bits = (unsigned long long) dst;
    for (int r = 0; r < ranks; r++) bits |= (unsigned long long) src[r];
    return (bits & 15) == 0;
}

// This rank's mailbox slots and the partials of up to 8 ranks arrive as separate arguments (the launcher passes
// scalars only).
#define RANK_SLOTS int *f0, int *f1, int *f2, int *f3, int *f4, int *f5, int *f6, int *f7
#define RANK_SRCS const float *s0, const float *s1, const float *s2, const float *s3, const float *s4, const float *s5, \
                  const float *s6, const float *s7

// Signal and wait in a single thread: a grid of spinning blocks could fill the GPU and starve the very peer it waits
// for (logical devices share one GPU).
extern "C" __global__ void ar_barrier(RANK_SLOTS, int* own, const int* mail, int ranks, int* error) {
    int* slots[MAX_RANKS] = {f0, f1, f2, f3, f4, f5, f6, f7};
    signal_and_wait(slots, own, mail, ranks, error);
}

// The sum after ar_barrier, over the whole grid.
extern "C" __global__ void ar_sum(RANK_SRCS, float* dst, int ranks, long long n, int type) {
    const float* src[MAX_RANKS] = {s0, s1, s2, s3, s4, s5, s6, s7};
    sum_ranks(src, dst, ranks, n, type, (long long) blockIdx.x * blockDim.x + threadIdx.x, (long long) gridDim.x * blockDim.x);
}

// Both in one launch of one block, for decode-sized reductions (one launch fewer per reduction): thread 0 signals
// and waits, then the block sums.
extern "C" __global__ void ar_small(RANK_SLOTS, RANK_SRCS, int* own, const int* mail, float* dst, int ranks, int n,
                                    int type, int* error) {
    pdl_enter();  // the partial is complete before the signal says so
    __shared__ int ok;
    if (threadIdx.x == 0) {
        int* slots[MAX_RANKS] = {f0, f1, f2, f3, f4, f5, f6, f7};
        ok = signal_and_wait(slots, own, mail, ranks, error);
    }
    __syncthreads();
    if (!ok) return;
    const float* src[MAX_RANKS] = {s0, s1, s2, s3, s4, s5, s6, s7};
    if (n % 4 == 0 && aligned16(src, dst, ranks)) sum_ranks4(src, dst, ranks, n / 4, type, threadIdx.x, blockDim.x);
    else sum_ranks(src, dst, ranks, n, type, threadIdx.x, blockDim.x);
}
