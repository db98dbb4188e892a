package dev.splitscope.engine.model;

import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.graph.GraphBuilder;
import dev.splitscope.engine.graph.Op;

/**
 * The forward graph shared by the llama family: pre-norm attention with rope and GQA, then a SwiGLU FFN or a
 * routed MoE. Flags in {@link ModelSpec} switch biases (qwen2), q/k norm (qwen3) and experts on.
 * Every layer ends its attention and its FFN in a REDUCE: the two tensor-parallel synchronisation points.
 */
public final class LlamaFamilyGraph {
    private LlamaFamilyGraph() {}

    public static Graph build(ModelSpec s) {
        GraphBuilder g = new GraphBuilder(s);
        int cur = g.layer(-1).add("inp_embd", Op.GET_ROWS, TensorRole.TOKEN_EMBD, s.nEmbd());
        for (int l = 0; l < s.nLayer(); l++) {
            g.layer(l);
            int norm = g.add("attn_norm", Op.RMS_NORM, TensorRole.ATTN_NORM, s.nEmbd(), cur);
            int q = g.add("Qcur", Op.MUL_MAT, TensorRole.ATTN_Q, s.qDim(), norm);
            int k = g.add("Kcur", Op.MUL_MAT, TensorRole.ATTN_K, s.kvDim(), norm);
            int v = g.add("Vcur", Op.MUL_MAT, TensorRole.ATTN_V, s.kvDim(), norm);
            if (s.attnBias()) {
                q = g.add("Qcur_bias", Op.ADD_BIAS, TensorRole.ATTN_Q_BIAS, s.qDim(), q);
                k = g.add("Kcur_bias", Op.ADD_BIAS, TensorRole.ATTN_K_BIAS, s.kvDim(), k);
                v = g.add("Vcur_bias", Op.ADD_BIAS, TensorRole.ATTN_V_BIAS, s.kvDim(), v);
            }
            if (s.qkNorm()) {
                q = g.add("Qcur_normed", Op.RMS_NORM, TensorRole.ATTN_Q_NORM, s.qDim(), q);
                k = g.add("Kcur_normed", Op.RMS_NORM, TensorRole.ATTN_K_NORM, s.kvDim(), k);
            }
            q = g.add("Qcur_rope", Op.ROPE, null, s.qDim(), q);
            k = g.add("Kcur_rope", Op.ROPE, null, s.kvDim(), k);
            int kqv = g.add("kqv_out", Op.ATTENTION, null, s.qDim(), q, k, v);
            int attnOut = g.add("attn_out", Op.MUL_MAT, TensorRole.ATTN_OUTPUT, s.nEmbd(), kqv);
            int attnSum = g.add("attn_reduce", Op.REDUCE, null, s.nEmbd(), attnOut);
            int ffnInp = g.add("ffn_inp", Op.ADD, null, s.nEmbd(), attnSum, cur);
            int ffnNorm = g.add("ffn_norm", Op.RMS_NORM, TensorRole.FFN_NORM, s.nEmbd(), ffnInp);
            int ffnOut = s.isMoe() ? moe(g, s, ffnNorm) : dense(g, s, ffnNorm);
            int ffnSum = g.add("ffn_reduce", Op.REDUCE, null, s.nEmbd(), ffnOut);
            cur = g.add("l_out", Op.ADD, null, s.nEmbd(), ffnSum, ffnInp);
        }
        g.layer(-1);
        int norm = g.add("result_norm", Op.RMS_NORM, TensorRole.OUTPUT_NORM, s.nEmbd(), cur);
        TensorRole head = s.tiedOutput() ? TensorRole.TOKEN_EMBD : TensorRole.OUTPUT;
        int logits = g.add("result_output", Op.MUL_MAT, head, s.nVocab(), norm);
        g.add("result_logits", Op.CONCAT, null, s.nVocab(), logits);
        return g.build();
    }

    private static int dense(GraphBuilder g, ModelSpec s, int x) {
        int gate = g.add("ffn_gate", Op.MUL_MAT, TensorRole.FFN_GATE, s.nFf(), x);
        int up = g.add("ffn_up", Op.MUL_MAT, TensorRole.FFN_UP, s.nFf(), x);
        int act = g.add("ffn_swiglu", Op.SWIGLU, null, s.nFf(), gate, up);
        return g.add("ffn_down", Op.MUL_MAT, TensorRole.FFN_DOWN, s.nEmbd(), act);
    }

    private static int moe(GraphBuilder g, ModelSpec s, int x) {
        int logits = g.add("ffn_moe_logits", Op.MUL_MAT, TensorRole.FFN_GATE_INP, s.nExpert(), x);
        int route = g.add("ffn_moe_route", Op.MOE_ROUTE, null, 2 * s.nExpertUsed(), logits);
        return g.add("ffn_moe_out", Op.MOE_FFN, TensorRole.FFN_DOWN_EXPS, s.nEmbd(), x, route);
    }
}
