// One-shot all-reduce of tensor-parallel partial sums, on the devices: every rank signals that its partial is
// complete, waits until every rank has, then reads all partials (its own and its peers', through peer access or the
// shared memory of one GPU) and adds them in rank order, so that every rank gets the same bits. Flags count
// reductions and only grow, so one flag per rank serves every reduction point and every graph replay.
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

// One thread: raises this rank's flag (its partial was written by the kernels before this one on its stream), then
// waits until every rank's flag has reached it. A single spinning thread: a grid of spinning blocks could fill the GPU
// and starve the very peer it waits for (logical devices share one GPU). On a 10 s timeout it sets *error.
extern "C" __global__ void ar_barrier(
        const int* f0, const int* f1, const int* f2, const int* f3, const int* f4, const int* f5, const int* f6, const int* f7,
        int* own, int ranks, int* error) {
    const int* flags[MAX_RANKS] = {f0, f1, f2, f3, f4, f5, f6, f7};
    int mine = *own + 1;
    __threadfence_system();
    store_release(own, mine);
    long long start = global_ns();
    for (int r = 0; r < ranks; r++)
        while (load_acquire(flags[r]) - mine < 0) {
            if (global_ns() - start > TIMEOUT_NS) {
                atomicExch(error, 1);
                return;
            }
            __nanosleep(100);
        }
}

// dst = the sum over ranks of src_r in rank order, each rounded through the reduce type (after ar_barrier).
extern "C" __global__ void ar_sum(
        const float* s0, const float* s1, const float* s2, const float* s3, const float* s4, const float* s5, const float* s6, const float* s7,
        float* dst, int ranks, long long n, int type) {
    const float* src[MAX_RANKS] = {s0, s1, s2, s3, s4, s5, s6, s7};
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        float s = 0.f;
        for (int r = 0; r < ranks; r++) s += travel(__ldcg(src[r] + i), type);
        dst[i] = travel(s, type);
    }
}

// ar_barrier and ar_sum in one launch of one block, for decode-sized reductions (one launch fewer per reduction):
// thread 0 signals and waits, then the block sums. Only one block ever spins, as in ar_barrier.
extern "C" __global__ void ar_small(
        const int* f0, const int* f1, const int* f2, const int* f3, const int* f4, const int* f5, const int* f6, const int* f7,
        const float* s0, const float* s1, const float* s2, const float* s3, const float* s4, const float* s5, const float* s6, const float* s7,
        int* own, float* dst, int ranks, int n, int type, int* error) {
    const float* src[MAX_RANKS] = {s0, s1, s2, s3, s4, s5, s6, s7};
    __shared__ int ok;
    if (threadIdx.x == 0) {
        const int* flags[MAX_RANKS] = {f0, f1, f2, f3, f4, f5, f6, f7};
        int mine = *own + 1;
        __threadfence_system();
        store_release(own, mine);
        long long start = global_ns();
        ok = 1;
        for (int r = 0; r < ranks && ok; r++)
            while (load_acquire(flags[r]) - mine < 0) {
                if (global_ns() - start > TIMEOUT_NS) {
                    ok = 0;
                    atomicExch(error, 1);
                    break;
                }
                __nanosleep(32);
            }
    }
    __syncthreads();
    if (!ok) return;
    for (int i = threadIdx.x; i < n; i += blockDim.x) {
        float s = 0.f;
        for (int r = 0; r < ranks; r++) s += travel(__ldcg(src[r] + i), type);
        dst[i] = travel(s, type);
    }
}
