package dev.splitscope.kernel.magics;

import dev.splitscope.engine.gguf.GgufFormatException;
import dev.splitscope.engine.model.Preset;
import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.PlanIssue;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.PicocliMagic;
import dev.splitscope.kernel.views.Charts;
import dev.splitscope.kernel.views.PlanTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import dev.splitscope.engine.cli.PlanArgs;
import picocli.CommandLine.Parameters;

import java.io.IOException;
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

        @Mixin
        PlanArgs args = new PlanArgs();

        @Option(names = "--no-charts", description = "Leave out the charts.")
        boolean noCharts;
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
        TableOutput.show(ctx, PlanTables.kv(plan, o.args.whatIfCtx(plan)), "kv");
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
        if ((o.model == null) == !o.args.hasPreset())
            throw new MagicException("%plan needs either a model (PATH or NAME) or --preset NAME, not " + (o.model == null ? "neither." : "both."),
                    "Known presets: " + String.join(", ", Preset.ids()) + ". Example: %plan --preset llama3-70b --devices 4x80GiB");
        try {
            return o.args.plan(o.model == null ? null : ModelFiles.resolve(o.model, ctx.workingDirectory()), "cpu:2");
        } catch (GgufFormatException e) {
            throw new MagicException("%plan: the model file is not a valid GGUF: " + e.getMessage(),
                    "Check the download is complete, or plan a preset instead (--preset NAME).", e);
        } catch (IOException e) {
            throw new MagicException("%plan: cannot read the model file: " + e.getMessage(), null, e);
        } catch (IllegalArgumentException e) {
            throw new MagicException("%plan: " + e.getMessage(), "Run %plan --help for the accepted values.", e);
        }
    }
}
