package dev.splitscope.kernel.magics;

import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.PicocliMagic;
import dev.splitscope.kernel.views.RunTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code %splits}: the scheduler's graph splits of the loaded model. */
public final class SplitsMagic extends PicocliMagic<SplitsMagic.Options> {

    @Command(name = "splits", description = "Show the graph splits: each split's device and node range, the activations it receives (bytes per token) and how it ends (reduce / concat / copy / none). Splits of one group run at the same time.")
    static final class Options {
        @Mixin
        ModelChoice model = new ModelChoice();
    }

    @Override
    public String summary() {
        return "graph splits per device: node ranges, inputs, reduce/concat/copy";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        LoadedModel m = o.model.of(ctx);
        ctx.out().println("partial sums meet: " + m.run().reducePath());
        TableOutput.show(ctx, RunTables.splits(m.run().splits(), m.run().graph(), m.run().deviceNames()), "splits");
    }
}
