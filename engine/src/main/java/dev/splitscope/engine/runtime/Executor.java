package dev.splitscope.engine.runtime;

import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.plan.Range;
import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.graph.Node;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs the splits of a graph on its devices. Splits of one group run concurrently, each on its device's host thread,
 * and meet at the group's end: partial sums are all-reduced in the reduce type, vocabulary slices gathered, or an
 * activation copied to the next device of a layer split.
 */
public final class Executor implements AutoCloseable {
    private final Graph graph;
    private final Layout layout;
    private final List<Split> splits;
    private final DeviceRun[] devices;
    private final ReduceType reduceType;
    private final ExecutorService[] hostThreads;
    private final int[] owner;
    private final int maxTokens;
    /** The first head node (final norm): from here on only the last token is evaluated. */
    private final int headStart;
    private List<StepTiming> lastTimings = List.of();
    private float[] reduceSum = new float[0], reducePart = new float[0]; // all-reduce scratch

    public Executor(Graph graph, Layout layout, DeviceRun[] devices, ReduceType reduceType, int maxTokens) {
        this.graph = graph;
        this.layout = layout;
        this.splits = Scheduler.schedule(graph, layout);
        this.devices = devices;
        this.reduceType = reduceType;
        this.maxTokens = maxTokens;
        this.owner = new int[graph.size()];
        this.headStart = graph.find("result_norm", -1).id();
        this.hostThreads = new ExecutorService[devices.length];
        if (devices.length > 1)
            for (int d = 0; d < devices.length; d++) {
                String name = devices[d].ops.name() + "-host";
                hostThreads[d] = Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, name);
                    t.setDaemon(true);
                    return t;
                });
            }
    }

    public List<Split> splits() {
        return splits;
    }

    /** Timings of the most recent forward step, one row per split. */
    public List<StepTiming> lastTimings() {
        return lastTimings;
    }

    public int maxTokens() {
        return maxTokens;
    }

    /**
     * Evaluates the graph for {@code ids} at positions pos0.. and returns the logits of the last token. Tokens beyond
     * {@link #maxTokens()} are processed in chunks.
     */
    public float[] forward(int[] ids, int pos0) {
        float[] logits = null;
        for (int start = 0; start < ids.length; start += maxTokens) {
            int[] chunk = java.util.Arrays.copyOfRange(ids, start, Math.min(ids.length, start + maxTokens));
            logits = step(chunk, pos0 + start);
        }
        return logits;
    }

    private float[] step(int[] ids, int pos0) {
        int n = ids.length;
        float[] logits = new float[graph.spec().nVocab()];
        List<StepTiming> timings = new ArrayList<>();
        long stepStart = System.nanoTime();
        int i = 0;
        while (i < splits.size()) {
            int group = splits.get(i).group();
            List<Split> members = new ArrayList<>();
            while (i < splits.size() && splits.get(i).group() == group) members.add(splits.get(i++));
            long[][] run = runGroup(members, ids, pos0); // per member: start, end
            long t0 = System.nanoTime();
            long bytes = synchronise(members, members.getFirst().lastNode() + 1 >= headStart ? 1 : n, logits);
            long sync = System.nanoTime() - t0;
            for (int m = 0; m < members.size(); m++) {
                Split s = members.get(m);
                timings.add(new StepTiming(s.index(), group, s.device(), n, run[m][0] - stepStart, run[m][1] - run[m][0],
                        t0 - stepStart, sync, bytes));
            }
        }
        lastTimings = List.copyOf(timings);
        return logits;
    }

    /** Runs a group's splits, concurrently when there are several; returns each one's start and end (nanoTime). */
    private long[][] runGroup(List<Split> members, int[] ids, int pos0) {
        long[][] nanos = new long[members.size()][];
        if (members.size() == 1) {
            nanos[0] = runSplit(members.getFirst(), ids, pos0);
            return nanos;
        }
        List<Future<long[]>> fs = new ArrayList<>();
        for (Split s : members) fs.add(hostThreads[s.device()].submit(() -> runSplit(s, ids, pos0)));
        for (int m = 0; m < fs.size(); m++) nanos[m] = await(fs.get(m));
        return nanos;
    }

    private static long[] await(Future<long[]> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a split was running", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /** Runs one split's nodes on its device; head nodes (final norm and lm_head) run on the last token only. */
    private long[] runSplit(Split s, int[] ids, int pos0) {
        long t0 = System.nanoTime();
        DeviceRun dev = devices[s.device()];
        for (int id = s.firstNode(); id <= s.lastNode(); id++) {
            Node node = graph.node(id);
            fetchInputs(dev, node, ids.length);
            int tokens = ids.length;
            if (id >= headStart) {
                if (id == headStart && tokens > 1) {
                    int src = node.inputs()[0];
                    dev.ops.copyRow(dev.act(src), tokens - 1, dev.act(src), 0);
                }
                tokens = 1;
            }
            dev.exec(node, tokens, pos0, ids);
            owner[id] = s.device();
        }
        dev.ops.synchronize();
        return new long[]{t0, System.nanoTime()};
    }

    /** Layer split: copies inputs produced on another device (tensor parallel splits never need this). */
    private void fetchInputs(DeviceRun dev, Node node, int tokens) {
        if (layout.tensorParallel()) return;
        for (int src : node.inputs()) {
            if (owner[src] == dev.index) continue;
            DeviceRun from = devices[owner[src]];
            float[] host = new float[tokens * from.act(src).width()];
            from.ops.download(from.act(src), tokens, host);
            dev.ops.upload(host, tokens, dev.act(src));
            owner[src] = dev.index;
        }
    }

    /** Ends a group: all-reduce, gather, or (layer split) nothing more. Returns the bytes moved between devices. */
    private long synchronise(List<Split> members, int tokens, float[] logits) {
        int syncId = members.getFirst().lastNode() + 1;
        Split.End end = members.getFirst().end();
        if (end == Split.End.REDUCE && layout.tensorParallel()) return allReduce(syncId, tokens);
        if (end == Split.End.CONCAT && layout.tensorParallel()) return gather(syncId, logits);
        Split last = members.getLast();
        if (last.end() == Split.End.NONE) {
            DeviceRun dev = devices[last.device()];
            float[] row = new float[dev.act(last.lastNode()).width()];
            dev.ops.download(dev.act(last.lastNode()), 1, row);
            System.arraycopy(row, 0, logits, 0, logits.length);
        }
        return 0;
    }

    private long allReduce(int syncId, int tokens) {
        int src = graph.node(syncId).inputs()[0];
        int width = graph.node(syncId).width(), n = tokens * width;
        // reused across the two reductions of every layer: this runs on each step's hot path
        if (reduceSum.length < n) {
            reduceSum = new float[n];
            reducePart = new float[n];
        }
        float[] sum = reduceSum, part = reducePart;
        java.util.Arrays.fill(sum, 0, n, 0f);
        for (DeviceRun d : devices) {
            d.ops.download(d.act(src), tokens, part);
            for (int j = 0; j < n; j++) sum[j] += reduceType.round(part[j]);
        }
        for (int j = 0; j < n; j++) sum[j] = reduceType.round(sum[j]);
        for (DeviceRun d : devices) d.ops.upload(sum, tokens, d.act(syncId));
        // Ring all-reduce volume: each device sends 2(p-1)/p of the buffer.
        int p = devices.length;
        return p == 1 ? 0 : 2L * (p - 1) * tokens * width * reduceType.bytes;
    }

    private long gather(int syncId, float[] logits) {
        int src = graph.node(syncId).inputs()[0];
        long bytes = 0;
        for (DeviceRun d : devices) {
            Range v = d.ranges.vocab();
            float[] part = new float[v.length()];
            d.ops.download(d.act(src), 1, part);
            System.arraycopy(part, 0, logits, v.start(), v.length());
            bytes += 4L * v.length();
        }
        return devices.length == 1 ? 0 : bytes;
    }

    DeviceRun[] devices() {
        return devices;
    }

    @Override
    public void close() {
        for (ExecutorService e : hostThreads) if (e != null) e.shutdownNow();
        for (DeviceRun d : devices) d.close();
    }
}
