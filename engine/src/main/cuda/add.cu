// out = a + b, elementwise over n values (residual adds that are not fused into a matvec).
#include "common.cuh"

extern "C" __global__ void add(const float* __restrict__ a, const float* __restrict__ b, float* __restrict__ out,
                               long long n) {
    pdl_enter();
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x)
        out[i] = a[i] + b[i];
}
