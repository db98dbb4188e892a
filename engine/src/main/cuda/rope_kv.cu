// Rotary position embedding of q and k for n tokens at positions pos[0] + t, then k and v written as f16 into this
// layer's cache rows [ctx][n_kv * hd]. mode 0: adjacent pairs (llama); mode 2: halves (neox). Only the first
// n_rot dims of a head rotate. freq_factors (llama3 rope_freqs) divide the angle when given.
#include "common.cuh"

__device__ __forceinline__ void rotate(float* v, int head_off, int i, int n_rot, int neox, float p, float base,
                                       const float* ff) {
    double inv = pow((double) base, -2.0 * i / n_rot);
    double ang = p * inv / (ff ? ff[i] : 1.f);
    float c = (float) cos(ang), s = (float) sin(ang);
    int a = neox ? i : 2 * i, b = neox ? i + n_rot / 2 : 2 * i + 1;
    float x0 = v[head_off + a], x1 = v[head_off + b];
    v[head_off + a] = x0 * c - x1 * s;
    v[head_off + b] = x0 * s + x1 * c;
}

extern "C" __global__ void rope_kv(float* __restrict__ q, float* __restrict__ k, const float* __restrict__ v,
                                   u16* __restrict__ kc, u16* __restrict__ vc, const int* __restrict__ pos,
                                   int n_head, int n_kv, int hd, int n_rot, int neox, float base,
                                   const float* __restrict__ freq_factors) {
    int t = blockIdx.x;
    int p = pos[0] + t;
    int half = n_rot / 2;
    float* qt = q + (i64) t * n_head * hd;
    float* kt = k + (i64) t * n_kv * hd;
    const float* vt = v + (i64) t * n_kv * hd;
    for (int j = threadIdx.x; j < n_head * half; j += blockDim.x)
        rotate(qt, (j / half) * hd, j % half, n_rot, neox, (float) p, base, freq_factors);
    for (int j = threadIdx.x; j < n_kv * half; j += blockDim.x)
        rotate(kt, (j / half) * hd, j % half, n_rot, neox, (float) p, base, freq_factors);
    __syncthreads();
    i64 row = (i64) p * n_kv * hd;
    for (int j = threadIdx.x; j < n_kv * hd; j += blockDim.x) {
        kc[row + j] = f2h(kt[j]);
        vc[row + j] = f2h(vt[j]);
    }
}
