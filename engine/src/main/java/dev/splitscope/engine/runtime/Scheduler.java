package dev.splitscope.engine.runtime;

import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.graph.Node;

import java.util.ArrayList;
import java.util.List;

/** Turns a graph and a layout into the ordered list of splits the executor runs (after ggml-backend's scheduler). */
public final class Scheduler {
    private Scheduler() {}

    public static List<Split> schedule(Graph g, Layout layout) {
        return layout.tensorParallel() ? parallel(g, layout) : sequential(g, layout);
    }

    /**
     * Graph split: every device runs every node on its shard.
     * Pass 1: cut the node list at each synchronisation node (REDUCE, CONCAT).
     * Pass 2: emit one split per device for each piece; they share a group and run concurrently.
     * Pass 3: each piece's input is the replicated activation the previous synchronisation produced.
     */
    private static List<Split> parallel(Graph g, Layout layout) {
        List<Split> out = new ArrayList<>();
        int first = 0, group = 0;
        String input = null;
        for (Node n : g.nodes()) {
            if (!n.isSyncPoint()) continue;
            Split.End end = n.op() == dev.splitscope.engine.graph.Op.REDUCE ? Split.End.REDUCE : Split.End.CONCAT;
            List<Split.Input> in = input == null ? List.of() : List.of(new Split.Input(input, 4L * g.spec().nEmbd()));
            for (int d = 0; d < layout.shards().length; d++)
                out.add(new Split(out.size(), group, d, first, n.id() - 1, in, end));
            input = n.label();
            first = n.id() + 1;
            group++;
        }
        return out;
    }

    /**
     * Layer split: Pass 1 gives each node the device of its layer. Pass 2 starts a new split wherever the device
     * changes; Pass 3 lists the activations that cross from another device.
     */
    private static List<Split> sequential(Graph g, Layout layout) {
        int[] dev = new int[g.size()];
        for (Node n : g.nodes())
            dev[n.id()] = n.layer() >= 0 ? layout.deviceOfLayer(n.layer())
                    : n.id() == 0 ? layout.deviceOfLayer(-1) : layout.deviceOfLayer(Integer.MAX_VALUE);
        List<Split> out = new ArrayList<>();
        int first = 0;
        for (int i = 1; i <= g.size(); i++) {
            if (i < g.size() && dev[i] == dev[first]) continue;
            List<Split.Input> in = new ArrayList<>();
            for (int j = first; j < i; j++)
                for (int src : g.node(j).inputs())
                    if (dev[src] != dev[first] && in.stream().noneMatch(x -> x.tensor().equals(g.node(src).label())))
                        in.add(new Split.Input(g.node(src).label(), 4L * g.node(src).width()));
            out.add(new Split(out.size(), out.size(), dev[first], first, i - 1, in, i < g.size() ? Split.End.COPY : Split.End.NONE));
            first = i;
        }
        return out;
    }

    /** The device each node runs on in a layer split (for the executor). */
    static int[] nodeDevices(Graph g, List<Split> splits) {
        int[] dev = new int[g.size()];
        for (Split s : splits) for (int i = s.firstNode(); i <= s.lastNode(); i++) dev[i] = s.device();
        return dev;
    }
}
