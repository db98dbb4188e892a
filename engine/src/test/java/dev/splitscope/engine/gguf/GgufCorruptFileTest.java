package dev.splitscope.engine.gguf;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Corrupt inputs of every kind; the only exception allowed anywhere is {@link GgufFormatException}. */
class GgufCorruptFileTest {
    @TempDir
    Path tmp;

    private static byte[] stories() throws Exception {
        return Files.readAllBytes(TestModels.file("stories260K.gguf"));
    }

    private static long dataOffset(Path p) throws Exception {
        try (GgufFile g = GgufFile.openHeader(p)) {
            return g.dataOffset();
        }
    }

    @Test
    void truncationAtEveryHeaderByteAndThroughTheData() throws Exception {
        byte[] all = stories();
        long dataOffset = dataOffset(TestModels.file("stories260K.gguf"));
        assertTrue(dataOffset > 1000 && dataOffset < 64 << 10, "header size " + dataOffset);
        for (int n = 0; n < all.length; n = n < dataOffset + 64 ? n + 1 : n + 997) {
            byte[] cut = Arrays.copyOf(all, n);
            GgufFormatException e = assertThrows(GgufFormatException.class,
                    () -> GgufHeaderReader.parse(GgufFuzzTarget.NAME, cut), "truncated at " + n);
            GgufFuzzTarget.checkError(e, n);
        }
        // the same through real files, mapped and header-only, at a few points
        for (int n : new int[] {0, 3, 7, 12, 23, 100, (int) dataOffset - 1, (int) dataOffset + 5, all.length - 1}) {
            Path f = tmp.resolve("cut" + n + ".gguf");
            Files.write(f, Arrays.copyOf(all, n));
            GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufFile.open(f).close());
            assertEquals(f, e.file());
            assertTrue(e.getMessage().startsWith(f + " @ byte "), e.getMessage());
            assertThrows(GgufFormatException.class, () -> GgufFile.openHeader(f).close());
        }
    }

    /** Thousands of random mutations of real and synthetic headers, seeded so a failure reproduces. */
    @Test
    void randomByteFlips() throws Exception {
        List<byte[]> bases = new ArrayList<>(GgufFuzzSeeds.synthetic().values());
        long off = dataOffset(TestModels.file("stories260K.gguf"));
        bases.add(Arrays.copyOf(stories(), (int) off));
        Random rnd = new Random(20261129);
        int accepted = 0, cases = 0;
        long t0 = System.nanoTime();
        for (byte[] base : bases) {
            for (int i = 0; i < 1500; i++, cases++) {
                byte[] m = mutate(base, rnd);
                try {
                    if (GgufFuzzTarget.check(m)) accepted++;
                } catch (Throwable t) {
                    fail("case " + cases + " (base of " + base.length + " bytes): " + t, t);
                }
            }
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(accepted > 0 && accepted < cases, accepted + " of " + cases + " mutants accepted");
        assertTrue(ms < 30_000, cases + " cases took " + ms + " ms");
    }

    private static byte[] mutate(byte[] base, Random rnd) {
        byte[] m = base.clone();
        int edits = 1 + rnd.nextInt(4);
        for (int e = 0; e < edits && m.length > 0; e++) {
            int at = rnd.nextInt(m.length);
            switch (rnd.nextInt(4)) {
                case 0 -> m[at] ^= (byte) (1 << rnd.nextInt(8));
                case 1 -> m[at] = (byte) rnd.nextInt(256);
                case 2 -> { // a whole little-endian field set to an extreme value
                    long v = switch (rnd.nextInt(4)) { case 0 -> -1L; case 1 -> Long.MAX_VALUE; case 2 -> 1L << 40; default -> 0; };
                    for (int k = 0; k < 8 && at + k < m.length; k++) m[at + k] = (byte) (v >>> (8 * k));
                }
                default -> m = Arrays.copyOf(m, at); // truncate
            }
        }
        return m;
    }

    // ---- targeted corruptions of small files with a known layout ----

    /** Two F32 [8, 1] tensors, no metadata: tensor info 'a' at 24, 'b' at 65, data section at 128. */
    private static byte[] twoTensors() throws Exception {
        return GgufFuzzSeedsBytes.of(new GgufWriter()
                .addTensor("a", QuantType.F32, new long[] {8, 1}, new byte[32])
                .addTensor("b", QuantType.F32, new long[] {8, 1}, new byte[32]));
    }

    private static final int A_NDIMS = 33, A_DIM0 = 37, A_DIM1 = 45, A_TYPE = 53, A_OFFSET = 57;
    private static final int B_NAME = 65, B_OFFSET = 98;

    private static byte[] patch(byte[] b, int at, long v, int width) {
        byte[] m = b.clone();
        ByteBuffer bb = ByteBuffer.wrap(m).order(ByteOrder.LITTLE_ENDIAN);
        if (width == 4) bb.putInt(at, (int) v);
        else if (width == 8) bb.putLong(at, v);
        else m[at] = (byte) v;
        return m;
    }

    private static void expect(byte[] image, long offset, String fragment) throws Exception {
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufHeaderReader.parse(GgufFuzzTarget.NAME, image));
        assertTrue(e.getMessage().contains(fragment), "expected '" + fragment + "' in: " + e.getMessage());
        assertEquals(offset, e.offset(), e.getMessage());
        GgufFuzzTarget.checkError(e, image.length);
    }

    @Test
    void headerFieldsOutOfRange() throws Exception {
        byte[] f = twoTensors();
        GgufHeaderReader.parse(GgufFuzzTarget.NAME, f); // the unpatched file is fine
        assertEquals('b', f[B_NAME + 8]);
        expect(patch(f, 0, 0x46554748, 4), 0, "bad magic");
        expect(patch(f, 4, 1, 4), 4, "GGUF v1 is obsolete");
        expect(patch(f, 4, 0x03000000, 4), 4, "big-endian");
        expect(patch(f, 4, 7, 4), 4, "unsupported GGUF version 7");
        expect(patch(f, 8, 1L << 62, 8), 8, "tensor count 4611686018427387904 is impossible");
        expect(patch(f, 8, -1, 8), 8, "tensor count 18446744073709551615");
        expect(patch(f, 16, 1L << 40, 8), 16, "metadata count");
        expect(patch(f, 24, Long.MAX_VALUE, 8), 24, "tensor name #0 has length 9223372036854775807");
        expect(patch(f, A_NDIMS, 5, 4), A_NDIMS, "n_dims 5");
        expect(patch(f, A_NDIMS, 0, 4), A_NDIMS, "n_dims 0");
        expect(patch(f, A_DIM0, 0, 8), A_DIM0, "dimension 0 is 0");
        expect(patch(f, A_DIM0, -8, 8), A_DIM0, "dimension 0 is 18446744073709551608");
        expect(patch(patch(f, A_DIM0, 1L << 40, 8), A_DIM1, 1L << 40, 8), A_DIM1, "element count overflows");
        expect(patch(f, A_TYPE, 99, 4), A_TYPE, "unknown type id 99");
        expect(patch(f, A_TYPE, 4, 4), A_TYPE, "unknown type id 4");
        expect(patch(f, A_TYPE, QuantType.Q4_0.id, 4), A_TYPE, "row length 8 is not a multiple of Q4_0's block size 32");
        expect(patch(f, A_OFFSET, 4, 8), A_OFFSET, "data offset 4 is not aligned to 32");
        expect(patch(f, A_OFFSET, -32, 8), A_OFFSET, "data offset 18446744073709551584 is outside the file");
        expect(patch(f, B_OFFSET, 0, 8), B_OFFSET, "tensor 'b' (data offset 0) overlaps tensor 'a'");
        expect(patch(f, B_OFFSET, 1L << 40, 8), B_OFFSET, "runs past the end of the file");
        expect(patch(f, B_NAME + 8, 'a', 1), B_NAME, "duplicate tensor name 'a'");
        expect(Arrays.copyOf(f, f.length - 1), B_OFFSET, "tensor 'b' (32 bytes at data offset 32) runs past the end");
        expect(Arrays.copyOf(f, 100), B_OFFSET, "unexpected end of file");
        expect(patch(f, A_DIM1, 1L << 20, 8), A_OFFSET, "tensor 'a' (33554432 bytes at data offset 0) runs past the end");
    }

    @Test
    void metadataOutOfRange() throws Exception {
        // key 'k' at 24: length (8) 'k' (1) type (4) at 33, value at 37
        byte[] u8s = GgufFuzzSeedsBytes.of(new GgufWriter().putArray("k", GgufValueType.UINT8, new byte[] {1, 2, 3}));
        expect(patch(u8s, 37, 99, 4), 37, "array 'k' has unknown value type 99");
        expect(patch(u8s, 41, 1L << 40, 8), 41, "array 'k' of UINT8 has length 1099511627776");
        expect(patch(u8s, 33, 13, 4), 33, "metadata 'k' has unknown value type 13");
        byte[] strs = GgufFuzzSeedsBytes.of(new GgufWriter().putStrings("k", "x", "y"));
        expect(patch(strs, 41, 1L << 60, 8), 41, "array 'k' of STRING has length 1152921504606846976");
        expect(patch(strs, 49, -2, 8), 49, "array 'k'[0] has length 18446744073709551614");
        byte[] str = GgufFuzzSeedsBytes.of(new GgufWriter().putString("k", "hello"));
        expect(patch(str, 37, 6, 8), 37, "metadata 'k' has length 6, more than the 5 bytes left in the file");
        expect(patch(str, 24, 1L << 33, 8), 24, "metadata key #0 has length 8589934592");
        byte[] bool = GgufFuzzSeedsBytes.of(new GgufWriter().putBool("k", true));
        expect(patch(bool, 37, 2, 1), 37, "BOOL has value 2");
        byte[] dup = GgufFuzzSeedsBytes.of(new GgufWriter().putU8("a", 1).putU8("b", 2));
        expect(patch(dup, 38 + 8, 'a', 1), 38, "duplicate metadata key 'a'");
        GgufValue deep = GgufValue.array(GgufValueType.INT32, new int[] {1});
        for (int i = 0; i < 8; i++) deep = GgufValue.array(GgufValueType.ARRAY, new GgufValue[] {deep});
        byte[] nested = GgufFuzzSeedsBytes.of(new GgufWriter().put("k", deep));
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufHeaderReader.parse(GgufFuzzTarget.NAME, nested));
        assertTrue(e.getMessage().contains("nests arrays deeper than 8"), e.getMessage());
        // general.alignment: written under another key, then renamed so the writer's own check is bypassed
        byte[] al = GgufFuzzSeedsBytes.of(new GgufWriter().putU32("general.alignmenX", 48));
        expect(patch(al, 32 + 16, 't', 1), 32 + 17 + 4, "general.alignment 48 is not a power of two");
        byte[] alStr = GgufFuzzSeedsBytes.of(new GgufWriter().putString("general.alignmenX", "32"));
        expect(patch(alStr, 32 + 16, 't', 1), 32 + 17 + 4, "general.alignment is STRING, expected UINT32");
    }

    @Test
    void hugeLengthsStopAtTheHeaderLimitWithoutAllocating() throws Exception {
        byte[] str = GgufFuzzSeedsBytes.of(new GgufWriter().putString("k", "hello"));
        byte[] big = patch(str, 37, 300L << 20, 8);
        long tail = 1L << 30; // virtual zeros: the "file" is 1 GiB, but the header may not be
        GgufFormatException e = assertThrows(GgufFormatException.class, () -> GgufHeaderReader.parse(GgufFuzzTarget.NAME, big, tail));
        assertTrue(e.getMessage().contains("256 MiB header limit"), e.getMessage());
        byte[] arr = patch(GgufFuzzSeedsBytes.of(new GgufWriter().putF32s("k", 1f)), 41, 200L << 20, 8);
        e = assertThrows(GgufFormatException.class, () -> GgufHeaderReader.parse(GgufFuzzTarget.NAME, arr, tail));
        assertTrue(e.getMessage().contains("header limit"), e.getMessage());
    }

    @Test
    void corruptSeedsStayWithinTheContract() throws Exception {
        for (Map.Entry<String, byte[]> s : GgufFuzzSeeds.synthetic().entrySet()) {
            assertTrue(GgufFuzzTarget.check(s.getValue()), s.getKey() + " should parse");
        }
    }
}
