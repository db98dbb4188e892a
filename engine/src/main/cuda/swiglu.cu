// out = silu(gate) * up, elementwise over n values (the FFN activation). swiglu_q8 also writes out's q8_1 form
// (n a multiple of 32: each warp's 32 consecutive values are one group), for the down projection's matvec.
#include "common.cuh"

extern "C" __global__ void swiglu(const float* __restrict__ gate, const float* __restrict__ up,
                                  float* __restrict__ out, long long n) {
    pdl_enter();
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        float g = gate[i];
        out[i] = g / (1.f + __expf(-g)) * up[i];
    }
}

extern "C" __global__ void swiglu_q8(const float* __restrict__ gate, const float* __restrict__ up,
                                     float* __restrict__ out, i8* __restrict__ xq, float2* __restrict__ xds, long long n) {
    pdl_enter();
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x) {
        float g = gate[i];
        float v = g / (1.f + __expf(-g)) * up[i];
        out[i] = v;
        q8_group(v, xq, xds, i);
    }
}
