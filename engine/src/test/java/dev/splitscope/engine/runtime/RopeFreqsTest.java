package dev.splitscope.engine.runtime;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.engine.gguf.GgufWriter;
import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/** Llama 3's rope_freqs: factors of 1 change nothing, other factors change the logits, the same on every split. */
class RopeFreqsTest {
    @TempDir
    Path dir;

    /** stories260K with a rope_freqs.weight tensor of the given factors added. */
    private Path withFactors(float factor) throws Exception {
        Path out = dir.resolve("rope-" + factor + ".gguf");
        try (GgufFile f = GgufFile.open(TestModels.file("stories260K.gguf"))) {
            GgufWriter w = new GgufWriter().putAll(f.metadata());
            for (GgufTensorInfo t : f.tensors()) w.addTensor(t.name(), t.type(), t.dims(), f.tensorData(t));
            int n = f.metadata().getInt("llama.rope.dimension_count") / 2;
            ByteBuffer b = ByteBuffer.allocate(4 * n).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < n; i++) b.putFloat(i == 0 ? 1f : factor);
            w.addTensor("rope_freqs.weight", QuantType.F32, new long[]{n}, b.array());
            w.write(out);
        }
        return out;
    }

    private static float[] logits(Path model, LoadOptions o) throws Exception {
        try (LoadedModel m = LoadedModel.load(model, o, LoadProgress.NONE)) {
            return m.run().forward(new int[]{1, 403, 407, 261, 378, 432, 383}, 0);
        }
    }

    @Test
    void factorsScaleTheRotationOnEverySplit() throws Exception {
        LoadOptions one = LoadOptions.defaults().withCtx(32).withThreads(1);
        float[] plain = logits(TestModels.file("stories260K.gguf"), one);
        // the same math, but the Vector API may add a reduction's lanes in another order once C2 has compiled it
        // (the first run is partly interpreted): a few ulps of logits near 10, so not bit for bit
        assertArrayEquals(plain, logits(withFactors(1f), one), 1e-4f, "factors of 1 must change nothing");
        Path scaled = withFactors(4f);
        float[] ref = logits(scaled, one);
        assertFalse(Arrays.equals(plain, ref), "factors of 4 must change the logits");
        assertArrayEquals(ref, logits(scaled, one.on("cpu:2", SplitMode.GRAPH)), 1e-4f);
        assertArrayEquals(ref, logits(scaled, one.on("cpu:2", SplitMode.LAYER)), 1e-4f);
    }
}
