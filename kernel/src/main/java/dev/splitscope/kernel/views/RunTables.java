package dev.splitscope.kernel.views;

import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.runtime.Split;
import dev.splitscope.engine.runtime.StepTiming;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.List;
import java.util.stream.Collectors;

/** A loaded model's run state as tables: the scheduler's splits and the measured timings of the last step. */
public final class RunTables {
    private RunTables() {}

    /** One row per split: device, node range (with node labels), inputs it receives and how it ends. */
    public static Table splits(List<Split> splits, Graph graph, List<String> deviceNames) {
        IntColumn index = IntColumn.create("split");
        IntColumn group = IntColumn.create("group");
        StringColumn device = StringColumn.create("device");
        StringColumn nodes = StringColumn.create("nodes");
        IntColumn count = IntColumn.create("n_nodes");
        StringColumn inputs = StringColumn.create("inputs");
        LongColumn inBytes = LongColumn.create("input_bytes_per_token");
        StringColumn end = StringColumn.create("ends_with");
        for (Split s : splits) {
            index.append(s.index());
            group.append(s.group());
            device.append(s.device() < deviceNames.size() ? deviceNames.get(s.device()) : String.valueOf(s.device()));
            nodes.append(s.firstNode() + ".." + s.lastNode() + " (" + graph.node(s.firstNode()).label() + " .. "
                    + graph.node(s.lastNode()).label() + ")");
            count.append(s.nodeCount());
            inputs.append(s.inputs().stream().map(i -> i.tensor() + " " + i.bytesPerToken() + " B").collect(Collectors.joining(", ")));
            inBytes.append(s.inputs().stream().mapToLong(Split.Input::bytesPerToken).sum());
            end.append(s.end().name().toLowerCase());
        }
        return Table.create("splits", index, group, device, nodes, count, inputs, inBytes, end);
    }

    /** One row per split of the last forward step: compute and synchronisation time, bytes moved. */
    public static Table timings(List<StepTiming> timings, List<String> deviceNames) {
        IntColumn split = IntColumn.create("split");
        IntColumn group = IntColumn.create("group");
        StringColumn device = StringColumn.create("device");
        IntColumn tokens = IntColumn.create("tokens");
        DoubleColumn start = DoubleColumn.create("start_us");
        DoubleColumn compute = DoubleColumn.create("compute_us");
        DoubleColumn sync = DoubleColumn.create("sync_us");
        LongColumn bytes = LongColumn.create("sync_bytes");
        for (StepTiming t : timings) {
            split.append(t.split());
            group.append(t.group());
            device.append(t.device() < deviceNames.size() ? deviceNames.get(t.device()) : String.valueOf(t.device()));
            tokens.append(t.tokens());
            start.append(Math.round(t.startNanos() / 100.0) / 10.0);
            compute.append(Math.round(t.computeNanos() / 100.0) / 10.0);
            sync.append(Math.round(t.syncNanos() / 100.0) / 10.0);
            bytes.append(t.syncBytes());
        }
        return Table.create("timings of the last forward step", split, group, device, tokens, start, compute, sync, bytes);
    }

    /**
     * The last step as a timeline: one row per device, a coloured bar per split from its measured start to its end,
     * and a grey bar for each synchronisation (all-reduce, gather or copy) that ended a group.
     */
    public static XYChart timeline(List<StepTiming> timings, List<String> deviceNames) {
        XYChart c = new XYChartBuilder().width(760).height(120 + 40 * deviceNames.size()).title("timeline of the last forward step")
                .xAxisTitle("µs from the start of the step").yAxisTitle("device").build();
        c.getStyler().setLegendVisible(false);
        c.getStyler().setYAxisMin(-0.5).setYAxisMax(deviceNames.size() - 0.5);
        c.getStyler().setYAxisDecimalPattern("#");
        BasicStroke bar = new BasicStroke(14f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER);
        java.util.Set<Integer> syncsDrawn = new java.util.HashSet<>();
        for (StepTiming t : timings) {
            double from = t.startNanos() / 1e3, to = from + t.computeNanos() / 1e3;
            addBar(c, "split " + t.split(), from, to, t.device(), bar, Charts.colour(t.device()));
            if (t.syncNanos() > 0 && syncsDrawn.add(t.group()))
                for (int d = 0; d < deviceNames.size(); d++)
                    addBar(c, "sync " + t.group() + "/" + d, t.syncStartNanos() / 1e3, (t.syncStartNanos() + t.syncNanos()) / 1e3, d, bar, Color.GRAY);
        }
        return c;
    }

    private static void addBar(XYChart c, String name, double from, double to, int device, BasicStroke stroke, Color colour) {
        XYSeries s = c.addSeries(name, new double[]{from, Math.max(to, from + 0.01)}, new double[]{device, device});
        s.setMarker(SeriesMarkers.NONE);
        s.setLineStyle(stroke);
        s.setLineColor(colour);
    }
}
