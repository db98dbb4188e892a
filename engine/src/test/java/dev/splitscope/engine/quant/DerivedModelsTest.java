package dev.splitscope.engine.quant;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The F16, BF16, Q8_0 and Q4_0 variants of stories260K (shared/models/derived) decode to within each format's error
 * of the F32 original, and re-encoding the original with our quantizers reproduces their bytes.
 */
class DerivedModelsTest {

    /** Largest |error| allowed for original value x in a block whose largest magnitude is amax. */
    private static float bound(QuantType t, float x, float amax) {
        return switch (t) {
            case F32 -> 0f;
            case F16 -> Math.max(Math.abs(x) * 0x1p-11f, 0x1p-25f);
            case BF16 -> Math.abs(x) * 0x1p-8f;
            case Q8_0 -> 0.57f * amax / 127f;  // half a step, plus the scale's own half-precision rounding
            case Q4_0 -> 1.01f * amax / 8f;    // one step: the opposite extreme is clipped from +8 to +7
            default -> throw new AssertionError(t);
        };
    }

    private static void checkVariant(String file, QuantType main, int expectMainTensors) throws Exception {
        try (GgufFile ref = GgufFile.open(TestModels.file("stories260K.gguf"));
             GgufFile q = GgufFile.open(TestModels.file("derived/" + file))) {
            assertEquals(ref.tensors().size(), q.tensors().size());
            Map<QuantType, Integer> types = new TreeMap<>();
            for (GgufTensorInfo t : q.tensors()) {
                types.merge(t.type(), 1, Integer::sum);
                GgufTensorInfo r = ref.tensor(t.name());
                assertEquals(QuantType.F32, r.type());
                assertArrayEquals(r.dims(), t.dims(), t.name());
                int n = (int) t.elementCount();
                float[] x = QuantCodecs.dequantize(QuantType.F32, ref.tensorData(r), n);
                float[] y = QuantCodecs.dequantize(t.type(), q.tensorData(t), n);
                int block = t.type().isQuantized() ? t.type().blockSize : 1;
                for (int b = 0; b < n; b += block) {
                    float amax = 0f;
                    for (int i = b; i < b + block; i++) amax = Math.max(amax, Math.abs(x[i]));
                    for (int i = b; i < b + block; i++) {
                        float err = Math.abs(x[i] - y[i]);
                        if (err > bound(t.type(), x[i], amax))
                            throw new AssertionError(file + " " + t.name() + "[" + i + "]: " + x[i] + " decoded as " + y[i]);
                    }
                }
            }
            assertEquals(expectMainTensors, types.get(main), file + " types " + types);
        }
    }

    @Test
    void f16DecodesWithinHalfPrecision() throws Exception {
        checkVariant("stories260K-F16.gguf", QuantType.F16, 37);
    }

    @Test
    void bf16DecodesWithinBfloat16() throws Exception {
        checkVariant("stories260K-BF16.gguf", QuantType.BF16, 37);
    }

    @Test
    void q8_0DecodesWithinHalfStep() throws Exception {
        checkVariant("stories260K-Q8_0.gguf", QuantType.Q8_0, 32);
    }

    @Test
    void q4_0DecodesWithinOneStep() throws Exception {
        checkVariant("stories260K-Q4_0.gguf", QuantType.Q4_0, 32);
    }

    /** Re-encodes every tensor of the original in the file's type and counts the blocks whose bytes differ. */
    private static int[] requantize(String file) throws Exception {
        int blocks = 0, differ = 0;
        try (GgufFile ref = GgufFile.open(TestModels.file("stories260K.gguf"));
             GgufFile q = GgufFile.open(TestModels.file("derived/" + file))) {
            for (GgufTensorInfo t : q.tensors()) {
                if (t.type() == QuantType.F32) continue;
                int n = (int) t.elementCount();
                float[] x = QuantCodecs.dequantize(QuantType.F32, ref.tensorData(t.name()), n);
                byte[] mine = new byte[(int) t.byteSize()];
                QuantCodecs.quantize(t.type(), x, 0, n, MemorySegment.ofArray(mine), 0);
                byte[] theirs = q.tensorData(t).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE);
                int bb = t.type().blockBytes;
                for (int off = 0; off < mine.length; off += bb, blocks++)
                    if (!java.util.Arrays.equals(mine, off, off + bb, theirs, off, off + bb)) differ++;
            }
        }
        System.out.printf("%s: %d of %d re-quantized blocks differ%n", file, differ, blocks);
        return new int[]{differ, blocks};
    }

    @Test
    void requantizingReproducesTheFiles() throws Exception {
        for (String f : new String[]{"stories260K-F16.gguf", "stories260K-BF16.gguf", "stories260K-Q8_0.gguf", "stories260K-Q4_0.gguf"}) {
            int[] r = requantize(f);
            assertTrue(r[1] > 1000, f + " has too few blocks to be a real check");
            assertEquals(0, r[0], f + ": " + r[0] + " of " + r[1] + " blocks differ");
        }
    }
}
