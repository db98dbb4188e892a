// Greedy decoding on the device: the best (value, index) of one row as two words, so that only 8 bytes per device
// reach the host (with vocabulary slices on several devices, the host compares the slices' winners). Ties: the
// lowest index. One block.
#include "common.cuh"

// The better of two (value, index) candidates: larger value, then lower index.
__device__ __forceinline__ void better(float& bv, int& bi, float ov, int oi) {
    if (ov > bv || (ov == bv && oi < bi)) { bv = ov; bi = oi; }
}

__device__ __forceinline__ void warp_best(float& bv, int& bi) {
    for (int o = 16; o > 0; o >>= 1) better(bv, bi, __shfl_xor_sync(0xffffffffu, bv, o), __shfl_xor_sync(0xffffffffu, bi, o));
}

extern "C" __global__ void argmax_pair(const float* __restrict__ x, int cols, float* __restrict__ out) {
    __shared__ float sv[32];
    __shared__ int si[32];
    float bv = NEG_INF;
    int bi = 0x7fffffff;
    for (int c = threadIdx.x; c < cols; c += blockDim.x) better(bv, bi, x[c], c);
    warp_best(bv, bi);
    int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    if (lane == 0) { sv[wid] = bv; si[wid] = bi; }
    __syncthreads();
    if (wid == 0) {
        bv = lane < nw ? sv[lane] : NEG_INF;
        bi = lane < nw ? si[lane] : 0x7fffffff;
        warp_best(bv, bi);
        if (lane == 0) { out[0] = bv; out[1] = __int_as_float(bi); }
    }
}
