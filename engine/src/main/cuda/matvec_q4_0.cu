// y[b][r] (+)= W[r] . x[b] for Q4_0 weights, repacked as qs uint8 [rows][cols/2] (GGML nibble order per block:
// byte j holds element j low and j+16 high) + d half [rows][cols/32]. w = d * (q - 8).
// A warp computes R rows; each lane takes one 32-element block (a 128-bit load) per row per step, so the q8_1
// activations it loads serve R rows, and R independent weight loads are in flight. dp4a does the products.
#include "common.cuh"

template <int R>
__device__ __forceinline__ void matvec_q4_0_rows(
        const u8* __restrict__ wq, const u16* __restrict__ wd, const i8* __restrict__ xq, const float2* __restrict__ xds,
        float* __restrict__ y, int rows, int cols, const int* __restrict__ ids, int x_stride, int x_group, int accumulate) {
    int r0 = (blockIdx.x * blockDim.y + threadIdx.y) * R;
    if (r0 >= rows) return;
    int b = blockIdx.y, lane = threadIdx.x;
    i64 row0 = expert_row0(ids, b, rows) + r0;
    int nb = cols / 32;
    const int4* x4 = (const int4*) (xq + (i64) (b / x_group) * x_stride);
    const float2* xs = xds + (i64) (b / x_group) * (x_stride / 32);
    float acc[R];
#pragma unroll
    for (int i = 0; i < R; i++) acc[i] = 0.f;
#pragma unroll 2
    for (int k = lane; k < nb; k += WARP) {
        int4 lo = x4[2 * k], hi = x4[2 * k + 1];
        float2 m = xs[k];
        int4 w[R];
        float d[R];
#pragma unroll
        for (int i = 0; i < R; i++) {
            int ri = min(r0 + i, rows - 1);  // a short last group re-reads its last row; only real rows are stored
            w[i] = ((const int4*) (wq + (row0 - r0 + ri) * (cols / 2)))[k];
            d[i] = h2f(wd[(row0 - r0 + ri) * nb + k]);
        }
#pragma unroll
        for (int i = 0; i < R; i++) {
            int s = dp4a(w[i].x & 0x0F0F0F0F, lo.x, 0);
            s = dp4a(w[i].y & 0x0F0F0F0F, lo.y, s);
            s = dp4a(w[i].z & 0x0F0F0F0F, lo.z, s);
            s = dp4a(w[i].w & 0x0F0F0F0F, lo.w, s);
            s = dp4a((w[i].x >> 4) & 0x0F0F0F0F, hi.x, s);
            s = dp4a((w[i].y >> 4) & 0x0F0F0F0F, hi.y, s);
            s = dp4a((w[i].z >> 4) & 0x0F0F0F0F, hi.z, s);
            s = dp4a((w[i].w >> 4) & 0x0F0F0F0F, hi.w, s);
            // sum (q - 8) * xq * xd = xd * s - 8 * (xd * sum xq)
            acc[i] += d[i] * (m.x * (float) s - 8.f * m.y);
        }
    }
#pragma unroll
    for (int i = 0; i < R; i++) {
        float v = warp_sum(acc[i]);
        if (lane == 0 && r0 + i < rows) {
            float* out = y + (i64) b * rows + r0 + i;
            *out = accumulate ? *out + v : v;
        }
    }
}

#define Q4_0_ENTRY(NAME, R)                                                                                         \
    extern "C" __global__ void __launch_bounds__(128) NAME(const u8* wq, const u16* wd, const i8* xq,                 \
            const float2* xds, float* y, int rows, int cols, const int* ids, int x_stride, int x_group, int accumulate) { \
        matvec_q4_0_rows<R>(wq, wd, xq, xds, y, rows, cols, ids, x_stride, x_group, accumulate);                    \
    }

Q4_0_ENTRY(matvec_q4_0, 1)
Q4_0_ENTRY(matvec_q4_0_r2, 2)
Q4_0_ENTRY(matvec_q4_0_r4, 4)
