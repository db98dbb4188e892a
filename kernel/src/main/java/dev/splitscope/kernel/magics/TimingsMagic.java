package dev.splitscope.kernel.magics;

import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.engine.runtime.StepTiming;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.PicocliMagic;
import dev.splitscope.kernel.views.Charts;
import dev.splitscope.kernel.views.RunTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.List;

/** {@code %timings}: measured compute and synchronisation time per split of the last forward step. */
public final class TimingsMagic extends PicocliMagic<TimingsMagic.Options> {

    @Command(name = "timings", description = "Show the measured time of every split in the last forward step (compute, sync, bytes moved) and a per-device chart.")
    static final class Options {
        @Mixin
        ModelChoice model = new ModelChoice();
    }

    @Override
    public String summary() {
        return "measured time per split and device of the last forward step";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        LoadedModel m = o.model.of(ctx);
        List<StepTiming> t = m.run().lastTimings();
        if (t.isEmpty()) {
            ctx.out().println("no forward step has run yet; run %%prompt first");
            return;
        }
        TableOutput.show(ctx, RunTables.timings(t, m.run().deviceNames()), "timings");
        ctx.display(Charts.bundle(RunTables.timeline(t, m.run().deviceNames())));
    }
}
