package dev.splitscope.engine.plan;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.model.Preset;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.model.TensorLayout;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every tensor of every preset and shared model, in every mode, on 1/2/3/4/8 devices: shards add up exactly. */
class PlannerInvariantsTest {
    private static final int[] DEVICE_COUNTS = {1, 2, 3, 4, 8};
    private static final List<QuantType> TYPES = List.of(QuantType.F16, QuantType.Q8_0, QuantType.Q4_0, QuantType.Q4_K);
    private static final String[] SHARED = {"stories260K.gguf", "llama-2-tiny-random.gguf", "derived/stories260K-F16.gguf",
            "derived/stories260K-BF16.gguf", "derived/stories260K-Q8_0.gguf", "derived/stories260K-Q4_0.gguf",
            "derived/stories260K-moe4-identical-top2.gguf", "derived/stories260K-moe4-split-all4.gguf"};

    @Test
    void everyPresetEveryModeEveryDeviceCount() {
        int plans = 0;
        for (Preset preset : Preset.values()) {
            for (QuantType type : TYPES) {
                List<TensorDesc> tensors = TensorLayout.tensors(preset.spec, type);
                plans += planAll(preset.id + " " + type, preset.spec, tensors);
            }
        }
        assertEquals(Preset.values().length * TYPES.size() * (1 + 2 * DEVICE_COUNTS.length + 1), plans);
    }

    @Test
    void everySharedModelEveryModeEveryDeviceCount() throws Exception {
        for (String name : SHARED) {
            Path path = TestModels.file(name);
            try (GgufFile f = GgufFile.openHeader(path)) {
                TensorDirectory dir = TensorDirectory.fromGguf(f);
                assertTrue(dir.unrecognised().isEmpty(), name + ": " + dir.unrecognised());
                assertEquals(f.tensors().size(), dir.tensors().size());
                planAll(name, dir.spec(), dir.tensors());
            }
        }
    }

    private static int planAll(String what, dev.splitscope.engine.model.ModelSpec spec, List<TensorDesc> tensors) {
        int n = 0;
        check(what, spec, tensors, 1, PlanOptions.of(SplitMode.NONE));
        n++;
        for (int p : DEVICE_COUNTS) {
            for (SplitMode mode : List.of(SplitMode.LAYER, SplitMode.GRAPH)) {
                check(what, spec, tensors, p, PlanOptions.of(mode).withAllowEmptySplits(true));
                n++;
            }
        }
        check(what, spec, tensors, 2, PlanOptions.of(SplitMode.GRAPH).withTensorSplit(0.7, 0.3));
        return n + 1;
    }

    private static void check(String what, dev.splitscope.engine.model.ModelSpec spec, List<TensorDesc> tensors, int p,
                              PlanOptions o) {
        List<DeviceSpec> devices = DeviceParser.parse(p + "x80GiB");
        Plan plan = Planner.plan(spec, tensors, devices, o);
        String where = what + " " + o.mode() + " on " + p;
        PlanInvariants.check(plan, tensors, where);
        assertTrue(plan.errors().stream().noneMatch(i -> i.code().equals(PlanIssue.MISALIGNED)
                || i.code().equals(PlanIssue.SHAPE_MISMATCH)), where + ": " + plan.errors());
    }
}
