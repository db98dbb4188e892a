// Decode attention, flash-decoding style. Pass 1 (attn_split): block (head, split, token) scores the keys of one
// chunk of positions, keeps exp(s - m) in shared memory and writes an unnormalised partial output plus (m, l).
// Pass 2 (attn_combine) merges the splits of each head. Token t sees positions [0, pos[0] + t] (causal), so the
// same kernels serve a prompt batch. GQA: query head h reads kv head h / (n_head / n_kv). Cache is f16 [ctx][n_kv*hd].
#include "common.cuh"

#define CHUNK 256

extern "C" __global__ void __launch_bounds__(128) attn_split(
        const float* __restrict__ q, const u16* __restrict__ kc, const u16* __restrict__ vc,
        float* __restrict__ part, float2* __restrict__ ml, const int* __restrict__ pos,
        int n_head, int n_kv, int hd, float scale) {
    __shared__ float sq[256];
    __shared__ float sp[CHUNK];
    __shared__ float scratch[32];
    int h = blockIdx.x, s = blockIdx.y, t = blockIdx.z, nsplit = gridDim.y;
    int kv_len = pos[0] + t + 1;
    int p0 = s * CHUNK, p1 = min(p0 + CHUNK, kv_len);
    i64 slot = ((i64) t * n_head + h) * nsplit + s;
    if (p0 >= kv_len) return;  // the combine pass skips splits past kv_len
    int kvh = h / (n_head / n_kv), stride = n_kv * hd;
    const float* qh = q + ((i64) t * n_head + h) * hd;
    for (int d = threadIdx.x; d < hd; d += blockDim.x) sq[d] = qh[d];
    __syncthreads();
    int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = blockDim.x >> 5;
    for (int p = p0 + wid; p < p1; p += nw) {
        const u16* kp = kc + (i64) p * stride + kvh * hd;
        float dot = 0.f;
        for (int d = lane; d < hd; d += WARP) dot += sq[d] * h2f(kp[d]);
        dot = warp_sum(dot);
        if (lane == 0) sp[p - p0] = dot * scale;
    }
    __syncthreads();
    float m = NEG_INF;
    for (int i = threadIdx.x; i < p1 - p0; i += blockDim.x) m = fmaxf(m, sp[i]);
    m = block_max(m, scratch);
    float l = 0.f;
    for (int i = threadIdx.x; i < p1 - p0; i += blockDim.x) {
        float e = __expf(sp[i] - m);
        sp[i] = e;
        l += e;
    }
    l = block_sum(l, scratch);  // its barriers also publish sp
    for (int d = threadIdx.x; d < hd; d += blockDim.x) {
        const u16* vp = vc + (i64) p0 * stride + kvh * hd + d;
        float acc = 0.f;
        for (int i = 0; i < p1 - p0; i++) acc += sp[i] * h2f(vp[(i64) i * stride]);
        part[slot * hd + d] = acc;
    }
    if (threadIdx.x == 0) ml[slot] = make_float2(m, l);
}

extern "C" __global__ void attn_combine(const float* __restrict__ part, const float2* __restrict__ ml,
                                        float* __restrict__ out, const int* __restrict__ pos,
                                        int n_head, int hd, int nsplit) {
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
        out[((i64) t * n_head + h) * hd + d] = acc / L;
    }
}
