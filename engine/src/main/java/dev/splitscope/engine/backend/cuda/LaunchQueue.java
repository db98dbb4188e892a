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
 *
 * <p>A step bracketed by {@link #beginStep}/{@link #endStep} that ran as exactly one graph can be replayed whole with
 * {@link #replayStep}, without the host walking its launches again.
 */
final class LaunchQueue {
    /** Graphs kept per device: a layer split or the host reduce path flushes (and so captures) once per split. */
    private static final int MAX_GRAPHS = 256;

    private final CudaDevice device;
    private final List<Object> signature = new ArrayList<>();
    private final List<Runnable> work = new ArrayList<>();
    private final Map<List<Object>, CudaGraph> graphs = new HashMap<>();
    private final Map<List<Object>, Integer> seen = new HashMap<>();
    private final java.util.Set<List<Object>> uncapturable = new java.util.HashSet<>();
    private final List<Runnable> atCaptureEnd = new ArrayList<>();
    private boolean recording, capturing;
    private long captureSerial;  // counts captures begun
    private long replays, captures, direct, flushes;
    private long stepStartFlushes;
    private boolean stepIsSingleToken;
    private CudaGraph stepGraph, lastGraph;
    private CudaTimer timer;
    private double gpuMillis;

    LaunchQueue(CudaDevice device) {
        this.device = device;
    }

    boolean recording() {
        return recording;
    }

    /** True while the deferred work runs under stream capture (event records must then become graph nodes). */
    boolean capturing() {
        return capturing;
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

    /** Queues a launch that is not a kernel (a copy, an event record): run at once, or at the flush when recording. */
    void enqueue(List<Object> sig, Runnable op) {
        if (recording) add(sig, op);
        else op.run();
    }

    /** Which capture is under way (they are counted), for work queued once per capture. */
    long captureSerial() {
        return captureSerial;
    }

    /** Runs {@code r} once, at the end of the capture under way (a side stream joins back there). */
    void atCaptureEnd(Runnable r) {
        atCaptureEnd.add(r);
    }

    /** Marks the start of a step (see {@link #endStep}); only a single-token step can be replayed whole. */
    void beginStep(boolean singleToken) {
        stepStartFlushes = flushes;
        stepIsSingleToken = singleToken;
    }

    /**
     * Runs what the step deferred. When the whole step ran as one graph, that graph becomes the step graph that
     * {@link #replayStep} launches; otherwise there is none.
     */
    void endStep() {
        lastGraph = null;
        flush();
        // a prompt batch defers only its head (one token's final norm and logits): that graph is no step
        stepGraph = stepIsSingleToken && flushes == stepStartFlushes + 1 ? lastGraph : null;
    }

    boolean hasStepGraph() {
        return stepGraph != null;
    }

    /** Launches the step graph again; false when there is none. */
    boolean replayStep() {
        if (stepGraph == null) return false;
        launch(stepGraph);
        return true;
    }

    /** Runs the deferred launches: replays the cached graph of this sequence, captures it on its second sighting. */
    void flush() {
        if (work.isEmpty()) return;
        flushes++;
        List<Object> sig = List.copyOf(signature);
        CudaGraph g = graphs.get(sig);
        if (g == null && !uncapturable.contains(sig) && seen.merge(sig, 1, Integer::sum) >= 2) {
            if (graphs.size() >= MAX_GRAPHS) clearGraphs();
            capturing = true;
            captureSerial++;
            try {
                g = CudaGraph.capture(device, () -> {
                    work.forEach(Runnable::run);
                    atCaptureEnd.forEach(Runnable::run);
                });
                graphs.put(sig, g);
                captures++;
            } catch (RuntimeException e) {
                // e.g. another thread's legacy-stream copy invalidated the capture: nothing ran, so run it directly
                uncapturable.add(sig);
                System.getLogger("splitscope").log(System.Logger.Level.WARNING, "decode step not captured as a CUDA graph: " + e.getMessage());
            } finally {
                capturing = false;
                atCaptureEnd.clear();
            }
        }
        lastGraph = g;
        if (g != null) {
            launch(g);
        } else {
            work.forEach(Runnable::run);
            direct++;
        }
        signature.clear();
        work.clear();
        if (seen.size() > 256) seen.clear();
    }

    private void launch(CudaGraph g) {
        if (timer != null) timer.start();
        g.launch();
        if (timer != null) gpuMillis += timer.stopMillis();
        replays++;
    }

    /** Destroys every captured step graph; the next single-token step is captured again. */
    void clearGraphs() {
        stepGraph = lastGraph = null;
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
