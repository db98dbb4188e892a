package dev.splitscope.engine.model;

import dev.splitscope.engine.quant.QuantType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The list of weight tensors a llama-family model has, derived from its {@link ModelSpec}. Used by the
 * synthetic writer (to know what to write) and by the planner when it works from a preset.
 */
public final class TensorLayout {
    private TensorLayout() {}

    /**
     * @param typeFor the storage type of each large tensor; small ones (norms, biases) are always F32
     */
    public static List<TensorDesc> tensors(ModelSpec s, Function<TensorRole, QuantType> typeFor) {
        List<TensorDesc> out = new ArrayList<>();
        add(out, s, TensorRole.TOKEN_EMBD, -1, typeFor, s.nEmbd(), s.nVocab());
        for (int l = 0; l < s.nLayer(); l++) {
            add(out, s, TensorRole.ATTN_NORM, l, typeFor, s.nEmbd());
            add(out, s, TensorRole.ATTN_Q, l, typeFor, s.nEmbd(), s.qDim());
            add(out, s, TensorRole.ATTN_K, l, typeFor, s.nEmbd(), s.kvDim());
            add(out, s, TensorRole.ATTN_V, l, typeFor, s.nEmbd(), s.kvDim());
            if (s.attnBias()) {
                add(out, s, TensorRole.ATTN_Q_BIAS, l, typeFor, s.qDim());
                add(out, s, TensorRole.ATTN_K_BIAS, l, typeFor, s.kvDim());
                add(out, s, TensorRole.ATTN_V_BIAS, l, typeFor, s.kvDim());
            }
            if (s.qkNorm()) {
                add(out, s, TensorRole.ATTN_Q_NORM, l, typeFor, s.headDim());
                add(out, s, TensorRole.ATTN_K_NORM, l, typeFor, s.headDim());
            }
            add(out, s, TensorRole.ATTN_OUTPUT, l, typeFor, s.qDim(), s.nEmbd());
            add(out, s, TensorRole.FFN_NORM, l, typeFor, s.nEmbd());
            if (s.isMoe()) {
                add(out, s, TensorRole.FFN_GATE_INP, l, r -> QuantType.F32, s.nEmbd(), s.nExpert());
                add(out, s, TensorRole.FFN_GATE_EXPS, l, typeFor, s.nEmbd(), s.nFfExp(), s.nExpert());
                add(out, s, TensorRole.FFN_UP_EXPS, l, typeFor, s.nEmbd(), s.nFfExp(), s.nExpert());
                add(out, s, TensorRole.FFN_DOWN_EXPS, l, typeFor, s.nFfExp(), s.nEmbd(), s.nExpert());
            } else {
                add(out, s, TensorRole.FFN_GATE, l, typeFor, s.nEmbd(), s.nFf());
                add(out, s, TensorRole.FFN_UP, l, typeFor, s.nEmbd(), s.nFf());
                add(out, s, TensorRole.FFN_DOWN, l, typeFor, s.nFf(), s.nEmbd());
            }
        }
        add(out, s, TensorRole.OUTPUT_NORM, -1, typeFor, s.nEmbd());
        if (!s.tiedOutput()) add(out, s, TensorRole.OUTPUT, -1, typeFor, s.nEmbd(), s.nVocab());
        return out;
    }

    /** The same layout with one type for every large tensor, falling back to F16 where a row does not fit the block. */
    public static List<TensorDesc> tensors(ModelSpec s, QuantType type) {
        return tensors(s, role -> type);
    }

    private static void add(List<TensorDesc> out, ModelSpec s, TensorRole role, int layer,
                            Function<TensorRole, QuantType> typeFor, long... dims) {
        QuantType t = role.isSmall() ? QuantType.F32 : typeFor.apply(role);
        if (dims[0] % t.blockSize != 0) t = QuantType.F16; // as llama-quantize does for rows that do not fit the block
        out.add(new TensorDesc(role.tensorName(layer), layer, role, t, dims));
    }
}
