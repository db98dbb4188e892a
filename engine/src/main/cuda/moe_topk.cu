// MoE routing for one token per thread: softmax over the router logits, keep the k largest (ties: lower expert id),
// optionally renormalise their weights to sum to one (Mixtral). Writes (expert id as float, weight) pairs [n][k][2],
// the engine's route format; moe_ids turns the ids into ints for the expert matvec.
#include "common.cuh"

extern "C" __global__ void moe_topk(const float* __restrict__ logits, float* __restrict__ pairs,
                                    int n, int n_expert, int k, int renorm) {
    pdl_enter();
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= n) return;
    const float* l = logits + (i64) t * n_expert;
    float m = NEG_INF, z = 0.f;
    for (int e = 0; e < n_expert; e++) m = fmaxf(m, l[e]);
    for (int e = 0; e < n_expert; e++) z += __expf(l[e] - m);
    float prev = __int_as_float(0x7f800000);  // +inf
    int prev_id = -1;
    float sum = 0.f;
    float* out = pairs + (i64) t * k * 2;
    for (int j = 0; j < k; j++) {
        // next best below (prev, prev_id) in the order (value desc, id asc)
        int best = -1;
        float bv = NEG_INF;
        for (int e = 0; e < n_expert; e++) {
            float v = l[e];
            bool below = v < prev || (v == prev && e > prev_id);
            if (below && (best < 0 || v > bv)) {
                best = e;
                bv = v;
            }
        }
        float p = __expf(bv - m) / z;
        out[2 * j] = (float) best;
        out[2 * j + 1] = p;
        sum += p;
        prev = bv;
        prev_id = best;
    }
    if (renorm)
        for (int j = 0; j < k; j++) out[2 * j + 1] /= sum;
}

extern "C" __global__ void moe_ids(const float* __restrict__ pairs, int* __restrict__ ids, int count) {
    pdl_enter();
    int i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i < count) ids[i] = (int) pairs[2 * i];
}
