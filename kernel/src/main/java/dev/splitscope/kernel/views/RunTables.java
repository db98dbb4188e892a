package dev.splitscope.kernel.views;

import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.runtime.Split;
import dev.splitscope.engine.runtime.StepTiming;
import org.knowm.xchart.CategoryChart;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.ArrayList;
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
        DoubleColumn compute = DoubleColumn.create("compute_us");
        DoubleColumn sync = DoubleColumn.create("sync_us");
        LongColumn bytes = LongColumn.create("sync_bytes");
        for (StepTiming t : timings) {
            split.append(t.split());
            group.append(t.group());
            device.append(t.device() < deviceNames.size() ? deviceNames.get(t.device()) : String.valueOf(t.device()));
            tokens.append(t.tokens());
            compute.append(Math.round(t.computeNanos() / 100.0) / 10.0);
            sync.append(Math.round(t.syncNanos() / 100.0) / 10.0);
            bytes.append(t.syncBytes());
        }
        return Table.create("timings of the last forward step", split, group, device, tokens, compute, sync, bytes);
    }

    /** Per device: total compute and synchronisation time of the last step, stacked. */
    public static CategoryChart timeline(List<StepTiming> timings, List<String> deviceNames) {
        int n = deviceNames.size();
        double[][] v = new double[2][n];
        for (StepTiming t : timings) {
            if (t.device() >= n) continue;
            v[0][t.device()] += t.computeNanos() / 1e3;
            v[1][t.device()] += t.syncNanos() / 1e3;
        }
        return Charts.stackedBars("time per device in the last step", "device", "µs", new ArrayList<>(deviceNames),
                List.of("compute", "sync"), v);
    }
}
