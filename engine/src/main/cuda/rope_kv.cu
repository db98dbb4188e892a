// Rotary position embedding of q and k for n tokens at positions pos[0] + t, and k and v written as f16 into this
// layer's cache rows [ctx][n_kv * hd] when kc / vc are given. mode 0: adjacent pairs (llama); mode 2: halves (neox).
// Only the first n_rot dims of a head rotate. freq_factors (llama3 rope_freqs) divide the angle when given.
// Grid (n tokens, any number of blocks): every work item (a q pair, a k pair, a k tail value, a v value) belongs
// to exactly one thread, which also stores what it computed into the cache, so no block waits for another.
// Angles are computed in float, as llama.cpp does (theta = p * base^(-2i/n_rot), sincosf with full range reduction).
#include "common.cuh"

__device__ __forceinline__ void rotate_pair(float* v, int a, int b, float c, float s) {
    float x0 = v[a], x1 = v[b];
    v[a] = x0 * c - x1 * s;
    v[b] = x0 * s + x1 * c;
}

extern "C" __global__ void rope_kv(float* __restrict__ q, float* __restrict__ k, const float* __restrict__ v,
                                   u16* __restrict__ kc, u16* __restrict__ vc, const int* __restrict__ pos,
                                   int n_head, int n_kv, int hd, int n_rot, int neox, float base,
                                   const float* __restrict__ freq_factors) {
    pdl_enter();
    int t = blockIdx.x;
    float p = (float) (pos[0] + t);
    int half = n_rot / 2;
    float* qt = q + (i64) t * n_head * hd;
    float* kt = k + (i64) t * n_kv * hd;
    const float* vt = v + (i64) t * n_kv * hd;
    i64 row = (i64) (pos[0] + t) * n_kv * hd;
    int nq = n_head * half, nk = n_kv * half, ntail = n_kv * (hd - n_rot), nv = (vc ? n_kv * hd : 0);
    int total = nq + nk + (kc ? ntail : 0) + nv;
    float lb = log2f(base);
    for (int j = blockIdx.y * blockDim.x + threadIdx.x; j < total; j += gridDim.y * blockDim.x) {
        if (j < nq + nk) {
            bool isq = j < nq;
            int jj = isq ? j : j - nq, head = jj / half, i = jj % half;
            float theta = p * exp2f(-2.f * i / n_rot * lb) / (freq_factors ? freq_factors[i] : 1.f);
            float s, c;
            sincosf(theta, &s, &c);
            int a = head * hd + (neox ? i : 2 * i), b = head * hd + (neox ? i + half : 2 * i + 1);
            rotate_pair(isq ? qt : kt, a, b, c, s);
            if (!isq && kc) {
                kc[row + a] = f2h(kt[a]);
                kc[row + b] = f2h(kt[b]);
            }
        } else if (kc && j < nq + nk + ntail) {
            int jj = j - nq - nk, head = jj / (hd - n_rot), d = n_rot + jj % (hd - n_rot);
            kc[row + head * hd + d] = f2h(kt[head * hd + d]);
        } else {
            int jj = j - nq - nk - (kc ? ntail : 0);
            vc[row + jj] = f2h(vt[jj]);
        }
    }
}
