package dev.splitscope.engine.model;

import dev.splitscope.engine.gguf.GgufMetadata;
import dev.splitscope.engine.graph.Graph;

import java.util.List;
import java.util.function.Function;

/**
 * One model architecture: how to read its hyperparameters, which tensors it has and its compute graph.
 * Implementations are found through ServiceLoader, one small package each.
 */
public interface Architecture {
    /** The {@code general.architecture} value this handles, e.g. "llama". */
    String name();

    ModelSpec readSpec(GgufMetadata metadata, int vocabSize);

    List<TensorDesc> tensors(ModelSpec spec, Function<TensorRole, dev.splitscope.engine.quant.QuantType> typeFor);

    Graph buildGraph(ModelSpec spec);
}
