package dev.splitscope.engine.synth;

import dev.splitscope.engine.cli.Main;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.Preset;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.model.TensorLayout;
import dev.splitscope.engine.quant.QuantCodecs;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real llama-3.2-1b preset in Q8_0 (about 1.3 GB), written through the CLI to the temp dir and read back.
 * About 11 s on 2 cores, so it runs in the default suite.
 */
class SyntheticPresetTest {

    @Test
    void llama32_1bQ8_0WritesAndReadsBack() throws Exception {
        Path f = Files.createTempFile("splitscope-synth-1b-", ".gguf");
        try {
            StringWriter out = new StringWriter(), err = new StringWriter();
            long t0 = System.nanoTime();
            int rc = Main.run(new PrintWriter(out), new PrintWriter(err), "synth", "--preset", "llama-3.2-1b", "--type", "Q8_0", "-o", f.toString(), "--seed", "1");
            double writeS = (System.nanoTime() - t0) / 1e9;
            assertEquals(0, rc, err.toString());
            ModelSpec spec = Preset.LLAMA_3_2_1B.spec;
            List<TensorDesc> want = TensorLayout.tensors(spec, QuantType.Q8_0);
            long data = want.stream().mapToLong(TensorDesc::byteSize).sum();
            assertEquals(1.3135e9, data, 0.001e9); // 1.24 B weights at 8.5 bits
            assertTrue(Files.size(f) > data && Files.size(f) - data < (4 << 20), "header + padding " + (Files.size(f) - data));

            double headerMs = Double.MAX_VALUE; // best of three: the machine may be busy with other work
            for (int i = 0; i < 3; i++) {
                long h0 = System.nanoTime();
                try (GgufFile g = GgufFile.openHeader(f)) {
                    assertEquals(want.size(), g.tensors().size());
                }
                headerMs = Math.min(headerMs, (System.nanoTime() - h0) / 1e6);
            }
            System.out.printf("llama-3.2-1b Q8_0: %,d bytes written in %.1f s; header-only open %.1f ms%n",
                    Files.size(f), writeS, headerMs);
            assertTrue(headerMs < 500, "header-only open took " + headerMs + " ms");
            try (GgufFile g = GgufFile.openHeader(f)) {
                ModelSpec back = ModelSpec.fromMetadata(g.metadata(), 0).withTiedOutput(!g.hasTensor("output.weight"));
                assertEquals(spec, back);
                assertEquals(want.size(), g.tensors().size());
                for (int i = 0; i < want.size(); i++) {
                    assertEquals(want.get(i).name(), g.tensors().get(i).name());
                    assertEquals(want.get(i).type(), g.tensors().get(i).type());
                    assertArrayEquals(want.get(i).dims(), g.tensors().get(i).dims());
                }
            }
            try (GgufFile g = GgufFile.open(f)) { // spot-check values of the last (and largest-offset) tensors
                GgufTensorInfo down = g.tensor("blk.15.ffn_down.weight");
                float[] row = new float[8192];
                QuantCodecs.dequantize(QuantType.Q8_0, g.tensorData(down), down.byteSize() - 8192 / 32 * 34, row, 0, 8192);
                double sq = 0;
                for (float x : row) sq += x * x;
                assertEquals(0.02, Math.sqrt(sq / row.length), 0.003);
                float[] norm = QuantCodecs.dequantize(QuantType.F32, g.tensorData("output_norm.weight"), 2048);
                for (float x : norm) assertEquals(1f, x);
            }
        } finally {
            Files.deleteIfExists(f);
        }
    }
}
