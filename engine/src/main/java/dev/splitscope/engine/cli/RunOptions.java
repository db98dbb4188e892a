package dev.splitscope.engine.cli;

import dev.splitscope.engine.plan.DeviceParser;
import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.quant.QuantType;
import dev.splitscope.engine.backend.ReducePath;
import dev.splitscope.engine.runtime.LoadOptions;
import dev.splitscope.engine.runtime.ReduceType;
import picocli.CommandLine.Option;

import java.util.Arrays;

/**
 * The device and split options shared by {@code generate}, {@code bench} and the kernel's %load (a picocli mixin).
 * The split defaults to graph on several devices and none on one.
 */
public final class RunOptions {
    @Option(names = "--devices", defaultValue = "cpu:1", description = "Devices: cpu:N virtual CPU devices, or cuda:0,cuda:1 (default: ${DEFAULT-VALUE})")
    String devices;

    @Option(names = "--split", description = "Split mode: none, layer or graph (default: graph on several devices, none on one)")
    String split;

    @Option(names = "--tensor-split", description = "Fractions per device, e.g. 0.7,0.3 (default: by memory)")
    String tensorSplit;

    @Option(names = "--reduce", defaultValue = "f32", description = "Type partial sums travel in: f32, f16 or bf16 (default: ${DEFAULT-VALUE})")
    String reduce;

    @Option(names = "--reduce-path", defaultValue = "auto",
            description = "Where partial sums meet: auto, host, peer (device reads) or nccl (default: ${DEFAULT-VALUE}: peer where the GPUs reach each other, else nccl, host for CPU devices)")
    String reducePath;

    @Option(names = {"-c", "--ctx"}, description = "Context length (default: enough for the run, at least 512)")
    Integer ctx;

    @Option(names = "--kv-type", defaultValue = "f32", description = "KV cache type: f32 or f16 (default: ${DEFAULT-VALUE})")
    String kvType;

    @Option(names = {"-t", "--threads"}, defaultValue = "0", description = "Worker threads per CPU device (default: cores / devices)")
    int threads;

    @Option(names = {"-b", "--batch"}, defaultValue = "512", description = "Tokens evaluated per step of prompt processing (default: ${DEFAULT-VALUE})")
    int batch;

    /** The engine's load options; {@code neededCtx} is the context used when --ctx is not given (at least 512). */
    public LoadOptions toLoadOptions(int neededCtx) {
        SplitMode mode = split != null ? SplitMode.parse(split) : DeviceParser.parse(devices).size() > 1 ? SplitMode.GRAPH : SplitMode.NONE;
        return new LoadOptions(devices, mode, fractions(tensorSplit), ctx != null ? ctx : Math.max(512, neededCtx),
                ReduceType.parse(reduce), kvType(), threads, batch, ReducePath.parse(reducePath));
    }

    private QuantType kvType() {
        return switch (kvType.toLowerCase(java.util.Locale.ROOT)) {
            case "f32" -> QuantType.F32;
            case "f16" -> QuantType.F16;
            default -> throw new IllegalArgumentException("unknown KV type '" + kvType + "'; use f32 or f16");
        };
    }

    /** Parses "0.6,0.4" (or "3/1") into fractions; null or blank means "by memory" (null). */
    public static double[] fractions(String tensorSplit) {
        if (tensorSplit == null || tensorSplit.isBlank()) return null;
        try {
            return Arrays.stream(tensorSplit.split("[,/]")).mapToDouble(s -> Double.parseDouble(s.trim())).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad --tensor-split '" + tensorSplit + "': expected numbers such as 0.6,0.4 or 3,1");
        }
    }
}
