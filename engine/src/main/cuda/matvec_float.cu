// y[b][r] (+)= W[r] . x[b] for plain F32, F16 and BF16 weights against f32 activations (no quantization).
// wpr warps per row; 128-bit loads when the row length allows it, scalar loads otherwise (e.g. 172-wide rows).
#include "common.cuh"

__device__ __forceinline__ float ld(const u16* p, i64 i, bool bf) { return bf ? bf2f(p[i]) : h2f(p[i]); }

template <bool BF>
__device__ __forceinline__ float dot8(int4 w, const float4* x) {
    u32 u[4] = {(u32) w.x, (u32) w.y, (u32) w.z, (u32) w.w};
    float4 a = x[0], c = x[1];
    float xs[8] = {a.x, a.y, a.z, a.w, c.x, c.y, c.z, c.w};
    float s = 0.f;
#pragma unroll
    for (int i = 0; i < 4; i++) {
        u16 l = (u16) (u[i] & 0xFFFF), h = (u16) (u[i] >> 16);
        s += (BF ? bf2f(l) : h2f(l)) * xs[2 * i] + (BF ? bf2f(h) : h2f(h)) * xs[2 * i + 1];
    }
    return s;
}

template <bool BF>
__device__ void matvec_half(const u16* __restrict__ w, const float* __restrict__ x, float* __restrict__ y,
                            int rows, int cols, const int* __restrict__ ids, int x_stride, int x_group, int accumulate, int wpr) {
    RowSplit rs = row_split(rows, wpr, blockIdx.x);
    int b = blockIdx.y, lane = threadIdx.x;
    const u16* wr = w + (expert_row0(ids, b, rows) + rs.row) * cols;
    const float* xb = x + (i64) (b / x_group) * x_stride;
    float acc = 0.f;
    if ((cols & 7) == 0 && (x_stride & 3) == 0) {
        const int4* w4 = (const int4*) wr;
#pragma unroll 4
        for (int c = lane + WARP * rs.part; c < cols / 8; c += WARP * wpr) acc += dot8<BF>(w4[c], (const float4*) (xb + 8 * c));
    } else {
        for (int c = lane + WARP * rs.part; c < cols; c += WARP * wpr) acc += ld(wr, c, BF) * xb[c];
    }
    matvec_store(acc, y, rows, rs, wpr, accumulate);
}

extern "C" __global__ void __launch_bounds__(128) matvec_f16(const u16* w, const float* x, float* y, int rows,
        int cols, const int* ids, int x_stride, int x_group, int accumulate, int wpr) {
    pdl_enter();
    matvec_half<false>(w, x, y, rows, cols, ids, x_stride, x_group, accumulate, wpr);
}

extern "C" __global__ void __launch_bounds__(128) matvec_bf16(const u16* w, const float* x, float* y, int rows,
        int cols, const int* ids, int x_stride, int x_group, int accumulate, int wpr) {
    pdl_enter();
    matvec_half<true>(w, x, y, rows, cols, ids, x_stride, x_group, accumulate, wpr);
}

extern "C" __global__ void __launch_bounds__(128) matvec_f32(const float* __restrict__ w, const float* __restrict__ x,
        float* __restrict__ y, int rows, int cols, const int* __restrict__ ids, int x_stride, int x_group, int accumulate,
        int wpr) {
    pdl_enter();
    RowSplit rs = row_split(rows, wpr, blockIdx.x);
    int b = blockIdx.y, lane = threadIdx.x;
    const float* wr = w + (expert_row0(ids, b, rows) + rs.row) * cols;
    const float* xb = x + (i64) (b / x_group) * x_stride;
    float acc = 0.f;
    if ((cols & 3) == 0 && (x_stride & 3) == 0) {
        const float4* w4 = (const float4*) wr;
        const float4* x4 = (const float4*) xb;
#pragma unroll 4
        for (int c = lane + WARP * rs.part; c < cols / 4; c += WARP * wpr) {
            float4 a = w4[c], v = x4[c];
            acc += a.x * v.x + a.y * v.y + a.z * v.z + a.w * v.w;
        }
    } else {
        for (int c = lane + WARP * rs.part; c < cols; c += WARP * wpr) acc += wr[c] * xb[c];
    }
    matvec_store(acc, y, rows, rs, wpr, accumulate);
}
