package dev.splitscope.kernel.magics;

import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.engine.runtime.RoutingCounts;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.PicocliMagic;
import dev.splitscope.kernel.views.Charts;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * {@code %routing}: how often a MoE model's router picked each expert, per layer, over the tokens evaluated since
 * counting was turned on ({@code --on}), as a table and a layer × expert heat map.
 */
public final class RoutingMagic extends PicocliMagic<RoutingMagic.Options> {

    @Command(name = "routing", description = "Count and show which experts a MoE model's router picks: --on starts counting (from zero), then run %%prompt; %routing shows the counts per layer and expert.")
    static final class Options {
        @Mixin
        ModelChoice model = new ModelChoice();

        @Option(names = "--on", description = "Start counting from zero (counting costs one small copy per MoE layer and step).")
        boolean on;

        @Option(names = "--off", description = "Stop counting (the counts stay).")
        boolean off;

        @Option(names = "--no-chart", description = "Leave out the heat map.")
        boolean noChart;
    }

    @Override
    public String summary() {
        return "MoE router picks per layer × expert (--on starts counting, then run %%prompt)";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        if (o.on && o.off) throw new MagicException("%routing: --on and --off contradict each other.", "Give one of them.");
        LoadedModel m = o.model.of(ctx);
        if (!m.spec().isMoe())
            throw new MagicException("%routing: " + m.name() + " is a dense model: it has no experts to route to.",
                    "Load a MoE model (e.g. stories260K-moe4-split-all4.gguf or a Mixtral/Qwen3-MoE GGUF).");
        RoutingCounts r = m.run().routing();
        if (o.on || o.off) {
            if (o.on) r.reset();
            r.enable(o.on);
            ctx.out().println("routing counts " + (o.on ? "on, from zero: run %%prompt, then %routing" : "off"));
            return;
        }
        if (r.tokens(0) == 0)
            throw new MagicException("%routing: no routed tokens counted yet for " + m.name() + ".",
                    "Run %routing --on, then a %%prompt, then %routing.");
        long[][] counts = r.snapshot();
        TableOutput.show(ctx, table(r, counts), "routing");
        if (!o.noChart) ctx.display(Charts.bundle(heatMap(counts)));
    }

    /** One row per (layer, expert): picks and the expert's share of the layer's picks. */
    static Table table(RoutingCounts r, long[][] counts) {
        IntColumn layer = IntColumn.create("layer");
        IntColumn expert = IntColumn.create("expert");
        LongColumn picks = LongColumn.create("picks");
        DoubleColumn share = DoubleColumn.create("share");
        for (int l = 0; l < counts.length; l++) {
            long total = 0;
            for (long c : counts[l]) total += c;
            for (int e = 0; e < counts[l].length; e++) {
                layer.append(l);
                expert.append(e);
                picks.append(counts[l][e]);
                share.append(total == 0 ? 0 : Math.round(1000.0 * counts[l][e] / total) / 1000.0);
            }
        }
        return Table.create("routing over " + r.tokens(0) + " tokens", layer, expert, picks, share);
    }

    private static org.knowm.xchart.HeatMapChart heatMap(long[][] counts) {
        List<String> experts = new ArrayList<>(), layers = new ArrayList<>();
        for (int e = 0; e < counts[0].length; e++) experts.add(String.valueOf(e));
        double[][] v = new double[counts.length][];
        for (int l = 0; l < counts.length; l++) {
            layers.add(String.valueOf(l));
            v[l] = new double[counts[l].length];
            for (int e = 0; e < counts[l].length; e++) v[l][e] = counts[l][e];
        }
        return Charts.heatMap("router picks per layer × expert", "expert", experts, "layer", layers, v);
    }
}
