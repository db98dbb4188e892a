package dev.splitscope.engine.runtime;

import dev.splitscope.engine.backend.Collective;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.ReducePath;
import dev.splitscope.engine.plan.Range;
import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.graph.Node;
import dev.splitscope.engine.quant.QuantType;

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
 *
 * <p>Two ways to run a step. With one device, or tensor parallel devices that all-reduce among themselves (a
 * {@link Collective}), each device runs its whole step on its own host thread and the host only gathers the logits:
 * a GPU then queues the step as one graph and replays it for the next token without the node walk. Otherwise
 * (a layer split, CPU devices, the host reduce path) the host meets the devices at every group's end.
 */
public final class Executor implements AutoCloseable {
    /** Replays recorded single-token steps; -Dsplitscope.replay=false walks every node of every step (to measure the walk). */
    static final boolean REPLAY = !"false".equals(System.getProperty("splitscope.replay"));

    private final Graph graph;
    private final Layout layout;
    private final List<Split> splits;
    private final DeviceRun[] devices;
    private final ReduceType reduceType;
    private final Collective collective; // null: the host reduces
    private final List<List<Split>> splitsOf; // per device, in order
    private final ExecutorService[] hostThreads;
    private final int[] owner;
    private final int maxTokens;
    /** The first head node (final norm): from here on only the last token is evaluated. */
    private final int headStart;
    private java.util.function.Supplier<List<StepTiming>> lastTimings = List::of;
    private int greedyId; // the answer of the last greedy whole step
    private float[] reduceSum = new float[0], reducePart = new float[0]; // all-reduce scratch
    /** Set when a device failed inside a tensor-parallel whole step: the collective was aborted and the run is void. */
    private volatile RuntimeException failed;

    public Executor(Graph graph, Layout layout, DeviceRun[] devices, ReduceType reduceType, ReducePath reducePath, int maxTokens) {
        this.graph = graph;
        this.layout = layout;
        this.splits = Scheduler.schedule(graph, layout);
        this.devices = devices;
        this.reduceType = reduceType;
        this.maxTokens = maxTokens;
        this.owner = new int[graph.size()];
        this.headStart = graph.find("result_norm", -1).id();
        this.splitsOf = new ArrayList<>();
        for (int d = 0; d < devices.length; d++) {
            int dev = d;
            splitsOf.add(splits.stream().filter(s -> s.device() == dev).toList());
        }
        List<DeviceOps> ops = java.util.Arrays.stream(devices).map(r -> r.ops).toList();
        this.collective = layout.tensorParallel() && devices.length > 1
                ? devices[0].ops.collective(ops, QuantType.valueOf(reduceType.name()), reducePath) : null;
        if (reducePath != ReducePath.AUTO && reducePath != ReducePath.HOST && collective == null)
            throw new IllegalArgumentException("the " + reducePath.label() + " reduce path needs a tensor-parallel split over devices that offer it ("
                    + ops.getFirst().name() + ")");
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
        preloadWeights();
    }

    /**
     * Every device readies the weights of its splits now, on its host thread, so no step uploads any (see
     * {@link DeviceOps#preload}). On failure the threads and the collective are released; the devices stay the
     * caller's, as no executor was made.
     */
    private void preloadWeights() {
        try {
            onEveryDevice(d -> {
                for (Split s : splitsOf.get(d))
                    for (int id = s.firstNode(); id <= s.lastNode(); id++) devices[d].preload(graph.node(id));
            });
        } catch (RuntimeException e) {
            for (ExecutorService t : hostThreads) if (t != null) t.shutdownNow();
            if (collective != null) collective.close();
            throw e;
        }
    }

    public List<Split> splits() {
        return splits;
    }

    /** Timings of the most recent forward step, one row per split. */
    public List<StepTiming> lastTimings() {
        return lastTimings.get();
    }

    public int maxTokens() {
        return maxTokens;
    }

    /** How partial sums meet, for the user: the device-side path taken, or the host. */
    public String reduceDescription() {
        if (collective != null) return collective.description();
        if (devices.length == 1) return "none (one device)";
        return layout.tensorParallel() ? "host (download, add in the reduce type, upload)" : "host copies between layer ranges";
    }

    private boolean devicesRunWholeSteps() {
        return devices.length == 1 || collective != null;
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

    /**
     * Like {@link #forward} but returns the id of the largest logit (ties: the lowest id). Devices that run whole
     * steps find it themselves, so only a value and an index per device reach the host instead of the logits.
     */
    public int forwardGreedy(int[] ids, int pos0) {
        int last = (ids.length - 1) / maxTokens * maxTokens;
        if (last > 0) forward(java.util.Arrays.copyOf(ids, last), pos0);
        int[] chunk = java.util.Arrays.copyOfRange(ids, last, ids.length);
        if (!devicesRunWholeSteps()) return Sampler.argmax(groupStep(chunk, pos0 + last));
        wholeStep(chunk, pos0 + last, true);
        return greedyId;
    }

    /**
     * Greedy decoding of up to {@code n} tokens after {@code first}, which is evaluated at {@code pos0}: each winner is
     * the next step's token. {@code sink} gets the winners in order and returns false to stop. Returns how many
     * winners it was given (= how many tokens were evaluated). Devices that keep the winner on themselves
     * ({@link #chainsGreedy}) run one step ahead of the host, which hides the host's share of every step; the step
     * launched ahead of a stop is wasted (its KV entry lies past the end and is written over later).
     */
    public int greedyRun(int first, int pos0, int n, java.util.function.IntPredicate sink) {
        checkNotVoid();
        if (!chainsGreedy()) {
            int id = first;
            for (int k = 0; k < n; k++) {
                id = forwardGreedy(new int[] {id}, pos0 + k);
                if (!sink.test(id)) return k + 1;
            }
            return n;
        }
        int vocab = graph.spec().nVocab(), given = 0, queued = 0;
        long[] start = new long[devices.length];
        long[][] marks = new long[devices.length][];  // the last step's, where the host keeps them
        try {
            onEveryDevice(d -> marks[d] = runDeviceStep(d, new int[] {first}, pos0, start, false));
            queueChained();
            queued++;
            while (given < n) {
                // the next step goes to the devices before the host waits for this one's winner
                boolean ahead = queued < n && replayChained(start);
                if (ahead) java.util.Arrays.fill(marks, null);
                int id = takeChained();
                given++;
                // a reduction that gave up (a peer never came) leaves a void step whose winner must not be given out
                if (collective != null) collective.check();
                if (id < 0 || id >= vocab) {
                    throw new IllegalStateException("the greedy step at position " + (pos0 + given - 1) + " found no winner (NaN logits?)");
                }
                if (!sink.test(id)) break;
                if (queued < n) {
                    int at = pos0 + given;
                    if (!ahead) onEveryDevice(d -> marks[d] = runDeviceStep(d, new int[] {id}, at, start, false));  // not recorded yet: walk it
                    queueChained();
                    queued++;
                }
            }
        } catch (RuntimeException e) {
            try {
                drain(queued - given);
            } catch (RuntimeException again) {
                e.addSuppressed(again);
            }
            throw e;
        }
        drain(queued - given);
        long[] launched = start.clone();
        setLastTimings(() -> wholeStepTimings(1, launched[0], launched, marks, 0, 0, 0));
        return given;
    }

    /**
     * True when greedy steps can follow each other on the devices without the host: one device that chains them, or
     * tensor-parallel ranks that hold vocabulary slices and can meet their winners through their collective.
     */
    public boolean chainsGreedy() {
        if (!REPLAY || hostObserves()) return false;
        if (devices.length == 1) return devices[0].ops.chainsGreedy();
        if (collective == null || !vocabSliced()) return false;
        for (DeviceRun d : devices) if (!d.ops.chainsGreedy(collective)) return false;
        return true;
    }

    /** The lm_head's rows are split over the devices (each holds a vocabulary slice). */
    private boolean vocabSliced() {
        return splits.getLast().end() == Split.End.CONCAT && layout.tensorParallel();
    }

    /** Where a device's slice of the logits is, when {@link #vocabSliced}: the input of the concat after the last split. */
    private int vocabSliceNode(Split last) {
        return graph.node(last.lastNode() + 1).inputs()[0];
    }

    /** Every device picks the winner of the step just queued and makes it its next step's token. */
    private void queueChained() {
        if (devices.length == 1) {
            DeviceRun dev = devices[0];
            dev.ops.queueChained(dev.act(splits.getLast().lastNode()));
            return;
        }
        int slice = vocabSliceNode(splits.getLast());
        onEveryDeviceHere(d -> devices[d].ops.queueChained(devices[d].act(slice), devices[d].ranges.vocab().start(),
                graph.spec().nVocab(), collective, d));
    }

    /**
     * Every device replays its recorded step on what its last winner left; false when none has one recorded yet (the
     * first steps after a prompt are walked, then captured).
     */
    private boolean replayChained(long[] start) {
        int replayed = 0, without = -1;
        for (int d = 0; d < devices.length; d++) {
            start[d] = System.nanoTime();
            if (onOneDeviceHere(d, devices[d].ops::replayChained)) replayed++;
            else without = d;
        }
        if (replayed != 0 && without >= 0) {  // the devices record their steps alike, so this does not happen
            // the replayed ranks wait on their devices for the others: release them, the run is void
            rankFailed(without, new IllegalStateException("it had no recorded step to replay while " + replayed + " of "
                    + devices.length + " devices had"));
            throw failed;
        }
        return replayed != 0;
    }

    /** Waits for the oldest queued winner on every device and returns it; the devices must agree. */
    private int takeChained() {
        int id = devices[0].ops.takeChained();
        for (int d = 1; d < devices.length; d++) {
            int other = devices[d].ops.takeChained();
            if (other != id) {
                if (collective != null) collective.check();
                throw new IllegalStateException(devices[d].ops.name() + " picked token " + other + " where "
                        + devices[0].ops.name() + " picked " + id);
            }
        }
        return id;
    }

    /** Reads and drops the winners of steps launched ahead, and waits for the devices. */
    private void drain(int pending) {
        for (DeviceRun dev : devices) {
            for (int k = 0; k < pending; k++) dev.ops.takeChained();
            dev.ops.synchronize();
        }
    }

    /**
     * Runs {@code task} for every device on its host thread, all at once, and waits for them: a device that fails
     * aborts the collective (see {@link #rankFailed}) and the first failure is thrown. One device: on this thread.
     */
    private void onEveryDevice(java.util.function.IntConsumer task) {
        if (devices.length == 1) {
            task.accept(0);
            return;
        }
        List<Future<?>> fs = new ArrayList<>();
        for (int d = 0; d < devices.length; d++) {
            int dev = d;
            fs.add(hostThreads[d].submit(() -> {
                try {
                    task.accept(dev);
                } catch (RuntimeException e) {
                    rankFailed(dev, e);
                    throw e;
                }
            }));
        }
        for (int d = 0; d < fs.size(); d++) {
            try {
                await(fs.get(d));
            } catch (RuntimeException e) {
                // an interrupted caller is no failed device: the step ends on the devices and the run stays usable
                if (Thread.currentThread().isInterrupted()) throw e;
                rankFailed(d, e);
            }
        }
        if (failed != null) throw failed;
    }

    /**
     * Runs {@code task} for every device in turn on this thread: for work that only queues on the devices and never
     * waits for another rank on the host (replays, winner picks).
     */
    private void onEveryDeviceHere(java.util.function.IntConsumer task) {
        for (int d = 0; d < devices.length; d++) {
            int dev = d;
            onOneDeviceHere(d, () -> {
                task.accept(dev);
                return null;
            });
        }
    }

    /** Runs {@code task} for device d on this thread; a failure is that device's (see {@link #rankFailed}). */
    private <T> T onOneDeviceHere(int d, java.util.function.Supplier<T> task) {
        try {
            return task.get();
        } catch (RuntimeException e) {
            if (devices.length == 1) throw e;
            rankFailed(d, e);
            throw failed;
        }
    }

    private float[] step(int[] ids, int pos0) {
        return devicesRunWholeSteps() ? wholeStep(ids, pos0, false) : groupStep(ids, pos0);
    }

    /**
     * Every device runs (or replays) its whole step; the host then gathers the logits, or with {@code greedy} only
     * each device's best (value, id), and leaves the winner in {@link #greedyId} (the logits returned are null).
     */
    private float[] wholeStep(int[] ids, int pos0, boolean greedy) {
        checkNotVoid();
        long stepStart = System.nanoTime();
        long[][] marks = new long[devices.length][];
        long[] launched = new long[devices.length];
        onEveryDevice(d -> marks[d] = runDeviceStep(d, ids, pos0, launched, true));
        if (collective != null) collective.check();
        float[] logits = greedy ? null : new float[graph.spec().nVocab()];
        long t0 = System.nanoTime();
        Split last = splits.getLast();
        long bytes = greedy ? pickGreedy(last) : synchronise(List.of(last), 1, logits);
        long gather = System.nanoTime() - t0;
        // read back only when somebody asks: a device's marks cost a call each, and a decode step has 2 per split
        setLastTimings(() -> wholeStepTimings(ids.length, stepStart, launched, marks, t0 - stepStart, gather, bytes));
        return logits;
    }

    private void checkNotVoid() {
        if (failed != null)
            throw new IllegalStateException("this tensor-parallel run is void after an earlier failure (load the model again): "
                    + failed.getMessage(), failed);
    }

    /**
     * A device failed in a whole step. The others may be waiting in a reduction it will never join (on the GPU, in a
     * graph), so the collective is aborted to release them; their own errors are kept as suppressed ones.
     */
    private synchronized void rankFailed(int d, RuntimeException e) {
        if (failed == null) {
            failed = new IllegalStateException(devices[d].ops.name() + " failed in a tensor-parallel step: " + e.getMessage(), e);
            collective.abort();
        } else if (failed.getCause() != e && !List.of(failed.getSuppressed()).contains(e)) {
            failed.addSuppressed(e);
        }
    }

    /** The timing rows of a whole step; marks[d] is null for a device that timed itself (read its marks now). */
    private List<StepTiming> wholeStepTimings(int n, long stepStart, long[] launched, long[][] marks, long gatherStart,
                                              long gather, long gatherBytes) {
        List<StepTiming> timings = new ArrayList<>();
        for (int d = 0; d < devices.length; d++) {
            List<Split> mine = splitsOf.get(d);
            long[] m = marks[d] != null ? marks[d] : devices[d].ops.markNanos(2 * mine.size() + 1);
            long base = launched[d] - stepStart;
            for (int k = 0; k < mine.size(); k++) {
                Split s = mine.get(k);
                boolean reduce = s.end() == Split.End.REDUCE;
                int tokens = s.lastNode() + 1 >= headStart ? 1 : n;
                timings.add(new StepTiming(s.index(), s.group(), d, n, base + m[2 * k], m[2 * k + 1] - m[2 * k],
                        reduce ? base + m[2 * k + 1] : gatherStart, reduce ? m[2 * k + 2] - m[2 * k + 1] : gather,
                        reduce ? reduceBytes(s.lastNode() + 1, tokens) : gatherBytes));
            }
        }
        timings.sort(java.util.Comparator.comparingInt(StepTiming::split));
        return List.copyOf(timings);
    }

    private void setLastTimings(java.util.function.Supplier<List<StepTiming>> read) {
        var memo = new java.util.concurrent.atomic.AtomicReference<List<StepTiming>>();
        lastTimings = () -> memo.updateAndGet(t -> t != null ? t : read.get());
    }

    /** Finds the largest logit over the devices' vocabulary slices; returns the bytes that crossed to the host. */
    private long pickGreedy(Split last) {
        boolean sliced = vocabSliced();
        int node = sliced ? vocabSliceNode(last) : last.lastNode();
        float best = Float.NEGATIVE_INFINITY;
        int id = Integer.MAX_VALUE;
        for (DeviceRun d : sliced ? java.util.Arrays.asList(devices) : List.of(devices[last.device()])) {
            if (sliced && d.ranges.vocab().length() == 0) continue;
            DeviceOps.Best b = d.ops.argmax(d.act(node));
            int global = (sliced ? d.ranges.vocab().start() : 0) + b.index();
            if (b.value() > best || b.value() == best && global < id || id == Integer.MAX_VALUE) {
                best = b.value();
                id = global;
            }
        }
        greedyId = id;
        return devices.length == 1 ? 0 : 8L * devices.length;
    }

    /**
     * One device's whole step: replayed when the device recorded it, else walked node by node with the device-side
     * reductions in between. Returns the device's marks (ns from the step's first: each split's start, end of
     * compute and end of its reduction), or null when the device keeps them (read with markNanos). With
     * {@code wait} false the step is only queued (a device that times itself).
     */
    private long[] runDeviceStep(int d, int[] ids, int pos0, long[] launched, boolean wait) {
        DeviceRun dev = devices[d];
        List<Split> mine = splitsOf.get(d);
        int count = 2 * mine.size() + 1;
        boolean onDevice = dev.ops.timesOnDevice();
        long[] host = new long[count];
        launched[d] = System.nanoTime();
        boolean replayed = REPLAY && ids.length == 1 && !hostObserves() && dev.ops.replayStep(ids, pos0);
        if (!replayed) {
            dev.ops.beginStep(ids, pos0);
            int slot = 0;
            mark(dev, onDevice, host, slot++);
            for (Split s : mine) {
                runNodes(dev, s, ids, pos0);
                mark(dev, onDevice, host, slot++);
                if (s.end() == Split.End.REDUCE) {
                    int syncId = s.lastNode() + 1, tokens = syncId >= headStart ? 1 : ids.length;
                    collective.allReduce(d, syncId, dev.act(graph.node(syncId).inputs()[0]), dev.act(syncId), tokens);
                }
                mark(dev, onDevice, host, slot++);
            }
            dev.ops.endStep();
        }
        if (onDevice) {  // the device keeps its marks (read with markNanos)
            if (wait) dev.ops.synchronize();
            return null;
        }
        dev.ops.synchronize();
        for (int i = count - 1; i >= 0; i--) host[i] -= host[0];
        return host;
    }

    private static void mark(DeviceRun dev, boolean onDevice, long[] host, int slot) {
        if (onDevice) dev.ops.mark(slot);
        else host[slot] = System.nanoTime();
    }

    /** True while the host reads something out of every step (MoE routing counts): such steps are walked, never replayed. */
    private boolean hostObserves() {
        for (DeviceRun d : devices) if (d.hostObserves()) return true;
        return false;
    }

    /** Ring all-reduce volume: each device sends 2(p-1)/p of the buffer. */
    private long reduceBytes(int syncId, int tokens) {
        int p = devices.length;
        return p == 1 ? 0 : 2L * (p - 1) * tokens * graph.node(syncId).width() * reduceType.bytes;
    }

    /** The host meets the devices at the end of every group of splits. */
    private float[] groupStep(int[] ids, int pos0) {
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
        List<StepTiming> done = List.copyOf(timings);
        lastTimings = () -> done;
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

    private static <T> T await(Future<T> f) {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while a split was running", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
    }

    /** Runs one split's nodes on its device and waits for them; returns its start and end (nanoTime). */
    private long[] runSplit(Split s, int[] ids, int pos0) {
        long t0 = System.nanoTime();
        DeviceRun dev = devices[s.device()];
        runNodes(dev, s, ids, pos0);
        dev.ops.synchronize();
        return new long[]{t0, System.nanoTime()};
    }

    /** Queues one split's nodes on its device; head nodes (final norm and lm_head) run on the last token only. */
    private void runNodes(DeviceRun dev, Split s, int[] ids, int pos0) {
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
        int n = tokens * graph.node(syncId).width();
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
        return reduceBytes(syncId, tokens);
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
        for (ExecutorService e : hostThreads) {
            try {
                if (e != null && !e.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS))
                    System.getLogger("splitscope").log(System.Logger.Level.WARNING, "a device's host thread did not stop in 30 s");
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        // NCCL releases a communicator only once no CUDA graph holds its work: steps go before the collective
        for (DeviceRun d : devices) d.ops.forgetSteps();
        if (collective != null) collective.close();
        for (DeviceRun d : devices) d.close();
    }
}
