package dev.splitscope.engine.synth;

import dev.splitscope.engine.gguf.GgufMetadata;
import dev.splitscope.engine.gguf.GgufValue;
import dev.splitscope.engine.gguf.GgufWriter;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.model.TensorLayout;
import dev.splitscope.engine.model.TensorRole;
import dev.splitscope.engine.quant.QuantCodecs;
import dev.splitscope.engine.quant.QuantType;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Writes a valid GGUF with random weights in the shapes of a {@link ModelSpec} (usually a preset): the tensors
 * {@link TensorLayout} lists, hyperparameter metadata that reads back to the same spec, and a tokenizer (copied
 * from a vocab GGUF, or a byte-level one). Weights are N(0, 0.02)-like so activations stay finite; norm weights are
 * 1 and biases 0. The output is deterministic for a seed and streamed: no tensor is ever held in memory whole.
 */
public final class SyntheticModelWriter {
    /** Standard deviation of the random weights. */
    public static final float WEIGHT_STD = 0.02f;

    /** Told after each tensor is written; {@code index} counts from 1 to {@code count}. */
    @FunctionalInterface
    public interface Progress {
        void tensorWritten(int index, int count, TensorDesc tensor);
    }

    private ModelSpec spec;
    private final QuantType type;
    private long seed = 42;
    private GgufMetadata vocab;
    private int threads = Math.max(1, Runtime.getRuntime().availableProcessors());
    private Progress progress = (i, n, t) -> {};

    /** @param type the storage type of the large tensors; it must be one {@link QuantCodecs} can quantize */
    public SyntheticModelWriter(ModelSpec spec, QuantType type) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.type = Objects.requireNonNull(type, "type");
        if (!QuantCodecs.canQuantize(type))
            throw new IllegalArgumentException("cannot write " + type + " weights; synthetic models can be " + QuantCodecs.quantizable());
    }

    public SyntheticModelWriter seed(long seed) {
        this.seed = seed;
        return this;
    }

    /**
     * Copies every {@code tokenizer.*} key of {@code vocabMetadata}. The model's vocabulary size becomes the
     * vocab's token count, so that token_embd and output match the tokenizer.
     */
    public SyntheticModelWriter vocab(GgufMetadata vocabMetadata) {
        int n = vocabMetadata.getStringArray("tokenizer.ggml.tokens").length;
        this.vocab = vocabMetadata;
        this.spec = withVocab(spec, n);
        return this;
    }

    /** Worker threads for generating weights (1 = everything on the calling thread). The bytes do not depend on it. */
    public SyntheticModelWriter threads(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        this.threads = threads;
        return this;
    }

    public SyntheticModelWriter progress(Progress progress) {
        this.progress = Objects.requireNonNull(progress);
        return this;
    }

    /** The spec the file will describe (the vocab size follows {@link #vocab} when one is given). */
    public ModelSpec spec() {
        return spec;
    }

    /** The tensors the file will hold, in file order. */
    public List<TensorDesc> tensors() {
        return TensorLayout.tensors(spec, type);
    }

    /** Writes the model to {@code out} (replacing it) and returns the file size in bytes. */
    public long write(Path out) throws IOException {
        Map<String, GgufValue> kv = metadata(out);
        GgufWriter w = new GgufWriter();
        kv.forEach(w::put);
        List<TensorDesc> list = tensors();
        ExecutorService pool = threads > 1 ? Executors.newFixedThreadPool(threads, daemonThreads()) : null;
        try {
            for (int i = 0; i < list.size(); i++) {
                TensorDesc t = list.get(i);
                RandomTensorSource src = source(t, pool);
                int index = i + 1;
                w.addTensor(t.name(), t.type(), t.dims(), dst -> {
                    src.writeTo(dst);
                    progress.tensorWritten(index, list.size(), t);
                });
            }
            return w.write(out);
        } finally {
            if (pool != null) pool.shutdownNow();
        }
    }

    private RandomTensorSource source(TensorDesc t, ExecutorService pool) {
        float std = WEIGHT_STD, constant = 0f;
        if (t.role().isBias()) std = 0f;
        else if (t.role().isSmall()) { std = 0f; constant = 1f; } // norm weights
        return new RandomTensorSource(t.name(), t.type(), t.elementCount(), seed, std, constant, pool, threads);
    }

    /** All metadata, checked to read back as {@link #spec}. */
    Map<String, GgufValue> metadata(Path out) {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        SpecMetadata.put(kv, spec, type);
        if (vocab == null) {
            ByteLevelVocab.put(kv, spec.nVocab());
        } else {
            vocab.asMap().forEach((k, v) -> {
                if (k.startsWith("tokenizer.")) kv.put(k, v);
            });
        }
        boolean tied = tensors().stream().noneMatch(t -> t.role() == TensorRole.OUTPUT);
        ModelSpec back = ModelSpec.fromMetadata(new GgufMetadata(out, kv), spec.nVocab()).withTiedOutput(tied);
        if (!back.equals(spec))
            throw new IllegalArgumentException("spec cannot be expressed in GGUF metadata for architecture '"
                    + spec.architecture() + "' (it would read back as " + back + ")");
        return kv;
    }

    private static ModelSpec withVocab(ModelSpec s, int nVocab) {
        return new ModelSpec(s.architecture(), s.name(), s.nLayer(), s.nEmbd(), s.nHead(), s.nHeadKv(), s.headDim(),
                s.nFf(), nVocab, s.ctxTrain(), s.rmsEps(), s.ropeTheta(), s.ropeDim(), s.ropeNeox(), s.nExpert(),
                s.nExpertUsed(), s.nFfExp(), s.attnBias(), s.qkNorm(), s.tiedOutput());
    }

    private static java.util.concurrent.ThreadFactory daemonThreads() {
        return r -> {
            Thread t = new Thread(r, "synth-weights");
            t.setDaemon(true);
            return t;
        };
    }
}
