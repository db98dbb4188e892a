// out[t] = dequantized row ids[t] of a weight matrix in its device layout (token embedding lookup).
#include "dequant.cuh"

extern "C" __global__ void get_rows(int type, const u8* __restrict__ w, const u16* __restrict__ wd,
                                    const int* __restrict__ ids, float* __restrict__ out, int cols) {
    pdl_enter();
    int t = blockIdx.x;
    i64 row = ids[t];
    for (int c = threadIdx.x; c < cols; c += blockDim.x)
        out[(i64) t * cols + c] = dequant_elem(type, w, wd, row, cols, c);
}
