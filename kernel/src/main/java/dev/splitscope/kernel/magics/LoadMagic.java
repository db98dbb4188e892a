package dev.splitscope.kernel.magics;

import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.quant.QuantType;
import dev.splitscope.engine.runtime.LoadOptions;
import dev.splitscope.engine.runtime.LoadProgress;
import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.engine.runtime.ReduceType;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MimeBundle;
import dev.splitscope.kernel.spi.PicocliMagic;
import dev.splitscope.kernel.views.PlanTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;

/** {@code %load}: loads a GGUF model onto CPU or CUDA devices, with a progress display; the plan is checked first. */
public final class LoadMagic extends PicocliMagic<LoadMagic.Options> {

    @Command(name = "load", description = "Load a GGUF model onto devices. The plan is checked before anything is allocated; a plan that does not fit is refused.")
    static final class Options {
        @Parameters(index = "0", paramLabel = "PATH|NAME", description = "A .gguf file or a model name in the model folders.")
        String model;

        @Option(names = "--as", paramLabel = "NAME", description = "The name to refer to the model by (default: the file name without .gguf).")
        String as;

        @Option(names = "--devices", defaultValue = "cpu:1", paramLabel = "LIST", description = "cpu:N virtual CPU devices, or cuda:0,1 (default ${DEFAULT-VALUE}).")
        String devices;

        @Option(names = "--split", paramLabel = "MODE", description = "none, layer or graph (default: graph for several devices, none for one).")
        String split;

        @Option(names = "--tensor-split", paramLabel = "F,F,...", description = "Fractions per device, e.g. 0.6,0.4.")
        String tensorSplit;

        @Option(names = "--ctx", defaultValue = "512", paramLabel = "N", description = "Context length (default ${DEFAULT-VALUE}).")
        int ctx;

        @Option(names = "--reduce", defaultValue = "f32", paramLabel = "TYPE", description = "Partial-sum type: f32, f16 or bf16 (default ${DEFAULT-VALUE}).")
        String reduce;

        @Option(names = "--kv-type", defaultValue = "f32", paramLabel = "TYPE", description = "KV cache type: f32 or f16 (default ${DEFAULT-VALUE}).")
        String kvType;

        @Option(names = "--threads", defaultValue = "0", paramLabel = "N", description = "Worker threads per CPU device (default: share the cores).")
        int threads;
    }

    @Override
    public String name() {
        return "load";
    }

    @Override
    public String summary() {
        return "load a GGUF model onto cpu:N or cuda devices (--split none|layer|graph)";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        Path path = ModelFiles.resolve(o.model, ctx.workingDirectory());
        String name = o.as != null ? o.as : path.getFileName().toString().replaceFirst("\\.gguf$", "");
        LoadedModel model;
        String id = null;
        try {
            LoadOptions lo = options(o);
            String shown = ctx.displayUpdatable(progress(name, 0, 0, 0, 0));
            id = shown;
            long[] last = {0};
            LoadProgress progress = (tensor, done, total, bytesDone, bytesTotal) -> {
                long now = System.nanoTime();
                if (done == total || now - last[0] > 100_000_000L) {
                    last[0] = now;
                    ctx.updateDisplay(shown, progress(name, done, total, bytesDone, bytesTotal));
                }
            };
            model = LoadedModel.load(path, lo, progress);
        } catch (Exception e) {
            // the progress bar would otherwise stay at "0/0 tensors" above the error, as if loading had hung
            if (id != null) ctx.updateDisplay(id, MimeBundle.text("loading " + name + ": failed, nothing is loaded (see the error below)"));
            throw ModelErrors.wrap("load", e);
        }
        LoadedModels.of(ctx).put(name, model);
        ctx.out().printf(Locale.ROOT, "loaded %s (%s, %d layers) on %s, %s split, ctx %d%n", name, model.spec().architecture(),
                model.spec().nLayer(), String.join(", ", model.run().deviceNames()),
                model.plan().mode().name().toLowerCase(Locale.ROOT), model.run().contextLength());
        model.plan().warnings().forEach(w -> ctx.out().println("  WARNING " + w.code() + ": " + w.message()));
        TableOutput.show(ctx, PlanTables.memory(model.plan()), "memory");
        String var = ctx.bind(name, model, LoadedModel.class);
        ctx.out().println("→ " + var + ": the LoadedModel (plan(), run().splits(), tokenizer(), generate(...))");
    }

    static LoadOptions options(Options o) {
        boolean many = dev.splitscope.engine.plan.DeviceParser.parse(o.devices).size() > 1;
        SplitMode split = o.split != null ? SplitMode.parse(o.split) : many ? SplitMode.GRAPH : SplitMode.NONE;
        double[] fractions = o.tensorSplit == null ? null
                : Arrays.stream(o.tensorSplit.split("[,/]")).map(String::trim).mapToDouble(LoadMagic::fraction).toArray();
        QuantType kv = switch (o.kvType.toLowerCase(Locale.ROOT)) {
            case "f32" -> QuantType.F32;
            case "f16" -> QuantType.F16;
            default -> throw new IllegalArgumentException("bad --kv-type '" + o.kvType + "': expected f32 or f16");
        };
        return new LoadOptions(o.devices, split, fractions, o.ctx, ReduceType.parse(o.reduce), kv, o.threads,
                LoadOptions.defaults().batch());
    }

    private static double fraction(String s) {
        try {
            return Double.parseDouble(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad --tensor-split value '" + s + "': expected numbers such as 0.6,0.4");
        }
    }

    private static MimeBundle progress(String name, int done, int total, long bytesDone, long bytesTotal) {
        String text = String.format(Locale.ROOT, "loading %s: %d/%d tensors, %.1f/%.1f MiB", name, done, total,
                bytesDone / 1048576.0, bytesTotal / 1048576.0);
        String html = "<div>" + dev.splitscope.kernel.views.TableView.escape(text) + "<br><progress value=\"" + bytesDone
                + "\" max=\"" + Math.max(1, bytesTotal) + "\" style=\"width:30em\"></progress></div>";
        return MimeBundle.text(text).html(html);
    }
}
