package dev.splitscope.engine.plan;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.model.TensorRole;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorDirectoryTest {
    @Test
    void mapsEveryRoleName() {
        for (TensorRole r : TensorRole.values()) {
            TensorDesc d = TensorDirectory.describe(new GgufTensorInfo(r.tensorName(7), new long[]{32}, QuantType.F32, 0));
            assertEquals(r, d.role(), r.tensorName(7));
            assertEquals(r.perLayer ? 7 : -1, d.layer());
        }
        TensorDesc unknown = TensorDirectory.describe(new GgufTensorInfo("cls.weight", new long[]{64}, QuantType.F32, 0));
        assertNull(unknown.role());
        TensorDesc odd = TensorDirectory.describe(new GgufTensorInfo("blk.3.ffn_gate_shexp.weight", new long[]{64}, QuantType.F32, 0));
        assertNull(odd.role());
        assertEquals(3, odd.layer());
    }

    @Test
    void unknownTensorsAreReplicatedWhereLayersRun() {
        var spec = dev.splitscope.engine.model.Preset.LLAMA3_8B.spec;
        var tensors = new java.util.ArrayList<>(dev.splitscope.engine.model.TensorLayout.tensors(spec, QuantType.Q4_0));
        tensors.add(TensorDirectory.describe(new GgufTensorInfo("cls.weight", new long[]{64}, QuantType.F32, 0)));
        tensors.add(TensorDirectory.describe(new GgufTensorInfo("rope_freqs.weight", new long[]{64}, QuantType.F32, 0)));
        for (SplitMode mode : SplitMode.values()) {
            Plan p = Planner.plan(spec, tensors, DeviceParser.parse("3x24GiB", 0), PlanOptions.of(mode));
            PlanInvariants.check(p, tensors, "unknown tensor " + mode);
            assertEquals(mode == SplitMode.NONE ? 1 : 3, p.placementsOf("cls.weight").size(), mode.toString());
            // rope_freqs is known: every device that runs attention holds it
            assertEquals(mode == SplitMode.NONE ? 1 : 3, p.placementsOf("rope_freqs.weight").size(), mode.toString());
            assertTrue(p.has(PlanIssue.UNKNOWN_TENSOR));
        }
    }

    @Test
    void storiesHeader() throws Exception {
        try (GgufFile f = GgufFile.openHeader(TestModels.file("stories260K.gguf"))) {
            TensorDirectory dir = TensorDirectory.fromGguf(f);
            assertEquals(48, dir.tensors().size());
            assertFalse(dir.spec().tiedOutput());
            assertEquals(512, dir.spec().nVocab());
            TensorDesc q = dir.tensors().stream().filter(t -> t.name().equals("blk.4.attn_q.weight")).findFirst().orElseThrow();
            assertEquals(TensorRole.ATTN_Q, q.role());
            assertEquals(4, q.layer());
            assertEquals(f.tensor("blk.4.attn_q.weight").byteSize(), q.byteSize());
        }
    }

    @Test
    void moeHeader() throws Exception {
        try (GgufFile f = GgufFile.openHeader(TestModels.file("derived/stories260K-moe4-split-all4.gguf"))) {
            TensorDirectory dir = TensorDirectory.fromGguf(f);
            assertTrue(dir.unrecognised().isEmpty(), dir.unrecognised().toString());
            assertEquals(4, dir.spec().nExpert());
            assertEquals(43, dir.spec().nFfExp());
            assertEquals(5, dir.tensors().stream().filter(t -> t.role() == TensorRole.FFN_DOWN_EXPS).count());
            assertEquals(5, dir.tensors().stream().filter(t -> t.role() == TensorRole.FFN_GATE_INP).count());
        }
    }
}
