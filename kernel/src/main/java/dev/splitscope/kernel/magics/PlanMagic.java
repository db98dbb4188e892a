package dev.splitscope.kernel.magics;

import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufFormatException;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.Preset;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.model.TensorLayout;
import dev.splitscope.engine.plan.DeviceParser;
import dev.splitscope.engine.plan.LinkSpec;
import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.PlanIssue;
import dev.splitscope.engine.plan.PlanOptions;
import dev.splitscope.engine.plan.Planner;
import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.plan.TensorDirectory;
import dev.splitscope.engine.quant.QuantType;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.PicocliMagic;
import dev.splitscope.kernel.views.Charts;
import dev.splitscope.kernel.views.PlanTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * {@code %plan}: plans a GGUF model (header only) or a preset on real or hypothetical devices and shows the devices,
 * placement, kv, memory and comm tables with a memory chart and a KV heat map. No weights are loaded.
 */
public final class PlanMagic extends PicocliMagic<PlanMagic.Options> {

    @Command(name = "plan", description = "Plan how a model splits over devices (no weights are loaded): devices, placement, kv, memory and comm tables, a memory-per-device chart and a KV heat map.")
    static final class Options {
        @Parameters(index = "0", arity = "0..1", paramLabel = "PATH|NAME", description = "A GGUF file or a model name (only the header is read).")
        String model;

        @Option(names = "--preset", paramLabel = "NAME", description = "A built-in model shape instead of a file.")
        String preset;

        @Option(names = "--type", defaultValue = "Q4_0", paramLabel = "TYPE", description = "Weight type for a preset (default ${DEFAULT-VALUE}).")
        String type;

        @Option(names = "--devices", defaultValue = "cpu:2", paramLabel = "LIST", description = "e.g. 4x80GiB, 2xH100, cpu:2, cuda:0,1 (default ${DEFAULT-VALUE}).")
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

        @Option(names = "--link", paramLabel = "NAME", description = "Link for the comm estimate: nvlink, pcie, host, ... (default: the devices').")
        String link;

        @Option(names = "--allow-empty", description = "Accept empty splits (the device idles on that part).")
        boolean allowEmpty;

        @Option(names = "--no-charts", description = "Leave out the charts.")
        boolean noCharts;
    }

    @Override
    public String name() {
        return "plan";
    }

    @Override
    public String summary() {
        return "plan a model file or preset on real or hypothetical devices (tables + charts, no weights loaded)";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        Plan plan = plan(ctx, o);
        ctx.cancellation().check();
        report(ctx, plan);
        ctx.bind("plan", plan, Plan.class);
        TableOutput.show(ctx, PlanTables.devices(plan), "devices");
        TableOutput.show(ctx, PlanTables.memory(plan), "memory");
        TableOutput.show(ctx, PlanTables.placement(plan), "placement");
        TableOutput.show(ctx, PlanTables.kv(plan, o.whatIfCtx != null ? o.whatIfCtx : plan.spec().ctxTrain()), "kv");
        TableOutput.show(ctx, PlanTables.comm(plan), "comm");
        if (!o.noCharts) {
            ctx.display(Charts.bundle(PlanTables.memoryChart(plan)));
            ctx.display(Charts.bundle(PlanTables.kvHeatMap(plan)));
        }
        ctx.out().println("→ plan: the Plan record itself (plan.issues(), plan.shards(), ...)");
        // the tables stay shown (they say why), but the cell fails, so "run all" does not go on as if it fitted
        if (!plan.ok())
            throw new MagicException("%plan: the plan cannot run: " + plan.errors().stream().map(PlanIssue::message)
                    .collect(java.util.stream.Collectors.joining("; ")) + ".",
                    ModelErrors.planFix(plan, "the tables above show where."));
    }

    private static void report(MagicContext ctx, Plan plan) {
        ctx.out().printf(Locale.ROOT, "%s, %s split over %d device(s): %s%n", plan.spec().name(),
                plan.mode().name().toLowerCase(Locale.ROOT), plan.devices().size(),
                plan.ok() ? "the plan works" : "THE PLAN CANNOT RUN (see the errors below)");
        for (PlanIssue i : plan.issues()) ctx.out().println("  " + i.severity() + " " + i.code() + ": " + i.message());
    }

    static Plan plan(MagicContext ctx, Options o) {
        if ((o.model == null) == (o.preset == null))
            throw new MagicException("%plan needs either a model (PATH or NAME) or --preset NAME, not " + (o.model == null ? "neither." : "both."),
                    "Known presets: " + String.join(", ", Preset.ids()) + ". Example: %plan --preset llama3-70b --devices 4x80GiB");
        try {
            ModelSpec spec;
            List<TensorDesc> tensors;
            if (o.preset != null) {
                spec = Preset.byId(o.preset).spec;
                tensors = TensorLayout.tensors(spec, quantType(o.type, "--type"));
            } else {
                Path path = ModelFiles.resolve(o.model, ctx.workingDirectory());
                try (GgufFile f = GgufFile.openHeader(path)) {
                    TensorDirectory dir = TensorDirectory.fromGguf(f);
                    spec = dir.spec();
                    tensors = dir.tensors();
                }
            }
            PlanOptions po = new PlanOptions(SplitMode.parse(o.split), fractions(o.tensorSplit), quantType(o.reduce, "--reduce"),
                    o.ctx != null ? o.ctx : Math.min(4096, spec.ctxTrain()), quantType(o.kvType, "--kv-type"), 1,
                    o.link == null ? null : LinkSpec.byName(o.link), o.allowEmpty);
            return Planner.plan(spec, tensors, DeviceParser.parse(o.devices), po);
        } catch (GgufFormatException e) {
            throw new MagicException("%plan: the model file is not a valid GGUF: " + e.getMessage(),
                    "Check the download is complete, or plan a preset instead (--preset NAME).", e);
        } catch (IOException e) {
            throw new MagicException("%plan: cannot read the model file: " + e.getMessage(), null, e);
        } catch (IllegalArgumentException e) {
            throw new MagicException("%plan: " + e.getMessage(), "Run %plan --help for the accepted values.", e);
        }
    }

    private static double[] fractions(String s) {
        if (s == null) return null;
        try {
            return Arrays.stream(s.split("[,/]")).map(String::trim).mapToDouble(Double::parseDouble).toArray();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad --tensor-split '" + s + "': expected numbers such as 0.6,0.4 or 3,1");
        }
    }

    private static QuantType quantType(String s, String option) {
        try {
            return QuantType.valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("bad " + option + " '" + s + "': expected a GGML type such as F32, F16, BF16, Q8_0, Q4_0");
        }
    }
}
