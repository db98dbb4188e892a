// MoE routing for one token per thread: softmax over the router logits, keep the k largest (ties: lower expert id),
// and renormalise their weights to sum to one (Mixtral). ids [n][k] feed the expert matvec, weights [n][k] the combine.
#include "common.cuh"

extern "C" __global__ void moe_topk(const float* __restrict__ logits, int* __restrict__ ids,
                                    float* __restrict__ weights, int n, int n_expert, int k) {
    int t = blockIdx.x * blockDim.x + threadIdx.x;
    if (t >= n) return;
    const float* l = logits + (i64) t * n_expert;
    float m = NEG_INF;
    for (int e = 0; e < n_expert; e++) m = fmaxf(m, l[e]);
    float prev = __int_as_float(0x7f800000);  // +inf
    int prev_id = -1;
    float sum = 0.f;
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
        float p = __expf(bv - m);
        ids[t * k + j] = best;
        weights[t * k + j] = p;
        sum += p;
        prev = bv;
        prev_id = best;
    }
    for (int j = 0; j < k; j++) weights[t * k + j] /= sum;
}
