// out = silu(gate) * up, elementwise over n values (the FFN activation).
#include "common.cuh"

extern "C" __global__ void swiglu(const float* __restrict__ gate, const float* __restrict__ up,
                                  float* __restrict__ out, long long n) {
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        float g = gate[i];
        out[i] = g / (1.f + __expf(-g)) * up[i];
    }
}
