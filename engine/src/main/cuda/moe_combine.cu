// out[t] (+)= sum_j w[t][j] * y[t*k + j]: the weighted sum of the k expert outputs of each token, the weights read
// from the (id, weight) route pairs that moe_topk wrote.
#include "common.cuh"

extern "C" __global__ void moe_combine(const float* __restrict__ y, const float* __restrict__ pairs,
                                       float* __restrict__ out, int n, int k, int cols, int accumulate) {
    pdl_enter();
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long long) n * cols) return;
    int t = (int) (i / cols), c = (int) (i % cols);
    float acc = 0.f;
    for (int j = 0; j < k; j++) acc += pairs[2 * (t * k + j) + 1] * y[((i64) t * k + j) * cols + c];
    out[i] = accumulate ? out[i] + acc : acc;
}
