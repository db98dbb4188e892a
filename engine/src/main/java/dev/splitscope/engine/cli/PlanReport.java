package dev.splitscope.engine.cli;

import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.plan.CommPlan;
import dev.splitscope.engine.plan.CommStep;
import dev.splitscope.engine.plan.ComputeEstimate;
import dev.splitscope.engine.plan.DeviceMemory;
import dev.splitscope.engine.plan.DeviceShard;
import dev.splitscope.engine.plan.DeviceSpec;
import dev.splitscope.engine.plan.KvEntry;
import dev.splitscope.engine.plan.Placement;
import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.PlanIssue;
import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.plan.Units;
import dev.splitscope.engine.quant.QuantType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.model.Architectures;
import dev.splitscope.engine.runtime.Layout;
import dev.splitscope.engine.runtime.Scheduler;
import dev.splitscope.engine.runtime.Split;
import java.util.Map;
import java.util.Locale;

/**
 * The plan as aligned text tables: devices (with memory), shards or layer map, placement, kv, comm and issues.
 * Per-layer tables show layer 0 and the top-level tensors unless {@code allLayers} is set, since every layer is
 * planned alike.
 */
final class PlanReport {
    private final Plan plan;
    private final boolean allLayers;
    private final int whatIfCtx;

    PlanReport(Plan plan, boolean allLayers, int whatIfCtx) {
        this.plan = plan;
        this.allLayers = allLayers;
        this.whatIfCtx = whatIfCtx;
    }

    String render() {
        List<String> parts = new ArrayList<>();
        parts.add(summary());
        parts.add(devices().render());
        parts.add(plan.mode() == SplitMode.GRAPH ? shards().render() : layers().render());
        parts.add(placement().render());
        parts.add(splits().render());
        parts.add(kv().render());
        parts.add(comm());
        parts.add(issues());
        return String.join("\n", parts);
    }

    private String summary() {
        ModelSpec s = plan.spec();
        long bytes = plan.placements().stream().mapToLong(Placement::bytes).sum();
        return String.format(Locale.ROOT, "plan: %s (%s), %d layers, n_embd %d, %d heads / %d kv heads, head_dim %d, n_ff %d%s, vocab %d%n"
                        + "split %s on %d device%s, fractions %s, reduce %s, kv %s, ctx %d, batch %d; weights placed: %s%n",
                s.name(), s.architecture(), s.nLayer(), s.nEmbd(), s.nHead(), s.nHeadKv(), s.headDim(), s.nFf(),
                s.isMoe() ? String.format(Locale.ROOT, ", %d experts (%d used) of %d", s.nExpert(), s.nExpertUsed(), s.nFfExp()) : "",
                s.nVocab(), plan.mode().name().toLowerCase(Locale.ROOT), plan.devices().size(), plan.devices().size() == 1 ? "" : "s",
                fractions(), lower(plan.options().reduceType()), lower(plan.options().kvType()), plan.options().ctx(),
                plan.options().batch(), Units.bytes(bytes));
    }

    /** The scheduler's splits for this plan: which nodes each device runs between two synchronisations. */
    private TextTable splits() {
        Graph g = Architectures.forName(plan.spec().architecture()).buildGraph(plan.spec());
        List<Split> all = Scheduler.schedule(g, Layout.of(plan));
        boolean brief = !allLayers && plan.mode() == SplitMode.GRAPH; // a layer split has one split per device: show all
        TextTable t = new TextTable("splits" + (brief ? " (through layer 0, then the last group; --all-layers for all)" : "")
                + ": splits of one group run at the same time", "split", "group", "device", "nodes", "count", "inputs (bytes/token)", "ends with");
        int lastGroup = all.isEmpty() ? 0 : all.getLast().group();
        for (Split sp : all) {
            boolean early = g.node(sp.firstNode()).layer() <= 0;
            if (brief && !early && sp.group() != lastGroup) continue;
            String inputs = sp.inputs().stream().map(i -> i.tensor() + " (" + i.bytesPerToken() + ")").reduce((a, b) -> a + ", " + b).orElse("-");
            t.row(sp.index(), sp.group(), plan.devices().get(sp.device()).id(), g.node(sp.firstNode()).label() + " .. " + g.node(sp.lastNode()).label(),
                    sp.nodeCount(), inputs, lower(sp.end()));
        }
        return t;
    }

    private TextTable devices() {
        TextTable t = new TextTable("devices", "#", "id", "kind", "name", "memory", "bandwidth", "link", "fraction",
                "weights", "kv", "compute", "total", "free", "fits");
        for (DeviceSpec d : plan.devices()) {
            DeviceMemory m = plan.memory().get(d.index());
            t.row(d.index(), d.id(), d.kind().label(), d.name(), Units.bytes(d.memoryBytes()), Units.bandwidth(d.memoryBandwidth()),
                    d.link().name(), String.format(Locale.ROOT, "%.3f", plan.fractions()[d.index()]), Units.bytes(m.weightBytes()),
                    Units.bytes(m.kvBytes()), Units.bytes(m.computeBytes()), Units.bytes(m.totalBytes()),
                    m.capacityBytes() < 0 ? "?" : m.fits() ? Units.bytes(m.freeBytes()) : "-" + Units.bytes(m.shortfallBytes()),
                    m.capacityBytes() < 0 ? "?" : m.fits() ? "yes" : "NO");
        }
        return t;
    }

    private TextTable shards() {
        TextTable t = new TextTable("shards (graph mode: every layer alike)", "device", "q heads", "kv heads", "kv replicated",
                "ff", "ff_exp", "vocab");
        boolean dense = plan.shards().stream().anyMatch(s -> !s.ff().isEmpty());
        boolean moe = plan.shards().stream().anyMatch(s -> !s.ffExp().isEmpty());
        for (DeviceShard s : plan.shards())
            t.row(s.device(), s.qHeads(), s.kvHeads(), s.kvReplicated() ? "yes" : "no", dense ? s.ff() : "-",
                    moe ? s.ffExp() : "-", s.vocab());
        return t;
    }

    private TextTable layers() {
        TextTable t = new TextTable("layers", "device", "layers", "count");
        int[] ld = plan.layerDevice();
        for (DeviceSpec d : plan.devices()) {
            List<String> spans = new ArrayList<>();
            int count = 0;
            for (int l = 0; l < ld.length; l++) {
                if (ld[l] != d.index()) continue;
                count++;
                int e = l;
                while (e + 1 < ld.length && ld[e + 1] == d.index()) e++;
                spans.add(e == l ? "" + l : l + ".." + e);
                count += e - l;
                l = e;
            }
            t.row(d.index(), spans.isEmpty() ? "-" : String.join(", ", spans), count);
        }
        return t;
    }

    private TextTable placement() {
        TextTable t = new TextTable("placement" + (allLayers ? "" : " (top-level tensors and layer 0; --all-layers for every layer)"),
                "tensor", "layer", "role", "type", "shape", "device", "sharding", "range", "bytes");
        for (Placement p : plan.placements()) {
            if (!allLayers && p.layer() > 0) continue;
            t.row(p.tensor(), p.layer() < 0 ? "-" : p.layer(), p.role() == null ? "?" : lower(p.role()), p.type(),
                    Placement.shape(p.dims()), p.device(), p.sharding(), p.sharding().dim() < 0 ? "all" : p.range(),
                    Units.bytes(p.bytes()));
        }
        return t;
    }

    private TextTable kv() {
        int ctx = plan.kv().ctx();
        TextTable t = new TextTable("kv (" + lower(plan.kv().type()) + "; per device over all layers, then per layer"
                + (allLayers ? "" : " for layer 0") + ")",
                "layer", "device", "kv heads", "bytes/token", "at ctx " + ctx, "what-if ctx " + whatIfCtx);
        for (DeviceSpec d : plan.devices()) {
            long per = plan.kv().bytesPerToken(d.index());
            t.row("all", d.index(), "", Units.bytes(per), Units.bytes(per * ctx), Units.bytes(per * whatIfCtx));
        }
        for (KvEntry e : plan.kv().entries()) {
            if (!allLayers && e.layer() > 0) continue;
            t.row(e.layer(), e.device(), e.kvHeads(), Units.bytes(e.bytesPerToken()), Units.bytes(e.bytesAtCtx()),
                    Units.bytes(e.bytesAt(whatIfCtx)));
        }
        return t;
    }

    private String comm() {
        CommPlan c = plan.comm();
        TextTable t = new TextTable(String.format(Locale.ROOT, "comm (per step of %d token%s, link %s: %s, %s latency)",
                c.batch(), c.batch() == 1 ? "" : "s", c.link().name(), Units.bandwidth(c.link().bandwidthBytesPerSec()),
                Units.seconds(c.link().latencySeconds())),
                "kind", "after", "count", "payload", "sent per device", "time each", "time total");
        Map<String, List<CommStep>> groups = new LinkedHashMap<>();
        for (CommStep s : c.steps()) groups.computeIfAbsent(s.kind() + " " + s.after(), k -> new ArrayList<>()).add(s);
        for (List<CommStep> g : groups.values()) {
            CommStep s = g.getFirst();
            String kind = s.kind() == CommStep.Kind.ALL_REDUCE ? lower(s.kind()) + " (" + c.allReduceForm().label + ")" : lower(s.kind());
            t.row(kind, s.after(), g.size(), Units.bytes(s.payloadBytes()), Units.bytes(s.wireBytes()),
                    Units.seconds(s.seconds()), Units.seconds(g.stream().mapToDouble(CommStep::seconds).sum()));
        }
        StringBuilder sb = new StringBuilder(t.render());
        sb.append(String.format(Locale.ROOT, "total: %s sent by the busiest device, %s per step", Units.bytes(c.totalWireBytes()),
                Units.seconds(c.totalSeconds())));
        if (c.reducesPerLayer() > 0)
            sb.append(String.format(Locale.ROOT, "; %d %s all-reduces per layer; bytes per reduce: f32 %s, f16 %s, bf16 %s",
                    c.reducesPerLayer(), c.allReduceForm().label, Units.bytes(c.bytesPerReduce().get(QuantType.F32)),
                    Units.bytes(c.bytesPerReduce().get(QuantType.F16)), Units.bytes(c.bytesPerReduce().get(QuantType.BF16))));
        sb.append('\n');
        if (c.allReduceForm() != null) sb.append(c.formsCompared()).append('\n');
        return sb.toString();
    }

    private String issues() {
        StringBuilder sb = new StringBuilder("issues\n");
        if (plan.issues().isEmpty()) sb.append("  none\n");
        for (PlanIssue i : plan.issues()) sb.append("  ").append(i).append('\n');
        sb.append(plan.ok() ? "verdict: OK" : "verdict: NOT OK (" + plan.errors().size() + " error"
                + (plan.errors().size() == 1 ? "" : "s") + ")").append('\n');
        sb.append("compute estimate: ").append(ComputeEstimate.METHOD).append('\n');
        return sb.toString();
    }

    private String fractions() {
        StringBuilder sb = new StringBuilder();
        for (double f : plan.fractions()) sb.append(sb.isEmpty() ? "" : "/").append(String.format(Locale.ROOT, "%.3f", f));
        return sb.toString();
    }

    private static String lower(Object o) {
        return o.toString().toLowerCase(Locale.ROOT);
    }
}
