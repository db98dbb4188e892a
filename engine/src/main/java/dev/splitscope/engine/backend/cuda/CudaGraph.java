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
    /** One instance serves chained steps too: launches of an instance are ordered behind its previous ones. */
    private final CUgraphExec exec = new CUgraphExec();

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
        cuGraphInstantiate(g.exec, g.graph, 0);
        return g;
    }

    /** Queues one replay on the device's stream. */
    public void launch() {
        cuGraphLaunch(exec, device.stream());
    }

    @Override
    public void close() {
        cuGraphExecDestroy(exec);
        cuGraphDestroy(graph);
    }
}
