package dev.splitscope.engine.cli;

import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.quant.QuantType;
import dev.splitscope.engine.runtime.LoadOptions;
import dev.splitscope.engine.runtime.ReduceType;
import picocli.CommandLine.Option;

import java.util.Arrays;

/** The device and split options shared by {@code generate} and {@code bench} (a picocli mixin). */
public final class RunOptions {
    @Option(names = "--devices", defaultValue = "cpu:1", description = "Devices: cpu:N virtual CPU devices, or cuda:0,cuda:1 (default: ${DEFAULT-VALUE})")
    String devices;

    @Option(names = "--split", defaultValue = "none", description = "Split mode: none, layer or graph (default: ${DEFAULT-VALUE})")
    String split;

    @Option(names = "--tensor-split", description = "Fractions per device, e.g. 0.7,0.3 (default: by memory)")
    String tensorSplit;

    @Option(names = "--reduce", defaultValue = "f32", description = "Type partial sums travel in: f32, f16 or bf16 (default: ${DEFAULT-VALUE})")
    String reduce;

    @Option(names = {"-c", "--ctx"}, defaultValue = "0", description = "Context length (default: prompt + tokens, at least 512)")
    int ctx;

    @Option(names = "--kv-type", defaultValue = "f32", description = "KV cache type: f32 or f16 (default: ${DEFAULT-VALUE})")
    String kvType;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "Worker threads per CPU device (default: cores / devices)")
    int threads;

    @Option(names = {"-b", "--batch"}, defaultValue = "512", description = "Tokens evaluated per step of prompt processing (default: ${DEFAULT-VALUE})")
    int batch;

    LoadOptions toLoadOptions(int neededCtx) {
        return new LoadOptions(devices, SplitMode.parse(split), fractions(), ctx > 0 ? ctx : Math.max(512, neededCtx),
                ReduceType.parse(reduce), kvType(), threads, batch);
    }

    private QuantType kvType() {
        return switch (kvType.toLowerCase(java.util.Locale.ROOT)) {
            case "f32" -> QuantType.F32;
            case "f16" -> QuantType.F16;
            default -> throw new IllegalArgumentException("unknown KV type '" + kvType + "'; use f32 or f16");
        };
    }

    private double[] fractions() {
        if (tensorSplit == null || tensorSplit.isBlank()) return null;
        try {
            return Arrays.stream(tensorSplit.split(",")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--tensor-split '" + tensorSplit + "' is not a list of numbers like 0.7,0.3");
        }
    }
}
