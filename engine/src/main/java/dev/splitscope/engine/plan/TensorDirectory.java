package dev.splitscope.engine.plan;

import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.model.TensorRole;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A GGUF file's tensor directory as the planner sees it: every tensor mapped to a {@link TensorDesc} by its name,
 * recognising the names {@link TensorRole#tensorName} builds ({@code blk.N.attn_q.weight}, {@code output.weight}, ...).
 * A tensor with any other name keeps its layer (parsed from {@code blk.N.}) and gets a null role; the planner
 * replicates it and says so. Needs only the header ({@link GgufFile#openHeader}).
 */
public record TensorDirectory(ModelSpec spec, List<TensorDesc> tensors) {
    private static final Pattern BLOCK = Pattern.compile("blk\\.(\\d+)\\.(.+)");
    private static final Map<String, TensorRole> PER_LAYER = new HashMap<>();
    private static final Map<String, TensorRole> TOP_LEVEL = new HashMap<>();

    static {
        for (TensorRole r : TensorRole.values()) {
            String suffix = r.tensorName(0).substring(r.perLayer ? "blk.0.".length() : 0);
            (r.perLayer ? PER_LAYER : TOP_LEVEL).put(suffix, r);
        }
    }

    public TensorDirectory {
        tensors = List.copyOf(tensors);
    }

    /** The model's hyperparameters and tensors, from the header of an open GGUF file. */
    public static TensorDirectory fromGguf(GgufFile f) {
        List<TensorDesc> out = new ArrayList<>();
        for (GgufTensorInfo t : f.tensors()) out.add(describe(t));
        boolean tied = !f.hasTensor(TensorRole.OUTPUT.tensorName(-1));
        ModelSpec spec = ModelSpec.fromMetadata(f.metadata(), vocabSize(f)).withTiedOutput(tied);
        return new TensorDirectory(spec, out);
    }

    /** The role and layer a GGUF tensor name stands for. */
    public static TensorDesc describe(GgufTensorInfo t) {
        Matcher m = BLOCK.matcher(t.name());
        if (m.matches()) {
            int layer = Integer.parseInt(m.group(1));
            return new TensorDesc(t.name(), layer, PER_LAYER.get(m.group(2)), t.type(), t.dims());
        }
        return new TensorDesc(t.name(), -1, TOP_LEVEL.get(t.name()), t.type(), t.dims());
    }

    /** Tensors with no known role (their names), e.g. rope_freqs.weight. */
    public List<String> unrecognised() {
        return tensors.stream().filter(t -> t.role() == null).map(TensorDesc::name).toList();
    }

    private static int vocabSize(GgufFile f) {
        if (f.metadata().has("tokenizer.ggml.tokens")) return f.metadata().getStringArray("tokenizer.ggml.tokens").length;
        String embd = TensorRole.TOKEN_EMBD.tensorName(-1);
        if (f.hasTensor(embd) && f.tensor(embd).dims().length == 2) return Math.toIntExact(f.tensor(embd).dims()[1]);
        throw new IllegalArgumentException(f.path() + " has neither tokenizer.ggml.tokens nor a 2-D token_embd.weight: "
                + "cannot tell the vocabulary size");
    }
}
