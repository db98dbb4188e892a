package dev.splitscope.engine.runtime;

import dev.splitscope.engine.plan.SplitMode;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The soak workload, run in its own JVM with a fixed, pre-touched heap so that RSS growth is off-heap growth:
 * load/unload cycles and generations on a device string (default two virtual CPU devices; {@code cuda:0} also
 * reports the GPU's free memory). Prints one line of figures.
 * Usage: SoakMain MODEL CYCLES GENERATIONS [DEVICES]
 */
public final class SoakMain {
    private SoakMain() {}

    static long statusKb(String key) throws Exception {
        for (String l : Files.readAllLines(Path.of("/proc/self/status")))
            if (l.startsWith(key + ":")) return Long.parseLong(l.replaceAll("[^0-9]", ""));
        return -1;
    }

    static long mappings(Path file) throws Exception {
        String name = file.toRealPath().toString();
        return Files.readAllLines(Path.of("/proc/self/maps")).stream().filter(l -> l.endsWith(name)).count();
    }

    /** Free memory of GPU 0 in bytes, as the driver reports it. */
    static long gpuFree() {
        return dev.splitscope.engine.backend.Backends.require("cuda").memory(0)[1];
    }

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int cycles = Integer.parseInt(args[1]), generations = Integer.parseInt(args[2]);
        String devices = args.length > 3 ? args[3] : "cpu:2";
        boolean cuda = devices.startsWith("cuda");
        LoadOptions o = LoadOptions.defaults().on(devices, devices.contains(",") || devices.startsWith("cpu:2") ? SplitMode.GRAPH : SplitMode.NONE)
                .withCtx(128).withThreads(1);
        try (LoadedModel warm = LoadedModel.load(model, o, LoadProgress.NONE)) {
            for (int i = 0; i < 50; i++) warm.generate("Once upon a time", GenerateParams.greedy(8), TokenListener.NONE);
        }
        long rss0 = statusKb("VmRSS");
        long gpu0 = cuda ? gpuFree() : 0;
        long maxMappings = 0;
        for (int i = 0; i < cycles; i++) {
            try (LoadedModel m = LoadedModel.load(model, o, LoadProgress.NONE)) {
                m.generate("Once upon a time", GenerateParams.greedy(4), TokenListener.NONE);
            }
            maxMappings = Math.max(maxMappings, mappings(model));
        }
        long rssAfterCycles = statusKb("VmRSS");
        int tokens = 0;
        try (LoadedModel m = LoadedModel.load(model, o, LoadProgress.NONE)) {
            for (int i = 0; i < generations; i++)
                tokens += m.generate("Once upon a time", GenerateParams.greedy(8), TokenListener.NONE).generatedIds().length;
        }
        System.out.printf("soak cycles=%d generations=%d tokens=%d rss_baseline_kib=%d rss_after_cycles_kib=%d rss_end_kib=%d mappings_after_unload=%d%n",
                cycles, generations, tokens, rss0, rssAfterCycles, statusKb("VmRSS"), Math.max(maxMappings, mappings(model)));
        if (cuda) System.out.printf("gpu free_baseline_mib=%d free_end_mib=%d%n", gpu0 >> 20, gpuFree() >> 20);
    }
}
