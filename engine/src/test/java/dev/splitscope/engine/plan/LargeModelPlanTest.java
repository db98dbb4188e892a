package dev.splitscope.engine.plan;

import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.Preset;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.model.TensorLayout;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Fit verdicts for llama3-70b, and qwen3-30b-a3b's empty split (n_ff_exp 768 in 256-wide blocks). */
class LargeModelPlanTest {
    private static final long GIB = 1L << 30;
    private static final ModelSpec L70 = Preset.LLAMA3_70B.spec;
    private static final ModelSpec QWEN = Preset.QWEN3_30B_A3B.spec;

    private static Plan plan(ModelSpec s, QuantType t, String devices, PlanOptions o) {
        List<TensorDesc> tensors = TensorLayout.tensors(s, t);
        Plan p = Planner.plan(s, tensors, DeviceParser.parse(devices, 64 * GIB), o);
        PlanInvariants.check(p, tensors, s.name() + " " + t + " on " + devices);
        return p;
    }

    @Test
    void llama70bFitsOnFour80GiBInQ4_0AndQ8_0() {
        for (QuantType t : List.of(QuantType.Q4_0, QuantType.Q8_0)) {
            Plan p = plan(L70, t, "4x80GiB", PlanOptions.of(SplitMode.GRAPH).withCtx(8192));
            assertTrue(p.ok(), t + ": " + p.issues());
            for (DeviceMemory m : p.memory()) assertTrue(m.fits() && m.totalBytes() < 25 * GIB, t + " " + m);
            // KV per token per device: 2 of 8 kv heads x 128 x (K+V) x 2 bytes (f16) x 80 layers = 80 KiB
            for (int d = 0; d < 4; d++) {
                assertEquals(new Range(2 * d, 2 * d + 2), p.shard(d).kvHeads());
                assertEquals(2L * 128 * 2 * 2 * 80, p.kv().bytesPerToken(d));
                assertEquals(81920L * 8192, p.kv().bytesAtCtx(d));
            }
            assertEquals(327680, p.kv().bytesPerToken());
        }
    }

    @Test
    void llama70bVerdictsOnTwo80GiB() {
        // Q8_0 is 70.55 G params x 8.5 bits = 69.8 GiB of weights: it fits on 2 x 80 GiB (35 GiB each), not on 1 x 80 GiB
        Plan q8 = plan(L70, QuantType.Q8_0, "2x80GiB", PlanOptions.of(SplitMode.GRAPH).withCtx(8192));
        assertTrue(q8.ok(), q8.issues().toString());
        long weights = q8.memory().stream().mapToLong(DeviceMemory::weightBytes).sum();
        assertTrue(weights > 69 * GIB && weights < 70 * GIB, Units.bytes(weights));
        assertEquals(163840, q8.kv().bytesPerToken(0), "4 kv heads per device");
        Plan f32 = plan(L70, QuantType.F32, "2x80GiB", PlanOptions.of(SplitMode.GRAPH).withCtx(8192));
        assertFalse(f32.ok());
        assertEquals(2, f32.errors().stream().filter(i -> i.code().equals(PlanIssue.DOES_NOT_FIT)).count());
        assertTrue(f32.errors().getFirst().message().contains("over"), f32.errors().getFirst().message());
        assertTrue(f32.memory().get(0).shortfallBytes() > 40 * GIB);
        // the devices that really are too small for Q8_0 in two: 2 x V100 32GB
        Plan v100 = plan(L70, QuantType.Q8_0, "2xV100", PlanOptions.of(SplitMode.GRAPH));
        assertTrue(v100.has(PlanIssue.DOES_NOT_FIT), v100.issues().toString());
        Plan one = plan(L70, QuantType.F16, "80GiB", PlanOptions.of(SplitMode.NONE));
        assertTrue(one.has(PlanIssue.DOES_NOT_FIT));
        Plan layer = plan(L70, QuantType.Q8_0, "2x80GiB", PlanOptions.of(SplitMode.LAYER));
        assertTrue(layer.ok(), layer.issues().toString());
        assertEquals(40, java.util.Arrays.stream(layer.layerDevice()).filter(d -> d == 1).count());
    }

    @Test
    void planningLlama70bIsFast() {
        List<TensorDesc> tensors = TensorLayout.tensors(L70, QuantType.Q4_0);
        List<DeviceSpec> devices = DeviceParser.parse("4x80GiB", 0);
        long t0 = System.nanoTime();
        Plan p = Planner.plan(L70, tensors, devices, PlanOptions.of(SplitMode.GRAPH));
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 1000, "planning llama3-70b took " + ms + " ms");
        assertEquals(1 + 4 + 4 + 80 * (2 * 4 + 7 * 4), p.placements().size()); // token_embd once, output_norm and output x4
    }

    @Test
    void qwen3MoeWith256WideBlocksOnFourDevicesIsAnEmptySplit() {
        Plan p = plan(QWEN, QuantType.Q4_K, "4xH100", PlanOptions.of(SplitMode.GRAPH));
        assertFalse(p.ok());
        PlanIssue e = p.errors().getFirst();
        assertEquals(PlanIssue.EMPTY_SPLIT, e.code());
        assertTrue(e.message().contains("n_ff_exp 768 in chunks of 256") && e.message().contains("3 chunks for 4 devices")
                && e.message().contains("Use at most 3 devices"), e.message());
        assertEquals(1, p.shards().stream().filter(s -> s.ffExp().isEmpty()).count());
        // allowed: the same ranges, now a warning, and the idle device holds no expert bytes
        Plan allowed = plan(QWEN, QuantType.Q4_K, "4xH100", PlanOptions.of(SplitMode.GRAPH).withAllowEmptySplits(true));
        assertTrue(allowed.ok());
        assertTrue(allowed.warnings().stream().anyMatch(i -> i.code().equals(PlanIssue.EMPTY_SPLIT)));
        int idle = allowed.shards().stream().filter(s -> s.ffExp().isEmpty()).findFirst().orElseThrow().device();
        assertEquals(0, allowed.placement("blk.0.ffn_up_exps.weight", idle).bytes());
        assertTrue(plan(QWEN, QuantType.Q4_K, "3xH100", PlanOptions.of(SplitMode.GRAPH)).ok());
        Plan q8 = plan(QWEN, QuantType.Q8_0, "4xH100", PlanOptions.of(SplitMode.GRAPH));
        assertTrue(q8.ok(), q8.issues().toString());
        assertEquals(new Range(192, 384), q8.shard(1).ffExp());
    }

    @Test
    void moreDevicesThanKvHeadsReplicatesKvHeads() {
        Plan p = plan(QWEN, QuantType.Q8_0, "8xH100", PlanOptions.of(SplitMode.GRAPH));
        assertTrue(p.ok(), p.issues().toString());
        assertTrue(p.has(PlanIssue.KV_REPLICATED));
        for (int d = 0; d < 8; d++) {
            assertEquals(new Range(4 * d, 4 * d + 4), p.shard(d).qHeads());
            assertEquals(new Range(d / 2, d / 2 + 1), p.shard(d).kvHeads());
            assertTrue(p.shard(d).kvReplicated());
        }
        assertEquals(new Sharding.ReplicatedShard(1), p.placement("blk.0.attn_k.weight", 3).sharding());
    }

    @Test
    void commScalesWithReduceTypeAndLink() {
        PlanOptions o = PlanOptions.of(SplitMode.GRAPH).withReduceType(QuantType.F16).withLink(LinkSpec.NVLINK4);
        Plan p = plan(L70, QuantType.Q4_0, "4xH100", o);
        CommPlan c = p.comm();
        assertEquals(8192L * 2, c.bytesPerReduce().get(QuantType.F16));
        assertEquals(8192L * 4, c.bytesPerReduce().get(QuantType.F32));
        assertEquals(160, c.count(CommStep.Kind.ALL_REDUCE));
        CommStep first = c.steps().stream().filter(x -> x.kind() == CommStep.Kind.ALL_REDUCE).findFirst().orElseThrow();
        assertEquals(3L * 16384, first.wireBytes(), "a decode row goes one-shot");
        assertEquals(3e-6 + first.wireBytes() / 450e9, first.seconds(), 1e-12);
        Plan pcie = plan(L70, QuantType.Q4_0, "4x80GiB", o.withLink(null));
        assertTrue(pcie.comm().totalSeconds() > c.totalSeconds());
    }

    /**
     * The all-reduce takes the form the engine would: one exchange for decode rows, up to two devices and on CPUs;
     * two-shot for larger batches from three devices on.
     */
    @Test
    void allReducesTakeTheEnginesForm() {
        PlanOptions o = PlanOptions.of(SplitMode.GRAPH).withLink(LinkSpec.NVLINK4);
        PlanOptions prompt = o.withBatch(512);
        long payload = 8192L * 4;
        CommPlan two = plan(L70, QuantType.Q4_0, "2xH200", o).comm();
        assertEquals(AllReduceForm.ONE_SHOT, two.allReduceForm());
        assertEquals(payload, firstAllReduce(two).wireBytes());
        assertEquals(3e-6 + payload / 450e9, firstAllReduce(two).seconds(), 1e-12, "one latency step, not a ring's two");
        assertEquals(AllReduceForm.ONE_SHOT, plan(L70, QuantType.Q4_0, "2xH200", prompt).comm().allReduceForm(), "two devices: one-shot at any size");
        CommPlan four = plan(L70, QuantType.Q4_0, "4xH200", o).comm();
        assertEquals(AllReduceForm.ONE_SHOT, four.allReduceForm());
        assertEquals("one all-reduce of 32.0 KiB over 4 devices on nvlink4: one-shot 3.2 µs (1 step, 96.0 KiB out of each device);"
                + " two-shot 6.1 µs (2 steps, 48.0 KiB out of each device); ring 18.1 µs (6 steps, 48.0 KiB out of each device);"
                + " the engine takes one-shot", four.formsCompared());
        CommPlan fourPrompt = plan(L70, QuantType.Q4_0, "4xH200", prompt).comm();
        assertEquals(AllReduceForm.TWO_SHOT, fourPrompt.allReduceForm());
        assertEquals(2L * 3 * payload * 512 / 4, firstAllReduce(fourPrompt).wireBytes(), "a ring's bytes");
        assertEquals(2 * 3e-6 + firstAllReduce(fourPrompt).wireBytes() / 450e9, firstAllReduce(fourPrompt).seconds(), 1e-12, "in two steps");
        assertTrue(fourPrompt.formsCompared().endsWith("the engine takes two-shot"), fourPrompt.formsCompared());

        List<DeviceSpec> oneGpu = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) oneGpu.add(new DeviceSpec(i, "cuda:0", DeviceKind.CUDA, "NVIDIA H200", 140 * GIB, 4.8e12, LinkSpec.NVLINK4));
        CommPlan logical = Planner.plan(L70, TensorLayout.tensors(L70, QuantType.Q4_0), oneGpu, o).comm();
        assertEquals(AllReduceForm.ONE_SHOT, logical.allReduceForm());
        assertEquals(3 * payload, firstAllReduce(logical).wireBytes(), "every partial to each of the three others");
        assertEquals(AllReduceForm.TWO_SHOT, Planner.plan(L70, TensorLayout.tensors(L70, QuantType.Q4_0), oneGpu, prompt).comm().allReduceForm());
        assertEquals(AllReduceForm.ONE_SHOT, plan(L70, QuantType.Q4_0, "cpu:4", prompt).comm().allReduceForm(), "CPUs meet on the host");
        assertEquals(null, plan(L70, QuantType.Q4_0, "1xH200", o).comm().allReduceForm());
    }

    /** More logical devices on one GPU than the engine's peer all-reduce takes there: the plan says they meet on the host. */
    @Test
    void crowdedGpuWarnsThatPartialSumsMeetOnTheHost() {
        PlanOptions o = PlanOptions.of(SplitMode.GRAPH);
        String seven = String.join(",", java.util.Collections.nCopies(AllReduceForm.PEER_RANKS_PER_GPU, "cuda:0"));
        assertFalse(plan(L70, QuantType.Q4_0, seven, o).has(PlanIssue.HOST_REDUCE));
        Plan crowded = plan(L70, QuantType.Q4_0, seven + ",cuda:0,cuda:1", o);
        PlanIssue w = crowded.issues().stream().filter(i -> i.code().equals(PlanIssue.HOST_REDUCE)).findFirst().orElseThrow();
        assertEquals(PlanIssue.Severity.WARNING, w.severity());
        assertTrue(w.message().startsWith("8 logical devices share cuda:0: the engine's peer all-reduce takes at most 7 ranks"), w.message());
        assertFalse(plan(L70, QuantType.Q4_0, seven + ",cuda:0", PlanOptions.of(SplitMode.LAYER)).has(PlanIssue.HOST_REDUCE),
                "a layer split has no all-reduce");
    }

    private static CommStep firstAllReduce(CommPlan c) {
        return c.steps().stream().filter(x -> x.kind() == CommStep.Kind.ALL_REDUCE).findFirst().orElseThrow();
    }
}
