// All-reduce of tensor-parallel partial sums on the devices, so that every rank gets the same bits: the ranks add
// every partial in rank order. Two forms:
// - push (decode-sized rows): each rank stores its partial into every rank's inbox as (value, sequence) pairs and
//   sums what its own inbox holds once every pair carries this reduction's sequence number; no fence, no flag;
// - barrier + sum (prompt batches): each rank signals that its partial is complete, waits until every rank has, then
//   reads all partials (its own and its peers', through peer access or the shared memory of one GPU). From three ranks
//   on it is two-shot: each rank sums one chunk and stores it into every rank's output, and a second barrier waits for
//   every chunk. Signals: each rank has a mailbox of MAX_RANKS counters in its own memory; rank p raises slot p of
//   every mailbox (stores to a peer are posted, no round trip) and polls only its own mailbox.
// Counters and sequence numbers count reductions (and argmax.cu's winner picks) and only grow, so they serve every
// reduction point and every graph replay.
#include "pairs.cuh"

__device__ __forceinline__ void store_release(int* p, int v) {
    asm volatile("st.release.sys.global.s32 [%0], %1;" :: "l"(p), "r"(v) : "memory");
}

// Raises this rank's slot in every mailbox (its partial was written by the kernels before this one on its stream) and
// waits until every slot of its own mailbox has reached the same count; one thread only. False, with *error set, after
// a 10 s timeout (a peer never came). Once *error is set (by a timeout, or by the host aborting after a rank failed)
// every later wait gives up at its next look, so a broken step drains in one timeout instead of one per reduction.
__device__ __forceinline__ bool signal_and_wait(int* const* slots, int* own, const int* mail, int ranks, int* error) {
    int mine = *own + 1;
    __threadfence_system();
    for (int r = 0; r < ranks; r++) store_release(slots[r], mine);
    long long start = global_ns();
    for (int r = 0; r < ranks; r++)
        for (int spins = 1; load_acquire(mail + r) - mine < 0; spins++) {
            // error lives in host memory, a read across PCIe: look at it (and the clock) only every 256 polls
            if ((spins & 255) == 0) {
                if (load_acquire(error) != 0) return false;
                if (global_ns() - start > TIMEOUT_NS) {
                    atomicExch(error, 1);
                    return false;
                }
            }
            __nanosleep(32);
        }
    return true;
}

// Element i of the sum over ranks of src_r[i] in rank order, each partial rounded through the reduce type, and the sum
// rounded again.
__device__ __forceinline__ float rank_order_sum(const float* const* src, int ranks, long long i, int type) {
    float s = 0.f;
    for (int r = 0; r < ranks; r++) s += travel(__ldcg(src[r] + i), type);
    return travel(s, type);
}

// This rank's mailbox slots, the partials and the outputs of up to 8 ranks arrive as separate arguments (the launcher
// passes scalars only).
#define RANK_SLOTS int *f0, int *f1, int *f2, int *f3, int *f4, int *f5, int *f6, int *f7
#define RANK_SRCS const float *s0, const float *s1, const float *s2, const float *s3, const float *s4, const float *s5, \
                  const float *s6, const float *s7
#define RANK_DSTS float *d0, float *d1, float *d2, float *d3, float *d4, float *d5, float *d6, float *d7

// Signal and wait in a single thread: a grid of spinning blocks could fill the GPU and starve the very peer it waits
// for (logical devices share one GPU).
extern "C" __global__ void ar_barrier(RANK_SLOTS, int* own, const int* mail, int ranks, int* error) {
    int* slots[MAX_RANKS] = {f0, f1, f2, f3, f4, f5, f6, f7};
    signal_and_wait(slots, own, mail, ranks, error);
}

// One-shot, after ar_barrier: this rank sums every element of every rank's partial, over the whole grid.
extern "C" __global__ void ar_sum(RANK_SRCS, float* dst, int ranks, long long n, int type) {
    const float* src[MAX_RANKS] = {s0, s1, s2, s3, s4, s5, s6, s7};
    for (long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (long long) gridDim.x * blockDim.x)
        dst[i] = rank_order_sum(src, ranks, i, type);
}

// Two-shot, between two ar_barriers: this rank sums only its chunk [lo, hi) of the partials (reduce-scatter) and
// stores it into every rank's output (all-gather), so each rank reads and sends 1/p of the buffer per peer instead of
// a whole partial. The chunks add in rank order as ar_sum does, so both forms give the same bits. Only this rank reads
// or writes its chunk, so an output may be its rank's partial itself.
extern "C" __global__ void ar_sum_chunk(RANK_SRCS, RANK_DSTS, int ranks, long long lo, long long hi, int type) {
    const float* src[MAX_RANKS] = {s0, s1, s2, s3, s4, s5, s6, s7};
    float* dst[MAX_RANKS] = {d0, d1, d2, d3, d4, d5, d6, d7};
    for (long long i = lo + (long long) blockIdx.x * blockDim.x + threadIdx.x; i < hi; i += (long long) gridDim.x * blockDim.x) {
        float v = rank_order_sum(src, ranks, i, type);
        for (int r = 0; r < ranks; r++) dst[r][i] = v;
    }
}

// ---- push ----
// Two pairs go in one 16-byte store with a sequence number in each 8-byte half, and a reader checks both, so a pair
// that shows this reduction's number also shows its value (as NCCL's low-latency protocol does). The inbox's halves
// (inbox_at in common.cuh) alternate with the sequence's parity: a rank pushes reduction k + 2 only after it has
// received every rank's reduction k + 1, which each rank pushed only after it had read its reduction k.
#define PUSH_CHUNK 4  // pairs a thread has in flight at once

// dst = the sum of every rank's src, n even (float pairs), src and dst 8-byte aligned; counter holds this rank's
// last sequence number. One block; each thread takes pairs i0 + j * blockDim.x (j < PUSH_CHUNK) at a time, and
// issues all its loads of them from one rank before it looks at any. A wait gives up (setting *error) after 10 s, or
// at its next look at *error once the host has set it.
extern "C" __global__ void __launch_bounds__(1024) ar_push(RANK_BOXES, const float* __restrict__ src, float* __restrict__ dst,
                                                           int* counter, int rank, int ranks, int n, int type, int* error) {
    pdl_enter();  // src is complete
    uint4* boxes[MAX_RANKS] = {b0, b1, b2, b3, b4, b5, b6, b7};
    u32 seq = (u32) *counter + 1;
    int pairs = n / 2, stride = PUSH_CHUNK * blockDim.x;
    const float2* src2 = reinterpret_cast<const float2*>(src);
    for (int i0 = threadIdx.x; i0 < pairs; i0 += stride) {
        float2 mine[PUSH_CHUNK];
#pragma unroll
        for (int j = 0; j < PUSH_CHUNK; j++)
            if (i0 + j * blockDim.x < pairs) mine[j] = src2[i0 + j * blockDim.x];
#pragma unroll
        for (int j = 0; j < PUSH_CHUNK; j++) {
            int i = i0 + j * blockDim.x;
            if (i >= pairs) break;
            uint4 c = make_uint4(__float_as_uint(travel(mine[j].x, type)), seq, __float_as_uint(travel(mine[j].y, type)), seq);
            for (int p = 0; p < ranks; p++) st_volatile4(boxes[p] + inbox_at2(seq, rank, i), c);
        }
    }
    long long start = global_ns();
    bool ok = true;
    for (int i0 = threadIdx.x; ok && i0 < pairs; i0 += stride) {
        float sx[PUSH_CHUNK] = {}, sy[PUSH_CHUNK] = {};
        for (int r = 0; r < ranks; r++) {
            const uint4* from = boxes[rank] + inbox_at2(seq, r, i0);
            uint4 e[PUSH_CHUNK];
#pragma unroll
            for (int j = 0; j < PUSH_CHUNK; j++)
                if (i0 + j * blockDim.x < pairs) e[j] = ld_volatile(from + j * blockDim.x);
#pragma unroll
            for (int j = 0; j < PUSH_CHUNK; j++) {
                if (i0 + j * blockDim.x >= pairs) break;
                await_pair(from + j * blockDim.x, e[j], seq, error, start, ok);
                sx[j] += __uint_as_float(e[j].x);
                sy[j] += __uint_as_float(e[j].z);
            }
        }
#pragma unroll
        for (int j = 0; j < PUSH_CHUNK; j++)
            if (ok && i0 + j * blockDim.x < pairs)
                reinterpret_cast<float2*>(dst)[i0 + j * blockDim.x] = make_float2(travel(sx[j], type), travel(sy[j], type));
    }
    __syncthreads();  // every thread has read the counter
    if (threadIdx.x == 0) *counter = (int) seq;
}

// ---- push fused with the norm after it ----
// A decode layer's reductions each feed a residual add and the next rms_norm: ar_add_rms_norm_q8 does ar_push, the
// add and add_rms_norm_q8's norm and quantization in one launch, so a reduction costs no launch of its own. It runs
// one value per thread over cols / blockDim.x blocks, so that the pushes, the polls and the quantization spread over
// many SMs (one block took ~12 us per 8192-value row, most of it its stores across the link and its q8 groups). The
// row's sum of squares meets the same way the partials do: each block stores its part as a (value, sequence) pair and
// every block adds all parts in block order, so every block, and every rank, gets the same bits. The blocks wait for
// each other, which is safe because they are few (at most FUSED_MAX_BLOCKS) and wait for nothing else that could need
// their room. The inbox layout is ar_push's: value c of a rank at 8-byte slot c, its sequence number beside it.
// release_early: let the next kernel launch as soon as the partial is complete (its blocks may then fill the GPU while
// this one waits for the peers), which the host asks for only when no two ranks share a GPU; otherwise only once every
// pair has arrived, so that a peer on the same GPU always finds room to run.
// pushed: the matvec that wrote src has already pushed it (store_rows), so this kernel only gathers. early (with
// pushed and release_early): it does not wait for that matvec to end but gathers its rows as they arrive; everything
// before the matvec has ended (the matvec waited for it), and the host gives xq a buffer the matvec does not read.
#define FUSED_MAX_BLOCKS 64

extern "C" __global__ void __launch_bounds__(256) ar_add_rms_norm_q8(
        RANK_BOXES, uint2* parts, const float* __restrict__ src, float* __restrict__ dst, int* counter, int rank, int ranks,
        int type, int* error, int release_early, int pushed, int early, const float* __restrict__ residual, float* __restrict__ sum,
        const float* __restrict__ w, float* __restrict__ y, i8* __restrict__ xq, float2* __restrict__ xds, int cols, float eps) {
    __shared__ float scratch[32], block_parts[FUSED_MAX_BLOCKS];
    int c = blockIdx.x * blockDim.x + threadIdx.x;
    bool live = c < cols;  // whole warps: cols and blockDim.x are multiples of 32
    if (!early) pdl_wait();  // src is complete
    if (release_early) pdl_release();
    u32 seq = (u32) *counter + 1;
    uint2* boxes[MAX_RANKS] = {(uint2*) b0, (uint2*) b1, (uint2*) b2, (uint2*) b3, (uint2*) b4, (uint2*) b5, (uint2*) b6, (uint2*) b7};
    float res = 0.f, wv = 0.f;
    if (live) {
        if (!pushed) push_pair(boxes, rank, ranks, type, seq, c, src[c]);
        res = residual[c];
        wv = w[c];
    }
    long long start = global_ns();
    bool ok = true;
    float v = 0.f;
    if (live) {
        const uint2* inbox = boxes[rank];
        uint2 e[MAX_RANKS];
#pragma unroll
        for (int r = 0; r < MAX_RANKS; r++)
            if (r < ranks) e[r] = ld_volatile(inbox + inbox_at(seq, r, c));
        float s = 0.f;
#pragma unroll
        for (int r = 0; r < MAX_RANKS; r++)
            if (r < ranks) {
                await_pair(inbox + inbox_at(seq, r, c), e[r], seq, error, start, ok);
                s += __uint_as_float(e[r].x);
            }
        float reduced = travel(s, type);
        dst[c] = reduced;
        v = res + reduced;
        sum[c] = v;
    }
    float part = block_sum(v * v, scratch);
    if (threadIdx.x == 0) st_volatile2(parts + blockIdx.x, make_uint2(__float_as_uint(part), seq));
    if (threadIdx.x < gridDim.x) {
        uint2 e = ld_volatile(parts + threadIdx.x);
        await_pair(parts + threadIdx.x, e, seq, error, start, ok);
        block_parts[threadIdx.x] = __uint_as_float(e.x);
    }
    __syncthreads();
    if (!release_early) pdl_release();
    float ss = 0.f;
    for (int b = 0; b < gridDim.x; b++) ss += block_parts[b];
    if (live) {
        float r = v * rsqrtf(ss / cols + eps) * wv;
        y[c] = r;
        q8_group(r, xq, xds, c);
    }
    // every block has read the counter before it stored its part, and block 0 has seen every part
    if (blockIdx.x == 0 && threadIdx.x == 0) *counter = (int) seq;
}
