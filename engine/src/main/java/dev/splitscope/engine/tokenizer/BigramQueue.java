package dev.splitscope.engine.tokenizer;

import java.util.Arrays;

/**
 * A binary min-heap of (long key, int aux) pairs, for the merge loops of SPM and BPE. Keys pack the
 * priority in the high 32 bits and the left symbol index in the low 32 bits, so ties go to the leftmost pair.
 */
final class BigramQueue {
    private long[] keys = new long[64];
    private int[] aux = new int[64];
    private int size;
    private int lastAux;

    void clear() {
        size = 0;
    }

    boolean isEmpty() {
        return size == 0;
    }

    static long key(int priority, int left) {
        return ((long) priority << 32) | (left & 0xffffffffL);
    }

    /** Orders floats like ints, so a larger score can be a smaller key (-0.0 folded into +0.0). */
    static int sortable(float f) {
        int bits = Float.floatToIntBits(f + 0.0f);
        return bits ^ ((bits >> 31) & 0x7fffffff);
    }

    void push(long key, int a) {
        if (size == keys.length) {
            keys = Arrays.copyOf(keys, size * 2);
            aux = Arrays.copyOf(aux, size * 2);
        }
        int i = size++;
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (keys[parent] <= key) break;
            keys[i] = keys[parent];
            aux[i] = aux[parent];
            i = parent;
        }
        keys[i] = key;
        aux[i] = a;
    }

    /** Removes the smallest key and returns it; its aux value is then {@link #lastAux()}. */
    long pop() {
        long top = keys[0];
        lastAux = aux[0];
        long k = keys[--size];
        int a = aux[size];
        int i = 0;
        int half = size >>> 1;
        while (i < half) {
            int child = 2 * i + 1;
            if (child + 1 < size && keys[child + 1] < keys[child]) child++;
            if (k <= keys[child]) break;
            keys[i] = keys[child];
            aux[i] = aux[child];
            i = child;
        }
        if (size > 0) {
            keys[i] = k;
            aux[i] = a;
        }
        return top;
    }

    int lastAux() {
        return lastAux;
    }

    static int left(long key) {
        return (int) key;
    }

    static int priority(long key) {
        return (int) (key >> 32);
    }
}
