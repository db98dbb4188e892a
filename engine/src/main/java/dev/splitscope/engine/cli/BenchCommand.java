package dev.splitscope.engine.cli;

import dev.splitscope.engine.backend.cpu.MemoryBandwidth;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.engine.runtime.LoadProgress;
import dev.splitscope.engine.runtime.LoadedModel;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code splitscope bench}: prompt processing (pp) and token generation (tg) speed, as llama-bench reports them, with
 * this machine's read bandwidth measured in the same run so tg can be read as a fraction of the memory roofline.
 */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Measure pp and tg speed (llama-bench style).")
public final class BenchCommand implements Callable<Integer> {
    @Option(names = {"-m", "--model"}, required = true, description = "GGUF model file")
    Path model;

    @Option(names = {"-p", "--n-prompt"}, defaultValue = "512", description = "Prompt tokens for pp (default: ${DEFAULT-VALUE})")
    int nPrompt;

    @Option(names = {"-n", "--n-gen"}, defaultValue = "128", description = "Generated tokens for tg (default: ${DEFAULT-VALUE})")
    int nGen;

    @Option(names = {"-r", "--repetitions"}, defaultValue = "3", description = "Repetitions of each test (default: ${DEFAULT-VALUE})")
    int reps;

    @Option(names = "--no-bandwidth", description = "Skip the read-bandwidth measurement")
    boolean noBandwidth;

    @Mixin
    RunOptions run;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (reps < 1) throw new IllegalArgumentException("--repetitions must be >= 1");
        java.io.PrintWriter out = spec.commandLine().getOut();
        try (LoadedModel m = LoadedModel.load(model, run.toLoadOptions(nPrompt + nGen + 1), LoadProgress.NONE)) {
            double bandwidth = noBandwidth ? 0 : MemoryBandwidth.measure() * 1e9; // bytes per second
            long bytesPerToken = weightBytesPerToken(m);
            out.printf("model: %s (%s), %.1f MiB of weights, %s, split %s%n", m.name(), model.getFileName(),
                    m.file().tensors().stream().mapToLong(GgufTensorInfo::byteSize).sum() / 1048576.0,
                    String.join(",", m.run().deviceNames()), m.plan().mode().name().toLowerCase());
            out.printf("%-8s %12s %10s%n", "test", "t/s", "± std");
            if (nPrompt > 0) print(out, "pp" + nPrompt, measure(m, nPrompt, true));
            if (nGen > 0) {
                double[] tg = measure(m, nGen, false);
                print(out, "tg" + nGen, tg);
                if (bandwidth > 0)
                    out.printf("read bandwidth (measured, same run): %.1f GB/s; weights read per token: %.1f MB; "
                                    + "tg reaches %.0f%% of the bandwidth roofline (%.1f t/s)%n",
                            bandwidth / 1e9, bytesPerToken / 1e6, 100 * tg[0] * bytesPerToken / bandwidth, bandwidth / bytesPerToken);
            }
        }
        out.flush();
        return 0;
    }

    private static void print(java.io.PrintWriter out, String test, double[] r) {
        out.printf("%-8s %12.2f %10.2f%n", test, r[0], r[1]);
    }

    /** Weight bytes one decoding step reads: everything but the embedding table, of which it reads one row. */
    static long weightBytesPerToken(LoadedModel m) {
        long sum = 0;
        for (GgufTensorInfo t : m.file().tensors())
            if (!t.name().equals("token_embd.weight") || m.spec().tiedOutput()) sum += t.byteSize();
        return sum;
    }

    /** Mean and standard deviation of tokens per second over the repetitions (after one warm-up). */
    private double[] measure(LoadedModel m, int n, boolean prompt) {
        SplittableRandom rnd = new SplittableRandom(1);
        int vocab = m.spec().nVocab();
        double[] tps = new double[reps];
        for (int r = -1; r < reps; r++) {
            long t0 = System.nanoTime();
            if (prompt) {
                m.run().forward(rnd.ints(n, 0, vocab).toArray(), 0);
            } else {
                for (int i = 0; i < n; i++) m.run().forward(new int[]{rnd.nextInt(vocab)}, i);
            }
            if (r >= 0) tps[r] = n * 1e9 / (System.nanoTime() - t0);
        }
        double mean = java.util.Arrays.stream(tps).average().orElse(0);
        double var = java.util.Arrays.stream(tps).map(x -> (x - mean) * (x - mean)).sum() / Math.max(1, reps - 1);
        return new double[]{mean, Math.sqrt(var)};
    }
}
