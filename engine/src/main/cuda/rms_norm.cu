// y[t] = x[t] / sqrt(mean(x[t]^2) + eps) * w, one block per row; the weight multiply is fused in. rms_norm_q8 also
// writes y's q8_1 form (see quantize_q8_1.cu), saving the quantization launch of the matvecs that read y.
#include "norm.cuh"

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

extern "C" __global__ void rms_norm_q8(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ y,
                                       i8* __restrict__ xq, float2* __restrict__ xds, int cols, float eps) {
    pdl_enter();
    i64 base = (i64) blockIdx.x * cols;
    float v[MAX_PER_THREAD], wv[MAX_PER_THREAD];
    float ss = load_row<false>(x, nullptr, nullptr, w, base, cols, v, wv);
    norm_q8_store(v, wv, ss, base, y, xq, xds, cols, eps);
}

// The residual add before a norm, fused: s = a + b is stored (the residual stream goes on), then normed and quantized
// as rms_norm_q8 does.
extern "C" __global__ void add_rms_norm_q8(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ s,
                                           const float* __restrict__ w, float* __restrict__ y, i8* __restrict__ xq,
                                           float2* __restrict__ xds, int cols, float eps) {
    pdl_enter();
    i64 base = (i64) blockIdx.x * cols;
    float v[MAX_PER_THREAD], wv[MAX_PER_THREAD];
    float ss = load_row<true>(a, b, s, w, base, cols, v, wv);
    norm_q8_store(v, wv, ss, base, y, xq, xds, cols, eps);
}
