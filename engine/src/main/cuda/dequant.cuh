// Element dequantization of the device weight layouts (GGML type ids): F32 0, F16 1, BF16 30, Q8_0 8 and Q4_0 2
// repacked as quants [rows][..] + d half [rows][cols/32]; Q4_K 12 in GGML blocks; Q6_K 14 as 208-byte blocks + d.
#pragma once
#include "common.cuh"

__device__ __forceinline__ float dq_q4_k(const u8* blk, int i) {
    int j = i / 64, within = i % 64, sub = 2 * j + (within >= 32), l = within % 32;
    u8 byte = blk[16 + 32 * j + l];
    int q = within < 32 ? (byte & 15) : (byte >> 4);
    const u8* s = blk + 4;
    int sc, m;
    if (sub < 4) {
        sc = s[sub] & 63;
        m = s[sub + 4] & 63;
    } else {
        sc = (s[sub + 4] & 0xF) | ((s[sub - 4] >> 6) << 4);
        m = (s[sub + 4] >> 4) | ((s[sub] >> 6) << 4);
    }
    return h2f(*(const u16*) blk) * sc * q - h2f(*(const u16*) (blk + 2)) * m;
}

__device__ __forceinline__ float dq_q6_k(const u8* blk, float d, int i) {
    int n = i / 128, g = (i % 128) / 32, l = i % 32;
    u8 lq = blk[64 * n + l + (g & 1) * 32];
    u8 hq = blk[128 + 32 * n + l];
    int q = ((g < 2 ? lq & 15 : lq >> 4) | (((hq >> (2 * g)) & 3) << 4)) - 32;
    return d * ((const i8*) (blk + 192))[8 * n + l / 16 + 2 * g] * q;
}

__device__ __forceinline__ float dequant_elem(int type, const u8* w, const u16* wd, i64 row, int cols,
                                              int c) {
    switch (type) {
        case 0: return ((const float*) w)[row * cols + c];
        case 1: return h2f(((const u16*) w)[row * cols + c]);
        case 30: return bf2f(((const u16*) w)[row * cols + c]);
        case 8: return ((const i8*) w)[row * cols + c] * h2f(wd[row * (cols / 32) + c / 32]);
        case 2: {
            u8 byte = w[row * (cols / 2) + (c / 32) * 16 + (c % 16)];
            int q = (c % 32) < 16 ? (byte & 15) : (byte >> 4);
            return (q - 8) * h2f(wd[row * (cols / 32) + c / 32]);
        }
        case 12: return dq_q4_k(w + (row * (cols / 256) + c / 256) * 144, c % 256);
        case 14: {
            i64 b = row * (cols / 256) + c / 256;
            return dq_q6_k(w + b * 208, h2f(wd[b]), c % 256);
        }
        default: return __int_as_float(0x7fc00000);  // unknown type: NaN, which the tests catch
    }
}
