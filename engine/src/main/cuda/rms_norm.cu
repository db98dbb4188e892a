// y[t] = x[t] / sqrt(mean(x[t]^2) + eps) * w, one block per row; the weight multiply is fused in.
#include "common.cuh"

extern "C" __global__ void rms_norm(const float* __restrict__ x, const float* __restrict__ w, float* __restrict__ y,
                                    int cols, float eps) {
    __shared__ float scratch[32];
    const float* xr = x + (i64) blockIdx.x * cols;
    float* yr = y + (i64) blockIdx.x * cols;
    float ss = 0.f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) ss += xr[c] * xr[c];
    ss = block_sum(ss, scratch);
    float inv = rsqrtf(ss / cols + eps);
    for (int c = threadIdx.x; c < cols; c += blockDim.x) yr[c] = xr[c] * inv * w[c];
}
