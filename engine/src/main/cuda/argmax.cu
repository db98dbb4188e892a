// Greedy sampling on the device: ids[t] = argmax of row t (ties: lowest index), one block per row.
#include "common.cuh"

extern "C" __global__ void argmax(const float* __restrict__ x, int* __restrict__ ids, int cols) {
    __shared__ float sv[32];
    __shared__ int si[32];
    const float* r = x + (i64) blockIdx.x * cols;
    float bv = NEG_INF;
    int bi = 0x7fffffff;
    for (int c = threadIdx.x; c < cols; c += blockDim.x)
        if (r[c] > bv) { bv = r[c]; bi = c; }
    for (int o = 16; o > 0; o >>= 1) {
        float ov = __shfl_xor_sync(0xffffffffu, bv, o);
        int oi = __shfl_xor_sync(0xffffffffu, bi, o);
        if (ov > bv || (ov == bv && oi < bi)) { bv = ov; bi = oi; }
    }
    int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    if (lane == 0) { sv[wid] = bv; si[wid] = bi; }
    __syncthreads();
    if (wid == 0) {
        bv = lane < nw ? sv[lane] : NEG_INF;
        bi = lane < nw ? si[lane] : 0x7fffffff;
        for (int o = 16; o > 0; o >>= 1) {
            float ov = __shfl_xor_sync(0xffffffffu, bv, o);
            int oi = __shfl_xor_sync(0xffffffffu, bi, o);
            if (ov > bv || (ov == bv && oi < bi)) { bv = ov; bi = oi; }
        }
        if (lane == 0) ids[blockIdx.x] = bi;
    }
}

// The best (value, index) of one row as two words, for greedy decoding and vocabulary slices on several devices
// (the host compares the slices' winners). Ties: the lowest index. One block.
extern "C" __global__ void argmax_pair(const float* __restrict__ x, int cols, float* __restrict__ out) {
    __shared__ float sv[32];
    __shared__ int si[32];
    float bv = NEG_INF;
    int bi = 0x7fffffff;
    for (int c = threadIdx.x; c < cols; c += blockDim.x)
        if (x[c] > bv) { bv = x[c]; bi = c; }
    for (int o = 16; o > 0; o >>= 1) {
        float ov = __shfl_xor_sync(0xffffffffu, bv, o);
        int oi = __shfl_xor_sync(0xffffffffu, bi, o);
        if (ov > bv || (ov == bv && oi < bi)) { bv = ov; bi = oi; }
    }
    int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    if (lane == 0) { sv[wid] = bv; si[wid] = bi; }
    __syncthreads();
    if (wid == 0) {
        bv = lane < nw ? sv[lane] : NEG_INF;
        bi = lane < nw ? si[lane] : 0x7fffffff;
        for (int o = 16; o > 0; o >>= 1) {
            float ov = __shfl_xor_sync(0xffffffffu, bv, o);
            int oi = __shfl_xor_sync(0xffffffffu, bi, o);
            if (ov > bv || (ov == bv && oi < bi)) { bv = ov; bi = oi; }
        }
        if (lane == 0) { out[0] = bv; out[1] = __int_as_float(bi); }
    }
}
