// Rows [row0, row0 + gridDim.x) of a weight matrix -> f16 [rows][cols], the tiles that cuBLAS multiplies for
// prompts (one block per row); and f32 activations -> f16 for the other operand.
#include "dequant.cuh"

extern "C" __global__ void dequant_f16(int type, const u8* __restrict__ w, const u16* __restrict__ wd,
                                       u16* __restrict__ out, long long row0, int cols) {
    i64 r = blockIdx.x;
    for (int c = threadIdx.x; c < cols; c += blockDim.x)
        out[r * cols + c] = f2h(dequant_elem(type, w, wd, row0 + r, cols, c));
}

extern "C" __global__ void f32_to_f16(const float* __restrict__ x, u16* __restrict__ out, long long n) {
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x)
        out[i] = f2h(x[i]);
}
