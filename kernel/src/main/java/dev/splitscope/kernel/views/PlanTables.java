package dev.splitscope.kernel.views;

import dev.splitscope.engine.plan.AllReduceForm;
import dev.splitscope.engine.plan.CommStep;
import dev.splitscope.engine.plan.DeviceMemory;
import dev.splitscope.engine.plan.DeviceSpec;
import dev.splitscope.engine.plan.KvEntry;
import dev.splitscope.engine.plan.LinkSpec;
import dev.splitscope.engine.plan.Placement;
import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.Units;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.BooleanColumn;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@link Plan} as tables (devices, placement, kv, memory, comm) and charts (memory per device, KV heat map), and the
 * all-reduce forms the comm estimate chooses between.
 */
public final class PlanTables {
    private PlanTables() {}

    public static Table devices(Plan plan) {
        IntColumn index = IntColumn.create("device");
        StringColumn id = StringColumn.create("id");
        StringColumn kind = StringColumn.create("kind");
        StringColumn name = StringColumn.create("name");
        LongColumn memory = LongColumn.create("memory_bytes");
        DoubleColumn fraction = DoubleColumn.create("fraction");
        StringColumn link = StringColumn.create("link");
        double[] fr = plan.fractions();
        for (DeviceSpec d : plan.devices()) {
            index.append(d.index());
            id.append(d.id());
            kind.append(String.valueOf(d.kind()));
            name.append(d.name());
            if (d.memoryKnown()) memory.append(d.memoryBytes()); else memory.appendMissing();
            fraction.append(Math.round(fr[d.index()] * 10000) / 10000.0);
            link.append(d.link().name());
        }
        return Table.create("devices", index, id, kind, name, memory, fraction, link);
    }

    public static Table placement(Plan plan) {
        StringColumn tensor = StringColumn.create("tensor");
        IntColumn layer = IntColumn.create("layer");
        StringColumn role = StringColumn.create("role");
        StringColumn type = StringColumn.create("type");
        StringColumn shape = StringColumn.create("shape");
        IntColumn device = IntColumn.create("device");
        StringColumn sharding = StringColumn.create("sharding");
        StringColumn range = StringColumn.create("range");
        LongColumn bytes = LongColumn.create("bytes");
        for (Placement p : plan.placements()) {
            tensor.append(p.tensor());
            if (p.layer() < 0) layer.appendMissing(); else layer.append(p.layer());
            role.append(p.role() == null ? "?" : p.role().toString());
            type.append(p.type().name());
            shape.append(Placement.shape(p.dims()));
            device.append(p.device());
            sharding.append(p.sharding().toString());
            range.append(p.range().toString());
            bytes.append(p.bytes());
        }
        return Table.create("placement (" + plan.mode().name().toLowerCase() + " split)", tensor, layer, role, type, shape,
                device, sharding, range, bytes);
    }

    /** One row per (layer, device) with kv heads; {@code whatIfCtx} adds the bytes at a second context length. */
    public static Table kv(Plan plan, int whatIfCtx) {
        IntColumn layer = IntColumn.create("layer");
        IntColumn device = IntColumn.create("device");
        StringColumn heads = StringColumn.create("kv_heads");
        LongColumn perToken = LongColumn.create("bytes_per_token");
        LongColumn atCtx = LongColumn.create("bytes_at_ctx_" + plan.kv().ctx());
        LongColumn whatIf = LongColumn.create("bytes_at_ctx_" + whatIfCtx);
        for (KvEntry e : plan.kv().entries()) {
            layer.append(e.layer());
            device.append(e.device());
            heads.append(e.kvHeads().toString());
            perToken.append(e.bytesPerToken());
            atCtx.append(e.bytesAtCtx());
            whatIf.append(e.bytesAt(whatIfCtx));
        }
        Table t = Table.create("kv cache (" + plan.kv().type() + ")", layer, device, heads, perToken, atCtx);
        return whatIfCtx == plan.kv().ctx() ? t : t.addColumns(whatIf);
    }

    public static Table memory(Plan plan) {
        IntColumn device = IntColumn.create("device");
        LongColumn weights = LongColumn.create("weights_bytes");
        LongColumn kv = LongColumn.create("kv_bytes");
        LongColumn compute = LongColumn.create("compute_bytes");
        LongColumn total = LongColumn.create("total_bytes");
        LongColumn capacity = LongColumn.create("capacity_bytes");
        StringColumn human = StringColumn.create("total");
        BooleanColumn fits = BooleanColumn.create("fits");
        for (DeviceMemory m : plan.memory()) {
            device.append(m.device());
            weights.append(m.weightBytes());
            kv.append(m.kvBytes());
            compute.append(m.computeBytes());
            total.append(m.totalBytes());
            if (m.capacityBytes() < 0) capacity.appendMissing(); else capacity.append(m.capacityBytes());
            human.append(Units.bytes(m.totalBytes()) + (m.capacityBytes() < 0 ? "" : " of " + Units.bytes(m.capacityBytes())));
            fits.append(m.fits());
        }
        return Table.create("memory per device", device, weights, kv, compute, total, capacity, human, fits);
    }

    /** Every transfer of one forward step, with its payload, the busiest device's wire bytes and the time estimate. */
    public static Table comm(Plan plan) {
        IntColumn layer = IntColumn.create("layer");
        StringColumn after = StringColumn.create("after");
        StringColumn kind = StringColumn.create("kind");
        StringColumn route = StringColumn.create("route");
        LongColumn payload = LongColumn.create("payload_bytes");
        LongColumn wire = LongColumn.create("wire_bytes");
        DoubleColumn micros = DoubleColumn.create("est_us");
        for (CommStep s : plan.comm().steps()) {
            if (s.layer() < 0) layer.appendMissing(); else layer.append(s.layer());
            after.append(s.after());
            kind.append(s.kind().name());
            route.append(s.kind() == CommStep.Kind.ALL_REDUCE ? "all, " + plan.comm().allReduceForm().label
                    : s.fromDevice() < 0 ? "all" : s.fromDevice() + "→" + s.toDevice());
            payload.append(s.payloadBytes());
            wire.append(s.wireBytes());
            micros.append(Math.round(s.seconds() * 1e7) / 10.0);
        }
        return Table.create("communication per step on " + plan.comm().link().name(), layer, after, kind, route, payload, wire, micros);
    }

    public static CategoryChart memoryChart(Plan plan) {
        List<String> devices = new ArrayList<>();
        for (DeviceSpec d : plan.devices()) devices.add(d.index() + ": " + d.id());
        int n = devices.size();
        double[][] v = new double[3][n];
        for (DeviceMemory m : plan.memory()) {
            v[0][m.device()] = m.weightBytes();
            v[1][m.device()] = m.kvBytes();
            v[2][m.device()] = m.computeBytes();
        }
        return Charts.stackedMemory("memory per device (ctx " + plan.kv().ctx() + ")", devices, List.of("weights", "KV", "compute"), v);
    }

    /**
     * Estimated time of one all-reduce against its buffer size (1 KiB to 64 MiB, log scales) on {@code link}, one-shot
     * (solid), two-shot (dotted) and ring (dashed) for each device count: where the lines cross, the smaller share of
     * the bytes starts to pay for the extra latency steps.
     */
    public static XYChart allReduceForms(LinkSpec link, int... deviceCounts) {
        XYChart c = new XYChartBuilder().width(760).height(420).title("one all-reduce on " + link.name() + ": one-shot, two-shot and ring")
                .xAxisTitle("buffer (bytes)").yAxisTitle("µs").build();
        c.getStyler().setXAxisLogarithmic(true).setYAxisLogarithmic(true);
        int points = 17;
        double[] bytes = new double[points];
        for (int i = 0; i < points; i++) bytes[i] = 1024.0 * (1L << i);
        for (int k = 0; k < deviceCounts.length; k++) {
            int p = deviceCounts[k];
            if (p < 2) throw new IllegalArgumentException("an all-reduce needs at least 2 devices, got " + p);
            for (AllReduceForm f : AllReduceForm.values()) {
                double[] micros = new double[points];
                for (int i = 0; i < points; i++) micros[i] = f.seconds(link, (long) bytes[i], p) * 1e6;
                XYSeries s = c.addSeries(f.label + ", " + p + " devices", bytes, micros);
                s.setMarker(SeriesMarkers.NONE);
                s.setLineColor(Charts.colour(k));
                s.setLineStyle(switch (f) {
                    case ONE_SHOT -> SOLID;
                    case TWO_SHOT -> DOTTED;
                    case RING -> DASHED;
                });
            }
        }
        return c;
    }

    private static final java.awt.BasicStroke SOLID = new java.awt.BasicStroke(2f);
    private static final java.awt.BasicStroke DASHED = new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_BUTT,
            java.awt.BasicStroke.JOIN_MITER, 10f, new float[] {6f, 4f}, 0f);
    private static final java.awt.BasicStroke DOTTED = new java.awt.BasicStroke(2f, java.awt.BasicStroke.CAP_ROUND,
            java.awt.BasicStroke.JOIN_ROUND, 10f, new float[] {1f, 4f}, 0f);

    /** KV bytes at the plan's context, layer (rows) × device (columns), in KiB or MiB whichever reads better. */
    public static HeatMapChart kvHeatMap(Plan plan) {
        int layers = plan.spec().nLayer();
        int devs = plan.devices().size();
        double[][] v = new double[layers][devs];
        double max = 0;
        for (KvEntry e : plan.kv().entries()) max = Math.max(max, v[e.layer()][e.device()] += e.bytesAtCtx());
        boolean mib = max >= 1024 * 1024;
        for (double[] row : v) for (int d = 0; d < devs; d++) row[d] /= mib ? 1024.0 * 1024.0 : 1024.0;
        List<String> xs = new ArrayList<>();
        for (int d = 0; d < devs; d++) xs.add(String.valueOf(d));
        List<String> ys = new ArrayList<>();
        for (int l = 0; l < layers; l++) ys.add(String.valueOf(l));
        return Charts.heatMap("KV cache " + (mib ? "MiB" : "KiB") + ", layer × device (ctx " + plan.kv().ctx() + ")",
                "device", xs, "layer", ys, v);
    }
}
