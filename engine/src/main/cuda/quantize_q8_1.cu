// Activations f32 -> q8_1 (int8 quants + per-32 scale and scaled sum) for the dp4a matvec kernels.
// Layout: xq int8 [n][cols], xds float2 [n][cols/32] = (d, d * sum(q)).
#include "common.cuh"

extern "C" __global__ void quantize_q8_1(const float* __restrict__ x, i8* __restrict__ xq,
                                         float2* __restrict__ xds, long long nblocks) {
    pdl_enter();
    long long blk = (long long) blockIdx.x * (blockDim.x >> 5) + (threadIdx.x >> 5);
    if (blk >= nblocks) return;
    int lane = threadIdx.x & 31;
    float v = x[blk * 32 + lane];
    float amax = warp_max(fabsf(v));
    float d = amax / 127.f;
    int q = amax == 0.f ? 0 : __float2int_rn(v / d);
    xq[blk * 32 + lane] = (i8) q;
    int s = warp_sum_int(q);
    if (lane == 0) xds[blk] = make_float2(d, d * (float) s);
}
