// Rotary position embedding of q and k for n tokens at positions pos[0] + t, and k and v written as f16 into this
// layer's cache rows [ctx][n_kv * hd] when kc / vc are given. mode 0: adjacent pairs (llama); mode 2: halves (neox).
// Only the first n_rot dims of a head rotate. freq_factors (llama3 rope_freqs) divide the angle when given.
// Grid (n tokens, any number of blocks): every work item (a q pair, a k pair, a k tail value, a v value) belongs
// to exactly one thread, which also stores what it computed into the cache, so no block waits for another.
// The angles and the rotation are rope.cuh's.
#include "rope.cuh"

__device__ __forceinline__ void rotate_pair(float* v, int a, int b, float2 cs) {
    float x0 = v[a], x1 = v[b];
    v[a] = rope_rotated(x0, x1, cs, false);
    v[b] = rope_rotated(x0, x1, cs, true);
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
            int a = head * hd + rope_first(i, n_rot, neox), b = head * hd + rope_second(i, n_rot, neox);
            rotate_pair(isq ? qt : kt, a, b, rope_cos_sin(p, i, n_rot, lb, freq_factors));
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
