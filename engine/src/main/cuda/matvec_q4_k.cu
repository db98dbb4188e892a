// y[b][r] (+)= W[r] . x[b] for Q4_K weights in GGML's own 144-byte blocks (16-byte aligned, so no repack):
// half d, half dmin, scales[12] (6-bit scale and min for 8 sub-blocks of 32), qs[128]; 64-element chunk j keeps
// sub-block 2j in the low nibbles of qs[32j..32j+31] and sub-block 2j+1 in the high ones. w = d*sc*q - dmin*m.
// Eight lanes per super-block, each a 128-bit load of 32 quants, dp4a against q8_1 activations; wpr warps per row.
#include "common.cuh"

__device__ __forceinline__ void scale_min_k4(int j, const u8* q, int* sc, int* m) {
    if (j < 4) {
        *sc = q[j] & 63;
        *m = q[j + 4] & 63;
    } else {
        *sc = (q[j + 4] & 0xF) | ((q[j - 4] >> 6) << 4);
        *m = (q[j + 4] >> 4) | ((q[j] >> 6) << 4);
    }
}

extern "C" __global__ void __launch_bounds__(128) matvec_q4_k(
        const u8* __restrict__ w, const i8* __restrict__ xq, const float2* __restrict__ xds,
        float* __restrict__ y, int rows, int cols, const int* __restrict__ ids, int x_stride, int x_group, int accumulate,
        int wpr) {
    pdl_enter();
    RowSplit rs = row_split(rows, wpr, blockIdx.x);
    int b = blockIdx.y, lane = threadIdx.x;
    i64 row = expert_row0(ids, b, rows) + rs.row;
    int nsb = cols / 256;
    const u8* wrow = w + row * nsb * 144;
    const i8* x = xq + (i64) (b / x_group) * x_stride;
    const float2* xs = xds + (i64) (b / x_group) * (x_stride / 32);
    int c = lane & 7, j = c >> 1, h = c & 1;
    float acc = 0.f;
#pragma unroll 2
    for (int sb = (lane >> 3) + 4 * rs.part; sb < nsb; sb += 4 * wpr) {
        const u8* blk = wrow + sb * 144;
        int4 q = *(const int4*) (blk + 16 + 16 * c);
        const int4 lo = *(const int4*) (x + sb * 256 + 64 * j + 16 * h);
        const int4 hi = *(const int4*) (x + sb * 256 + 64 * j + 32 + 16 * h);
        int sl = dp4a(q.x & 0x0F0F0F0F, lo.x, 0);
        sl = dp4a(q.y & 0x0F0F0F0F, lo.y, sl);
        sl = dp4a(q.z & 0x0F0F0F0F, lo.z, sl);
        sl = dp4a(q.w & 0x0F0F0F0F, lo.w, sl);
        int sh = dp4a((q.x >> 4) & 0x0F0F0F0F, hi.x, 0);
        sh = dp4a((q.y >> 4) & 0x0F0F0F0F, hi.y, sh);
        sh = dp4a((q.z >> 4) & 0x0F0F0F0F, hi.z, sh);
        sh = dp4a((q.w >> 4) & 0x0F0F0F0F, hi.w, sh);
        const int ones = 0x01010101;
        int xl = dp4a(ones, lo.x, dp4a(ones, lo.y, dp4a(ones, lo.z, dp4a(ones, lo.w, 0))));
        int xh = dp4a(ones, hi.x, dp4a(ones, hi.y, dp4a(ones, hi.z, dp4a(ones, hi.w, 0))));
        float d = h2f(*(const u16*) blk), dmin = h2f(*(const u16*) (blk + 2));
        int sc0, m0, sc1, m1;
        scale_min_k4(2 * j, blk + 4, &sc0, &m0);
        scale_min_k4(2 * j + 1, blk + 4, &sc1, &m1);
        float xd0 = xs[sb * 8 + 2 * j].x, xd1 = xs[sb * 8 + 2 * j + 1].x;
        acc += xd0 * (d * sc0 * (float) sl - dmin * m0 * (float) xl)
             + xd1 * (d * sc1 * (float) sh - dmin * m1 * (float) xh);
    }
    matvec_store(acc, y, rows, rs, wpr, accumulate);
}
