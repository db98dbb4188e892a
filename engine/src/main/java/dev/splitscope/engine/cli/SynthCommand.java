package dev.splitscope.engine.cli;

import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.model.Preset;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.quant.QuantCodecs;
import dev.splitscope.engine.quant.QuantType;
import dev.splitscope.engine.synth.SyntheticModelWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code splitscope synth}: writes a GGUF with random weights in the shape of a preset model. */
@Command(name = "synth", mixinStandardHelpOptions = true,
        description = "Write a GGUF with random weights in the real shapes of a preset model.")
public final class SynthCommand implements Callable<Integer> {

    @Spec
    CommandSpec commandSpec;

    @Option(names = "--preset", required = true, paramLabel = "NAME", completionCandidates = PresetIds.class,
            description = "Model shape, one of: ${COMPLETION-CANDIDATES}.")
    String preset;

    @Option(names = "--type", defaultValue = "Q8_0", paramLabel = "TYPE",
            description = "Type of the large tensors: F32, F16, BF16, Q8_0, Q4_0, Q4_K or Q6_K (default: ${DEFAULT-VALUE}).")
    String type;

    @Option(names = {"-o", "--output"}, required = true, paramLabel = "FILE", description = "The GGUF file to write.")
    Path output;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed; the same seed gives the same file (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--vocab", paramLabel = "VOCAB.gguf",
            description = "Copy the tokenizer from this GGUF (the vocab size follows it); default: a byte-level vocabulary.")
    Path vocab;

    @Option(names = "--threads", paramLabel = "N", description = "Threads generating weights (default: all cores).")
    Integer threads;

    /** The preset ids, for help and completion. */
    static final class PresetIds implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return Preset.ids().iterator();
        }
    }

    /** Bad input surfaces as an exception that {@link Main} reports as one line (exit 2; --debug adds the trace). */
    @Override
    public Integer call() throws IOException {
        return run(commandSpec.commandLine().getOut(), commandSpec.commandLine().getErr());
    }

    private int run(PrintWriter out, PrintWriter err) throws IOException {
        Preset p = Preset.byId(preset);
        QuantType qt = parseType(type);
        SyntheticModelWriter w = new SyntheticModelWriter(p.spec, qt).seed(seed);
        if (threads != null) w.threads(threads);
        if (vocab != null) {
            if (!Files.isRegularFile(vocab)) throw new IllegalArgumentException("vocab file " + vocab + " does not exist");
            try (GgufFile v = GgufFile.openHeader(vocab)) {
                if (!v.metadata().has("tokenizer.ggml.tokens"))
                    throw new IllegalArgumentException(vocab + " has no tokenizer (no tokenizer.ggml.tokens)");
                w.vocab(v.metadata());
            }
            if (w.spec().nVocab() != p.spec.nVocab())
                err.printf("note: vocab size %d from %s replaces the preset's %d%n", w.spec().nVocab(), vocab, p.spec.nVocab());
        }
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) throw new IllegalArgumentException("directory " + parent + " does not exist");
        List<TensorDesc> tensors = w.tensors();
        long total = tensors.stream().mapToLong(TensorDesc::byteSize).sum();
        err.printf("writing %s: %s, %d tensors, %s of %s weights, seed %d%n", output, p.id, tensors.size(),
                total >= 1L << 30 ? String.format("%.2f GiB", total / (double) (1L << 30)) : String.format("%.2f MiB", total / (double) (1L << 20)),
                qt, seed);
        long[] done = {0};
        int[] shownTenth = {0};
        w.progress((i, n, t) -> {
            done[0] += t.byteSize();
            int tenth = (int) (10 * done[0] / Math.max(1, total));
            if (tenth > shownTenth[0] && i < n) {
                shownTenth[0] = tenth;
                err.printf("  %d%% (%d/%d tensors)%n", 10 * tenth, i, n);
                err.flush();
            }
        });
        long t0 = System.nanoTime();
        long size;
        try {
            size = w.write(output);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(output); // no half-written model left behind
            throw e;
        }
        out.printf("wrote %s (%,d bytes) in %.1f s%n", output, size, (System.nanoTime() - t0) / 1e9);
        out.flush();
        return 0;
    }

    private static QuantType parseType(String s) {
        try {
            return QuantType.valueOf(s.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown type '" + s + "'; synthetic models can be " + QuantCodecs.quantizable());
        }
    }
}
