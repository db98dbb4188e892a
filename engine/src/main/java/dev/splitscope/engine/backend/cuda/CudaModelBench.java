package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.backend.Backends;
import dev.splitscope.engine.backend.ReducePath;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.engine.model.Architecture;
import dev.splitscope.engine.model.Architectures;
import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;
import dev.splitscope.engine.runtime.Layout;
import dev.splitscope.engine.runtime.ModelRun;
import dev.splitscope.engine.runtime.ReduceType;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * End-to-end benchmark of a GGUF on one GPU through the engine (ModelRun + CudaDeviceOps), llama-bench style:
 * pp (one prompt batch) and tg (single-token steps, greedy on the host), with the same-run roofline: weight bytes per
 * token over the measured device-to-device copy bandwidth. Usage: CudaModelBench FILE.gguf [pp=512] [tg=128] [gpus=0]
 * [reduce-path=auto] where gpus lists one GPU ordinal per device: "0,0" is tensor parallel over two logical devices
 * of GPU 0, "0,1" over two GPUs (heads, FFN rows and vocabulary split evenly), and the reduce path is auto, host,
 * peer or nccl.
 */
public final class CudaModelBench {
    private CudaModelBench() {}

    /** Bytes of weights one token reads: every tensor except the embedding table, which is only gathered from. */
    static long weightBytesPerToken(GgufFile f) {
        boolean tied = !f.hasTensor("output.weight");
        long sum = 0;
        for (GgufTensorInfo t : f.tensors())
            if (tied || !t.name().equals("token_embd.weight")) sum += t.byteSize();
        return sum;
    }

    public static void main(String[] args) throws Exception {
        Path path = Path.of(args[0]);
        int pp = args.length > 1 ? Integer.parseInt(args[1]) : 512, tg = args.length > 2 ? Integer.parseInt(args[2]) : 128;
        try (GgufFile f = GgufFile.open(path)) {
            Architecture arch = Architectures.forName(f.architecture());
            int vocab = f.metadata().has("tokenizer.ggml.tokens") ? f.metadata().getStringArray("tokenizer.ggml.tokens").length : 0;
            ModelSpec s = arch.readSpec(f.metadata(), vocab).withTiedOutput(!f.hasTensor("output.weight"));
            String[] gpus = (args.length > 3 ? args[3] : "0").split(",");
            List<DeviceOps> devs = new java.util.ArrayList<>();
            for (int i = 0; i < gpus.length; i++) devs.add(Backends.require("cuda").open(Integer.parseInt(gpus[i]), "cuda:" + gpus[i] + "/" + i, 1));
            DeviceOps ops = devs.getFirst();
            CudaBackend gpu = ((CudaDeviceOps) ops).backend();
            double bw = CudaBench.copyBandwidth(gpu, 2L << 30);
            long bytes = weightBytesPerToken(f);
            long t0 = System.nanoTime();
            Layout layout = devs.size() == 1 ? Layout.single(s) : Layout.evenSplit(s, devs.size());
            ReducePath reducePath = ReducePath.parse(args.length > 4 ? args[4] : "auto");
            try (ModelRun run = new ModelRun(f, arch.buildGraph(s), layout, devs, pp + tg + 48, pp, ReduceType.F32, reducePath, QuantType.F16)) {
                Random r = new Random(1);
                int[] prompt = new int[pp];
                for (int i = 0; i < pp; i++) prompt[i] = r.nextInt(s.nVocab());
                run.forward(prompt, 0);  // creates cuBLAS and scratch (making the run uploaded the weights)
                double loadS = (System.nanoTime() - t0) / 1e9;
                double ppMs = best(() -> run.forward(prompt, 0), 3);
                for (int i = 0; i < 64; i++) run.forwardGreedy(new int[] {prompt[i % pp]}, i);  // warm-up: decode graphs, the JIT
                for (int i = 0; i < 16; i++) run.forward(new int[] {prompt[i % pp]}, i);
                // greedy as generation runs it: each winner stays on the device, one step ahead of the host
                long t1 = System.nanoTime();
                run.greedyRun(prompt[0], 0, tg, id -> true);
                double tgMs = (System.nanoTime() - t1) / 1e6 / tg;
                // the same with the host waiting for every step's winner before it launches the next step
                long tw = System.nanoTime();
                int next = prompt[0];
                for (int i = 0; i < tg; i++) next = run.forwardGreedy(new int[] {next}, i);
                double tgWaitMs = (System.nanoTime() - tw) / 1e6 / tg;
                // the same with every step's logits copied to the host (what sampling with a temperature needs)
                long tl = System.nanoTime();
                for (int i = 0; i < tg; i++) next = argmax(run.forward(new int[] {next}, i));
                double tgLogitsMs = (System.nanoTime() - tl) / 1e6 / tg;
                // the same steps again with each graph replay timed on the device: device time vs host time
                gpu.setGraphTiming(true);
                long t2 = System.nanoTime();
                for (int i = 0; i < tg; i++) next = run.forwardGreedy(new int[] {next}, i);
                double timedMs = (System.nanoTime() - t2) / 1e6 / tg, deviceMs = gpu.graphMillis() / tg;
                gpu.setGraphTiming(false);
                double argmaxUs = argmaxMicros(gpu, s.nVocab());
                double roofMs = bytes / bw * 1e3;
                System.out.printf("model %s (%s, %d layers) on %s, weights read per token %.2f GB, load and first batch %.1f s%n",
                        path.getFileName(), s.name(), s.nLayer(), String.join(",", run.deviceNames()), bytes / 1e9, loadS);
                System.out.printf("cuMemcpyDtoD bandwidth (read+write) %.0f GB/s -> roofline %.3f ms/token = %.1f tok/s%n", bw / 1e9, roofMs, 1e3 / roofMs);
                System.out.printf("pp%d: %.1f ms = %.0f tok/s%n", pp, ppMs, pp * 1e3 / ppMs);
                System.out.printf("tg%d: %.3f ms/token = %.1f tok/s = %.1f%% of roofline (greedy on the device, %s; graphs: %s; %s)%n", tg, tgMs, 1e3 / tgMs,
                        100 * roofMs / tgMs, !run.chainsGreedy() ? "the host compares the winners" : devs.size() == 1 ? "each winner fed to the next step there"
                                : "the ranks' winners meet on the devices and feed the next step there",
                        CudaDeviceOps.GRAPHS ? "on" : "off", gpu.graphStats());
                System.out.printf("tg%d with the host waiting for each winner: %.3f ms/token = %.1f tok/s = %.1f%% of roofline%n",
                        tg, tgWaitMs, 1e3 / tgWaitMs, 100 * roofMs / tgWaitMs);
                System.out.printf("tg%d with the logits copied to the host every step: %.3f ms/token = %.1f tok/s = %.1f%% of roofline%n",
                        tg, tgLogitsMs, 1e3 / tgLogitsMs, 100 * roofMs / tgLogitsMs);
                if (devs.size() > 1) {
                    long sync = 0, bytesMoved = 0;
                    java.util.Set<Integer> groups = new java.util.HashSet<>();
                    for (var t : run.lastTimings()) if (groups.add(t.group())) { sync += t.syncNanos(); bytesMoved += t.syncBytes(); }
                    System.out.printf("tensor parallel over %d devices, partial sums meet: %s; reduce+gather per token %.3f ms (device events), %d bytes between devices (last step)%n",
                            devs.size(), run.reducePath(), sync / 1e6, bytesMoved);
                }
                if (CudaDeviceOps.GRAPHS && devs.size() == 1)
                    System.out.printf("tg step breakdown: %.3f ms on the device (graph replays, = %.1f%% of roofline), %.3f ms host and copies;"
                            + " the device argmax of %d logits alone %.1f us%n", deviceMs, 100 * roofMs / deviceMs, timedMs - deviceMs, s.nVocab(), argmaxUs);
            }
        }
    }

    /** Device microseconds of one greedy pick over a row of {@code cols} logits (CUDA events around 100 launches). */
    static double argmaxMicros(CudaBackend gpu, int cols) {
        float[] row = new float[cols];
        Random r = new Random(2);
        for (int i = 0; i < cols; i++) row[i] = (float) r.nextGaussian();
        try (DeviceBuffer x = DeviceBuffer.of(row); DeviceBuffer out = DeviceBuffer.allocate(8); CudaTimer timer = new CudaTimer(gpu.device())) {
            gpu.argmaxPair(x.address(), cols, out.address());
            timer.start();
            for (int i = 0; i < 100; i++) gpu.argmaxPair(x.address(), cols, out.address());
            return timer.stopMillis() * 10;
        }
    }

    static int argmax(float[] v) {
        int b = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[b]) b = i;
        return b;
    }

    private static double best(Runnable r, int reps) {
        double best = Double.MAX_VALUE;
        for (int i = 0; i < reps; i++) {
            long t = System.nanoTime();
            r.run();
            best = Math.min(best, (System.nanoTime() - t) / 1e6);
        }
        return best;
    }
}
