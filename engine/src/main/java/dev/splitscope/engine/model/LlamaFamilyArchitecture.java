package dev.splitscope.engine.model;

import dev.splitscope.engine.gguf.GgufMetadata;
import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.quant.QuantType;

import java.util.List;
import java.util.function.Function;

/**
 * What the llama-family architectures share: hyperparameters from {@code <arch>.*} keys, the tensor list of
 * {@link TensorLayout} and the graph of {@link LlamaFamilyGraph}. Each architecture's package names itself.
 */
public abstract class LlamaFamilyArchitecture implements Architecture {
    private final String name;

    protected LlamaFamilyArchitecture(String name) {
        this.name = name;
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public ModelSpec readSpec(GgufMetadata metadata, int vocabSize) {
        return ModelSpec.fromMetadata(metadata, vocabSize);
    }

    @Override
    public List<TensorDesc> tensors(ModelSpec spec, Function<TensorRole, QuantType> typeFor) {
        return TensorLayout.tensors(spec, typeFor);
    }

    @Override
    public Graph buildGraph(ModelSpec spec) {
        return LlamaFamilyGraph.build(spec);
    }
}
