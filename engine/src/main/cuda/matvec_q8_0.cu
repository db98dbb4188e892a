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
    pdl_enter();
    q8_0_rows(wq, wd, xq, xds, y, rows, cols, ids, x_stride, x_group, accumulate, wpr, blockIdx.x);
}

extern "C" __global__ void __launch_bounds__(128) matvec_q8_0_x3(
        const i8* w0, const u16* d0, float* y0, int rows0, int wpr0, int nb0,
        const i8* w1, const u16* d1, float* y1, int rows1, int wpr1, int nb1,
        const i8* w2, const u16* d2, float* y2, int rows2, int wpr2,
        const i8* xq, const float2* xds, int cols, int x_stride) {
    pdl_enter();
    int m, bx;
    pick_matrix(nb0, nb1, &m, &bx);
    if (m == 0) q8_0_rows(w0, d0, xq, xds, y0, rows0, cols, nullptr, x_stride, 1, 0, wpr0, bx);
    else if (m == 1) q8_0_rows(w1, d1, xq, xds, y1, rows1, cols, nullptr, x_stride, 1, 0, wpr1, bx);
    else q8_0_rows(w2, d2, xq, xds, y2, rows2, cols, nullptr, x_stride, 1, 0, wpr2, bx);
}

// ---- Variants (MatvecVariant), measured side by side by CudaBench ----
// R: rows per warp, so each activation load (16 quants + their scale) serves R rows of weights.
// U: chunks per lane per step, all loaded before any math, so R * U 16-byte weight loads are in flight per lane.
// SMEM: the block stages the activations in shared memory, Q8_TILE chunks (4096 columns) at a time.
// PIPE: the next step's weights are loaded before this step's math, so a lane never waits with nothing in flight.
#define Q8_TILE 256

template <int R, int U, bool SMEM, bool PIPE>
__device__ __forceinline__ void q8_0_group(
        const i8* __restrict__ wq, const u16* __restrict__ wd, const i8* __restrict__ xq, const float2* __restrict__ xds,
        float* __restrict__ y, int rows, int cols, const int* __restrict__ ids, int x_stride, int x_group, int accumulate,
        int wpr, int bx, bool prefetch, bool early_loads, const PushTarget* push) {
    __shared__ int4 sx[SMEM ? Q8_TILE : 1];
    __shared__ float sd[SMEM ? Q8_TILE / 2 : 1];
    RowGroup g = row_group(R, wpr, bx);
    int b = blockIdx.y, nc = cols / 16, step = WARP * wpr;
    int first = first_row(R, rows, g.row0);
    if (prefetch) {  // the host asks only where ids = 0, rows >= R and cols % 256 == 0
        i64 row_bytes = cols;
        prefetch_group(wq + first * row_bytes, R * row_bytes, wd + (i64) first * (cols / 32), R * (cols / 32) * 2, g.part);
    }
    // weights are never written by an earlier kernel, so a pipelined variant loads its first step before the wait,
    // unless an expert id (an earlier kernel's output) picks the rows; the loop stays as it is
    bool early = PIPE && !SMEM && early_loads && ids == nullptr;
    if (!early) pdl_enter();
    i64 row = expert_row0(ids, b, rows) + first;
    const int4* w4 = (const int4*) (wq + row * cols);
    const u16* d = wd + row * (nc / 2);
    const int4* x4 = (const int4*) (xq + (i64) (b / x_group) * x_stride);
    const float2* xs = xds + (i64) (b / x_group) * (x_stride / 32);
    // this lane's quants and scales of the U chunks of each row from chunk k on (chunks past t1 are skipped)
    auto load = [&](int k, int t1, int4 (&w)[R][U], u16 (&s)[R][U]) {
#pragma unroll
        for (int u = 0; u < U; u++) {
            int j = k + u * step;
            if (j >= t1) continue;
#pragma unroll
            for (int r = 0; r < R; r++) {
                int o = row_off(r, rows, first);
                w[r][u] = ld_weights(w4 + o * nc + j);
                s[r][u] = d[o * (nc / 2) + (j >> 1)];
            }
        }
    };
    int4 w[R][U];
    u16 s[R][U];
    if (early) {
        load(threadIdx.x + WARP * g.part, nc, w, s);
        pdl_enter();
    }
    float acc[R] = {};
    int span = SMEM ? Q8_TILE : nc;
    for (int t0 = 0; t0 < nc; t0 += span) {
        int t1 = t0 + span < nc ? t0 + span : nc, k = t0 + threadIdx.x + WARP * g.part;
        if constexpr (PIPE)
            if (!early) load(k, t1, w, s);  // ahead of the staging barrier, which loads cannot pass
        if constexpr (SMEM) {
            if constexpr (!PIPE) prefetch_tile<R, U>(w4, nc, rows, first, k, step, t1);  // at least start them coming
            int tid = threadIdx.y * WARP + threadIdx.x, nt = blockDim.y * WARP;
            __syncthreads();  // every warp is done with the previous tile
            for (int i = tid; i < t1 - t0; i += nt) sx[i] = x4[t0 + i];
            for (int i = tid; i < (t1 - t0) / 2; i += nt) sd[i] = xs[t0 / 2 + i].x;
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
                int4 v;
                float xd;
                if constexpr (SMEM) {
                    v = sx[j - t0], xd = sd[(j - t0) >> 1];
                } else {
                    v = x4[j], xd = xs[j >> 1].x;
                }
#pragma unroll
                for (int r = 0; r < R; r++) {  // same math as q8_0_rows
                    int dot = dp4a(w[r][u].x, v.x, 0);
                    dot = dp4a(w[r][u].y, v.y, dot);
                    dot = dp4a(w[r][u].z, v.z, dot);
                    dot = dp4a(w[r][u].w, v.w, dot);
                    acc[r] += (float) dot * h2f(s[r][u]) * xd;
                }
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
MATVEC_VARIANT(matvec_q8_0_u4, i8, q8_0_group, 1, 4, false, false)
MATVEC_VARIANT(matvec_q8_0_r2u2, i8, q8_0_group, 2, 2, false, false)
MATVEC_VARIANT(matvec_q8_0_r4, i8, q8_0_group, 4, 1, false, false)
MATVEC_VARIANT(matvec_q8_0_r4u2, i8, q8_0_group, 4, 2, false, false)
MATVEC_VARIANT(matvec_q8_0_r8, i8, q8_0_group, 8, 1, false, false)
MATVEC_VARIANT(matvec_q8_0_s4, i8, q8_0_group, 4, 1, true, false)
MATVEC_VARIANT(matvec_q8_0_s4u2, i8, q8_0_group, 4, 2, true, false)
MATVEC_VARIANT(matvec_q8_0_r2u2p, i8, q8_0_group, 2, 2, false, true)
MATVEC_VARIANT(matvec_q8_0_r4p, i8, q8_0_group, 4, 1, false, true)
MATVEC_VARIANT(matvec_q8_0_s4p, i8, q8_0_group, 4, 1, true, true)
