package dev.splitscope.engine.runtime;

import dev.splitscope.engine.Golden;
import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.cpu.CpuDeviceOps;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.model.Architectures;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every weight a step reads was handed to {@link DeviceOps#preload} (or, for experts, preloadExperts) when the run was
 * made, as a matrix or a vector as the step then uses it, so a GPU never uploads inside a step.
 */
class WeightPreloadTest {

    /** Wraps a CPU device and notes what was preloaded, and whether a step read a weight that was not. */
    private static final class Recorder {
        final Set<DeviceOps.Weight> matrices = Collections.newSetFromMap(new IdentityHashMap<>());
        final Set<DeviceOps.Weight> vectors = Collections.newSetFromMap(new IdentityHashMap<>());
        final Set<DeviceOps.Weight> experts = Collections.newSetFromMap(new IdentityHashMap<>());
        final List<String> missed = new ArrayList<>();
        int used;

        DeviceOps wrap(DeviceOps cpu) {
            return (DeviceOps) Proxy.newProxyInstance(DeviceOps.class.getClassLoader(), new Class<?>[] {DeviceOps.class}, (p, m, args) -> {
                switch (m.getName()) {
                    case "preload" -> ((boolean) args[1] ? matrices : vectors).add((DeviceOps.Weight) args[0]);
                    case "preloadExperts" -> Collections.addAll(experts, (DeviceOps.Weight[]) args[0]);
                    case "matmul", "getRows" -> check(matrices, args[0], m.getName());
                    case "rmsNorm" -> check(vectors, args[1], m.getName());
                    case "addBias" -> check(vectors, args[1], m.getName());
                    case "rope" -> { if (args[8] != null) check(vectors, args[8], m.getName()); }
                    case "moeFfn" -> { for (int i = 0; i < 3; i++) for (Object w : (Object[]) args[i]) check(experts, w, m.getName()); }
                    default -> {}
                }
                try {
                    return m.invoke(cpu, args);
                } catch (InvocationTargetException e) {
                    throw e.getCause();
                }
            });
        }

        private void check(Set<DeviceOps.Weight> seen, Object w, String op) {
            used++;
            if (!seen.contains(w)) missed.add(op + " read " + ((DeviceOps.Weight) w).view() + " that was not preloaded for it");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"stories260K.gguf", "derived/stories260K-moe4-split-all4.gguf"})
    void everyWeightAStepReadsWasPreloaded(String path) throws Exception {
        int[] prompt = Golden.of("stories260K.gguf").promptIds();
        try (GgufFile f = GgufFile.open(TestModels.file(path))) {
            var arch = Architectures.forName(f.architecture());
            ModelSpec s = arch.readSpec(f.metadata(), 512).withTiedOutput(!f.hasTensor("output.weight"));
            Recorder[] rec = {new Recorder(), new Recorder()};
            List<DeviceOps> devs = List.of(rec[0].wrap(new CpuDeviceOps("cpu:0", 1)), rec[1].wrap(new CpuDeviceOps("cpu:1", 1)));
            try (ModelRun run = new ModelRun(f, arch.buildGraph(s), Layout.evenSplit(s, 2), devs, 64, 16, ReduceType.F32, QuantType.F32)) {
                for (Recorder r : rec) assertEquals(0, r.used, "the run was made without reading a weight");
                int id = run.forwardGreedy(prompt, 0);
                run.forwardGreedy(new int[] {id}, prompt.length);
            }
            for (Recorder r : rec) {
                assertTrue(r.used > 0, "the steps read weights");
                if (!r.missed.isEmpty()) fail(r.missed.size() + " reads of weights not preloaded, first: " + r.missed.getFirst());
            }
        }
    }
}
