// y[b][r] (+)= sum_c W[r][c] * x[b][c] for Q8_0 weights, repacked as qs int8 [rows][cols] + d half [rows][cols/32].
// A warp computes R rows; each lane takes 16 quants per row per step (a 128-bit load) and does four dp4a against the
// q8_1 activations, which it loads once for all R rows.
#include "common.cuh"

template <int R>
__device__ __forceinline__ void matvec_q8_0_rows(
        const i8* __restrict__ wq, const u16* __restrict__ wd, const i8* __restrict__ xq, const float2* __restrict__ xds,
        float* __restrict__ y, int rows, int cols, const int* __restrict__ ids, int x_stride, int x_group, int accumulate) {
    int r0 = (blockIdx.x * blockDim.y + threadIdx.y) * R;
    if (r0 >= rows) return;
    int b = blockIdx.y, lane = threadIdx.x;
    i64 base = expert_row0(ids, b, rows);
    const int4* x4 = (const int4*) (xq + (i64) (b / x_group) * x_stride);
    const float2* xs = xds + (i64) (b / x_group) * (x_stride / 32);
    int chunks = cols / 16;
    float acc[R];
#pragma unroll
    for (int i = 0; i < R; i++) acc[i] = 0.f;
#pragma unroll 2
    for (int c = lane; c < chunks; c += WARP) {
        int4 v = x4[c];
        float xd = xs[c >> 1].x;
        int4 w[R];
        float d[R];
#pragma unroll
        for (int i = 0; i < R; i++) {
            i64 row = base + min(r0 + i, rows - 1);
            w[i] = ((const int4*) (wq + row * cols))[c];
            d[i] = h2f(wd[row * (cols / 32) + (c >> 1)]);
        }
#pragma unroll
        for (int i = 0; i < R; i++) {
            int s = dp4a(w[i].x, v.x, 0);
            s = dp4a(w[i].y, v.y, s);
            s = dp4a(w[i].z, v.z, s);
            s = dp4a(w[i].w, v.w, s);
            acc[i] += (float) s * d[i] * xd;
        }
    }
#pragma unroll
    for (int i = 0; i < R; i++) {
        float s = warp_sum(acc[i]);
        if (lane == 0 && r0 + i < rows) {
            float* out = y + (i64) b * rows + r0 + i;
            *out = accumulate ? *out + s : s;
        }
    }
}

#define Q8_0_ENTRY(NAME, R)                                                                                         \
    extern "C" __global__ void __launch_bounds__(128) NAME(const i8* wq, const u16* wd, const i8* xq,                 \
            const float2* xds, float* y, int rows, int cols, const int* ids, int x_stride, int x_group, int accumulate) { \
        matvec_q8_0_rows<R>(wq, wd, xq, xds, y, rows, cols, ids, x_stride, x_group, accumulate);                    \
    }

Q8_0_ENTRY(matvec_q8_0, 1)
Q8_0_ENTRY(matvec_q8_0_r2, 2)
Q8_0_ENTRY(matvec_q8_0_r4, 4)
