// Greedy decoding on the device: the best (value, index) of one row as two words, so that only 8 bytes per device
// reach the host. Ties: the lowest index. One block, which reads float4s four at a time: a decode step's 128K logits
// stream through one SM in a few microseconds only with that many loads in flight. With vocabulary slices on several
// devices, argmax_pick has the ranks exchange their slices' winners as (value, sequence) pairs and each take the best.
#include "pairs.cuh"

// The better of two (value, index) candidates: larger value, then lower index.
__device__ __forceinline__ void better(float& bv, int& bi, float ov, int oi) {
    if (ov > bv || (ov == bv && oi < bi)) { bv = ov; bi = oi; }
}

__device__ __forceinline__ void warp_best(float& bv, int& bi) {
    for (int o = 16; o > 0; o >>= 1) better(bv, bi, __shfl_xor_sync(0xffffffffu, bv, o), __shfl_xor_sync(0xffffffffu, bi, o));
}

// The best (value, index) of x[0, cols) over the block; thread 0 gets it. Every thread calls it.
__device__ __forceinline__ void block_best(const float* __restrict__ x, int cols, float& bv, int& bi) {
    __shared__ float sv[32];
    __shared__ int si[32];
    bv = NEG_INF;
    bi = 0x7fffffff;
    int head = 0;  // values read one at a time: an unaligned start, and the tail
    if (((unsigned long long) x & 15) == 0) {
        const float4* x4 = reinterpret_cast<const float4*>(x);
        int n4 = cols / 4, step = blockDim.x;
        int i = threadIdx.x;
        for (; i + 3 * step < n4; i += 4 * step) {
            float4 v[4];
#pragma unroll
            for (int u = 0; u < 4; u++) v[u] = x4[i + u * step];
#pragma unroll
            for (int u = 0; u < 4; u++) {
                int c = 4 * (i + u * step);
                better(bv, bi, v[u].x, c);
                better(bv, bi, v[u].y, c + 1);
                better(bv, bi, v[u].z, c + 2);
                better(bv, bi, v[u].w, c + 3);
            }
        }
        for (; i < n4; i += step) {
            float4 v = x4[i];
            better(bv, bi, v.x, 4 * i);
            better(bv, bi, v.y, 4 * i + 1);
            better(bv, bi, v.z, 4 * i + 2);
            better(bv, bi, v.w, 4 * i + 3);
        }
        head = 4 * n4;
    }
    for (int c = head + threadIdx.x; c < cols; c += blockDim.x) better(bv, bi, x[c], c);
    warp_best(bv, bi);
    int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    if (lane == 0) { sv[wid] = bv; si[wid] = bi; }
    __syncthreads();
    if (wid == 0) {
        bv = lane < nw ? sv[lane] : NEG_INF;
        bi = lane < nw ? si[lane] : 0x7fffffff;
        warp_best(bv, bi);
    }
}

// Writes the winner to out, and when next is not null makes it the next step's token at the next position (no winner,
// from NaN logits: token 0, and the host reports the missing winner it reads from out).
__device__ __forceinline__ void give_winner(float bv, int bi, int vocab, float* out, int* next) {
    out[0] = bv;
    out[1] = __int_as_float(bi);
    if (next) { next[0] += 1; next[1] = bi < vocab ? bi : 0; }
}

// next, when not null, is the (position, token id) pair a decode step reads: the winner becomes the next step's token
// at the next position, so greedy steps can follow each other without the host.
extern "C" __global__ void argmax_pair(const float* __restrict__ x, int cols, float* __restrict__ out, int* __restrict__ next) {
    pdl_enter();
    float bv;
    int bi;
    block_best(x, cols, bv, bi);
    if (threadIdx.x == 0) give_winner(bv, bi, cols, out, next);
}

// The same over a vocabulary slice [offset, offset + cols) of vocab ids on each of ranks devices: rank pushes its
// slice's winner as {value, seq, id, seq} into slot rank of every rank's box ([2][MAX_RANKS] 16-byte pairs, halves by
// the sequence's parity, counter as in allreduce.cu), then takes the best of its own box's slots in rank order, so
// every rank makes the same token its next one. A wait gives up (setting *error) after 10 s or once *error is set.
extern "C" __global__ void argmax_pick(RANK_BOXES, const float* __restrict__ x, int cols, int offset, int vocab,
                                       float* __restrict__ out, int* __restrict__ next, int* counter, int rank, int ranks,
                                       int* error) {
    pdl_enter();
    float bv;
    int bi;
    block_best(x, cols, bv, bi);
    if (threadIdx.x != 0) return;
    uint4* boxes[MAX_RANKS] = {b0, b1, b2, b3, b4, b5, b6, b7};
    u32 seq = (u32) *counter + 1;
    i64 half = (seq & 1) * MAX_RANKS;
    uint4 mine = make_uint4(__float_as_uint(bv), seq, bi < cols ? (u32) (bi + offset) : 0x7fffffffu, seq);
    for (int p = 0; p < ranks; p++) st_volatile4(boxes[p] + half + rank, mine);
    long long start = global_ns();
    bool ok = true;
    float best = NEG_INF;
    int id = 0x7fffffff;
    for (int r = 0; r < ranks && ok; r++) {
        const uint4* slot = boxes[rank] + half + r;
        uint4 e = ld_volatile(slot);
        await_pair(slot, e, seq, error, start, ok);
        better(best, id, __uint_as_float(e.x), (int) e.z);
    }
    give_winner(best, ok ? id : 0x7fffffff, vocab, out, next);
    *counter = (int) seq;
}
