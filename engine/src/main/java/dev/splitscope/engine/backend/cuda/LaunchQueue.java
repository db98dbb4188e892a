package dev.splitscope.engine.backend.cuda;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Defers the launches of a decode step until its result is needed, then runs them as a CUDA graph: a sequence whose
 * signature (kernels, grids and arguments) was seen before is captured once and replayed from then on, so a decode
 * step costs one graph launch instead of hundreds of kernel launches. Kernels read the position from device memory,
 * which keeps the signature of every step the same.
 */
final class LaunchQueue {
    private static final int MAX_GRAPHS = 16;

    private final CudaDevice device;
    private final List<Object> signature = new ArrayList<>();
    private final List<Runnable> work = new ArrayList<>();
    private final Map<List<Object>, CudaGraph> graphs = new HashMap<>();
    private final Map<List<Object>, Integer> seen = new HashMap<>();
    private boolean recording;
    private long replays, captures, direct;
    private CudaTimer timer;
    private double gpuMillis;

    LaunchQueue(CudaDevice device) {
        this.device = device;
    }

    boolean recording() {
        return recording;
    }

    /** Starts or stops deferring; stopping runs what was deferred. */
    void setRecording(boolean on) {
        if (!on && recording) flush();
        recording = on;
    }

    void add(List<Object> sig, Runnable launch) {
        signature.addAll(sig);
        work.add(launch);
    }

    /** Runs the deferred launches: replays the cached graph of this sequence, captures it on its second sighting. */
    void flush() {
        if (work.isEmpty()) return;
        List<Object> sig = List.copyOf(signature);
        CudaGraph g = graphs.get(sig);
        if (g == null && seen.merge(sig, 1, Integer::sum) >= 2) {
            if (graphs.size() >= MAX_GRAPHS) clearGraphs();
            g = CudaGraph.capture(device, () -> work.forEach(Runnable::run));
            graphs.put(sig, g);
            captures++;
        }
        if (g != null) {
            if (timer != null) timer.start();
            g.launch();
            if (timer != null) gpuMillis += timer.stopMillis();
            replays++;
        } else {
            work.forEach(Runnable::run);
            direct++;
        }
        signature.clear();
        work.clear();
        if (seen.size() > 256) seen.clear();
    }

    private void clearGraphs() {
        graphs.values().forEach(CudaGraph::close);
        graphs.clear();
    }

    /** Times every graph replay with CUDA events (each then waits for its graph: for measurements only). */
    void setTiming(boolean on) {
        if (on && timer == null) timer = new CudaTimer(device);
        if (!on && timer != null) {
            timer.close();
            timer = null;
        }
        gpuMillis = 0;
    }

    /** Device milliseconds of the graph replays since timing was switched on. */
    double gpuMillis() {
        return gpuMillis;
    }

    /** "graph replays / captures / direct runs", for the timing tables. */
    String stats() {
        return replays + " graph replays, " + captures + " captures, " + direct + " direct runs";
    }

    void close() {
        setTiming(false);
        work.clear();
        clearGraphs();
    }
}
