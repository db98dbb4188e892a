// y[b][r] (+)= W[r] . x[b] for Q4_0 weights, repacked as qs uint8 [rows][cols/2] (GGML nibble order per block:
// byte j holds element j low and j+16 high) + d half [rows][cols/32]. w = d * (q - 8).
// Each lane takes one 32-element block (a 128-bit load) per step; dp4a against q8_1 activations; wpr warps per row.
// matvec_q4_0_x3 runs up to three matrices that read the same input (q, k, v or gate, up) in one launch.
#include "common.cuh"

// Integer dot product of one block's 32 nibbles (element j low, j + 16 high) with its 32 q8_1 quants.
__device__ __forceinline__ int q4_0_dot(int4 w, int4 lo, int4 hi) {
    int s = dp4a(w.x & 0x0F0F0F0F, lo.x, 0);
    s = dp4a(w.y & 0x0F0F0F0F, lo.y, s);
    s = dp4a(w.z & 0x0F0F0F0F, lo.z, s);
    s = dp4a(w.w & 0x0F0F0F0F, lo.w, s);
    s = dp4a((w.x >> 4) & 0x0F0F0F0F, hi.x, s);
    s = dp4a((w.y >> 4) & 0x0F0F0F0F, hi.y, s);
    s = dp4a((w.z >> 4) & 0x0F0F0F0F, hi.z, s);
    return dp4a((w.w >> 4) & 0x0F0F0F0F, hi.w, s);
}

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
        int s = q4_0_dot(w4[k], x4[2 * k], x4[2 * k + 1]);
        float2 m = xs[k];
        // sum (q - 8) * xq * xd = xd * s - 8 * (xd * sum xq)
        acc += h2f(d[k]) * (m.x * (float) s - 8.f * m.y);
    }
    matvec_store(acc, y, rows, rs, wpr, accumulate);
}

extern "C" __global__ void __launch_bounds__(128) matvec_q4_0(
        const u8* wq, const u16* wd, const i8* xq, const float2* xds, float* y, int rows, int cols, const int* ids,
        int x_stride, int x_group, int accumulate, int wpr) {
    pdl_enter();
    q4_0_rows(wq, wd, xq, xds, y, rows, cols, ids, x_stride, x_group, accumulate, wpr, blockIdx.x);
}

extern "C" __global__ void __launch_bounds__(128) matvec_q4_0_x3(
        const u8* w0, const u16* d0, float* y0, int rows0, int wpr0, int nb0,
        const u8* w1, const u16* d1, float* y1, int rows1, int wpr1, int nb1,
        const u8* w2, const u16* d2, float* y2, int rows2, int wpr2,
        const i8* xq, const float2* xds, int cols, int x_stride) {
    pdl_enter();
    int m, bx;
    pick_matrix(nb0, nb1, &m, &bx);
    if (m == 0) q4_0_rows(w0, d0, xq, xds, y0, rows0, cols, nullptr, x_stride, 1, 0, wpr0, bx);
    else if (m == 1) q4_0_rows(w1, d1, xq, xds, y1, rows1, cols, nullptr, x_stride, 1, 0, wpr1, bx);
    else q4_0_rows(w2, d2, xq, xds, y2, rows2, cols, nullptr, x_stride, 1, 0, wpr2, bx);
}

// ---- Variants (MatvecVariant), measured side by side by CudaBench ----
// R: rows per warp, so each activation load (32 quants + their scales) serves R rows of weights.
// U: blocks per lane per step, all loaded before any math, so R * U 16-byte weight loads are in flight per lane.
// SMEM: the block stages the activations in shared memory, Q4_TILE blocks (4096 columns) at a time.
// PIPE: the next step's weights are loaded before this step's math, so a lane never waits with nothing in flight.
#define Q4_TILE 128

template <int R, int U, bool SMEM, bool PIPE>
__device__ __forceinline__ void q4_0_group(
        const u8* __restrict__ wq, const u16* __restrict__ wd, const i8* __restrict__ xq, const float2* __restrict__ xds,
        float* __restrict__ y, int rows, int cols, const int* __restrict__ ids, int x_stride, int x_group, int accumulate,
        int wpr, int bx, bool prefetch, bool early_loads, const PushTarget* push) {
    // low and high 16 quants of each block kept apart, so that a warp reads consecutive int4s (no bank conflicts)
    __shared__ int4 sx[2][SMEM ? Q4_TILE : 1];
    __shared__ float2 sm[SMEM ? Q4_TILE : 1];
    RowGroup g = row_group(R, wpr, bx);
    int b = blockIdx.y, nb = cols / 32, step = WARP * wpr;
    int first = first_row(R, rows, g.row0);
    if (prefetch) {  // the host asks only where ids = 0, rows >= R and cols % 256 == 0
        i64 row_bytes = cols / 2;
        prefetch_group(wq + first * row_bytes, R * row_bytes, wd + (i64) first * (cols / 32), R * (cols / 32) * 2, g.part);
    }
    // weights are never written by an earlier kernel, so a pipelined variant loads its first step before the wait,
    // unless an expert id (an earlier kernel's output) picks the rows; the loop stays as it is
    bool early = PIPE && !SMEM && early_loads && ids == nullptr;
    if (!early) pdl_enter();
    i64 row = expert_row0(ids, b, rows) + first;
    const int4* w4 = (const int4*) (wq + row * (cols / 2));
    const u16* d = wd + row * nb;
    const int4* x4 = (const int4*) (xq + (i64) (b / x_group) * x_stride);
    const float2* xs = xds + (i64) (b / x_group) * (x_stride / 32);
    // this lane's quants and scales of the U blocks of each row from block k on (blocks past t1 are skipped)
    auto load = [&](int k, int t1, int4 (&w)[R][U], u16 (&s)[R][U]) {
#pragma unroll
        for (int u = 0; u < U; u++) {
            int j = k + u * step;
            if (j >= t1) continue;
#pragma unroll
            for (int r = 0; r < R; r++) {
                int o = row_off(r, rows, first) * nb + j;
                w[r][u] = ld_weights(w4 + o);
                s[r][u] = d[o];
            }
        }
    };
    int4 w[R][U];
    u16 s[R][U];
    if (early) {
        load(threadIdx.x + WARP * g.part, nb, w, s);
        pdl_enter();
    }
    float acc[R] = {};
    int span = SMEM ? Q4_TILE : nb;
    for (int t0 = 0; t0 < nb; t0 += span) {
        int t1 = t0 + span < nb ? t0 + span : nb, k = t0 + threadIdx.x + WARP * g.part;
        if constexpr (PIPE)
            if (!early) load(k, t1, w, s);  // ahead of the staging barrier, which loads cannot pass
        if constexpr (SMEM) {
            if constexpr (!PIPE) prefetch_tile<R, U>(w4, nb, rows, first, k, step, t1);  // at least start them coming
            int tid = threadIdx.y * WARP + threadIdx.x, nt = blockDim.y * WARP;
            __syncthreads();  // every warp is done with the previous tile
            for (int i = tid; i < 2 * (t1 - t0); i += nt) sx[i & 1][i >> 1] = x4[2 * t0 + i];
            for (int i = tid; i < t1 - t0; i += nt) sm[i] = xs[t0 + i];
            __syncthreads();
        }
#pragma unroll 1
        for (; k < t1; k += U * step) {
            int4 wn[R][U];
            u16 sn[R][U];
            if constexpr (PIPE) load(k + U * step, t1, wn, sn);
            else load(k, t1, w, s);
#pragma unroll
            for (int u = 0; u < U; u++) {
                int j = k + u * step;
                if (j >= t1) continue;
                int4 lo, hi;
                float2 m;
                if constexpr (SMEM) {
                    lo = sx[0][j - t0], hi = sx[1][j - t0], m = sm[j - t0];
                } else {
                    lo = x4[2 * j], hi = x4[2 * j + 1], m = xs[j];
                }
#pragma unroll
                for (int r = 0; r < R; r++)  // same math as q4_0_rows
                    acc[r] += h2f(s[r][u]) * (m.x * (float) q4_0_dot(w[r][u], lo, hi) - 8.f * m.y);
            }
            if constexpr (PIPE)
#pragma unroll
                for (int u = 0; u < U; u++)
#pragma unroll
                    for (int r = 0; r < R; r++) w[r][u] = wn[r][u], s[r][u] = sn[r][u];
        }
    }
    store_rows<R>(acc, y, rows, g, first, wpr, accumulate, push);
}

// The entry points of the variants (MATVEC_VARIANT in common.cuh), one per MatvecVariant.
MATVEC_VARIANT(matvec_q4_0_u4, u8, q4_0_group, 1, 4, false, false)
MATVEC_VARIANT(matvec_q4_0_r2u2, u8, q4_0_group, 2, 2, false, false)
MATVEC_VARIANT(matvec_q4_0_r4, u8, q4_0_group, 4, 1, false, false)
MATVEC_VARIANT(matvec_q4_0_r4u2, u8, q4_0_group, 4, 2, false, false)
MATVEC_VARIANT(matvec_q4_0_r8, u8, q4_0_group, 8, 1, false, false)
MATVEC_VARIANT(matvec_q4_0_s4, u8, q4_0_group, 4, 1, true, false)
MATVEC_VARIANT(matvec_q4_0_s4u2, u8, q4_0_group, 4, 2, true, false)
MATVEC_VARIANT(matvec_q4_0_r2u2p, u8, q4_0_group, 2, 2, false, true)
MATVEC_VARIANT(matvec_q4_0_r4p, u8, q4_0_group, 4, 1, false, true)
MATVEC_VARIANT(matvec_q4_0_s4p, u8, q4_0_group, 4, 1, true, true)
