package dev.splitscope.engine.quant;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Hand-built blocks with known scales, mins and quants. Each test packs the block from the layout description
 * (independently of the codec) and asserts the exact decoded values; scales are powers of two or small integers so
 * that every expected value is exact in float.
 */
class SyntheticBlocksTest {

    private static void half(byte[] b, int off, float v) {
        short h = Fp16.fromFloat(v);
        b[off] = (byte) h;
        b[off + 1] = (byte) (h >> 8);
    }

    private static float[] decode(QuantType t, byte[] block) {
        float[] out = new float[t.blockSize + 2];
        out[0] = 123f; // sentinel: a decoder must not touch values outside its range
        out[out.length - 1] = 456f;
        QuantCodecs.dequantize(t, MemorySegment.ofArray(block), 0, out, 1, t.blockSize);
        assertEquals(123f, out[0]);
        assertEquals(456f, out[out.length - 1]);
        float[] r = new float[t.blockSize];
        System.arraycopy(out, 1, r, 0, r.length);
        return r;
    }

    @Test
    void q2kDecodesScaleTimesQuantMinusMin() {
        byte[] b = new byte[84];
        int[] q = new int[256];
        for (int v = 0; v < 256; v++) q[v] = (v * 7 + 3) % 4;
        for (int g = 0; g < 16; g++) b[g] = (byte) ((g % 16) | ((15 - g) << 4));
        for (int v = 0; v < 256; v++) b[16 + 32 * (v / 128) + v % 32] |= (byte) (q[v] << (2 * ((v % 128) / 32)));
        half(b, 80, 0.5f);
        half(b, 82, 0.25f);
        float[] y = decode(QuantType.Q2_K, b);
        for (int v = 0; v < 256; v++) {
            int g = v / 16;
            assertEquals(0.5f * g * q[v] - 0.25f * (15 - g), y[v], "value " + v);
        }
        // by hand: value 17 is group 1 (scale 1, min 14), q = (17*7+3)%4 = 2 -> 0.5*1*2 - 0.25*14 = -2.5
        assertEquals(-2.5f, y[17]);
    }

    @Test
    void q3kDecodesSignedScalesAndHighBit() {
        byte[] b = new byte[110];
        int[] q = new int[256];
        int[] s6 = new int[16];
        for (int v = 0; v < 256; v++) q[v] = (v * 5 + 1) % 8 - 4; // -4..3
        for (int g = 0; g < 16; g++) s6[g] = (g * 4 + 1) & 63;  // 1, 5, ..., 61 -> scales -31..29
        for (int v = 0; v < 256; v++) {
            int u = q[v] + 4; // stored 0..7
            b[32 + 32 * (v / 128) + v % 32] |= (byte) ((u & 3) << (2 * ((v % 128) / 32)));
            if (u > 3) b[v % 32] |= (byte) (1 << (v / 32));
        }
        for (int g = 0; g < 16; g++) {
            b[96 + g % 8] |= (byte) (g < 8 ? s6[g] & 0xf : (s6[g] & 0xf) << 4);
            b[96 + 8 + g % 4] |= (byte) ((s6[g] >> 4) << (2 * (g / 4)));
        }
        half(b, 108, 0.125f);
        float[] y = decode(QuantType.Q3_K, b);
        for (int v = 0; v < 256; v++) assertEquals(0.125f * (s6[v / 16] - 32) * q[v], y[v], "value " + v);
        // by hand: value 200 is group 12, s6 = 49 -> scale 17, q = (1001 % 8) - 4 = -3 -> 0.125 * 17 * -3 = -6.375
        assertEquals(-6.375f, y[200]);
    }

    /** Packs 6-bit scale/min pairs as Q4_K and Q5_K store them. */
    private static void packScaleMin(byte[] b, int off, int[] sc, int[] mn) {
        for (int g = 0; g < 8; g++) {
            if (g < 4) {
                b[off + g] |= (byte) sc[g];
                b[off + g + 4] |= (byte) mn[g];
            } else {
                b[off + g + 4] = (byte) ((sc[g] & 0xf) | ((mn[g] & 0xf) << 4));
                b[off + g - 4] |= (byte) ((sc[g] >> 4) << 6);
                b[off + g] |= (byte) ((mn[g] >> 4) << 6);
            }
        }
    }

    @Test
    void q4kDecodesSixBitScalesAndMins() {
        byte[] b = new byte[144];
        int[] sc = {1, 2, 3, 63, 17, 33, 48, 62};
        int[] mn = {0, 63, 5, 9, 40, 16, 1, 31};
        int[] q = new int[256];
        for (int v = 0; v < 256; v++) q[v] = (v * 11 + 4) % 16;
        half(b, 0, 2f);
        half(b, 2, 0.5f);
        packScaleMin(b, 4, sc, mn);
        for (int v = 0; v < 256; v++) b[16 + 32 * (v / 64) + v % 32] |= (byte) (q[v] << ((v % 64) / 32 * 4));
        float[] y = decode(QuantType.Q4_K, b);
        for (int v = 0; v < 256; v++) assertEquals(2f * sc[v / 32] * q[v] - 0.5f * mn[v / 32], y[v], "value " + v);
        // by hand: value 230 is group 7 (scale 62, min 31), q = 2534 % 16 = 6 -> 2*62*6 - 0.5*31 = 728.5
        assertEquals(728.5f, y[230]);
    }

    @Test
    void q5kDecodesFifthBit() {
        byte[] b = new byte[176];
        int[] sc = {63, 1, 20, 40, 5, 50, 60, 2};
        int[] mn = {3, 0, 63, 32, 8, 16, 47, 1};
        int[] q = new int[256];
        for (int v = 0; v < 256; v++) q[v] = (v * 13 + 7) % 32;
        half(b, 0, 0.25f);
        half(b, 2, 1f);
        packScaleMin(b, 4, sc, mn);
        for (int v = 0; v < 256; v++) {
            b[48 + 32 * (v / 64) + v % 32] |= (byte) ((q[v] & 0xf) << ((v % 64) / 32 * 4));
            if (q[v] > 15) b[16 + v % 32] |= (byte) (1 << (v / 32));
        }
        float[] y = decode(QuantType.Q5_K, b);
        for (int v = 0; v < 256; v++) assertEquals(0.25f * sc[v / 32] * q[v] - mn[v / 32], y[v], "value " + v);
        // by hand: value 100 is group 3 (scale 40, min 32), q = 1307 % 32 = 27 -> 0.25*40*27 - 32 = 238
        assertEquals(238f, y[100]);
    }

    @Test
    void q6kDecodesSignedEightBitScales() {
        byte[] b = new byte[210];
        int[] q = new int[256];
        int[] sc = {-128, 127, 1, -1, 64, -64, 3, 5, 7, -9, 11, 100, -100, 0, 42, -42};
        for (int v = 0; v < 256; v++) q[v] = (v * 29 + 5) % 64 - 32;
        for (int v = 0; v < 256; v++) {
            int u = q[v] + 32, h = v / 128, s = (v % 128) / 32, l = v % 32;
            b[64 * h + 32 * (s % 2) + l] |= (byte) ((u & 0xf) << (s >= 2 ? 4 : 0));
            b[128 + 32 * h + l] |= (byte) ((u >> 4) << (2 * s));
        }
        for (int g = 0; g < 16; g++) b[192 + g] = (byte) sc[g];
        half(b, 208, 0.0625f);
        float[] y = decode(QuantType.Q6_K, b);
        for (int v = 0; v < 256; v++) assertEquals(0.0625f * sc[v / 16] * q[v], y[v], "value " + v);
        // by hand: value 0 has q = 5 - 32 = -27 in group 0 (scale -128) -> 0.0625 * -128 * -27 = 216
        assertEquals(216f, y[0]);
    }

    @Test
    void q8kDecodesFloatScale() {
        byte[] b = new byte[292];
        MemorySegment.ofArray(b).set(Le.F32, 0, 0.75f);
        for (int j = 0; j < 256; j++) b[4 + j] = (byte) (j - 128);
        float[] y = decode(QuantType.Q8_K, b);
        for (int j = 0; j < 256; j++) assertEquals(0.75f * (j - 128), y[j]);
    }

    @Test
    void legacyBlocksDecode() {
        byte[] q41 = new byte[20];
        half(q41, 0, 0.5f);
        half(q41, 2, -3f);
        for (int j = 0; j < 16; j++) q41[4 + j] = (byte) (j | ((15 - j) << 4));
        float[] y = decode(QuantType.Q4_1, q41);
        for (int j = 0; j < 16; j++) {
            assertEquals(0.5f * j - 3f, y[j]);
            assertEquals(0.5f * (15 - j) - 3f, y[j + 16]);
        }

        byte[] q50 = new byte[22];
        half(q50, 0, 2f);
        int qh = 0;
        int[] q = new int[32];
        for (int j = 0; j < 32; j++) {
            q[j] = (j * 9 + 2) % 32;
            if (q[j] > 15) qh |= 1 << j;
        }
        MemorySegment.ofArray(q50).set(Le.I32, 2, qh);
        for (int j = 0; j < 16; j++) q50[6 + j] = (byte) ((q[j] & 0xf) | ((q[j + 16] & 0xf) << 4));
        y = decode(QuantType.Q5_0, q50);
        for (int j = 0; j < 32; j++) assertEquals(2f * (q[j] - 16), y[j]);

        byte[] q51 = new byte[24];
        half(q51, 0, 0.25f);
        half(q51, 2, 1f);
        MemorySegment.ofArray(q51).set(Le.I32, 4, qh);
        System.arraycopy(q50, 6, q51, 8, 16);
        y = decode(QuantType.Q5_1, q51);
        for (int j = 0; j < 32; j++) assertEquals(0.25f * q[j] + 1f, y[j]);

        byte[] q40 = new byte[18];
        half(q40, 0, -1.5f);
        for (int j = 0; j < 16; j++) q40[2 + j] = (byte) (j | (j << 4));
        y = decode(QuantType.Q4_0, q40);
        for (int j = 0; j < 16; j++) {
            assertEquals((j - 8) * -1.5f, y[j]);
            assertEquals((j - 8) * -1.5f, y[j + 16]);
        }
    }

    @Test
    void decodesSeveralBlocksAtAnOffset() {
        byte[] b = new byte[5 + 2 * 34];
        for (int blk = 0; blk < 2; blk++) {
            half(b, 5 + 34 * blk, blk + 1f);
            for (int j = 0; j < 32; j++) b[5 + 34 * blk + 2 + j] = (byte) (j - 16);
        }
        float[] y = new float[64];
        QuantCodecs.dequantize(QuantType.Q8_0, MemorySegment.ofArray(b), 5, y, 0, 64);
        float[] want = new float[64];
        for (int i = 0; i < 64; i++) want[i] = (i / 32 + 1f) * (i % 32 - 16);
        assertArrayEquals(want, y);
    }
}
