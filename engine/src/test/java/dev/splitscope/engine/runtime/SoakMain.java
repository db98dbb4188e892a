package dev.splitscope.engine.runtime;

import dev.splitscope.engine.plan.SplitMode;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The soak workload, run in its own JVM with a fixed, pre-touched heap so that RSS growth is off-heap growth:
 * 50 load/unload cycles and 1,000 generations on two virtual CPU devices. Prints one line of figures.
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

    public static void main(String[] args) throws Exception {
        Path model = Path.of(args[0]);
        int cycles = Integer.parseInt(args[1]), generations = Integer.parseInt(args[2]);
        LoadOptions o = LoadOptions.defaults().on("cpu:2", SplitMode.GRAPH).withCtx(128).withThreads(1);
        try (LoadedModel warm = LoadedModel.load(model, o, LoadProgress.NONE)) {
            for (int i = 0; i < 50; i++) warm.generate("Once upon a time", GenerateParams.greedy(8), TokenListener.NONE);
        }
        long rss0 = statusKb("VmRSS");
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
    }
}
