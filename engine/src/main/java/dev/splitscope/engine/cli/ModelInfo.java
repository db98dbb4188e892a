package dev.splitscope.engine.cli;

import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufMetadata;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.engine.gguf.GgufValue;
import dev.splitscope.engine.gguf.GgufValueType;
import dev.splitscope.engine.model.Architectures;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What {@code splitscope info} reports about a GGUF file, read from its header alone. Both the text and the JSON
 * output are rendered from this one record, so they always carry the same content.
 *
 * @param hyperparameters from {@link ModelSpec} for a supported architecture, else the file's {@code ARCH.*} keys
 * @param tensors         offsets are absolute positions in the file
 */
public record ModelInfo(
        String file,
        long fileSize,
        int ggufVersion,
        int alignment,
        long dataOffset,
        String architecture,
        String name,
        String hyperparameterSource,
        Map<String, Object> hyperparameters,
        Map<String, Object> tokenizer,
        List<TensorRow> tensors,
        List<TypeTotal> totals,
        long totalElements,
        long totalBytes) {

    /** One row of the tensor table; {@code shape} is in GGML order (ne0 first). */
    public record TensorRow(String name, String type, long[] shape, long elements, long bytes, long offset) {}

    /** Tensors, elements and bytes of one type. */
    public record TypeTotal(String type, int tensors, long elements, long bytes) {}

    public static ModelInfo of(GgufFile f) {
        GgufMetadata m = f.metadata();
        String arch = m.getString("general.architecture", "(none)");
        int vocab = m.has("tokenizer.ggml.tokens") ? m.get("tokenizer.ggml.tokens").orElseThrow().length() : 0;
        Map<String, Object> hp = new LinkedHashMap<>();
        String source = hyperparameters(m, arch, vocab, hp);
        List<TensorRow> rows = new ArrayList<>();
        Map<QuantType, long[]> byType = new LinkedHashMap<>();
        long elements = 0, bytes = 0;
        for (GgufTensorInfo t : f.tensors()) {
            rows.add(new TensorRow(t.name(), t.type().name(), t.dims().clone(), t.elementCount(), t.byteSize(), f.dataOffset() + t.offset()));
            long[] acc = byType.computeIfAbsent(t.type(), k -> new long[3]);
            acc[0]++;
            acc[1] += t.elementCount();
            acc[2] += t.byteSize();
            elements += t.elementCount();
            bytes += t.byteSize();
        }
        List<TypeTotal> totals = new ArrayList<>();
        byType.forEach((t, a) -> totals.add(new TypeTotal(t.name(), (int) a[0], a[1], a[2])));
        totals.sort((a, b) -> Long.compare(b.bytes(), a.bytes()));
        return new ModelInfo(f.path().toString(), f.fileSize(), f.version(), f.alignment(), f.dataOffset(), arch,
                m.getString("general.name", ""), source, hp, tokenizer(m, vocab), rows, totals, elements, bytes);
    }

    /** Fills {@code hp}; returns where the values came from. */
    private static String hyperparameters(GgufMetadata m, String arch, int vocab, Map<String, Object> hp) {
        boolean known = false;
        for (String n : Architectures.names()) known |= n.equals(arch);
        if (known) {
            try {
                ModelSpec s = Architectures.forName(arch).readSpec(m, vocab);
                hp.put("layers", s.nLayer());
                hp.put("embedding", s.nEmbd());
                hp.put("heads", s.nHead());
                hp.put("kv_heads", s.nHeadKv());
                hp.put("head_dim", s.headDim());
                hp.put("ffn", s.nFf());
                hp.put("vocab", s.nVocab());
                hp.put("context", s.ctxTrain());
                hp.put("rms_eps", s.rmsEps());
                hp.put("rope_theta", s.ropeTheta());
                hp.put("rope_dim", s.ropeDim());
                hp.put("rope_neox", s.ropeNeox());
                if (s.isMoe()) {
                    hp.put("experts", s.nExpert());
                    hp.put("experts_used", s.nExpertUsed());
                    hp.put("expert_ffn", s.nFfExp());
                }
                return "spec";
            } catch (IllegalArgumentException e) {
                // a vocab-only file or an incomplete header: show what the file has instead
            }
        }
        String prefix = arch + ".";
        m.asMap().forEach((k, v) -> {
            if (k.startsWith(prefix)) hp.put(k.substring(prefix.length()), plain(v));
        });
        return "metadata";
    }

    private static Map<String, Object> tokenizer(GgufMetadata m, int vocab) {
        Map<String, Object> t = new LinkedHashMap<>();
        if (!m.has("tokenizer.ggml.model")) return t;
        t.put("model", m.getString("tokenizer.ggml.model"));
        t.put("pre", m.getString("tokenizer.ggml.pre", "default"));
        t.put("vocab_size", vocab);
        if (m.has("tokenizer.ggml.merges")) t.put("merges", m.get("tokenizer.ggml.merges").orElseThrow().length());
        for (String id : new String[] {"bos", "eos", "unk", "pad"}) {
            String key = "tokenizer.ggml." + id + "_token_id";
            if (m.has(key)) t.put(id + "_id", plain(m.get(key).orElseThrow()));
        }
        if (m.has("tokenizer.chat_template")) t.put("chat_template", true);
        return t;
    }

    /** A scalar as itself; an array as a short summary, so a 150k-entry list never floods the output. */
    static Object plain(GgufValue v) {
        if (v.type() == GgufValueType.UINT64 && (Long) v.value() < 0) return new java.math.BigInteger(Long.toUnsignedString((Long) v.value()));
        if (!v.isArray()) return v.value();
        return "[" + v.length() + " x " + v.elementType() + "]";
    }
}
