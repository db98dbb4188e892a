package dev.splitscope.engine.tokenizer;

import java.util.Arrays;

/** Open-addressing map from non-negative long keys to int values, for BPE merge ranks without boxing. */
final class LongIntMap {
    private static final long EMPTY = Long.MIN_VALUE;
    private long[] keys;
    private int[] values;
    private int size;
    private int mask;

    LongIntMap(int expected) {
        int cap = Integer.highestOneBit(Math.max(16, expected * 2 - 1)) << 1;
        keys = new long[cap];
        values = new int[cap];
        Arrays.fill(keys, EMPTY);
        mask = cap - 1;
    }

    private static int hash(long k) {
        long h = k * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 29));
    }

    /** The value for a key, or -1. */
    int get(long key) {
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) return values[i];
            if (k == EMPTY) return -1;
        }
    }

    /** Adds a key unless present; returns false if it was already there (the first value is kept). */
    boolean putIfAbsent(long key, int value) {
        if ((size + 1) * 2 > keys.length) grow();
        for (int i = hash(key) & mask; ; i = (i + 1) & mask) {
            long k = keys[i];
            if (k == key) return false;
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = value;
                size++;
                return true;
            }
        }
    }

    private void grow() {
        long[] ok = keys;
        int[] ov = values;
        keys = new long[ok.length * 2];
        values = new int[ok.length * 2];
        Arrays.fill(keys, EMPTY);
        mask = keys.length - 1;
        size = 0;
        for (int i = 0; i < ok.length; i++) if (ok[i] != EMPTY) putIfAbsent(ok[i], ov[i]);
    }

    int size() {
        return size;
    }
}
