package dev.splitscope.engine.gguf;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GgufWriterTest {
    @TempDir
    Path tmp;

    /** Reads a shared model, writes it back, and expects the very same bytes plus equal metadata and directory. */
    @Test
    void sharedModelsRoundTripBitForBit() throws Exception {
        for (String name : List.of("stories260K.gguf", "llama-2-tiny-random.gguf", "derived/stories260K-Q8_0.gguf",
                "derived/stories260K-Q4_0.gguf", "derived/stories260K-BF16.gguf", "derived/stories260K-moe4-split-all4.gguf",
                "vocab/ggml-vocab-llama-spm.gguf", "vocab/ggml-vocab-gpt-2.gguf")) {
            Path src = TestModels.file(name);
            Path out = tmp.resolve(src.getFileName());
            try (GgufFile f = GgufFile.open(src)) {
                GgufWriter w = new GgufWriter().version(f.version()).putAll(f.metadata());
                for (GgufTensorInfo t : f.tensors()) w.addTensor(t.name(), t.type(), t.dims(), f.tensorData(t));
                assertEquals(f.tensors(), w.layout(), name);
                w.write(out);
                try (GgufFile g = GgufFile.open(out)) {
                    assertEquals(f.metadata().asMap(), g.metadata().asMap(), name);
                    assertEquals(f.tensors(), g.tensors(), name);
                    assertEquals(f.dataOffset(), g.dataOffset(), name);
                    for (GgufTensorInfo t : f.tensors())
                        assertEquals(-1L, f.tensorData(t).mismatch(g.tensorData(t.name())), name + " " + t.name());
                }
            }
            assertEquals(-1L, Files.mismatch(src, out), name + ": rewritten file differs from the original");
        }
    }

    static GgufWriter everyMetadataType(GgufWriter w) {
        w.putU8("t.u8", 255).putI8("t.i8", -128).putU16("t.u16", 65535).putI16("t.i16", -32768)
                .putU32("t.u32", 0xffffffffL).putI32("t.i32", Integer.MIN_VALUE).putU64("t.u64", -1L).putI64("t.i64", Long.MIN_VALUE)
                .putF32("t.f32", Float.intBitsToFloat(0x7fc00001)).putF64("t.f64", -0.0).putBool("t.bool", true)
                .putString("t.str", "héllo ✓ 🦙").putString("t.empty", "");
        w.putArray("a.u8", GgufValueType.UINT8, new byte[] {0, 1, (byte) 255});
        w.putArray("a.i8", GgufValueType.INT8, new byte[] {-1, 2});
        w.putArray("a.u16", GgufValueType.UINT16, new short[] {(short) 65535, 3});
        w.putArray("a.i16", GgufValueType.INT16, new short[] {-5});
        w.putArray("a.u32", GgufValueType.UINT32, new int[] {-1, 7});
        w.putI32s("a.i32", 1, -2, 3);
        w.putArray("a.u64", GgufValueType.UINT64, new long[] {-1L});
        w.putArray("a.i64", GgufValueType.INT64, new long[] {Long.MAX_VALUE, 0});
        w.putF32s("a.f32", 1.5f, Float.NaN, Float.NEGATIVE_INFINITY);
        w.putArray("a.f64", GgufValueType.FLOAT64, new double[] {Math.PI});
        w.putArray("a.bool", GgufValueType.BOOL, new boolean[] {true, false, true});
        w.putStrings("a.str", "a", "", "ü");
        w.putArray("a.empty", GgufValueType.STRING, new String[0]);
        GgufValue inner1 = GgufValue.array(GgufValueType.INT32, new int[] {1, 2});
        GgufValue inner2 = GgufValue.array(GgufValueType.STRING, new String[] {"x"});
        GgufValue deep = GgufValue.array(GgufValueType.ARRAY, new GgufValue[] {inner1});
        w.putArray("a.nested", GgufValueType.ARRAY, new GgufValue[] {inner1, inner2, deep});
        return w;
    }

    @Test
    void everyMetadataTypeAndEveryQuantTypeRoundTrip() throws Exception {
        for (int version : new int[] {2, 3}) {
            for (int align : new int[] {1, 32, 64, 4096}) {
                GgufWriter w = everyMetadataType(new GgufWriter().version(version)).alignment(align);
                Random rnd = new Random(version * 100 + align);
                List<byte[]> payloads = new ArrayList<>();
                for (QuantType t : QuantType.values()) {
                    long[] dims = {t.blockSize * 2L, 3};
                    byte[] b = new byte[(int) t.bytesFor(dims[0] * dims[1])];
                    rnd.nextBytes(b);
                    payloads.add(b);
                    w.addTensor("w." + t, t, dims, b);
                }
                Path out = tmp.resolve("all-" + version + "-" + align + ".gguf");
                long size = w.write(out);
                assertEquals(size, Files.size(out));
                assertEquals(0, size % align);
                try (GgufFile g = GgufFile.open(out)) {
                    assertEquals(version, g.version());
                    assertEquals(align, g.alignment());
                    assertEquals(0, g.dataOffset() % align);
                    GgufMetadata m = g.metadata();
                    assertEquals(255, m.getInt("t.u8"));
                    assertEquals(0xffffffffL, m.getLong("t.u32"));
                    assertEquals(-1L, m.getLong("t.u64"));
                    assertEquals(0x7fc00001, Float.floatToRawIntBits((Float) m.get("t.f32").orElseThrow().value()));
                    assertEquals("héllo ✓ 🦙", m.getString("t.str"));
                    GgufValue nested = m.get("a.nested").orElseThrow();
                    GgufValue[] items = (GgufValue[]) nested.value();
                    assertArrayEquals(new int[] {1, 2}, (int[]) items[0].value());
                    assertArrayEquals(new String[] {"x"}, (String[]) items[1].value());
                    assertEquals(GgufValueType.ARRAY, items[2].elementType());
                    GgufWriter expected = everyMetadataType(new GgufWriter()).alignment(align);
                    assertArrayEquals(expected.header(List.of()), new GgufWriter().putAll(m).header(List.of()));
                    int i = 0;
                    for (QuantType t : QuantType.values()) {
                        GgufTensorInfo info = g.tensor("w." + t);
                        assertEquals(t, info.type());
                        assertEquals(0, info.offset() % align);
                        assertArrayEquals(payloads.get(i++), g.tensorData(info).toArray(ValueLayout.JAVA_BYTE), t.toString());
                    }
                }
            }
        }
    }

    @Test
    void callbackSourceStreamsIntoTheFile() throws Exception {
        GgufWriter w = new GgufWriter().putString("general.architecture", "test");
        w.addTensor("a", QuantType.F32, new long[] {5}, (MemorySegment dst) -> {
            for (int i = 0; i < 5; i++) dst.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, i * 0.5f);
        });
        w.addTensor("b", QuantType.Q8_0, new long[] {64, 2}, (MemorySegment dst) -> dst.fill((byte) 7));
        Path out = tmp.resolve("cb.gguf");
        w.write(out);
        try (GgufFile g = GgufFile.open(out)) {
            float[] a = g.tensorData("a").toArray(ValueLayout.JAVA_FLOAT_UNALIGNED);
            assertArrayEquals(new float[] {0, 0.5f, 1, 1.5f, 2}, a);
            byte[] b = g.tensorData("b").toArray(ValueLayout.JAVA_BYTE);
            assertEquals(2 * 2 * 34, b.length);
            assertTrue(Arrays.equals(b, filled(b.length, (byte) 7)));
            assertEquals(32, g.tensor("b").offset());
        }
    }

    @Test
    void aFailingSourceLeavesNoPartialFile() {
        Path out = tmp.resolve("fail.gguf");
        GgufWriter w = new GgufWriter().addTensor("a", QuantType.F32, new long[] {4}, (MemorySegment dst) -> {
            throw new java.io.IOException("generator broke");
        });
        java.io.IOException e = assertThrows(java.io.IOException.class, () -> w.write(out));
        assertEquals("generator broke", e.getMessage());
        assertTrue(Files.notExists(out));
    }

    private static byte[] filled(int n, byte v) {
        byte[] b = new byte[n];
        Arrays.fill(b, v);
        return b;
    }

    @Test
    void rejectsBadInputAtTheCall() {
        GgufWriter w = new GgufWriter();
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x", QuantType.Q4_0, new long[] {31}, new byte[18]));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x", QuantType.F32, new long[] {4}, new byte[15]));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x", QuantType.F32, new long[] {1, 1, 1, 1, 1}, new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x", QuantType.F32, new long[] {Long.MAX_VALUE, 4}, d -> { }));
        w.addTensor("x", QuantType.F32, new long[] {1}, new byte[4]);
        assertThrows(IllegalArgumentException.class, () -> w.addTensor("x", QuantType.F32, new long[] {1}, new byte[4]));
        assertThrows(IllegalArgumentException.class, () -> w.putU8("k", 256));
        assertThrows(IllegalArgumentException.class, () -> w.put("k", GgufValue.of(GgufValueType.STRING, 3)));
        assertThrows(IllegalArgumentException.class, () -> w.putArray("k", GgufValueType.INT32, new long[] {1}));
        assertThrows(IllegalArgumentException.class, () -> w.alignment(48));
    }
}
