// y[t] = x[t] / sqrt(mean(x[t]^2) + eps) * w, one block per row; the weight multiply is fused in. rms_norm_q8 also
// writes y's q8_1 form (see quantize_q8_1.cu), saving the quantization launch of the matvecs that read y.
#include "common.cuh"

// Quantizes one 32-value group held one value per lane (all 32 lanes of the warp take part).
__device__ __forceinline__ void q8_group(float v, i8* xq, float2* xds, i64 i) {
    float amax = warp_max(fabsf(v));
    float d = amax / 127.f;
    int q = amax == 0.f ? 0 : __float2int_rn(v / d);
    xq[i] = (i8) q;
    int s = warp_sum_int(q);
    if ((threadIdx.x & 31) == 0) xds[i / 32] = make_float2(d, d * (float) s);
}

__device__ __forceinline__ float row_rms_inv(const float* xr, int cols, float eps) {
    __shared__ float scratch[32];
    float ss = 0.f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) ss += xr[c] * xr[c];
    ss = block_sum(ss, scratch);
    return rsqrtf(ss / cols + eps);
}

extern "C" __global__ void rms_norm(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ y,
                                    int cols, float eps) {
    const float* xr = x + (i64) blockIdx.x * cols;
    float* yr = y + (i64) blockIdx.x * cols;
    float inv = row_rms_inv(xr, cols, eps);
    for (int c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = xr[c] * inv * w[c];
}

// cols and blockDim.x multiples of 32, so each warp's 32 consecutive values form one q8_1 group.
extern "C" __global__ void rms_norm_q8(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ y,
                                       i8* __restrict__ xq, float2* __restrict__ xds, int cols, float eps) {
    i64 base = (i64) blockIdx.x * cols;
    float inv = row_rms_inv(x + base, cols, eps);
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
        float v = x[base + c] * inv * w[c];
        y[base + c] = v;
        q8_group(v, xq, xds, base + c);
    }
}
