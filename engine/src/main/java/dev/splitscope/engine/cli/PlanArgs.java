package dev.splitscope.engine.cli;

import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.Preset;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.model.TensorLayout;
import dev.splitscope.engine.plan.DeviceParser;
import dev.splitscope.engine.plan.LinkSpec;
import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.PlanOptions;
import dev.splitscope.engine.plan.Planner;
import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.plan.TensorDirectory;
import dev.splitscope.engine.quant.QuantType;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The planning options shared by {@code splitscope plan} and the kernel's %plan (a picocli mixin): a preset or a GGUF
 * header, devices, split mode, fractions, reduce and KV types, context, batch and link. {@link #plan} makes the plan.
 */
public final class PlanArgs {
    @Option(names = "--preset", paramLabel = "NAME", description = "A built-in model shape instead of a file.")
    String preset;

    @Option(names = "--type", paramLabel = "TYPE", description = "Weight type for a preset (default Q4_0).")
    String type;

    @Option(names = "--devices", paramLabel = "LIST",
            description = "e.g. 4x80GiB, 2xH100, H200,H200,24GiB, cpu:2, cpu:2@8GiB, cuda:0,cuda:0.")
    String devices;

    @Option(names = "--split", defaultValue = "graph", paramLabel = "MODE", description = "none, layer or graph (default ${DEFAULT-VALUE}).")
    String split;

    @Option(names = "--tensor-split", paramLabel = "F,F,...", description = "Fractions per device, e.g. 0.6,0.4 (default: by memory).")
    String tensorSplit;

    @Option(names = "--reduce", defaultValue = "f32", paramLabel = "TYPE", description = "Partial-sum type: f32, f16 or bf16 (default ${DEFAULT-VALUE}).")
    String reduce;

    @Option(names = "--ctx", paramLabel = "N", description = "Context length (default: min(4096, the model's)).")
    Integer ctx;

    @Option(names = "--what-if-ctx", paramLabel = "N", description = "A second context length for the kv table (default: the model's).")
    Integer whatIfCtx;

    @Option(names = "--kv-type", defaultValue = "f16", paramLabel = "TYPE", description = "f32, f16, bf16 or q8_0 (default ${DEFAULT-VALUE}).")
    String kvType;

    @Option(names = "--batch", defaultValue = "1", paramLabel = "N", description = "Tokens per forward step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--link", paramLabel = "NAME", description = "Link for the comm estimate: nvlink, pcie, nvlink3, pcie5, host, ... (default: the devices').")
    String link;

    @Option(names = "--allow-empty", description = "Accept empty splits (the device idles on that part) instead of failing.")
    boolean allowEmpty;

    /** True when a model shape comes from --preset (then no file may be given). */
    public boolean hasPreset() {
        return preset != null;
    }

    /** The context length of the kv table's what-if column. */
    public int whatIfCtx(Plan plan) {
        return whatIfCtx != null ? whatIfCtx : plan.spec().ctxTrain();
    }

    /**
     * Plans the preset, or the GGUF file {@code model} (header only); exactly one of them must be given.
     *
     * @param defaultDevices the devices when --devices is not given, or null to require it
     */
    public Plan plan(Path model, String defaultDevices) throws IOException {
        String devs = devices != null ? devices : defaultDevices;
        if (devs == null) throw new IllegalArgumentException("--devices is required, e.g. --devices 4x80GiB or --devices cpu:2");
        if ((model == null) == (preset == null))
            throw new IllegalArgumentException("give either a model file or --preset NAME, not " + (model == null ? "neither" : "both")
                    + " (known presets: " + String.join(", ", Preset.ids()) + ")");
        ModelSpec ms;
        List<TensorDesc> tensors;
        if (preset != null) {
            ms = Preset.byId(preset).spec;
            tensors = TensorLayout.tensors(ms, quantType(type == null ? "Q4_0" : type, "--type"));
        } else {
            if (type != null) throw new IllegalArgumentException("--type applies to --preset only; a GGUF file has its own types");
            if (!Files.isRegularFile(model)) throw new IllegalArgumentException("no such file: " + model);
            try (GgufFile f = GgufFile.openHeader(model)) {
                TensorDirectory dir = TensorDirectory.fromGguf(f);
                ms = dir.spec();
                tensors = dir.tensors();
            }
        }
        PlanOptions o = new PlanOptions(SplitMode.parse(split), RunOptions.fractions(tensorSplit), quantType(reduce, "--reduce"),
                ctx != null ? ctx : Math.min(4096, ms.ctxTrain()), quantType(kvType, "--kv-type"), batch,
                link == null ? null : LinkSpec.byName(link), allowEmpty);
        return Planner.plan(ms, tensors, DeviceParser.parse(devs), o);
    }

    private static QuantType quantType(String s, String option) {
        try {
            return QuantType.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad " + option + " '" + s + "': expected a GGML type such as F32, F16, BF16, Q8_0, Q4_0, Q4_K");
        }
    }
}
