// y[b][r] (+)= W[r] . x[b] for Q4_0 weights, repacked as qs uint8 [rows][cols/2] (GGML nibble order per block:
// byte j holds element j low and j+16 high) + d half [rows][cols/32]. w = d * (q - 8).
// Each lane takes one 32-element block (a 128-bit load) per step; dp4a against q8_1 activations; wpr warps per row.
// matvec_q4_0_x3 runs up to three matrices that read the same input (q, k, v or gate, up) in one launch.
#include "common.cuh"

__device__ __forceinline__ void q4_0_rows(
        const u8* __restrict__ wq, const u16* __restrict__ wd, const i8* __restrict__ xq, const float2* __restrict__ xds,
        float* __restrict__ y, int rows, int cols, const int* __restrict__ ids, int x_stride, int x_group, int accumulate,
        int wpr, int bx) {
    RowSplit rs = row_split(rows, wpr, bx);
    int b = blockIdx.y, lane = threadIdx.x;
    i64 row = expert_row0(ids, b, rows) + rs.row;
    int nb = cols / 32;
    const int4* w4 = (const int4*) (wq + row * (cols / 2));
    const u16* d = wd + row * nb;
    const int4* x4 = (const int4*) (xq + (i64) (b / x_group) * x_stride);
    const float2* xs = xds + (i64) (b / x_group) * (x_stride / 32);
    float acc = 0.f;
#pragma unroll 4
    for (int k = lane + WARP * rs.part; k < nb; k += WARP * wpr) {
        int4 w = w4[k];
        int4 lo = x4[2 * k], hi = x4[2 * k + 1];
        int s = dp4a(w.x & 0x0F0F0F0F, lo.x, 0);
        s = dp4a(w.y & 0x0F0F0F0F, lo.y, s);
        s = dp4a(w.z & 0x0F0F0F0F, lo.z, s);
        s = dp4a(w.w & 0x0F0F0F0F, lo.w, s);
        s = dp4a((w.x >> 4) & 0x0F0F0F0F, hi.x, s);
        s = dp4a((w.y >> 4) & 0x0F0F0F0F, hi.y, s);
        s = dp4a((w.z >> 4) & 0x0F0F0F0F, hi.z, s);
        s = dp4a((w.w >> 4) & 0x0F0F0F0F, hi.w, s);
        float2 m = xs[k];
        // sum (q - 8) * xq * xd = xd * s - 8 * (xd * sum xq)
        acc += h2f(d[k]) * (m.x * (float) s - 8.f * m.y);
    }
    matvec_store(acc, y, rows, rs, wpr, accumulate);
}

extern "C" __global__ void __launch_bounds__(128) matvec_q4_0(
        const u8* wq, const u16* wd, const i8* xq, const float2* xds, float* y, int rows, int cols, const int* ids,
        int x_stride, int x_group, int accumulate, int wpr) {
    q4_0_rows(wq, wd, xq, xds, y, rows, cols, ids, x_stride, x_group, accumulate, wpr, blockIdx.x);
}

extern "C" __global__ void __launch_bounds__(128) matvec_q4_0_x3(
        const u8* w0, const u16* d0, float* y0, int rows0, int wpr0, int nb0,
        const u8* w1, const u16* d1, float* y1, int rows1, int wpr1, int nb1,
        const u8* w2, const u16* d2, float* y2, int rows2, int wpr2,
        const i8* xq, const float2* xds, int cols, int x_stride) {
    int m, bx;
    pick_matrix(nb0, nb1, &m, &bx);
    if (m == 0) q4_0_rows(w0, d0, xq, xds, y0, rows0, cols, nullptr, x_stride, 1, 0, wpr0, bx);
    else if (m == 1) q4_0_rows(w1, d1, xq, xds, y1, rows1, cols, nullptr, x_stride, 1, 0, wpr1, bx);
    else q4_0_rows(w2, d2, xq, xds, y2, rows2, cols, nullptr, x_stride, 1, 0, wpr2, bx);
}
