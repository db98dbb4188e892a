// out[t] (+)= sum_j weights[t][j] * y[t*k + j]: the weighted sum of the k expert outputs of each token.
#include "common.cuh"

extern "C" __global__ void moe_combine(const float* __restrict__ y, const float* __restrict__ weights,
                                       float* __restrict__ out, int n, int k, int cols, int accumulate) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long) n * cols) return;
    int t = (int) (i / cols), c = (int) (i % cols);
    float acc = 0.f;
    for (int j = 0; j < k; j++) acc += weights[t * k + j] * y[((i64) t * k + j) * cols + c];
    out[i] = accumulate ? out[i] + acc : acc;
}
