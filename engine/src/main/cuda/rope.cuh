// Rotary position embedding, shared by rope_kv and by the decode attention that ropes its own q and newest key, so
// that both give the same bits. mode 0 rotates adjacent pairs (llama), neox the two halves of the first n_rot dims.
#pragma once
#include "common.cuh"

// cos and sin of pair i's angle at position p, in float as llama.cpp computes them (theta = p * base^(-2i/n_rot),
// divided by llama3's rope_freqs when given; sincosf with full range reduction).
__device__ __forceinline__ float2 rope_cos_sin(float p, int i, int n_rot, float log2_base, const float* freq_factors) {
    float theta = p * exp2f(-2.f * i / n_rot * log2_base) / (freq_factors ? freq_factors[i] : 1.f);
    float s, c;
    sincosf(theta, &s, &c);
    return make_float2(c, s);
}

// The dims a and b that rotate together as pair i.
__device__ __forceinline__ int rope_first(int i, int n_rot, int neox) { return neox ? i : 2 * i; }
__device__ __forceinline__ int rope_second(int i, int n_rot, int neox) { return neox ? i + n_rot / 2 : 2 * i + 1; }

// The pair (x0, x1) rotated by cs: its first value, or its second. Rounded op by op (no fused multiply-add), so every
// kernel that ropes gets the same bits whatever nvcc makes of the code around it.
__device__ __forceinline__ float rope_rotated(float x0, float x1, float2 cs, bool second) {
    return second ? __fadd_rn(__fmul_rn(x0, cs.y), __fmul_rn(x1, cs.x)) : __fsub_rn(__fmul_rn(x0, cs.x), __fmul_rn(x1, cs.y));
}

// Dim d of head x after the rope (dims from n_rot on stay as they are); cs holds every pair's cos and sin.
__device__ __forceinline__ float rope_dim(const float* x, int d, int n_rot, int neox, const float2* cs) {
    if (d >= n_rot) return x[d];
    int half = n_rot / 2;
    bool second = neox ? d >= half : (d & 1);
    int i = neox ? (second ? d - half : d) : d >> 1;
    return rope_rotated(x[rope_first(i, n_rot, neox)], x[rope_second(i, n_rot, neox)], cs[i], second);
}
