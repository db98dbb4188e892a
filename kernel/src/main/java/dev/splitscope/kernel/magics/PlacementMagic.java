package dev.splitscope.kernel.magics;

import dev.splitscope.engine.plan.Plan;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.PicocliMagic;
import dev.splitscope.kernel.views.PlanTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tech.tablesaw.api.Table;

/** {@code %placement}: where every tensor of the loaded model lives: device, sharding, range, bytes. */
public final class PlacementMagic extends PicocliMagic<PlacementMagic.Options> {

    @Command(name = "placement", description = "Show the loaded model's tensor placement: one row per tensor and device, with its sharding (Replicate / Shard(dim) / Partial(dim)), range and bytes.")
    static final class Options {
        @Mixin
        ModelChoice model = new ModelChoice();

        @Option(names = "--layer", paramLabel = "L", description = "Only layer L.")
        Integer layer;

        @Option(names = "--device", paramLabel = "D", description = "Only device D.")
        Integer device;
    }

    @Override
    public String summary() {
        return "tensor placement of the loaded model (device, sharding, range, bytes)";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        Plan plan = o.model.of(ctx).plan();
        // an out-of-range filter would show an empty table, which reads as "nothing is placed there"
        if (o.layer != null && (o.layer < 0 || o.layer >= plan.spec().nLayer()))
            throw new MagicException("%placement: there is no layer " + o.layer + "; the model has layers 0.." + (plan.spec().nLayer() - 1) + ".",
                    "Leave out --layer to see every tensor, including the ones outside layers.");
        if (o.device != null && (o.device < 0 || o.device >= plan.devices().size()))
            throw new MagicException("%placement: there is no device " + o.device + "; the model runs on devices 0.." + (plan.devices().size() - 1) + ".",
                    "%devices lists them.");
        Table t = PlanTables.placement(plan);
        if (o.layer != null) t = t.where(t.intColumn("layer").isEqualTo(o.layer));
        if (o.device != null) t = t.where(t.intColumn("device").isEqualTo(o.device));
        TableOutput.show(ctx, t, "placement");
    }
}
