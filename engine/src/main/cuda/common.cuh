// Shared helpers for every Splitscope kernel. No system headers, so NVRTC compiles the same sources at run time.
#pragma once

typedef signed char i8;
typedef unsigned char u8;
typedef unsigned short u16;
typedef unsigned int u32;
typedef long long i64;

#define WARP 32
#define NEG_INF __int_as_float(0xff800000)

// Programmatic dependent launch (sm_90 on; the host sets the launch attribute only there, see PdlLaunch): a kernel
// may start while the kernel before it in the stream still runs. pdl_wait() returns once that kernel has finished
// and its writes are visible, so a kernel launched this way calls it on every path before it touches memory that an
// earlier kernel reads or writes. pdl_release() lets the next kernel start launching.
__device__ __forceinline__ void pdl_wait() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.wait;" ::: "memory");
#endif
}

__device__ __forceinline__ void pdl_release() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("griddepcontrol.launch_dependents;" :::);
#endif
}

// The entry of every kernel launched with the attribute: wait for the previous kernel, then let the next one come.
// (Letting it come before waiting, so two kernels wait ready behind a running one, measured slower: 8B Q4_0 2.2 %.)
__device__ __forceinline__ void pdl_enter() {
    pdl_wait();
    pdl_release();
}

__device__ __forceinline__ float warp_sum(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

__device__ __forceinline__ float warp_max(float v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

__device__ __forceinline__ int warp_sum_int(int v) {
#pragma unroll
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

// Sum over the whole block; scratch holds 32 floats. Every thread gets the result.
// The q8_1 form (see quantize_q8_1.cu) of one 32-value group held one value per lane (all 32 lanes of the warp take part).
__device__ __forceinline__ void q8_group(float v, i8* xq, float2* xds, i64 i) {
    float amax = warp_max(fabsf(v));
    float d = amax / 127.f;
    int q = amax == 0.f ? 0 : __float2int_rn(v / d);
    xq[i] = (i8) q;
    int s = warp_sum_int(q);
    if ((threadIdx.x & 31) == 0) xds[i / 32] = make_float2(d, d * (float) s);
}

__device__ __forceinline__ float block_sum(float v, float* scratch) {
    int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    v = warp_sum(v);
    __syncthreads();
    if (lane == 0) scratch[wid] = v;
    __syncthreads();
    v = lane < nw ? scratch[lane] : 0.f;
    return warp_sum(v);
}

__device__ __forceinline__ float block_max(float v, float* scratch) {
    int lane = threadIdx.x & 31, wid = threadIdx.x >> 5, nw = (blockDim.x + 31) >> 5;
    v = warp_max(v);
    __syncthreads();
    if (lane == 0) scratch[wid] = v;
    __syncthreads();
    v = lane < nw ? scratch[lane] : NEG_INF;
    return warp_max(v);
}

__device__ __forceinline__ float h2f(u16 h) {
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
    return f;
}

__device__ __forceinline__ u16 f2h(float f) {
    u16 h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
}

__device__ __forceinline__ float bf2f(u16 b) {
    return __int_as_float(((u32) b) << 16);
}

// Signed 8-bit dot product of four packed lanes, accumulated into c.
__device__ __forceinline__ int dp4a(int a, int b, int c) {
    return __dp4a(a, b, c);
}

// Bytes of a row-major matrix slice: the weight pointer for batch slot b, chosen by an expert id when ids != 0.
__device__ __forceinline__ i64 expert_row0(const int* ids, int b, int rows) {
    return ids ? (i64) ids[b] * rows : 0;
}

// Matvec work split: a block of 4 warps (blockDim 32 x 4) computes 4 / wpr rows, wpr warps per row, each warp taking
// every wpr-th chunk of the row. More warps per row keep more loads in flight on matrices with few rows.
struct RowSplit {
    int row;   // the row this warp works on (clamped to a real row)
    int part;  // which of the wpr warps of the row this is
    bool live; // false for the warps of a short last block: they compute a copy and store nothing
};

// bx: the block's index among the blocks of this matrix (blockIdx.x unless several matrices share the launch)
__device__ __forceinline__ RowSplit row_split(int rows, int wpr, int bx) {
    RowSplit s;
    int r = bx * (blockDim.y / wpr) + threadIdx.y / wpr;
    s.part = threadIdx.y % wpr;
    s.live = r < rows;
    s.row = s.live ? r : rows - 1;
    return s;
}

// Sums a row's partial dot products over its wpr warps and stores y[b][row] (+)= sum.
__device__ __forceinline__ void matvec_store(float acc, float* y, int rows, RowSplit s, int wpr, int accumulate) {
    __shared__ float red[32];
    acc = warp_sum(acc);
    if (wpr > 1) {
        if (threadIdx.x == 0) red[threadIdx.y] = acc;
        __syncthreads();
        if (s.part != 0) return;
        for (int i = 1; i < wpr; i++) acc += red[threadIdx.y + i];
    }
    if (threadIdx.x == 0 && s.live) {
        float* out = y + (i64) blockIdx.y * rows + s.row;
        *out = accumulate ? *out + acc : acc;
    }
}

// Several matrices that read the same input (q, k, v; gate, up) in one launch: blocks [0, nb0) do matrix 0,
// [nb0, nb0 + nb1) matrix 1, the rest matrix 2. Sets m (which matrix) and bx (the block within it).
__device__ __forceinline__ void pick_matrix(int nb0, int nb1, int* m, int* bx) {
    int b = blockIdx.x;
    *m = b < nb0 ? 0 : b < nb0 + nb1 ? 1 : 2;
    *bx = *m == 0 ? b : *m == 1 ? b - nb0 : b - nb0 - nb1;
}

// ---- Q4_0 / Q8_0 matvec variants (MatvecVariant): each warp computes R consecutive rows ----

// Weights are read exactly once: load them without allocating in L1, which then keeps the activations every warp
// re-reads.
__device__ __forceinline__ int4 ld_weights(const int4* p) {
    int4 v;
    asm("ld.global.nc.L1::no_allocate.v4.s32 {%0, %1, %2, %3}, [%4];"
        : "=r"(v.x), "=r"(v.y), "=r"(v.z), "=r"(v.w) : "l"(p));
    return v;
}

// Starts fetching p's line into L2 without holding a register (loads cannot be issued ahead of a barrier).
__device__ __forceinline__ void prefetch_l2(const void* p) {
    asm volatile("prefetch.global.L2 [%0];" : : "l"(p));
}

// Under programmatic dependent launch a matvec is resident while the small kernel before it (a norm, the attention's
// combine, swiglu) runs, and the memory bus is idle then: the first blocks (the host sets how many, so that the bytes
// stay well inside L2) start their rows' weights coming into L2 before they wait. One bulk request per row group for
// the quants and one for the scales, from lane 0 of the group's first warp (sm_90; sizes multiples of 16).
__device__ __forceinline__ void prefetch_group(const void* w, unsigned w_bytes, const void* d, unsigned d_bytes, int part) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    if (part == 0 && threadIdx.x == 0) {
        asm volatile("cp.async.bulk.prefetch.L2.global [%0], %1;" :: "l"(w), "r"(w_bytes) : "memory");
        asm volatile("cp.async.bulk.prefetch.L2.global [%0], %1;" :: "l"(d), "r"(d_bytes) : "memory");
    }
#endif
}

// A block of 4 warps computes 4 / wpr groups of R consecutive rows, wpr warps per group (each taking every wpr-th
// chunk of the columns).
struct RowGroup {
    int row0;  // the group's first row (past the end for the spare groups of a short last block)
    int part;  // which of the wpr warps of the group this is
};

__device__ __forceinline__ RowGroup row_group(int R, int wpr, int bx) {
    RowGroup g;
    g.row0 = (bx * (blockDim.y / wpr) + threadIdx.y / wpr) * R;
    g.part = threadIdx.y % wpr;
    return g;
}

// The first of the R consecutive rows a group reads: a group that would run past the last row is moved back, so it
// reads real rows (and stores only its own) and one base pointer serves all R rows.
__device__ __forceinline__ int first_row(int R, int rows, int row0) {
    int f = row0 < rows - R ? row0 : rows - R;
    return f > 0 ? f : 0;
}

// Row r of the group, relative to first_row (clamped: only a matrix of fewer than R rows has rows to clamp).
__device__ __forceinline__ int row_off(int r, int rows, int first) {
    return first + r < rows ? r : rows - 1 - first;
}

// Starts this lane's weights of the first step of tile [k, t1) coming into L2 (U chunks of each of the R rows from
// first; chunks: per row), where a barrier comes before the loads may.
template <int R, int U>
__device__ __forceinline__ void prefetch_tile(const int4* w4, int chunks, int rows, int first, int k, int step, int t1) {
#pragma unroll
    for (int u = 0; u < U; u++)
#pragma unroll
        for (int r = 0; r < R; r++)
            if (k + u * step < t1) prefetch_l2(w4 + row_off(r, rows, first) * chunks + k + u * step);
}

// ---- partial sums pushed to the ranks of a tensor-parallel run (allreduce.cu's inbox layout) ----
#define MAX_RANKS 8
// An inbox is [2][MAX_RANKS][PUSH_CAP] (value, sequence) pairs, its halves taken by the sequence's parity.
#define PUSH_CAP 16384

__device__ __forceinline__ void st_volatile2(uint2* p, uint2 v) {
    asm volatile("st.volatile.global.v2.u32 [%0], {%1, %2};" :: "l"(p), "r"(v.x), "r"(v.y) : "memory");
}

// The value as it arrives after travelling in the reduce type (0 f32, 1 f16, 2 bf16, round to nearest even).
__device__ __forceinline__ float travel(float v, int type) {
    if (type == 1) return h2f(f2h(v));
    if (type == 2) {
        u32 b = __float_as_uint(v);
        b += 0x7FFFu + ((b >> 16) & 1u);
        return __uint_as_float(b & 0xFFFF0000u);
    }
    return v;
}

// Where a matvec whose output feeds a pushed all-reduce also stores its rows, so they travel while the other rows
// are still being computed (built once per rank by PeerAllReduce).
struct PushTarget {
    uint2* boxes[MAX_RANKS];  // every rank's inbox
    int* counter;             // this rank's last sequence number: the reduction it pushes is the next
    int rank, ranks, type;
};

// Where value i of rank's partial lies in an inbox, for the reduction numbered seq.
__device__ __forceinline__ i64 inbox_at(u32 seq, int rank, int i) {
    return ((seq & 1) * MAX_RANKS + rank) * (i64) PUSH_CAP + i;
}

// The same layout in 16-byte slots of two pairs (values 2i and 2i + 1), as ar_push moves them.
__device__ __forceinline__ i64 inbox_at2(u32 seq, int rank, int i) {
    return inbox_at(seq, rank, 2 * i) / 2;
}

// Value i of this rank's partial, rounded to the reduce type, into every rank's inbox as reduction seq's pair.
__device__ __forceinline__ void push_pair(uint2* const* boxes, int rank, int ranks, int type, u32 seq, int i, float v) {
    uint2 pair = make_uint2(__float_as_uint(travel(v, type)), seq);
    for (int r = 0; r < ranks; r++) st_volatile2(boxes[r] + inbox_at(seq, rank, i), pair);
}

// Row `row` of this rank's partial, into every rank's inbox, as the next reduction's pair.
__device__ __forceinline__ void push_row(const PushTarget* p, int row, float v) {
    push_pair(p->boxes, p->rank, p->ranks, p->type, (u32) *p->counter + 1, row, v);
}

// Sums each of the R rows read from first over the warp and the group's wpr warps; lane r stores y[b][first + r]
// (+)= its sum when that row is the group's own, and pushes it where push is set (one matrix, one slot, no accumulate).
template <int R>
__device__ __forceinline__ void store_rows(const float (&acc)[R], float* y, int rows, RowGroup g, int first, int wpr,
                                           int accumulate, const PushTarget* push) {
    __shared__ float red[R][32];
    float mine = 0.f;
#pragma unroll
    for (int r = 0; r < R; r++) {
        float v = warp_sum(acc[r]);
        if (threadIdx.x == r) mine = v;
    }
    if (wpr > 1) {
        if (threadIdx.x < R) red[threadIdx.x][threadIdx.y] = mine;
        __syncthreads();
        if (g.part != 0) return;
        if (threadIdx.x < R)
            for (int i = 1; i < wpr; i++) mine += red[threadIdx.x][threadIdx.y + i];
    }
    int row = first + threadIdx.x;
    if (threadIdx.x < R && row >= g.row0 && row < rows) {
        float* out = y + (i64) blockIdx.y * rows + row;
        *out = accumulate ? *out + mine : mine;
        if (push) push_row(push, row, mine);
    }
}

// The value of matrix m (0, 1 or 2) of a grouped launch.
template <typename T>
__device__ __forceinline__ T pick3(int m, T a, T b, T c) {
    return m == 0 ? a : m == 1 ? b : c;
}

// One entry point per matvec variant (MatvecVariant), for one matrix (nb0 = the whole grid) or a group of up to three
// that read the same input (then ids = 0, x_stride = cols, x_group = 1, accumulate = 0). WT is the weights' quant
// type (u8 packed nibbles, i8 quants), GROUP the format's group template, R U SMEM PIPE its parameters. Blocks below
// prefetch_blocks prefetch their weights (prefetch_group). early_loads: a pipelined variant loads its first step's
// weights before waiting for the kernel in front. push: 0, or where a lone matrix's rows go too (store_rows).
#define MATVEC_VARIANT(NAME, WT, GROUP, R, U, SMEM, PIPE)                                                            \
    extern "C" __global__ void __launch_bounds__(128) NAME(                                                           \
            const WT* w0, const u16* d0, float* y0, int rows0, int wpr0, int nb0,                                     \
            const WT* w1, const u16* d1, float* y1, int rows1, int wpr1, int nb1,                                     \
            const WT* w2, const u16* d2, float* y2, int rows2, int wpr2,                                              \
            const i8* xq, const float2* xds, int cols, const int* ids, int x_stride, int x_group, int accumulate,     \
            int prefetch_blocks, int early_loads, const PushTarget* push) {                                           \
        int m, bx;                                                                                                    \
        pick_matrix(nb0, nb1, &m, &bx);                                                                               \
        GROUP<R, U, SMEM, PIPE>(pick3(m, w0, w1, w2), pick3(m, d0, d1, d2), xq, xds, pick3(m, y0, y1, y2),            \
                                pick3(m, rows0, rows1, rows2), cols, ids, x_stride, x_group, accumulate,              \
                                pick3(m, wpr0, wpr1, wpr2), bx, (int) blockIdx.x < prefetch_blocks, early_loads,     \
                                push);                                                                                \
    }
