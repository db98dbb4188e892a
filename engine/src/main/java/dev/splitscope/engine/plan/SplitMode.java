package dev.splitscope.engine.plan;

import java.util.Locale;

/** How a model is spread over devices (DESIGN.md §3). */
public enum SplitMode {
    /** Every weight on device 0. */
    NONE,
    /** Whole layers per device, in proportion to the tensor-split fractions (llama.cpp's layer split). */
    LAYER,
    /** Tensor parallel: every device holds a slice of every layer; two reductions per layer. */
    GRAPH;

    public static SplitMode parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown split mode '" + s + "'; expected none, layer or graph");
        }
    }
}
