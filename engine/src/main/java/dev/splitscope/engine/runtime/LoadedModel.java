package dev.splitscope.engine.runtime;

import dev.splitscope.engine.plan.DeviceShard;
import dev.splitscope.engine.backend.Backend;
import dev.splitscope.engine.backend.Backends;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.engine.graph.Graph;
import dev.splitscope.engine.model.Architecture;
import dev.splitscope.engine.model.Architectures;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.plan.DeviceKind;
import dev.splitscope.engine.plan.DeviceParser;
import dev.splitscope.engine.plan.DeviceSpec;
import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.PlanOptions;
import dev.splitscope.engine.plan.Planner;
import dev.splitscope.engine.plan.TensorDirectory;
import dev.splitscope.engine.tokenizer.Tokenizer;
import dev.splitscope.engine.tokenizer.Tokenizers;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A GGUF model loaded onto devices: its file, hyperparameters, tokenizer, graph, plan and run state. This is what the
 * CLI and the kernel's magics hold. The plan is checked before any device memory is allocated.
 */
public final class LoadedModel implements AutoCloseable {
    private final GgufFile file;
    private final ModelSpec spec;
    private final Tokenizer tokenizer;
    private final Plan plan;
    private final ModelRun run;
    private final LoadOptions options;
    private volatile Generation current;
    private volatile boolean closed;

    private LoadedModel(GgufFile file, ModelSpec spec, Tokenizer tokenizer, Plan plan, ModelRun run, LoadOptions options) {
        this.file = file;
        this.spec = spec;
        this.tokenizer = tokenizer;
        this.plan = plan;
        this.run = run;
        this.options = options;
    }

    public static LoadedModel load(Path path, LoadOptions o, LoadProgress progress) throws IOException {
        GgufFile file = GgufFile.open(path);
        try {
            Architecture arch = Architectures.forName(file.architecture());
            Tokenizer tokenizer = Tokenizers.fromMetadata(file.metadata());
            TensorDirectory dir = TensorDirectory.fromGguf(file);
            ModelSpec spec = dir.spec();
            Plan plan = Planner.plan(spec, dir.tensors(), devices(o.devices()), planOptions(o));
            if (!plan.ok()) throw new PlanRefusedException(plan);
            Graph graph = arch.buildGraph(spec);
            List<DeviceOps> ops = open(plan, o);
            ModelRun run;
            try {
                // pages the weights in, with progress, before making the run: a GPU uploads them all there
                touch(file, progress);
                run = new ModelRun(file, graph, Layout.of(plan), ops, o.ctx(), o.batch(), o.reduce(), o.reducePath(), o.kvType());
            } catch (RuntimeException e) {
                ops.forEach(DeviceOps::close);
                throw e;
            }
            return new LoadedModel(file, spec, tokenizer, plan, run, o);
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    /**
     * Device specs for a device string. CUDA devices get their real memory from the driver, shared equally between
     * the logical devices that name the same GPU (cuda:0,cuda:0 splits one GPU in two).
     */
    static List<DeviceSpec> devices(String devices) {
        List<DeviceSpec> parsed = DeviceParser.parse(devices);
        java.util.Map<Integer, Integer> sharing = new java.util.HashMap<>();
        for (DeviceSpec d : parsed) if (d.kind() == DeviceKind.CUDA) sharing.merge(ordinal(d), 1, Integer::sum);
        List<DeviceSpec> out = new ArrayList<>();
        for (DeviceSpec d : parsed) {
            if (d.kind() == DeviceKind.HYPOTHETICAL)
                throw new IllegalArgumentException("'" + d.id() + "' is a hypothetical device: it can be planned (%plan, splitscope plan) but not loaded; use cpu:N or cuda:N");
            if (d.kind() == DeviceKind.CUDA && !d.memoryKnown())
                d = d.withMemory(Backends.require("cuda").memory(ordinal(d))[0] / sharing.get(ordinal(d)));
            out.add(d);
        }
        return out;
    }

    private static PlanOptions planOptions(LoadOptions o) {
        PlanOptions p = PlanOptions.of(o.split()).withCtx(o.ctx()).withKvType(o.kvType()).withBatch(o.batch())
                .withReduceType(dev.splitscope.engine.quant.QuantType.valueOf(o.reduce().name())).withAllowEmptySplits(true);
        return o.tensorSplit() == null ? p : p.withTensorSplit(o.tensorSplit());
    }

    private static int ordinal(DeviceSpec d) {
        int colon = d.id().indexOf(':');
        return colon < 0 ? 0 : Integer.parseInt(d.id().substring(colon + 1));
    }

    private static List<DeviceOps> open(Plan plan, LoadOptions o) {
        List<DeviceOps> ops = new ArrayList<>();
        int n = plan.devices().size();
        int threads = o.threads() > 0 ? o.threads() : Math.max(1, Runtime.getRuntime().availableProcessors() / n);
        try {
            for (DeviceSpec d : plan.devices()) {
                Backend b = Backends.require(d.kind().label());
                String name = n > 1 && d.kind() == DeviceKind.CPU ? "cpu:" + d.index() : d.id();
                ops.add(b.open(ordinal(d), name, threads));
            }
        } catch (RuntimeException e) {
            ops.forEach(DeviceOps::close);
            throw e;
        }
        return ops;
    }

    /** Brings every weight page into memory once, so the first prompt is not slowed by page faults. */
    private static void touch(GgufFile file, LoadProgress progress) {
        long total = 0, done = 0;
        for (GgufTensorInfo t : file.tensors()) total += t.byteSize();
        int i = 0;
        for (GgufTensorInfo t : file.tensors()) {
            file.tensorData(t).load();
            done += t.byteSize();
            progress.onTensor(t.name(), ++i, file.tensors().size(), done, total);
        }
    }

    public String name() {
        return spec.name();
    }

    public Path path() {
        return file.path();
    }

    public GgufFile file() {
        return file;
    }

    public ModelSpec spec() {
        return spec;
    }

    public Tokenizer tokenizer() {
        return tokenizer;
    }

    public Plan plan() {
        return plan;
    }

    public ModelRun run() {
        return run;
    }

    public LoadOptions options() {
        return options;
    }

    /** Generates from a fresh context (position 0). {@link #cancel()} stops it from another thread. */
    public synchronized GenerationResult generate(String prompt, GenerateParams p, TokenListener listener) {
        // without this, a closed model fails deep in the executor with a RejectedExecutionException
        if (closed) throw new IllegalStateException("the model " + path().getFileName() + " was unloaded (closed); load it again to generate");
        current = new Generation(run, tokenizer);
        try {
            return current.run(prompt, 0, p, listener);
        } finally {
            current = null;
        }
    }

    /** Stops a running generation after its current token. */
    public void cancel() {
        Generation g = current;
        if (g != null) g.cancel();
    }

    /** Stops a running generation, then frees the devices and unmaps the file; closing again does nothing. */
    @Override
    public void close() {
        cancel();
        synchronized (this) { // waits for the cancelled generation to leave, so its memory is not freed under it
            if (closed) return;
            closed = true;
            run.close();
            file.close();
        }
    }
}
