// The quantizing norms' per-thread row (rms_norm.cu, and allreduce.cu's reduction fused with the norm after it).
#pragma once
#include "common.cuh"

// The decode norms hold each thread's values in registers between the two passes (up to MAX_PER_THREAD of
// them, cols <= 16384 with 1024 threads) and load the weights before the block-wide sum, so a row costs about one
// global-memory latency rather than three. Same sums in the same order as rms_norm: the results agree bit for bit.
#define MAX_PER_THREAD 16

// y = v * inv * w and its q8_1 form, for the N values this thread holds (cols and blockDim.x multiples of 32, so each
// warp's 32 consecutive values form one q8_1 group).
template <int N>
__device__ __forceinline__ void norm_q8_store(const float (&v)[N], const float (&wv)[N], float ss, i64 base, float* y, i8* xq,
                                              float2* xds, int cols, float eps) {
    __shared__ float scratch[32];
    float inv = rsqrtf(block_sum(ss, scratch) / cols + eps);
#pragma unroll
    for (int k = 0; k < N; k++) {
        int c = threadIdx.x + k * blockDim.x;
        if (c >= cols) break;
        float r = v[k] * inv * wv[k];
        y[base + c] = r;
        q8_group(r, xq, xds, base + c);
    }
}

// Loads this thread's values of the row at base (a + b, also stored to s, with ADD) and their weights, and returns
// their sum of squares.
template <bool ADD>
__device__ __forceinline__ float load_row(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ s,
                                          const float* __restrict__ w, i64 base, int cols, float (&v)[MAX_PER_THREAD],
                                          float (&wv)[MAX_PER_THREAD]) {
    float ss = 0.f;
#pragma unroll
    for (int k = 0; k < MAX_PER_THREAD; k++) {
        int c = threadIdx.x + k * blockDim.x;
        if (c >= cols) break;
        v[k] = ADD ? a[base + c] + b[base + c] : a[base + c];
        if (ADD) s[base + c] = v[k];
        wv[k] = w[c];
        ss += v[k] * v[k];
    }
    return ss;
}
