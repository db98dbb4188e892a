package dev.splitscope.engine.plan;

import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.model.TensorLayout;
import dev.splitscope.engine.quant.QuantType;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Makes a {@link Plan} from a model's shape, its tensor directory, devices and options; needs no weights. Written as
 * numbered passes, each with a comment, in the manner of ggml-backend's scheduler. Never throws for a plan that merely
 * does not work (too big, empty split): those become errors in {@link Plan#issues()}; it throws
 * {@link IllegalArgumentException} only for malformed input (no devices, wrong number of fractions).
 */
public final class Planner {
    private Planner() {}

    /** Plans a GGUF file's directory (see {@link TensorDirectory#fromGguf}). */
    public static Plan plan(TensorDirectory dir, List<DeviceSpec> devices, PlanOptions o) {
        return plan(dir.spec(), dir.tensors(), devices, o);
    }

    public static Plan plan(ModelSpec spec, List<TensorDesc> tensors, List<DeviceSpec> devices, PlanOptions o) {
        // pass 1: validate the input and renumber the devices 0..p-1
        if (devices.isEmpty()) throw new IllegalArgumentException("no devices to plan for");
        List<DeviceSpec> devs = new ArrayList<>();
        for (int i = 0; i < devices.size(); i++) devs.add(devices.get(i).withIndex(i));
        int p = devs.size();
        List<PlanIssue> issues = new ArrayList<>();

        // pass 2: the tensor-split fractions, normalised (NONE: all on device 0; default: by memory)
        double[] fr = fractions(devs, o, issues);

        // pass 3: the geometry of the split: per-device ranges (GRAPH) or a device per layer (NONE, LAYER)
        List<DeviceShard> shards = List.of();
        int[] layerDevice = new int[spec.nLayer()];
        int head = lastActive(fr);
        if (o.mode() == SplitMode.GRAPH) {
            GraphSharder.Result g = GraphSharder.shard(spec, tensors, fr, o.allowEmptySplits());
            shards = g.shards();
            issues.addAll(g.issues());
            java.util.Arrays.fill(layerDevice, -1);
        } else {
            layerDevice = layerDevices(spec.nLayer(), fr);
        }

        // pass 4: place every tensor: one row per (tensor, device shard)
        PlacementBuilder pb = new PlacementBuilder(spec);
        if (o.mode() == SplitMode.GRAPH) pb.graph(tensors, shards);
        else pb.wholeTensors(tensors, layerDevice, head);
        List<Placement> placements = pb.placements();
        issues.addAll(pb.issues());
        long unknown = tensors.stream().filter(t -> t.role() == null).count();
        if (unknown > 0) issues.add(PlanIssue.info(PlanIssue.UNKNOWN_TENSOR, unknown + " tensor(s) with no known role "
                + "(e.g. " + tensors.stream().filter(t -> t.role() == null).findFirst().orElseThrow().name()
                + ") are replicated to every working device"));

        missingTensors(spec, tensors, issues);

        // pass 5: check that every slice along dim 0 (row-parallel inputs, biases) falls on whole quant blocks
        issues.addAll(alignment(placements));

        // pass 6: the KV cache per layer and device, following the kv heads
        KvPlan kv = KvBuilder.build(spec, o, layerDevice, shards, issues);

        // pass 7: memory per device (weights, KV at ctx, compute estimate) and the fit verdicts
        List<DeviceMemory> memory = memory(spec, o, devs, placements, kv, shards, layerDevice, head, issues);

        // pass 8: communication per forward step on the slowest link (or the one asked for)
        LinkSpec link = o.link() != null ? o.link() : LinkSpec.slowest(devs.stream().map(DeviceSpec::link).toList());
        CommPlan comm = CommEstimator.estimate(spec, o, link, layerDevice, head, shards, devs);

        // logical devices that crowd a GPU past what its peer all-reduce can take
        if (o.mode() == SplitMode.GRAPH) crowdedGpus(devs, issues);

        // pass 9: idle devices, then the issues ordered by severity (errors first)
        for (DeviceShard s : shards)
            if (s.isIdle() && fr[s.device()] > 0)
                issues.add(PlanIssue.warning(PlanIssue.IDLE_DEVICE, "device " + s.device() + " gets no slice of anything"));
        issues.sort(Comparator.comparing((PlanIssue i) -> i.severity()).reversed());
        return new Plan(spec, devs, o, fr, placements, shards, layerDevice, kv, memory, comm, issues);
    }

    /**
     * Logical devices of one GPU beyond what the engine's peer all-reduce can host there (one hardware queue per rank,
     * {@link AllReduceForm#PEER_RANKS_PER_GPU}): their partial sums would meet on the host instead.
     */
    static void crowdedGpus(List<DeviceSpec> devs, List<PlanIssue> issues) {
        java.util.Map<String, Long> perGpu = new java.util.TreeMap<>();
        for (DeviceSpec d : devs) if (d.kind() == DeviceKind.CUDA) perGpu.merge(d.id(), 1L, Long::sum);
        perGpu.forEach((gpu, n) -> {
            if (n > AllReduceForm.PEER_RANKS_PER_GPU)
                issues.add(PlanIssue.warning(PlanIssue.HOST_REDUCE, n + " logical devices share " + gpu + ": the engine's peer"
                        + " all-reduce takes at most " + AllReduceForm.PEER_RANKS_PER_GPU + " ranks on one GPU (one hardware queue each"
                        + " of the 8 that CUDA_DEVICE_MAX_CONNECTIONS gives by default, one left for copies), so partial sums"
                        + " would meet on the host"));
        });
    }

    /** Fractions as given, else by memory (equal when some memory is unknown), normalised to sum 1. */
    /** The tensors the model's graph reads but the file lacks (a vocabulary-only GGUF has none at all). */
    static void missingTensors(ModelSpec spec, List<TensorDesc> tensors, List<PlanIssue> issues) {
        java.util.Set<String> have = new java.util.HashSet<>();
        for (TensorDesc t : tensors) have.add(t.name());
        List<String> expected = TensorLayout.tensors(spec, QuantType.F32).stream().map(TensorDesc::name).toList();
        List<String> missing = expected.stream().filter(n -> !have.contains(n)).toList();
        if (missing.isEmpty()) return;
        String which = String.join(", ", missing.subList(0, Math.min(4, missing.size()))) + (missing.size() > 4 ? ", ..." : "");
        issues.add(PlanIssue.error(PlanIssue.MISSING_TENSOR, missing.size() == expected.size()
                ? "the file holds none of the model's " + expected.size() + " weight tensors (" + which + "): a vocabulary-only GGUF cannot run"
                : missing.size() + " of the model's " + expected.size() + " weight tensors are missing from the file: " + which));
    }

    static double[] fractions(List<DeviceSpec> devs, PlanOptions o, List<PlanIssue> issues) {
        int p = devs.size();
        double[] fr = new double[p];
        if (o.mode() == SplitMode.NONE) {
            fr[0] = 1;
            return fr;
        }
        double[] given = o.tensorSplit();
        if (given != null) {
            if (given.length != p)
                throw new IllegalArgumentException("tensor split has " + given.length + " fractions for " + p + " devices");
            fr = given;
        } else if (devs.stream().allMatch(DeviceSpec::memoryKnown) && devs.stream().anyMatch(d -> d.memoryBytes() > 0)) {
            for (int i = 0; i < p; i++) fr[i] = devs.get(i).memoryBytes();
        } else {
            java.util.Arrays.fill(fr, 1);
        }
        double sum = 0;
        for (double f : fr) sum += f;
        for (int i = 0; i < p; i++) fr[i] /= sum;
        for (DeviceSpec d : devs)
            if (!d.memoryKnown()) issues.add(PlanIssue.info(PlanIssue.MEMORY_UNKNOWN,
                    "device " + d.index() + " (" + d.id() + ") has no known memory: it is split equally and not checked for fit"));
        return fr;
    }

    /** llama.cpp's layer split: layer l goes to the first device whose cumulative fraction exceeds l / n_layer. */
    static int[] layerDevices(int nLayer, double[] fr) {
        double[] cum = new double[fr.length];
        double c = 0;
        for (int i = 0; i < fr.length; i++) cum[i] = c += fr[i];
        int[] out = new int[nLayer];
        for (int l = 0; l < nLayer; l++) {
            double x = (double) l / nLayer;
            int d = 0;
            while (d < cum.length - 1 && !(cum[d] > x + 1e-12)) d++; // upper_bound: first cum > x
            out[l] = d;
        }
        return out;
    }

    private static int lastActive(double[] fr) {
        for (int d = fr.length - 1; d > 0; d--) if (fr[d] > 0) return d;
        return 0;
    }

    private static List<PlanIssue> alignment(List<Placement> placements) {
        List<PlanIssue> out = new ArrayList<>();
        for (Placement pl : placements) {
            int b = pl.type().blockSize;
            if (pl.sharding().dim() != 0 || b == 1) continue;
            Range r = pl.range();
            boolean endOk = r.end() % b == 0 || r.end() == pl.dims()[0];
            if (r.start() % b != 0 || !endOk)
                out.add(PlanIssue.error(PlanIssue.MISALIGNED, String.format(Locale.ROOT,
                        "%s on device %d: column slice %s is not on whole %s blocks of %d, so it cannot be a zero-copy view",
                        pl.tensor(), pl.device(), r, pl.type(), b)));
        }
        return out;
    }

    private static List<DeviceMemory> memory(ModelSpec s, PlanOptions o, List<DeviceSpec> devs, List<Placement> placements,
                                             KvPlan kv, List<DeviceShard> shards, int[] layerDevice, int head,
                                             List<PlanIssue> issues) {
        List<DeviceMemory> out = new ArrayList<>();
        for (DeviceSpec d : devs) {
            int i = d.index();
            long weights = placements.stream().filter(pl -> pl.device() == i).mapToLong(Placement::bytes).sum();
            long compute = computeBytes(s, o, i, shards, layerDevice, head);
            DeviceMemory m = DeviceMemory.of(i, weights, kv.bytesAtCtx(i), compute, d.memoryBytes());
            out.add(m);
            if (!m.fits())
                issues.add(PlanIssue.error(PlanIssue.DOES_NOT_FIT, String.format(Locale.ROOT,
                        "does not fit on device %d (%s, %s): needs %s (weights %s, KV %s at ctx %d, compute %s), %s over",
                        i, d.id(), Units.bytes(d.memoryBytes()), Units.bytes(m.totalBytes()), Units.bytes(weights),
                        Units.bytes(m.kvBytes()), o.ctx(), Units.bytes(compute), Units.bytes(m.shortfallBytes()))));
        }
        return out;
    }

    private static long computeBytes(ModelSpec s, PlanOptions o, int dev, List<DeviceShard> shards, int[] layerDevice, int head) {
        if (o.mode() == SplitMode.GRAPH) {
            DeviceShard sh = shards.get(dev);
            long ff = sh.ff().length() + (long) sh.ffExp().length() * Math.max(1, s.nExpertUsed());
            int reduce = shards.stream().filter(x -> !x.isIdle()).count() > 1 ? o.reduceType().blockBytes : 0;
            return ComputeEstimate.bytes(s, o.batch(), o.ctx(), sh.qHeads().length(), sh.kvHeads().length(), ff,
                    sh.vocab().length(), reduce);
        }
        boolean runs = java.util.Arrays.stream(layerDevice).anyMatch(x -> x == dev);
        long ff = s.isMoe() ? (long) s.nFfExp() * Math.max(1, s.nExpertUsed()) : s.nFf();
        return ComputeEstimate.bytes(s, o.batch(), o.ctx(), runs ? s.nHead() : 0, runs ? s.nHeadKv() : 0, runs ? ff : 0,
                dev == head ? s.nVocab() : 0, 0);
    }
}
