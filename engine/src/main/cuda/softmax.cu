// In-place softmax of each row (one block per row), max-subtracted for range.
#include "common.cuh"

extern "C" __global__ void softmax(float* __restrict__ x, int cols) {
    pdl_enter();
    __shared__ float scratch[32];
    float* r = x + (i64) blockIdx.x * cols;
    float m = NEG_INF;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) m = fmaxf(m, r[c]);
    m = block_max(m, scratch);
    float s = 0.f;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) {
        float e = __expf(r[c] - m);
        r[c] = e;
        s += e;
    }
    s = block_sum(s, scratch);
    float inv = 1.f / s;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) r[c] *= inv;
}
