// y[b][r] (+)= W[r] . x[b] for Q6_K weights, repacked into 208-byte blocks (ql[128], qh[64], int8 scales[16];
// 16-byte aligned) + d half [rows][cols/256]. In GGML order, half n of a super-block holds, for l < 32,
// q(l)    = ql[64n+l] & 15  | (qh[32n+l] & 3) << 4        scale sc[8n + l/16]
// q(l+32) = ql[64n+l+32] & 15 | (qh[32n+l] >> 2 & 3) << 4 scale sc[8n + l/16 + 2]
// q(l+64) = ql[64n+l] >> 4 | (qh[32n+l] >> 4 & 3) << 4     scale sc[8n + l/16 + 4]
// q(l+96) = ql[64n+l+32] >> 4 | (qh[32n+l] >> 6) << 4      scale sc[8n + l/16 + 6];  w = d * sc * (q - 32).
// Four lanes per super-block; each loads 48 bytes with three 128-bit loads and produces 64 products by dp4a.
// wpr warps per row.
#include "common.cuh"

__device__ __forceinline__ int q6_dot(int v, int x0, int acc) {
    return dp4a(__vsub4(v, 0x20202020), x0, acc);
}

extern "C" __global__ void __launch_bounds__(128) matvec_q6_k(
        const u8* __restrict__ w, const u16* __restrict__ wd,
        const i8* __restrict__ xq, const float2* __restrict__ xds,
        float* __restrict__ y, int rows, int cols, const int* __restrict__ ids, int x_stride, int x_group, int accumulate,
        int wpr) {
    pdl_enter();
    RowSplit rs = row_split(rows, wpr, blockIdx.x);
    int b = blockIdx.y, lane = threadIdx.x;
    i64 row = expert_row0(ids, b, rows) + rs.row;
    int nsb = cols / 256;
    const u8* wrow = w + row * nsb * 208;
    const u16* drow = wd + row * nsb;
    const i8* x = xq + (i64) (b / x_group) * x_stride;
    const float2* xs = xds + (i64) (b / x_group) * (x_stride / 32);
    int n = (lane >> 1) & 1, k = lane & 1, l0 = 16 * k;
    float acc = 0.f;
#pragma unroll 2
    for (int sb = (lane >> 2) + 8 * rs.part; sb < nsb; sb += 8 * wpr) {
        const u8* blk = wrow + sb * 208;
        int4 a = *(const int4*) (blk + 64 * n + l0);
        int4 bq = *(const int4*) (blk + 64 * n + l0 + 32);
        int4 h = *(const int4*) (blk + 128 + 32 * n + l0);
        const i8* sc = (const i8*) (blk + 192 + 8 * n + k);
        const i8* xb = x + sb * 256 + 128 * n + l0;
        int av[4] = {a.x, a.y, a.z, a.w}, bv[4] = {bq.x, bq.y, bq.z, bq.w}, hv[4] = {h.x, h.y, h.z, h.w};
        int4 x0 = *(const int4*) (xb), x1 = *(const int4*) (xb + 32);
        int4 x2 = *(const int4*) (xb + 64), x3 = *(const int4*) (xb + 96);
        int xv0[4] = {x0.x, x0.y, x0.z, x0.w}, xv1[4] = {x1.x, x1.y, x1.z, x1.w};
        int xv2[4] = {x2.x, x2.y, x2.z, x2.w}, xv3[4] = {x3.x, x3.y, x3.z, x3.w};
        int s0 = 0, s1 = 0, s2 = 0, s3 = 0;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            s0 = q6_dot((av[i] & 0x0F0F0F0F) | ((hv[i] << 4) & 0x30303030), xv0[i], s0);
            s1 = q6_dot((bv[i] & 0x0F0F0F0F) | ((hv[i] << 2) & 0x30303030), xv1[i], s1);
            s2 = q6_dot(((av[i] >> 4) & 0x0F0F0F0F) | (hv[i] & 0x30303030), xv2[i], s2);
            s3 = q6_dot(((bv[i] >> 4) & 0x0F0F0F0F) | ((hv[i] >> 2) & 0x30303030), xv3[i], s3);
        }
        const float2* m = xs + sb * 8 + 4 * n;
        float part = sc[0] * m[0].x * (float) s0 + sc[2] * m[1].x * (float) s1
                   + sc[4] * m[2].x * (float) s2 + sc[6] * m[3].x * (float) s3;
        acc += h2f(drow[sb]) * part;
    }
    matvec_store(acc, y, rows, rs, wpr, accumulate);
}
