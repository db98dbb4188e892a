package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.WeightView;
import dev.splitscope.engine.quant.QuantType;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import static jcuda.driver.JCudaDriver.cuMemcpyDtoDAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyDtoHAsync;
import static jcuda.driver.JCudaDriver.cuMemcpyHtoDAsync;
import static jcuda.driver.JCudaDriver.cuStreamSynchronize;

/**
 * The engine's device operations on one CUDA GPU (or one logical device sharing it). Weights are uploaded once, when
 * the executor preloads them (or on first use); single-token steps are deferred and replayed as CUDA graphs; prompt
 * batches of 32 tokens or more multiply through cuBLAS. Host copies (upload, download, token ids, the position) first run what was deferred.
 *
 * <p>A single-token step reads its token id and position from device memory: staged in pinned memory and copied in
 * just before the step's graph, or left there by the previous step's greedy pick ({@link #queueChained}), so the whole
 * step is one graph that {@link #replayStep} and {@link #replayChained} launch again without the node walk. Every copy
 * runs on this device's own stream: the legacy stream would synchronise with other logical devices' streams and
 * break their captures.
 */
public final class CudaDeviceOps implements DeviceOps {
    /** Batches at least this large use cuBLAS; smaller ones the matvec kernels with one slot per token. */
    static final int GEMM_MIN_TOKENS = 32;
    /** CUDA graphs for decode steps; -Dsplitscope.cuda.graphs=false launches every kernel instead (to measure gaps). */
    static final boolean GRAPHS = CudaSwitch.on("graphs");
    /** Q8_0/Q4_0 matvecs of one input launched together; -Dsplitscope.cuda.group=false launches each alone. */
    static final boolean GROUP = CudaSwitch.on("group");
    /** A decode token's attention ropes q and k itself (no rope_kv launch); -Dsplitscope.cuda.ropeInAttention=false. */
    static final boolean ROPE_IN_ATTENTION = CudaSwitch.on("ropeInAttention");

    private final CudaBackend gpu;
    private final String name;
    private final CudaScratch scratch;
    private final MatvecGroup group;
    private final HeldLaunches held;
    /** The position (int 0) and the token id of a single-token step (int 1), read by the kernels. */
    private final DeviceBuffer stepInputs = DeviceBuffer.allocate(8);
    private final PinnedBuffer stagedInputs = new PinnedBuffer(8);
    private final DeviceBuffer bestOut = DeviceBuffer.allocate(8);  // argmax: value, index
    /**
     * Chained greedy steps' ids on their way to the host. Made with the device, not at the first pick: a rank that
     * allocated its pinned slots after a peer sharing its GPU had queued its pick (which spins until every rank's
     * winner is in) could have its own pick held behind that one, as CUDA may order work issued after an allocation
     * behind the other streams' work issued before it.
     */
    private final WinnerRing winners;
    private final CudaMarks marks;
    private PinnedBuffer staging = new PinnedBuffer(1 << 20);  // host side of uploads and downloads
    private int[] stagedIds;
    /** Rows of the embedding table the staged id indexes (0 until a step has read it): replays check ids against it. */
    private int stepVocab;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final Map<DeviceOps.Weight, DeviceWeight> stacked = new IdentityHashMap<>();
    /** The position stepInputs holds on the device (-1: unknown); setPos skips writing the same one again. */
    private int lastPos = -1;
    /** The activation whose q8_1 form the scratch holds (q, k and v, or gate and up, share one quantization). */
    private long q8Source = -1;
    private int q8Tokens;
    private Q8Input q8Buffer;
    /** q8Buffer was written by a reduction that lets the next kernel launch while it waits for the peers. */
    private boolean q8FromEarlyReduction;

    CudaDeviceOps(CudaBackend gpu, String name) {
        this.gpu = gpu;
        this.name = name;
        this.scratch = new CudaScratch(gpu.queue()::recording);
        this.marks = new CudaMarks(gpu.device(), gpu.queue());
        this.group = new MatvecGroup(gpu, marks::mark);
        this.held = new HeldLaunches(gpu, stepInputs.address(), marks::mark);
        this.winners = new WinnerRing(gpu.device());
    }

    public CudaBackend backend() {
        return gpu;
    }

    @Override
    public String name() {
        return name + " (" + gpu.device().name() + ")";
    }

    /** Defers single-token steps into CUDA graphs; launches what was held back for fusion first. */
    private void begin(int tokens) {
        flushHeld();
        defer(tokens);
    }

    /** Single-token steps' launches are deferred and replayed as CUDA graphs; batches launch at once. */
    private void defer(int tokens) {
        gpu.setDeferred(GRAPHS && tokens == 1);
    }

    /** Runs what was deferred: the host is about to copy or wait. */
    private void undefer() {
        flushHeld();
        gpu.setDeferred(false);
    }

    /** Launches the held element-wise ops and the matvec group (at most one of them holds anything). */
    private void flushHeld() {
        gpu.device().makeCurrent();
        held.flush();
        group.flush();
    }

    @Override
    public void beginStep(int[] ids, int pos0) {
        undefer();
        gpu.queue().beginStep(ids.length == 1);
        stagedIds = null;
        if (ids.length != 1) return;
        copyStepInputs(ids[0], pos0);
        begin(1);
        stagedIds = ids;
        lastPos = pos0;
    }

    private void stage(int id, int pos0) {
        stagedInputs.bytes().putInt(0, pos0).putInt(4, id);
    }

    /**
     * Queues the copy of a step's position and token id ahead of the step (outside its graph, which chained steps
     * replay without it). The caller synchronises before the next staging: the copy reads pinned memory when it runs.
     */
    private void copyStepInputs(int id, int pos0) {
        stage(id, pos0);
        cuMemcpyHtoDAsync(stepInputs.pointer(), stagedInputs.pointer(), 8, gpu.device().stream());
    }

    @Override
    public void endStep() {
        flushHeld();
        gpu.queue().endStep();
        gpu.setDeferred(false);
        stagedIds = null;
    }

    @Override
    public boolean replayStep(int[] ids, int pos0) {
        if (ids.length != 1 || stepVocab == 0) return false;
        checkIds(ids, stepVocab);
        undefer();
        if (!gpu.queue().hasStepGraph()) return false;
        copyStepInputs(ids[0], pos0);  // the previous step has been waited for, so its copy has read the staging
        gpu.queue().replayStep();
        lastPos = pos0;
        return true;
    }

    @Override
    public boolean chainsGreedy() {
        return GRAPHS;
    }

    @Override
    public void queueChained(Act logits) {
        chain(() -> gpu.argmaxPair(a(logits).address(), logits.width(), bestOut.address(), stepInputs.address()));
    }

    /**
     * Queues {@code pick}, which leaves the winner in bestOut and makes it the next step's token at the next position;
     * the winner then goes to the host behind the step.
     */
    private void chain(Runnable pick) {
        undefer();
        pick.run();
        lastPos++;  // what the device now holds (setPos compares against it)
        winners.push(bestOut, 4);
    }

    @Override
    public boolean chainsGreedy(dev.splitscope.engine.backend.Collective c) {
        return GRAPHS && c instanceof PeerAllReduce;
    }

    @Override
    public void queueChained(Act logits, int vocabStart, int vocab, dev.splitscope.engine.backend.Collective c, int rank) {
        long x = logits.width() == 0 ? 0L : a(logits).address();
        chain(() -> ((PeerAllReduce) c).pickWinner(rank, gpu, x, logits.width(), vocabStart, vocab, bestOut.address(), stepInputs.address()));
    }

    @Override
    public boolean replayChained() {
        if (stepVocab == 0) return false;
        undefer();
        return gpu.queue().replayStep();
    }

    @Override
    public int takeChained() {
        return winners.take();
    }

    @Override
    public boolean timesOnDevice() {
        return true;
    }

    @Override
    public void mark(int slot) {
        if (held.holdsReduce()) {
            held.markAfterReduce(slot);  // the reduction may still join the next norm
            return;
        }
        if (group.holdsAny()) {
            group.markAfter(slot);  // a lone matvec may still push into the reduction after it
            return;
        }
        flushHeld();
        marks.mark(slot);
    }

    /** Holds a rank's part of a pushed all-reduce inside a decode graph, for the norm after its residual add. */
    void hold(HeldLaunches.Reduce r) {
        held.hold(r);
    }

    /**
     * Inside a decode graph, the held lone matvec that writes {@code rows} values to {@code y} when the GPU can run it
     * pushing its rows (CudaBackend.matvecPushing), taken out for {@link #launchPushing}; null otherwise.
     */
    MatvecGroup.Lone takeLoneMatvec(long y, long rows) {
        return gpu.queue().recording() ? group.takeLone(y, w -> w.rows() == rows && gpu.pushes(w)) : null;
    }

    /** Launches a matvec taken with {@link #takeLoneMatvec}, its rows also pushed as {@code push} (a PushTarget) says. */
    void launchPushing(MatvecGroup.Lone m, long push) {
        gpu.device().makeCurrent();
        gpu.matvecPushing(m.weight(), m.q(), m.y(), push);
        group.launched();
    }

    @Override
    public long[] markNanos(int count) {
        gpu.device().makeCurrent();
        return marks.nanos(count);
    }

    @Override
    public dev.splitscope.engine.backend.Collective collective(List<DeviceOps> members, QuantType reduceType,
                                                                dev.splitscope.engine.backend.ReducePath path) {
        return CudaCollectives.open(members, reduceType, path);
    }

    /** Readies the queue for a collective's launches that write {@code dst}, and returns the GPU to launch on. */
    CudaBackend beforeCollective(Act dst) {
        flushHeld();
        wrote(dst);
        return gpu;
    }

    private void checkIds(int[] ids, int rows) {
        for (int id : ids)
            if (id < 0 || id >= rows)
                throw new IllegalArgumentException("token id " + id + " is outside the vocabulary (0.." + (rows - 1) + ")");
    }

    /** Copies pinned host memory to the device on this device's stream and waits (the source may then be reused). */
    private void copyIn(jcuda.driver.CUdeviceptr dst, jcuda.Pointer pinned, long bytes) {
        cuMemcpyHtoDAsync(dst, pinned, bytes, gpu.device().stream());
        cuStreamSynchronize(gpu.device().stream());
    }

    /** Pinned staging of at least {@code bytes}, grown outside any capture. */
    private PinnedBuffer staging(long bytes) {
        if (staging.size() < bytes) {
            staging.close();
            staging = new PinnedBuffer(bytes);
        }
        return staging;
    }

    private static CudaAct a(Act x) {
        return (CudaAct) x;
    }

    @Override
    public Act alloc(int capacity, int width) {
        gpu.device().makeCurrent();  // the executor allocates lazily, on each device's own host thread
        CudaAct act = new CudaAct(DeviceBuffer.allocate(4L * capacity * width), capacity, width);
        owned.add(act.buffer());
        return act;
    }

    @Override
    public Weight weight(WeightView view) {
        if (!WeightUploader.SUPPORTED.contains(view.type()))
            throw new UnsupportedOperationException(name + ": no CUDA kernels for " + view.type() + " weights (supported: " + WeightUploader.SUPPORTED + ")");
        CudaWeight w = new CudaWeight(view);
        owned.add(w);
        return w;
    }

    /** Keeps the timing marks of captured steps on this device's stream (CudaMarks): its GPU hosts other ranks too. */
    void keepMarksInline() {
        marks.keepInline();
    }

    @Override
    public void preload(Weight w, boolean matrix) {
        if (matrix) matrix(w);
        else vector(w);
    }

    @Override
    public void preloadExperts(Weight[] ws) {
        experts(ws);
    }

    private DeviceWeight matrix(Weight w) {
        CudaWeight cw = (CudaWeight) w;
        if (!cw.hasMatrix()) {
            gpu.device().makeCurrent();
            gpu.setDeferred(false);  // an upload launches the repack kernel and waits for it
        }
        return cw.matrix(gpu);
    }

    private long vector(Weight w) {
        CudaWeight cw = (CudaWeight) w;
        if (!cw.hasVector()) {
            gpu.device().makeCurrent();
            gpu.setDeferred(false);
        }
        return cw.vector();
    }

    @Override
    public KvCache allocKv(boolean[] layers, int cells, int kvHeads, int headDim, QuantType kvType) {
        if (kvType != QuantType.F16 && kvType != QuantType.F32)
            throw new IllegalArgumentException(name + ": KV cache type " + kvType + " is not supported on CUDA (F16; F32 is served as F16)");
        gpu.device().makeCurrent();
        CudaKvCache kv = new CudaKvCache(layers, cells, kvHeads, headDim);
        owned.add(kv);
        return kv;
    }

    @Override
    public void upload(float[] src, int tokens, Act dst) {
        undefer();
        int n = tokens * dst.width();
        PinnedBuffer p = staging(4L * n);
        p.bytes().asFloatBuffer().put(src, 0, n);
        copyIn(a(dst).buffer().pointer(), p.pointer(), 4L * n);
        wrote(dst);
    }

    @Override
    public void download(Act src, int tokens, float[] dst) {
        undefer();
        int n = tokens * src.width();
        PinnedBuffer p = staging(4L * n);
        cuMemcpyDtoHAsync(p.pointer(), a(src).buffer().pointer(), 4L * n, gpu.device().stream());
        cuStreamSynchronize(gpu.device().stream());
        p.bytes().asFloatBuffer().get(dst, 0, n);
    }

    @Override
    public Best argmax(Act x) {
        undefer();
        PinnedBuffer p = staging(8);
        gpu.argmaxPair(a(x).address(), x.width(), bestOut.address());
        cuMemcpyDtoHAsync(p.pointer(), bestOut.pointer(), 8, gpu.device().stream());
        cuStreamSynchronize(gpu.device().stream());
        return new Best(p.bytes().getFloat(0), p.bytes().getInt(4));
    }

    @Override
    public void copyRow(Act src, int srcToken, Act dst, int dstToken) {
        undefer();
        cuMemcpyDtoDAsync(a(dst).buffer().pointer().withByteOffset(4L * dstToken * dst.width()),
                a(src).buffer().pointer().withByteOffset(4L * srcToken * src.width()), 4L * src.width(), gpu.device().stream());
        wrote(dst);
    }

    @Override
    public void getRows(Weight table, int[] ids, Act out) {
        checkIds(ids, table.view().rows());
        long idsAt;
        if (ids == stagedIds) {
            idsAt = stepInputs.address() + 4;  // staged by beginStep and copied in ahead of the step
            stepVocab = table.view().rows();
        } else {
            undefer();
            DeviceBuffer d = scratch.ids(ids.length);
            PinnedBuffer p = staging(4L * ids.length);
            p.bytes().asIntBuffer().put(ids);
            copyIn(d.pointer(), p.pointer(), 4L * ids.length);
            idsAt = d.address();
        }
        DeviceWeight m = matrix(table);
        begin(ids.length);
        gpu.getRows(m, idsAt, a(out).address(), ids.length);
        wrote(out);
    }

    @Override
    public void rmsNorm(Act x, Weight w, float eps, int tokens, int group, Act out) {
        long wv = vector(w);
        boolean quantize = group == x.width() && group % 32 == 0 && group <= CudaBackend.NORM_Q8_MAX_COLS && tokens < GEMM_MIN_TOKENS;
        HeldLaunches.Add sum = quantize ? held.takeAdd(a(x).address(), (long) tokens * group) : null;
        HeldLaunches.Reduce reduce = sum != null && tokens == 1 && group <= CudaBackend.FUSED_REDUCE_MAX_COLS ? held.takeReduce(sum) : null;
        begin(tokens);
        wrote(out);
        if (quantize) {
            // the next matvecs read out quantized: produce that form here and spare them the launch
            // a reduction that starts before its matvec ends writes the buffer that matvec does not read
            Q8Input q = reduce != null && reduce.early() ? scratch.q8Second(group) : scratch.q8((long) tokens * group);
            if (reduce != null) {
                gpu.allReduceAddRmsNormQ8(reduce, reduce.otherInput(sum), sum.out(), wv, a(out).address(), q, group, eps);
                held.reduced();
            } else if (sum != null) gpu.addRmsNormQ8(sum.a(), sum.b(), sum.out(), wv, a(out).address(), q, tokens, group, eps);
            else gpu.rmsNormQ8(a(x).address(), wv, a(out).address(), q, tokens, group, eps);
            producedQ8(out, tokens, q);
            q8FromEarlyReduction = reduce != null && reduce.releaseEarly();
        } else {
            gpu.rmsNorm(a(x).address(), wv, a(out).address(), tokens * x.width() / group, group, eps);
        }
    }

    @Override
    public void matmul(Weight w, Act x, int tokens, Act out) {
        WeightView v = w.view();
        if (v.rows() == 0) return;
        if (out.width() != v.rows())
            throw new IllegalArgumentException(name + ": matmul output width " + out.width() + " != weight rows " + v.rows());
        DeviceWeight m = matrix(w);
        gpu.device().makeCurrent();
        held.flush();
        if (tokens >= GEMM_MIN_TOKENS || v.cols() == 0 || !CudaBackend.groupable(m, m)) group.flush();
        defer(tokens);
        wrote(out);
        if (v.cols() == 0) {
            gpu.zero(a(out).address(), v.rows(), tokens);
            return;
        }
        if (x.width() != v.cols())
            throw new IllegalArgumentException(name + ": matmul input width " + x.width() + " != weight cols " + v.cols());
        if (tokens >= GEMM_MIN_TOKENS) {
            gpu.gemm(m, a(x).address(), a(out).address(), tokens, false, scratch.gemm((long) v.rows() * v.cols(), (long) tokens * v.cols()));
            return;
        }
        if (GROUP && !group.accepts(m, a(x).address(), tokens)) group.flush();  // before q8 is overwritten
        Q8Input q = CudaBackend.needsQ8(m) ? quantized(a(x), tokens) : null;
        if (q != null && q == q8Buffer && q8FromEarlyReduction) gpu.readsEarlyReduction(m);
        if (GROUP && CudaBackend.groupable(m, m)) group.add(m, a(x).address(), q, a(out).address(), tokens);
        else gpu.matvec(m, a(x).address(), q, a(out).address(), tokens, false);
    }

    /** The q8_1 form of x's first tokens rows, reusing the last quantization when x has not been written since. */
    private Q8Input quantized(CudaAct x, int tokens) {
        if (x.address() == q8Source && tokens == q8Tokens && scratch.holds(q8Buffer)) return q8Buffer;
        Q8Input q = scratch.q8((long) tokens * x.width());
        gpu.quantizeQ8_1(x.address(), q, tokens, x.width());
        producedQ8(x, tokens, q);
        return q;
    }

    /** Records that q holds the q8_1 form of out's first tokens rows (written by a fused kernel). */
    private void producedQ8(Act out, int tokens, Q8Input q) {
        q8Source = a(out).address();
        q8Tokens = tokens;
        q8Buffer = q;
        q8FromEarlyReduction = false;
    }

    /** Every op that writes an activation calls this, so a stale quantization is never reused. */
    private void wrote(Act out) {
        if (a(out).address() == q8Source) q8Source = -1;
    }

    @Override
    public void addBias(Act x, Weight bias, int tokens) {
        long b = vector(bias);
        begin(tokens);
        for (int t = 0; t < tokens; t++) gpu.add(a(x).row(t), b, a(x).row(t), x.width());
        wrote(x);
    }

    @Override
    public void add(Act x, Act y, int tokens, Act out) {
        HeldLaunches.Add add = new HeldLaunches.Add(a(x).address(), a(y).address(), a(out).address(), (long) tokens * x.width());
        if (held.holdsReduce() && tokens == 1) gpu.device().makeCurrent();  // held only in a decode graph: it may stay
        else begin(tokens);
        held.hold(add);
        wrote(out);
    }

    /** Writes pos0 where the kernels read it, after running what was deferred with the previous value. */
    private void setPos(int pos0) {
        if (pos0 == lastPos) return;
        undefer();
        stage(0, pos0);
        copyIn(stepInputs.pointer(), stagedInputs.pointer(), 4);
        lastPos = pos0;
    }

    @Override
    public void rope(Act x, int tokens, int heads, int headDim, int ropeDim, boolean neox, float theta, int pos0, Weight freqFactors) {
        if (heads * headDim != x.width())
            throw new IllegalArgumentException(name + ": rope of " + heads + "x" + headDim + " over a row of " + x.width());
        setPos(pos0);
        long factors = freqFactors == null ? 0L : vector(freqFactors);
        // as begin(), but what is held stays: a q rope waits there for its k rope
        gpu.device().makeCurrent();
        group.flush();
        defer(tokens);
        held.hold(new HeldLaunches.Rope(a(x).address(), tokens, heads, headDim, ropeDim, neox, theta, factors));
        wrote(x);
    }

    @Override
    public void attention(Act q, Act k, Act v, KvCache kv, int layer, int tokens, int pos0, int headDim, int[] kvOf, Act out) {
        CudaKvCache cache = (CudaKvCache) kv;
        int nHead = q.width() / headDim, nKv = k.width() / headDim;
        if (pos0 + tokens > cache.cells())
            throw new IllegalStateException("context full: " + (pos0 + tokens) + " positions needed, the KV cache holds " + cache.cells());
        for (int i = 0; i < nHead; i++)
            if (kvOf[i] != i / (nHead / nKv))
                throw new UnsupportedOperationException(name + ": query head " + i + " uses kv head " + kvOf[i] + "; the CUDA attention needs contiguous GQA groups");
        setPos(pos0);
        HeldLaunches.Rope r = held.takeRopes(a(q).address(), nHead, a(k).address(), nKv, headDim);
        begin(tokens);  // runs any rope not taken
        boolean ropeInAttention = r != null && tokens == 1 && ROPE_IN_ATTENTION && CudaBackend.ropesInAttention(headDim);
        if (r == null) {  // no rope to take in: the launch only writes the cache
            gpu.ropeKv(0L, a(k).address(), a(v).address(), cache.k(layer), cache.v(layer), stepInputs.address(), tokens, 0, nKv, headDim, 0, false, 1f, 0L);
        } else if (!ropeInAttention) {  // rotate q and k and write the cache in one launch
            gpu.ropeKv(a(q).address(), a(k).address(), a(v).address(), cache.k(layer), cache.v(layer), stepInputs.address(), tokens,
                    nHead, nKv, headDim, r.ropeDim(), r.neox(), r.theta(), r.factors());
        }
        // decode uses a fixed split count (extra splits exit at once) so that every step has the same graph
        int splits = CudaBackend.attentionSplits(tokens == 1 ? cache.cells() : pos0 + tokens);
        // the output projection reads out quantized: the combine pass writes that form too
        Q8Input q8 = headDim % 32 == 0 && tokens < GEMM_MIN_TOKENS ? scratch.q8((long) tokens * q.width()) : null;
        wrote(out);
        AttentionScratch s = scratch.attention(tokens, nHead, splits, headDim);
        float scale = (float) (1 / Math.sqrt(headDim));
        if (ropeInAttention)
            gpu.attentionRoped(a(q).address(), a(k).address(), a(v).address(), cache.k(layer), cache.v(layer), a(out).address(),
                    stepInputs.address(), s, nHead, nKv, headDim, splits, scale, q8, r.ropeDim(), r.neox(), r.theta(), r.factors());
        else
            gpu.attention(a(q).address(), cache.k(layer), cache.v(layer), a(out).address(), stepInputs.address(), s, tokens, nHead,
                    nKv, headDim, splits, scale, q8);
        if (q8 != null) producedQ8(out, tokens, q8);
    }

    @Override
    public void swiglu(Act gate, Act up, int tokens, Act out) {
        begin(tokens);
        wrote(out);
        long n = (long) tokens * gate.width();
        if (gate.width() % 32 == 0 && tokens < GEMM_MIN_TOKENS) {
            Q8Input q = scratch.q8(n);
            gpu.swigluQ8(a(gate).address(), a(up).address(), a(out).address(), q, n);
            producedQ8(out, tokens, q);
        } else {
            gpu.swiglu(a(gate).address(), a(up).address(), a(out).address(), n);
        }
    }

    @Override
    public void moeRoute(Act logits, int tokens, int nExpert, int k, boolean renorm, Act out) {
        if (out.width() != 2 * k) throw new IllegalArgumentException(name + ": route buffer width " + out.width() + " != 2k = " + 2 * k);
        begin(tokens);
        gpu.moeTopK(a(logits).address(), a(out).address(), tokens, nExpert, k, renorm);
        wrote(out);
    }

    @Override
    public void moeFfn(Weight[] gate, Weight[] up, Weight[] down, Act x, Act route, int k, int tokens, Act out) {
        DeviceWeight g = experts(gate), u = experts(up), d = experts(down);
        int ff = g.rows(), embd = out.width(), slots = tokens * k;
        begin(tokens);
        if (ff == 0) {
            gpu.zero(a(out).address(), embd, tokens);
            return;
        }
        DeviceBuffer ids = scratch.routeIds(slots), gb = scratch.moeGate((long) slots * ff), ub = scratch.moeUp((long) slots * ff);
        DeviceBuffer db = scratch.moeDown((long) slots * embd);
        gpu.moeIds(a(route).address(), ids.address(), slots);
        wrote(out);
        scratch.q8((long) slots * ff);  // size it for the down projection's input too, before quantizing x
        Q8Input q = CudaBackend.needsQ8(g) || CudaBackend.needsQ8(u) ? quantized(a(x), tokens) : null;
        gpu.matvecSlots(g, a(x).address(), q, gb.address(), slots, ids.address(), x.width(), k, false);
        gpu.matvecSlots(u, a(x).address(), q, ub.address(), slots, ids.address(), x.width(), k, false);
        gpu.swiglu(gb.address(), ub.address(), gb.address(), (long) slots * ff);
        if (CudaBackend.needsQ8(d)) {
            q = scratch.q8((long) slots * ff);
            gpu.quantizeQ8_1(gb.address(), q, slots, ff);
            q8Source = -1;  // the scratch now holds the expert activations
        }
        gpu.matvecSlots(d, gb.address(), q, db.address(), slots, ids.address(), ff, 1, false);
        gpu.moeCombine(db.address(), a(route).address(), a(out).address(), tokens, k, embd, false);
    }

    private DeviceWeight experts(Weight[] ws) {
        DeviceWeight w = stacked.get(ws[0]);
        if (w == null) {
            gpu.device().makeCurrent();
            gpu.setDeferred(false);
            w = CudaExperts.stack(gpu, ws);
            stacked.put(ws[0], w);
            owned.add(w);
        }
        return w;
    }

    @Override
    public void synchronize() {
        undefer();
        gpu.synchronize();
    }

    @Override
    public void forgetSteps() {
        gpu.device().makeCurrent();
        gpu.queue().clearGraphs();
    }

    @Override
    public void close() {
        gpu.device().makeCurrent();
        try {
            gpu.setDeferred(false);
            gpu.synchronize();
            for (AutoCloseable c : owned) c.close();
            scratch.close();
            marks.close();
            stepInputs.close();
            bestOut.close();
            winners.close();
            stagedInputs.close();
            staging.close();
        } catch (Exception e) {
            throw new IllegalStateException(name + ": freeing device memory failed", e);
        } finally {
            gpu.close();
        }
    }
}
