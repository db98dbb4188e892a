package dev.splitscope.engine.backend.cuda;

import jcuda.driver.CUgraph;
import jcuda.driver.CUgraphExec;

import static jcuda.driver.JCudaDriver.cuGraphDestroy;
import static jcuda.driver.JCudaDriver.cuGraphExecDestroy;
import static jcuda.driver.JCudaDriver.cuGraphInstantiate;
import static jcuda.driver.JCudaDriver.cuGraphLaunch;
import static jcuda.driver.JCudaDriver.cuStreamBeginCapture;
import static jcuda.driver.JCudaDriver.cuStreamEndCapture;

/**
 * A sequence of launches on a device's stream captured once as a CUDA graph and replayed with one call, which removes
 * the per-kernel launch gaps of a decode step. Kernels read changing scalars (the position) from device memory.
 */
public final class CudaGraph implements AutoCloseable {
    private static final int CAPTURE_MODE_THREAD_LOCAL = 1;

    private final CudaDevice device;
    private final CUgraph graph = new CUgraph();
    /**
     * Two instances of the graph, launched in turn: the host may queue the next step while the previous one runs
     * (chained greedy steps) without relaunching an instance that is still executing.
     */
    private final CUgraphExec[] execs = {new CUgraphExec(), new CUgraphExec()};
    private int next;

    private CudaGraph(CudaDevice device) {
        this.device = device;
    }

    /** Runs {@code launches} under stream capture (nothing executes yet) and instantiates the result. */
    public static CudaGraph capture(CudaDevice device, Runnable launches) {
        CudaGraph g = new CudaGraph(device);
        cuStreamBeginCapture(device.stream(), CAPTURE_MODE_THREAD_LOCAL);
        try {
            launches.run();
        } finally {
            cuStreamEndCapture(device.stream(), g.graph);
        }
        for (CUgraphExec e : g.execs) cuGraphInstantiate(e, g.graph, 0);
        return g;
    }

    /** Queues one replay on the device's stream. */
    public void launch() {
        cuGraphLaunch(execs[next], device.stream());
        next ^= 1;
    }

    @Override
    public void close() {
        for (CUgraphExec e : execs) cuGraphExecDestroy(e);
        cuGraphDestroy(graph);
    }
}
