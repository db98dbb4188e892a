package dev.splitscope.kernel.magics;

import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.PicocliMagic;
import dev.splitscope.kernel.views.Charts;
import dev.splitscope.kernel.views.PlanTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code %kv [--ctx N]}: the KV cache per layer and device, with the bytes at a what-if context and a heat map. */
public final class KvMagic extends PicocliMagic<KvMagic.Options> {

    @Command(name = "kv", description = "Show the KV cache per layer and device: kv heads, bytes per token, bytes at the loaded context and at a what-if context, and a layer × device heat map.")
    static final class Options {
        @Mixin
        ModelChoice model = new ModelChoice();

        @Option(names = "--ctx", paramLabel = "N", description = "What-if context length (default: the model's training context).")
        Integer ctx;

        @Option(names = "--no-chart", description = "Leave out the heat map.")
        boolean noChart;
    }

    @Override
    public String summary() {
        return "KV cache per layer × device, with bytes at a what-if --ctx";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        LoadedModel m = o.model.of(ctx);
        int whatIf = o.ctx != null ? o.ctx : m.spec().ctxTrain();
        if (whatIf <= 0) throw new dev.splitscope.kernel.spi.MagicException("%kv: --ctx must be positive, got " + whatIf);
        TableOutput.show(ctx, PlanTables.kv(m.plan(), whatIf), "kv");
        if (!o.noChart) ctx.display(Charts.bundle(PlanTables.kvHeatMap(m.plan())));
    }
}
