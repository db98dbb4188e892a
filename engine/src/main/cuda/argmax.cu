// Greedy decoding on the device: the best (value, index) of one row as two words, so that only 8 bytes per device
// reach the host (with vocabulary slices on several devices, the host compares the slices' winners). Ties: the
// lowest index. One block, which reads float4s four at a time: a decode step's 128K logits stream through one SM in a
// few microseconds only with that many loads in flight.
#include "common.cuh"

// The better of two (value, index) candidates: larger value, then lower index.
__device__ __forceinline__ void better(float& bv, int& bi, float ov, int oi) {
    if (ov > bv || (ov == bv && oi < bi)) { bv = ov; bi = oi; }
}

__device__ __forceinline__ void warp_best(float& bv, int& bi) {
    for (int o = 16; o > 0; o >>= 1) better(bv, bi, __shfl_xor_sync(0xffffffffu, bv, o), __shfl_xor_sync(0xffffffffu, bi, o));
}

// next, when not null, is the (position, token id) pair a decode step reads: the winner becomes the next step's token
// at the next position, so greedy steps can follow each other without the host.
extern "C" __global__ void argmax_pair(const float* __restrict__ x, int cols, float* __restrict__ out, int* __restrict__ next) {
    pdl_enter();
    __shared__ float sv[32];
    __shared__ int si[32];
    float bv = NEG_INF;
    int bi = 0x7fffffff;
    int head = 0;  // values read one at a time: an unaligned start, and the tail
    if (((unsigned long long) x & 15) == 0) {
        const float4* x4 = reinterpret_cast<const float4*>(x);
        int n4 = cols / 4, step = blockDim.x;
        int i = threadIdx.x;
        for (; i + 3 * step < n4; i += 4 * step) {
            float4 v[4];
#pragma unroll
            for (int u = 0; u < 4; u++) v[u] = x4[i + u * step];
#pragma unroll
            for (int u = 0; u < 4; u++) {
                int c = 4 * (i + u * step);
                better(bv, bi, v[u].x, c);
                better(bv, bi, v[u].y, c + 1);
                better(bv, bi, v[u].z, c + 2);
                better(bv, bi, v[u].w, c + 3);
            }
        }
        for (; i < n4; i += step) {
            float4 v = x4[i];
            better(bv, bi, v.x, 4 * i);
            better(bv, bi, v.y, 4 * i + 1);
            better(bv, bi, v.z, 4 * i + 2);
            better(bv, bi, v.w, 4 * i + 3);
        }
        head = 4 * n4;
    }
    for (int c = head + threadIdx.x; c < cols; c += blockDim.x) better(bv, bi, x[c], c);
    warp_best(bv, bi);
    int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    if (lane == 0) { sv[wid] = bv; si[wid] = bi; }
    __syncthreads();
    if (wid == 0) {
        bv = lane < nw ? sv[lane] : NEG_INF;
        bi = lane < nw ? si[lane] : 0x7fffffff;
        warp_best(bv, bi);
        if (lane == 0) {
            out[0] = bv;
            out[1] = __int_as_float(bi);
            if (next) { next[0] += 1; next[1] = bi < cols ? bi : 0; }  // no winner (NaN logits): the host reports it
        }
    }
}
