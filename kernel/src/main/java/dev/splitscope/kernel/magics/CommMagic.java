package dev.splitscope.kernel.magics;

import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.plan.LinkSpec;
import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.Planner;
import dev.splitscope.engine.plan.TensorDirectory;
import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.PicocliMagic;
import dev.splitscope.kernel.views.PlanTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/** {@code %comm [--link nvlink|pcie]}: the transfers of one decoding step and their estimated time on a link. */
public final class CommMagic extends PicocliMagic<CommMagic.Options> {

    @Command(name = "comm", description = "Show the communication of one decoding step: every reduce, gather or copy, its bytes and its estimated time on a link.")
    static final class Options {
        @Mixin
        ModelChoice model = new ModelChoice();

        @Option(names = "--link", paramLabel = "NAME", description = "nvlink, pcie, nvlink3, pcie5, host, ... (default: the devices' own).")
        String link;
    }

    @Override
    public String summary() {
        return "communication per token: reduces, bytes by reduce type, time on --link";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        LoadedModel m = o.model.of(ctx);
        Plan plan = m.plan();
        if (o.link != null) {
            LinkSpec link;
            try {
                link = LinkSpec.byName(o.link);
            } catch (IllegalArgumentException e) {
                throw ModelErrors.wrap("comm", e);
            }
            List<TensorDesc> tensors = TensorDirectory.fromGguf(m.file()).tensors();
            plan = Planner.plan(plan.spec(), tensors, plan.devices(), plan.options().withLink(link));
        }
        var comm = plan.comm();
        Map<String, Long> perType = new TreeMap<>();
        comm.bytesPerReduce().forEach((t, b) -> perType.put(t.name().toLowerCase(Locale.ROOT), b));
        String form = comm.allReduceForm() == null ? "" : " " + comm.allReduceForm().label;
        ctx.out().printf(Locale.ROOT, "per step on %s: %d transfers, %d%s reduces per layer, %,d bytes on the wire, about %.1f µs; "
                        + "one reduce carries %s bytes by reduce type (this plan uses %s)%n",
                comm.link().name(), comm.steps().size(), comm.reducesPerLayer(), form, comm.totalWireBytes(), comm.totalSeconds() * 1e6,
                perType, comm.reduceType().name().toLowerCase(Locale.ROOT));
        if (comm.allReduceForm() != null) ctx.out().println(comm.formsCompared());
        TableOutput.show(ctx, PlanTables.comm(plan), "comm");
    }
}
