// y[t] = x[t] / sqrt(mean(x[t]^2) + eps) * w, one block per row; the weight multiply is fused in. rms_norm_q8 also
// writes y's q8_1 form (see quantize_q8_1.cu), saving the quantization launch of the matvecs that read y.
#include "common.cuh"

__device__ __forceinline__ float row_rms_inv(const float* xr, int cols, float eps) {
    __shared__ float scratch[32];
    float ss = 0.f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) ss += xr[c] * xr[c];
    ss = block_sum(ss, scratch);
    return rsqrtf(ss / cols + eps);
}

extern "C" __global__ void rms_norm(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ y,
                                    int cols, float eps) {
    pdl_enter();
    const float* xr = x + (i64) blockIdx.x * cols;
    float* yr = y + (i64) blockIdx.x * cols;
    float inv = row_rms_inv(xr, cols, eps);
    for (int c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = xr[c] * inv * w[c];
}

// The decode norms below hold each thread's values in registers between the two passes (up to MAX_PER_THREAD of
// them, cols <= 16384 with 1024 threads) and load the weights before the block-wide sum, so a row costs about one
// global-memory latency rather than three. Same sums in the same order as rms_norm: the results agree bit for bit.
#define MAX_PER_THREAD 16

// Which of a thread's values (k: c = threadIdx.x + k * blockDim.x) a block stores. A batch runs a row per block, all
// of them. One decode row runs over several blocks, block k storing value k of every thread: each block still
// loads the whole row and sums its squares as one block would (so they all agree, bit for bit), but the stores and
// the q8_1 groups, a chain of shuffles per value, spread over the blocks.
struct Share {
    int row, k0, k1;
    __device__ bool owns(int k) const { return k >= k0 && k < k1; }
};

// spread: the blocks of one row (1: a row per block)
__device__ __forceinline__ Share share_of(int spread) {
    if (spread > 1) return {0, (int) blockIdx.x, (int) blockIdx.x + 1};
    return {(int) blockIdx.x, 0, MAX_PER_THREAD};
}

// y = v * inv * w and its q8_1 form, for the values this thread holds (cols and blockDim.x multiples of 32, so each
// warp's 32 consecutive values form one q8_1 group).
__device__ __forceinline__ void norm_q8_store(const float* v, const float* wv, float ss, i64 base, float* y, i8* xq,
                                              float2* xds, int cols, float eps, Share sh) {
    __shared__ float scratch[32];
    float inv = rsqrtf(block_sum(ss, scratch) / cols + eps);
#pragma unroll
    for (int k = 0; k < MAX_PER_THREAD; k++) {
        int c = threadIdx.x + k * blockDim.x;
        if (c >= cols) break;
        if (!sh.owns(k)) continue;
        float r = v[k] * inv * wv[k];
        y[base + c] = r;
        q8_group(r, xq, xds, base + c);
    }
}

// Loads this thread's values of the row at base (a + b, also stored to s, with ADD) and their weights, and returns
// their sum of squares.
template <bool ADD>
__device__ __forceinline__ float load_row(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ s,
                                          const float* __restrict__ w, i64 base, int cols, float* v, float* wv, Share sh) {
    float ss = 0.f;
#pragma unroll
    for (int k = 0; k < MAX_PER_THREAD; k++) {
        int c = threadIdx.x + k * blockDim.x;
        if (c >= cols) break;
        v[k] = ADD ? a[base + c] + b[base + c] : a[base + c];
        if (ADD && sh.owns(k)) s[base + c] = v[k];
        wv[k] = w[c];
        ss += v[k] * v[k];
    }
    return ss;
}

extern "C" __global__ void rms_norm_q8(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ y,
                                       i8* __restrict__ xq, float2* __restrict__ xds, int cols, float eps, int spread) {
    pdl_enter();
    Share sh = share_of(spread);
    i64 base = (i64) sh.row * cols;
    float v[MAX_PER_THREAD], wv[MAX_PER_THREAD];
    float ss = load_row<false>(x, nullptr, nullptr, w, base, cols, v, wv, sh);
    norm_q8_store(v, wv, ss, base, y, xq, xds, cols, eps, sh);
}

// The residual add before a norm, fused: s = a + b is stored (the residual stream goes on), then normed and quantized
// as rms_norm_q8 does.
extern "C" __global__ void add_rms_norm_q8(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ s,
                                           const float* __restrict__ w, float* __restrict__ y, i8* __restrict__ xq,
                                           float2* __restrict__ xds, int cols, float eps, int spread) {
    pdl_enter();
    Share sh = share_of(spread);
    i64 base = (i64) sh.row * cols;
    float v[MAX_PER_THREAD], wv[MAX_PER_THREAD];
    float ss = load_row<true>(a, b, s, w, base, cols, v, wv, sh);
    norm_q8_store(v, wv, ss, base, y, xq, xds, cols, eps, sh);
}
