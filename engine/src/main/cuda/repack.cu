// GGML blocks as read from the file -> the device layouts the matvec kernels read with aligned 128-bit loads.
// Q8_0 (34 B: half d, int8 q[32]) -> q [nblocks*32] + d [nblocks]; Q4_0 (18 B: half d, 16 nibble bytes) ->
// q [nblocks*16] + d; Q6_K (210 B: ql[128], qh[64], int8 scales[16], half d) -> 208-byte blocks + d.
// One thread per output byte group; the raw blocks are only 2-byte aligned, so they are read bytewise.
#include "common.cuh"

__device__ __forceinline__ u16 ld16(const u8* p) {
    return (u16) (p[0] | (p[1] << 8));
}

extern "C" __global__ void repack_q8_0(const u8* __restrict__ raw, i8* __restrict__ q,
                                       u16* __restrict__ d, long long nblocks) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;  // one thread per quant
    if (i >= nblocks * 32) return;
    long long b = i / 32;
    const u8* blk = raw + b * 34;
    q[i] = (i8) blk[2 + i % 32];
    if (i % 32 == 0) d[b] = ld16(blk);
}

extern "C" __global__ void repack_q4_0(const u8* __restrict__ raw, u8* __restrict__ q,
                                       u16* __restrict__ d, long long nblocks) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;  // one thread per quant byte
    if (i >= nblocks * 16) return;
    long long b = i / 16;
    const u8* blk = raw + b * 18;
    q[i] = blk[2 + i % 16];
    if (i % 16 == 0) d[b] = ld16(blk);
}

extern "C" __global__ void repack_q6_k(const u8* __restrict__ raw, u8* __restrict__ q,
                                       u16* __restrict__ d, long long nblocks) {
    long long i = (long long) blockIdx.x * blockDim.x + threadIdx.x;  // one thread per kept byte
    if (i >= nblocks * 208) return;
    long long b = i / 208;
    const u8* blk = raw + b * 210;
    q[i] = blk[i % 208];
    if (i % 208 == 0) d[b] = ld16(blk + 208);
}
