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
        TensorDesc rope = TensorDirectory.describe(new GgufTensorInfo("rope_freqs.weight", new long[]{64}, QuantType.F32, 0));
        assertNull(rope.role());
        TensorDesc odd = TensorDirectory.describe(new GgufTensorInfo("blk.3.ffn_gate_shexp.weight", new long[]{64}, QuantType.F32, 0));
        assertNull(odd.role());
        assertEquals(3, odd.layer());
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
