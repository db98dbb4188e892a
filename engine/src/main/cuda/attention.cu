// Decode attention, flash-decoding style. Pass 1 (attn_split): block (head, split, token) scores the keys of one
// chunk of CHUNK positions, two threads per key (each half of the head dims, 128-bit loads where the head size
// allows), keeps exp(s - m) in shared memory and writes an unnormalised partial output plus (m, l). Pass 2
// (attn_combine) merges the splits of each head. Token t sees positions [0, pos[0] + t] (causal), so the same kernels
// serve a prompt batch. GQA: query head h reads kv head h / (n_head / n_kv). Cache is f16 [ctx][n_kv * hd].
#include "common.cuh"

#define CHUNK 64

// q . k over dims [d0, d1) of one cached key; q in shared memory.
__device__ __forceinline__ float key_dot(const float* sq, const u16* kp, int d0, int d1, bool vec) {
    float s = 0.f;
    if (vec) {
#pragma unroll 4
        for (int d = d0; d < d1; d += 8) {
            uint4 u = *(const uint4*) (kp + d);
            u32 w[4] = {u.x, u.y, u.z, u.w};
#pragma unroll
            for (int i = 0; i < 4; i++)
                s += sq[d + 2 * i] * h2f((u16) (w[i] & 0xFFFF)) + sq[d + 2 * i + 1] * h2f((u16) (w[i] >> 16));
        }
    } else {
        for (int d = d0; d < d1; d++) s += sq[d] * h2f(kp[d]);
    }
    return s;
}

extern "C" __global__ void __launch_bounds__(128) attn_split(
        const float* __restrict__ q, const u16* __restrict__ kc, const u16* __restrict__ vc,
        float* __restrict__ part, float2* __restrict__ ml, const int* __restrict__ pos,
        int n_head, int n_kv, int hd, float scale) {
    pdl_enter();
    __shared__ float sq[256];
    __shared__ float sp[CHUNK];
    __shared__ float scratch[32];
    int h = blockIdx.x, s = blockIdx.y, t = blockIdx.z, nsplit = gridDim.y;
    int kv_len = pos[0] + t + 1;
    int p0 = s * CHUNK, p1 = min(p0 + CHUNK, kv_len), n = p1 - p0;
    i64 slot = ((i64) t * n_head + h) * nsplit + s;
    if (p0 >= kv_len) return;  // the combine pass skips splits past kv_len
    int kvh = h / (n_head / n_kv), stride = n_kv * hd;
    const float* qh = q + ((i64) t * n_head + h) * hd;
    for (int d = threadIdx.x; d < hd; d += blockDim.x) sq[d] = qh[d];
    __syncthreads();
    // two threads per key (blockDim.x == 2 * CHUNK): each scores half of the head dims
    int i = threadIdx.x >> 1, half = threadIdx.x & 1, hh = hd / 2;
    bool vec = (hh % 8) == 0;
    float dot = 0.f;
    if (i < n) dot = key_dot(sq, kc + (i64) (p0 + i) * stride + kvh * hd, half * hh, half * hh + hh, vec);
    dot += __shfl_xor_sync(0xffffffffu, dot, 1);
    if (i < n && half == 0) sp[i] = dot * scale;
    __syncthreads();
    float m = threadIdx.x < n ? sp[threadIdx.x] : NEG_INF;
    m = block_max(m, scratch);
    float e = 0.f;
    if (threadIdx.x < n) {
        e = __expf(sp[threadIdx.x] - m);
        sp[threadIdx.x] = e;
    }
    float l = block_sum(e, scratch);  // its barriers also publish sp
    for (int d = threadIdx.x; d < hd; d += blockDim.x) {
        const u16* vp = vc + (i64) p0 * stride + kvh * hd + d;
        float acc = 0.f;
#pragma unroll 8
        for (int j = 0; j < n; j++) acc += sp[j] * h2f(vp[(i64) j * stride]);
        part[slot * hd + d] = acc;
    }
    if (threadIdx.x == 0) ml[slot] = make_float2(m, l);
}

// xq non-null: out's q8_1 form is written too (hd a multiple of 32 and blockDim.x == hd, so each warp holds one
// group), sparing the output projection its quantization launch.
__device__ __forceinline__ void combine(const float* __restrict__ part, const float2* __restrict__ ml,
                                        float* __restrict__ out, const int* __restrict__ pos,
                                        int n_head, int hd, int nsplit, i8* xq, float2* xds) {
    int h = blockIdx.x, t = blockIdx.y;
    int kv_len = pos[0] + t + 1;
    int used = min(nsplit, (kv_len + CHUNK - 1) / CHUNK);
    i64 base = ((i64) t * n_head + h) * nsplit;
    float M = NEG_INF;
    for (int s = 0; s < used; s++) M = fmaxf(M, ml[base + s].x);
    float L = 0.f;
    for (int s = 0; s < used; s++) L += ml[base + s].y * __expf(ml[base + s].x - M);
    for (int d = threadIdx.x; d < hd; d += blockDim.x) {
        float acc = 0.f;
        for (int s = 0; s < used; s++) acc += part[(base + s) * hd + d] * __expf(ml[base + s].x - M);
        i64 i = ((i64) t * n_head + h) * hd + d;
        out[i] = acc / L;
        if (xq) q8_group(acc / L, xq, xds, i);
    }
}

extern "C" __global__ void attn_combine(const float* __restrict__ part, const float2* __restrict__ ml,
                                        float* __restrict__ out, const int* __restrict__ pos,
                                        int n_head, int hd, int nsplit) {
    pdl_enter();
    combine(part, ml, out, pos, n_head, hd, nsplit, nullptr, nullptr);
}

extern "C" __global__ void attn_combine_q8(const float* __restrict__ part, const float2* __restrict__ ml,
                                           float* __restrict__ out, const int* __restrict__ pos,
                                           int n_head, int hd, int nsplit, i8* __restrict__ xq, float2* __restrict__ xds) {
    pdl_enter();
    combine(part, ml, out, pos, n_head, hd, nsplit, xq, xds);
}
