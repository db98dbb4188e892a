// y[b][r] (+)= sum_c W[r][c] * x[b][c] for Q8_0 weights, repacked as qs int8 [rows][cols] + d half [rows][cols/32].
// Each lane takes 16 quants per step (a 128-bit load) and does four dp4a against q8_1 activations; wpr warps per row.
// matvec_q8_0_x3 runs up to three matrices that read the same input (q, k, v or gate, up) in one launch.
#include "common.cuh"

__device__ __forceinline__ void q8_0_rows(
        const i8* __restrict__ wq, const u16* __restrict__ wd, const i8* __restrict__ xq, const float2* __restrict__ xds,
        float* __restrict__ y, int rows, int cols, const int* __restrict__ ids, int x_stride, int x_group, int accumulate,
        int wpr, int bx) {
    RowSplit rs = row_split(rows, wpr, bx);
    int b = blockIdx.y, lane = threadIdx.x;
    i64 row = expert_row0(ids, b, rows) + rs.row;
    const int4* w4 = (const int4*) (wq + row * cols);
    const u16* d = wd + row * (cols / 32);
    const int4* x4 = (const int4*) (xq + (i64) (b / x_group) * x_stride);
    const float2* xs = xds + (i64) (b / x_group) * (x_stride / 32);
    int chunks = cols / 16;
    float acc = 0.f;
#pragma unroll 4
    for (int c = lane + WARP * rs.part; c < chunks; c += WARP * wpr) {
        int4 w = w4[c], v = x4[c];
        int s = dp4a(w.x, v.x, 0);
        s = dp4a(w.y, v.y, s);
        s = dp4a(w.z, v.z, s);
        s = dp4a(w.w, v.w, s);
        acc += (float) s * h2f(d[c >> 1]) * xs[c >> 1].x;
    }
    matvec_store(acc, y, rows, rs, wpr, accumulate);
}

extern "C" __global__ void __launch_bounds__(128) matvec_q8_0(
        const i8* wq, const u16* wd, const i8* xq, const float2* xds, float* y, int rows, int cols, const int* ids,
        int x_stride, int x_group, int accumulate, int wpr) {
    q8_0_rows(wq, wd, xq, xds, y, rows, cols, ids, x_stride, x_group, accumulate, wpr, blockIdx.x);
}

extern "C" __global__ void __launch_bounds__(128) matvec_q8_0_x3(
        const i8* w0, const u16* d0, float* y0, int rows0, int wpr0, int nb0,
        const i8* w1, const u16* d1, float* y1, int rows1, int wpr1, int nb1,
        const i8* w2, const u16* d2, float* y2, int rows2, int wpr2,
        const i8* xq, const float2* xds, int cols, int x_stride) {
    int m, bx;
    pick_matrix(nb0, nb1, &m, &bx);
    if (m == 0) q8_0_rows(w0, d0, xq, xds, y0, rows0, cols, nullptr, x_stride, 1, 0, wpr0, bx);
    else if (m == 1) q8_0_rows(w1, d1, xq, xds, y1, rows1, cols, nullptr, x_stride, 1, 0, wpr1, bx);
    else q8_0_rows(w2, d2, xq, xds, y2, rows2, cols, nullptr, x_stride, 1, 0, wpr2, bx);
}
