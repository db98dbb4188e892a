// Decode attention, flash-decoding style. Pass 1 (attn_split): block (head, split, token) scores the keys of one
// chunk of CHUNK positions, two threads per key (each half of the head dims), keeps exp(s - m) in shared memory and
// writes an unnormalised partial output plus (m, l); one query token with a head size of 64, 128 or 256 takes a
// faster path (attn_split_token, split_fast). Pass 2 (attn_combine) merges the splits of each head. Token t sees
// positions [0, pos[0] + t] (causal), so the same kernels serve a prompt batch. GQA: query head h reads kv head
// h / (n_head / n_kv). Cache is f16 [ctx][n_kv * hd]. attn_split_token_rope also does rope_kv's work for its token.
#include "rope.cuh"

#define CHUNK 64
#define SPLIT_THREADS (2 * CHUNK)

// q . k over 8 dims, the key's 8 halves packed in u.
__device__ __forceinline__ float dot8(const float* q, uint4 u) {
    u32 w[4] = {u.x, u.y, u.z, u.w};
    float s = 0.f;
#pragma unroll
    for (int i = 0; i < 4; i++) s += q[2 * i] * h2f((u16) (w[i] & 0xFFFF)) + q[2 * i + 1] * h2f((u16) (w[i] >> 16));
    return s;
}

// acc[0..8) += p * the 8 halves packed in u.
__device__ __forceinline__ void axpy8(float* acc, float p, uint4 u) {
    u32 w[4] = {u.x, u.y, u.z, u.w};
#pragma unroll
    for (int i = 0; i < 4; i++) {
        acc[2 * i] += p * h2f((u16) (w[i] & 0xFFFF));
        acc[2 * i + 1] += p * h2f((u16) (w[i] >> 16));
    }
}

// q . k over dims [d0, d1) of one cached key; q in shared memory.
__device__ __forceinline__ float key_dot(const float* sq, const u16* kp, int d0, int d1, bool vec) {
    float s = 0.f;
    if (vec) {
#pragma unroll 4
        for (int d = d0; d < d1; d += 8) s += dot8(sq + d, *(const uint4*) (kp + d));
    } else {
        for (int d = d0; d < d1; d++) s += sq[d] * h2f(kp[d]);
    }
    return s;
}

// What a split block shares between its passes.
struct SplitSmem {
    float q[256];
    float p[CHUNK];                 // the scores, then exp(score - m)
    float scratch[32];
};

// Softmax numerators of the chunk's n scores in sp (in place); returns m, and l through *l.
__device__ __forceinline__ float chunk_softmax(float* sp, int n, float* scratch, float* l) {
    float m = threadIdx.x < n ? sp[threadIdx.x] : NEG_INF;
    m = block_max(m, scratch);
    float e = 0.f;
    if (threadIdx.x < n) {
        e = __expf(sp[threadIdx.x] - m);
        sp[threadIdx.x] = e;
    }
    *l = block_sum(e, scratch);  // its barriers also publish sp
    return m;
}

// Any head size: each thread reads its cache values one row after another, after waiting for the KV write.
__device__ __forceinline__ void split_any(const float* qh, const u16* kp0, const u16* vp0, float* out, float2* ml,
                                          int n, int hd, int stride, float scale, SplitSmem& sm) {
    pdl_enter();
    for (int d = threadIdx.x; d < hd; d += blockDim.x) sm.q[d] = qh[d];
    __syncthreads();
    // two threads per key (blockDim.x == 2 * CHUNK): each scores half of the head dims
    int i = threadIdx.x >> 1, half = threadIdx.x & 1, hh = hd / 2;
    float dot = 0.f;
    if (i < n) dot = key_dot(sm.q, kp0 + (i64) i * stride, half * hh, half * hh + hh, hh % 8 == 0);
    dot += __shfl_xor_sync(0xffffffffu, dot, 1);
    if (i < n && half == 0) sm.p[i] = dot * scale;
    __syncthreads();
    float l, m = chunk_softmax(sm.p, n, sm.scratch, &l);
    for (int d = threadIdx.x; d < hd; d += blockDim.x) {
        const u16* vp = vp0 + d;
        float acc = 0.f;
#pragma unroll 8
        for (int j = 0; j < n; j++) acc += sm.p[j] * h2f(vp[(i64) j * stride]);
        out[d] = acc;
    }
    if (threadIdx.x == 0) *ml = make_float2(m, l);
}

// The decode attention that ropes for itself (attn_split_token_rope) reads its token's q, k and v as the projections
// wrote them (f32, not yet roped): the newest cache row is built from them rather than read, and one block per kv
// head (writer) stores it into the cache for later steps. So no rope_kv launch stands between the projections and
// the attention.
struct Fresh {
    const float *k, *v;   // this kv head's new key and value
    int pos, n_rot, neox;
    float log2_base;
    const float* freq_factors;
    bool writer;
    u16 *krow, *vrow;     // the new row's place in the cache (this kv head)
};

struct __align__(16) FreshSmem {  // kh is read 16 bytes at a time
    float2 cs[128];       // cos and sin of every rotating pair
    float k[256];         // the new key before its rope
    u16 kh[256];          // and after it, as cached
};

// Ropes the raw q in sm.q in place and, when the block holds the new row (has_new), the new key into fs.kh and the
// value into vr: one dim per thread, so no thread walks a whole row. The writer also caches the row. The caller's
// barrier publishes sm.q and fs.kh.
template <int HD>
__device__ __forceinline__ void rope_fresh(bool has_new, int n, const Fresh& fresh, FreshSmem& fs, SplitSmem& sm, uint4* vr) {
    constexpr int G = HD / 8, P = SPLIT_THREADS / G, VP = CHUNK / P;
    constexpr int PER = (HD + SPLIT_THREADS - 1) / SPLIT_THREADS;  // dims per thread
    if (has_new) {
        for (int d = threadIdx.x; d < HD; d += blockDim.x) fs.k[d] = fresh.k[d];
        // the value needs no rope: straight from the projection into this thread's registers
        int g = threadIdx.x % G, pg = threadIdx.x / G;
#pragma unroll
        for (int u = 0; u < VP; u++)
            if (pg + u * P == n - 1) {
                u32 w[4];
#pragma unroll
                for (int e = 0; e < 4; e++)
                    w[e] = (u32) f2h(fresh.v[8 * g + 2 * e]) | ((u32) f2h(fresh.v[8 * g + 2 * e + 1]) << 16);
                vr[u] = make_uint4(w[0], w[1], w[2], w[3]);
                if (fresh.writer) *(uint4*) (fresh.vrow + 8 * g) = vr[u];
            }
    }
    __syncthreads();  // the raw q and k are in shared memory
    float qr[PER];
#pragma unroll
    for (int e = 0; e < PER; e++) {
        int d = threadIdx.x + e * SPLIT_THREADS;
        if (d >= HD) continue;
        qr[e] = rope_dim(sm.q, d, fresh.n_rot, fresh.neox, fs.cs);
        if (has_new) {
            u16 h = f2h(rope_dim(fs.k, d, fresh.n_rot, fresh.neox, fs.cs));
            fs.kh[d] = h;
            if (fresh.writer) fresh.krow[d] = h;
        }
    }
    __syncthreads();  // every thread has read the raw q
#pragma unroll
    for (int e = 0; e < PER; e++) {
        int d = threadIdx.x + e * SPLIT_THREADS;
        if (d < HD) sm.q[d] = qr[e];
    }
}

// Head sizes 64, 128 and 256: every cache value the block needs is loaded into registers in one batch, so a chunk
// costs about one memory latency rather than one per value row. Rows older than this step (all but the newest in
// decoding) are loaded before waiting for the previous kernel, the KV write, which only writes this step's rows. With
// ROPE the previous kernel is the projections, and the newest row comes from their output (rope_fresh).
// Thread (i, half) scores key i over half of the dims; thread (g, pg) sums dims [8g, 8g + 8) over rows pg, pg + P, ...
template <int HD, bool ROPE>
__device__ __forceinline__ void split_fast(const float* qh, const u16* kp0, const u16* vp0, float* out, float2* ml,
                                           int n, int older, int stride, float scale, SplitSmem& sm, float* sums,
                                           const Fresh& fresh, FreshSmem& fs) {
    constexpr int KP = HD / 16;              // 16-byte pieces of half a key
    constexpr int G = HD / 8;                // 8-dim groups of a value row
    constexpr int P = SPLIT_THREADS / G;     // position groups
    constexpr int VP = CHUNK / P;            // value rows per thread
    int i = threadIdx.x >> 1, half = threadIdx.x & 1, g = threadIdx.x % G, pg = threadIdx.x / G;
    uint4 kr[KP], vr[VP];
    auto load_rows = [&](int lo, int hi) {   // this thread's pieces of rows [lo, hi)
        if (i >= lo && i < hi) {
            const uint4* k4 = (const uint4*) (kp0 + (i64) i * stride + half * (HD / 2));
#pragma unroll
            for (int u = 0; u < KP; u++) kr[u] = k4[u];
        }
#pragma unroll
        for (int u = 0; u < VP; u++) {
            int j = pg + u * P;
            if (j >= lo && j < hi) vr[u] = *(const uint4*) (vp0 + (i64) j * stride + 8 * g);
        }
    };
    int ready = older < n ? older : n;
    load_rows(0, ready);
    if (ROPE) {  // the angles depend on the position alone, known before the projections end
        for (int i = threadIdx.x; i < fresh.n_rot / 2; i += blockDim.x)
            fs.cs[i] = rope_cos_sin((float) fresh.pos, i, fresh.n_rot, fresh.log2_base, fresh.freq_factors);
        __syncthreads();
    }
    pdl_enter();
    if (!ROPE) load_rows(ready > 0 ? ready : 0, n);
    for (int d = threadIdx.x; d < HD; d += blockDim.x) sm.q[d] = qh[d];
    if (ROPE) rope_fresh<HD>(ready < n, n, fresh, fs, sm, vr);
    __syncthreads();
    if (ROPE && ready < n && i == n - 1)  // the new key, roped above
#pragma unroll
        for (int u = 0; u < KP; u++) kr[u] = *(const uint4*) (fs.kh + half * (HD / 2) + 8 * u);
    float dot = 0.f;
    if (i < n)
#pragma unroll
        for (int u = 0; u < KP; u++) dot += dot8(sm.q + half * (HD / 2) + 8 * u, kr[u]);
    dot += __shfl_xor_sync(0xffffffffu, dot, 1);
    if (i < n && half == 0) sm.p[i] = dot * scale;
    __syncthreads();
    float l, m = chunk_softmax(sm.p, n, sm.scratch, &l);
    float acc[8] = {};
#pragma unroll
    for (int u = 0; u < VP; u++) {
        int j = pg + u * P;
        if (j < n) axpy8(acc, sm.p[j], vr[u]);
    }
#pragma unroll
    for (int e = 0; e < 8; e++) sums[pg * HD + 8 * g + e] = acc[e];
    __syncthreads();
    for (int d = threadIdx.x; d < HD; d += blockDim.x) {
        float s = 0.f;
#pragma unroll
        for (int p = 0; p < P; p++) s += sums[p * HD + d];
        out[d] = s;
    }
    if (threadIdx.x == 0) *ml = make_float2(m, l);
}

// Block (head, split, token)'s share of the work: n cached rows from p0, of which older were cached before this step.
struct Split {
    const float* q;
    const u16 *k, *v;
    float* out;
    float2* ml;
    int n, older, stride;
};

// n <= 0: nothing to do (the combine pass skips splits past kv_len). pos is the step's input, written before the step
// began, so it may be read before pdl_enter.
__device__ __forceinline__ Split split_of(const float* q, const u16* kc, const u16* vc, float* part, float2* ml,
                                          const int* pos, int n_head, int n_kv, int hd) {
    int h = blockIdx.x, s = blockIdx.y, t = blockIdx.z, nsplit = gridDim.y;
    int p0 = s * CHUNK, kvh = h / (n_head / n_kv);
    i64 slot = ((i64) t * n_head + h) * nsplit + s;
    Split w;
    w.stride = n_kv * hd;
    w.n = min(p0 + CHUNK, pos[0] + t + 1) - p0;
    w.older = pos[0] - p0;
    w.q = q + ((i64) t * n_head + h) * hd;
    w.k = kc + (i64) p0 * w.stride + kvh * hd;
    w.v = vc + (i64) p0 * w.stride + kvh * hd;
    w.out = part + slot * hd;
    w.ml = ml + slot;
    return w;
}

// A prompt batch: many blocks, so the light kernel that keeps many of them resident.
extern "C" __global__ void __launch_bounds__(SPLIT_THREADS) attn_split(
        const float* __restrict__ q, const u16* __restrict__ kc, const u16* __restrict__ vc,
        float* __restrict__ part, float2* __restrict__ ml, const int* __restrict__ pos,
        int n_head, int n_kv, int hd, float scale) {
    __shared__ SplitSmem sm;
    Split w = split_of(q, kc, vc, part, ml, pos, n_head, n_kv, hd);
    if (w.n > 0) split_any(w.q, w.k, w.v, w.out, w.ml, w.n, hd, w.stride, scale, sm);
}

// One query token (decoding): few blocks, each as short as it can be.
extern "C" __global__ void __launch_bounds__(SPLIT_THREADS) attn_split_token(
        const float* __restrict__ q, const u16* __restrict__ kc, const u16* __restrict__ vc,
        float* __restrict__ part, float2* __restrict__ ml, const int* __restrict__ pos,
        int n_head, int n_kv, int hd, float scale) {
    __shared__ SplitSmem sm;
    __shared__ float sums[SPLIT_THREADS * 8];  // split_fast's value sums per position group
    __shared__ FreshSmem no_fresh;  // not used: the compiler drops it
    Split w = split_of(q, kc, vc, part, ml, pos, n_head, n_kv, hd);
    if (w.n <= 0) return;
    Fresh none = {};
    if (hd == 128) split_fast<128, false>(w.q, w.k, w.v, w.out, w.ml, w.n, w.older, w.stride, scale, sm, sums, none, no_fresh);
    else if (hd == 64) split_fast<64, false>(w.q, w.k, w.v, w.out, w.ml, w.n, w.older, w.stride, scale, sm, sums, none, no_fresh);
    else if (hd == 256) split_fast<256, false>(w.q, w.k, w.v, w.out, w.ml, w.n, w.older, w.stride, scale, sm, sums, none, no_fresh);
    else split_any(w.q, w.k, w.v, w.out, w.ml, w.n, hd, w.stride, scale, sm);
}

// attn_split_token for a query, key and value not yet roped or cached (k, v: this step's [n_kv * hd]); head sizes
// 64, 128 and 256. Every block of the newest position's chunk ropes that row itself; one per kv head caches it.
// The cache comes twice: kc / vc to read older rows (read-only loads), kw / vw (the same cache) to write this
// step's row, which no block of this launch reads.
extern "C" __global__ void __launch_bounds__(SPLIT_THREADS) attn_split_token_rope(
        const float* __restrict__ q, const float* __restrict__ k, const float* __restrict__ v,
        const u16* __restrict__ kc, const u16* __restrict__ vc, u16* kw, u16* vw,
        float* __restrict__ part, float2* __restrict__ ml,
        const int* __restrict__ pos, int n_head, int n_kv, int hd, float scale,
        int n_rot, int neox, float base, const float* __restrict__ freq_factors) {
    __shared__ SplitSmem sm;
    __shared__ float sums[SPLIT_THREADS * 8];
    __shared__ FreshSmem fs;
    Split w = split_of(q, kc, vc, part, ml, pos, n_head, n_kv, hd);
    if (w.n <= 0) return;
    int kvh = blockIdx.x / (n_head / n_kv);
    i64 row = (i64) pos[0] * w.stride + kvh * hd;
    Fresh f = {k + kvh * hd, v + kvh * hd, pos[0], n_rot, neox, log2f(base), freq_factors,
               blockIdx.x % (n_head / n_kv) == 0, kw + row, vw + row};
    if (hd == 128) split_fast<128, true>(w.q, w.k, w.v, w.out, w.ml, w.n, w.older, w.stride, scale, sm, sums, f, fs);
    else if (hd == 64) split_fast<64, true>(w.q, w.k, w.v, w.out, w.ml, w.n, w.older, w.stride, scale, sm, sums, f, fs);
    else split_fast<256, true>(w.q, w.k, w.v, w.out, w.ml, w.n, w.older, w.stride, scale, sm, sums, f, fs);
}

// Splits that combine() takes in one batch: every load issued before any is used, so the pass costs about one
// memory latency rather than one per loop over the splits (contexts up to COMBINE_BATCH * CHUNK positions).
#define COMBINE_BATCH 16

// Merges the used splits of one head: the same sums in the same order as the loops of combine().
__device__ __forceinline__ float combine_batch(const float* __restrict__ part, const float2* __restrict__ ml, i64 base,
                                               int used, int hd, int d) {
    float2 m[COMBINE_BATCH];
    float p[COMBINE_BATCH];
#pragma unroll
    for (int s = 0; s < COMBINE_BATCH; s++)
        if (s < used) {
            m[s] = ml[base + s];
            p[s] = d < hd ? part[(base + s) * hd + d] : 0.f;
        }
    float M = NEG_INF;
#pragma unroll
    for (int s = 0; s < COMBINE_BATCH; s++)
        if (s < used) M = fmaxf(M, m[s].x);
    float L = 0.f, acc = 0.f;
#pragma unroll
    for (int s = 0; s < COMBINE_BATCH; s++)
        if (s < used) {
            float e = __expf(m[s].x - M);  // each sum still adds in split order
            L += m[s].y * e;
            acc += p[s] * e;
        }
    return acc / L;
}

// xq non-null: out's q8_1 form is written too (hd a multiple of 32 and blockDim.x == hd, so each warp holds one
// group), sparing the output projection its quantization launch. batched: up to COMBINE_BATCH splits go through
// combine_batch (0: always the loops).
__device__ __forceinline__ void combine(const float* __restrict__ part, const float2* __restrict__ ml,
                                        float* __restrict__ out, const int* __restrict__ pos,
                                        int n_head, int hd, int nsplit, i8* xq, float2* xds, int batched) {
    int h = blockIdx.x, t = blockIdx.y;
    int kv_len = pos[0] + t + 1;
    int used = min(nsplit, (kv_len + CHUNK - 1) / CHUNK);
    i64 base = ((i64) t * n_head + h) * nsplit;
    if (batched && used <= COMBINE_BATCH && hd <= (int) blockDim.x) {  // one dim per thread
        int d = threadIdx.x;
        float o = combine_batch(part, ml, base, used, hd, d);
        i64 i = ((i64) t * n_head + h) * hd + d;
        if (d < hd) out[i] = o;
        if (xq && d < hd) q8_group(o, xq, xds, i);
        return;
    }
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
                                        int n_head, int hd, int nsplit, int batched) {
    pdl_enter();
    combine(part, ml, out, pos, n_head, hd, nsplit, nullptr, nullptr, batched);
}

extern "C" __global__ void attn_combine_q8(const float* __restrict__ part, const float2* __restrict__ ml,
                                           float* __restrict__ out, const int* __restrict__ pos,
                                           int n_head, int hd, int nsplit, i8* __restrict__ xq, float2* __restrict__ xds,
                                           int batched) {
    pdl_enter();
    combine(part, ml, out, pos, n_head, hd, nsplit, xq, xds, batched);
}
