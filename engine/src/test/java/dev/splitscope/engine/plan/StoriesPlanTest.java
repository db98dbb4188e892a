package dev.splitscope.engine.plan;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.gguf.GgufFile;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * stories260K: 5 layers, 8 heads / 4 kv heads, head_dim 8, n_ff 172, vocab 512. n_ff is not a multiple of 16, so the
 * ff chunk is gcd(172, 16) = 4 (the largest that tiles 172 exactly); shares are then rounded to whole chunks.
 */
class StoriesPlanTest {
    static TensorDirectory load(String name) throws Exception {
        try (GgufFile f = GgufFile.openHeader(TestModels.file(name))) {
            return TensorDirectory.fromGguf(f);
        }
    }

    static Plan plan(TensorDirectory dir, int devices, PlanOptions o) {
        Plan p = Planner.plan(dir.spec(), dir.tensors(), DeviceParser.parse("cpu:" + devices, 8L << 30), o);
        PlanInvariants.check(p, dir.tensors(), dir.spec().name() + " " + o.mode() + " on " + devices);
        return p;
    }

    private static void assertShard(DeviceShard s, int q0, int q1, int k0, int k1, int f0, int f1, int v0, int v1) {
        assertEquals(new Range(q0, q1), s.qHeads(), "q heads of device " + s.device());
        assertEquals(new Range(k0, k1), s.kvHeads(), "kv heads of device " + s.device());
        assertEquals(new Range(f0, f1), s.ff(), "ff of device " + s.device());
        assertEquals(new Range(v0, v1), s.vocab(), "vocab of device " + s.device());
        assertFalse(s.kvReplicated());
    }

    @Test
    void graphOnTwoDevices() throws Exception {
        Plan p = plan(load("stories260K.gguf"), 2, PlanOptions.of(SplitMode.GRAPH));
        assertTrue(p.ok(), p.issues().toString());
        assertShard(p.shard(0), 0, 4, 0, 2, 0, 88, 0, 256);
        assertShard(p.shard(1), 4, 8, 2, 4, 88, 172, 256, 512);
        Placement q1 = p.placement("blk.3.attn_q.weight", 1);
        assertEquals(new Sharding.Shard(1), q1.sharding());
        assertEquals(new Range(32, 64), q1.range());
        assertEquals(32L * 64 * 4, q1.bytes());
        Placement down = p.placement("blk.0.ffn_down.weight", 1);
        assertEquals(new Sharding.Partial(0), down.sharding());
        assertEquals(84L * 64 * 4, down.bytes());
        assertEquals(2, p.comm().reducesPerLayer());
        assertEquals(1 + 2 * 5 + 1, p.comm().steps().size()); // embeddings broadcast, 2 reduces per layer, logits gather
        assertEquals(1, p.comm().count(CommStep.Kind.BROADCAST));
        assertEquals(64L * 4, p.comm().bytesPerReduce().get(dev.splitscope.engine.quant.QuantType.F32));
        // 2 kv heads x head_dim 8 x (K+V) x 2 bytes (f16) x 5 layers
        assertEquals(320, p.kv().bytesPerToken(0));
        assertEquals(320, p.kv().bytesPerToken(1));
        assertEquals(320L * 2048, p.kv().whatIf(2048).bytesAtCtx(1));
    }

    @Test
    void graphOnFourDevices() throws Exception {
        Plan p = plan(load("stories260K.gguf"), 4, PlanOptions.of(SplitMode.GRAPH));
        assertTrue(p.ok(), p.issues().toString());
        assertShard(p.shard(0), 0, 2, 0, 1, 0, 44, 0, 128);
        assertShard(p.shard(1), 2, 4, 1, 2, 44, 88, 128, 256);
        assertShard(p.shard(2), 4, 6, 2, 3, 88, 128, 256, 384);
        assertShard(p.shard(3), 6, 8, 3, 4, 128, 172, 384, 512);
        for (int d = 0; d < 4; d++) assertEquals(160, p.kv().bytesPerToken(d));
    }

    @Test
    void unevenSeventyThirty() throws Exception {
        Plan p = plan(load("stories260K.gguf"), 2, PlanOptions.of(SplitMode.GRAPH).withTensorSplit(0.7, 0.3));
        assertTrue(p.ok(), p.issues().toString());
        assertShard(p.shard(0), 0, 6, 0, 3, 0, 120, 0, 352);
        assertShard(p.shard(1), 6, 8, 3, 4, 120, 172, 352, 512);
        assertTrue(p.has(PlanIssue.GRANULARITY_IMBALANCE), "4 kv heads cannot follow 0.7/0.3 exactly: " + p.issues());
        assertArrayEquals(new double[]{0.7, 0.3}, p.fractions(), 1e-12);
    }

    @Test
    void layerSplitOnTwoAndThreeDevices() throws Exception {
        TensorDirectory dir = load("stories260K.gguf");
        Plan two = plan(dir, 2, PlanOptions.of(SplitMode.LAYER));
        assertArrayEquals(new int[]{0, 0, 0, 1, 1}, two.layerDevice());
        assertEquals(0, two.placement("token_embd.weight", 0).device());
        assertEquals(1, two.placementsOf("output.weight").getFirst().device());
        assertEquals(1, two.comm().steps().size());
        assertEquals(List.of(0, 0, 0, 1, 1), two.kv().entries().stream().map(KvEntry::device).toList());
        Plan three = plan(dir, 3, PlanOptions.of(SplitMode.LAYER));
        assertArrayEquals(new int[]{0, 0, 1, 1, 2}, three.layerDevice());
        assertEquals(2, three.comm().steps().size());
        assertTrue(three.shards().isEmpty());
        Plan none = plan(dir, 3, PlanOptions.of(SplitMode.NONE));
        assertArrayEquals(new int[5], none.layerDevice());
        assertTrue(none.placements().stream().allMatch(pl -> pl.device() == 0));
        assertEquals(0, none.memory().get(2).totalBytes());
    }

    @Test
    void quantisedAttentionOnFourDevicesNeedsWholeBlocks() throws Exception {
        TensorDirectory q8 = load("derived/stories260K-Q8_0.gguf");
        // attn_output rows of 64 in 32-wide blocks: a device's columns must be 2 kv groups (4 heads x 8) wide
        Plan strict = plan(q8, 4, PlanOptions.of(SplitMode.GRAPH));
        assertFalse(strict.ok());
        PlanIssue e = strict.errors().getFirst();
        assertEquals(PlanIssue.EMPTY_SPLIT, e.code());
        assertTrue(e.message().contains("n_head_kv 4") && e.message().contains("32-wide blocks"), e.message());
        Plan allowed = plan(q8, 4, PlanOptions.of(SplitMode.GRAPH).withAllowEmptySplits(true));
        assertTrue(allowed.ok(), allowed.issues().toString());
        assertEquals(4, allowed.shards().stream().filter(s -> !s.qHeads().isEmpty()).count() * 2);
        assertEquals(172, allowed.shards().stream().mapToInt(s -> s.ff().length()).sum());
        Plan two = plan(q8, 2, PlanOptions.of(SplitMode.GRAPH));
        assertTrue(two.ok(), two.issues().toString());
        assertEquals(new Range(0, 32), two.placement("blk.0.attn_output.weight", 0).range());
    }

    @Test
    void moeVariantsSplitEveryExpert() throws Exception {
        Plan same = plan(load("derived/stories260K-moe4-identical-top2.gguf"), 2, PlanOptions.of(SplitMode.GRAPH));
        assertTrue(same.ok(), same.issues().toString());
        assertEquals(new Range(0, 88), same.shard(0).ffExp());
        Placement gate = same.placement("blk.0.ffn_gate_exps.weight", 1);
        assertEquals(84L * 64 * 4 * 4, gate.bytes());
        assertEquals(2, same.placementsOf("blk.0.ffn_gate_inp.weight").size());
        Plan split = plan(load("derived/stories260K-moe4-split-all4.gguf"), 4, PlanOptions.of(SplitMode.GRAPH));
        assertTrue(split.ok(), split.issues().toString());
        assertEquals(43, split.shards().stream().mapToInt(s -> s.ffExp().length()).sum());
    }
}
