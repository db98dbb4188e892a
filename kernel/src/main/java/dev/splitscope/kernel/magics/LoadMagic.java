package dev.splitscope.kernel.magics;

import dev.splitscope.engine.runtime.LoadOptions;
import dev.splitscope.engine.runtime.LoadProgress;
import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MimeBundle;
import dev.splitscope.kernel.spi.PicocliMagic;
import dev.splitscope.kernel.views.PlanTables;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import dev.splitscope.engine.cli.RunOptions;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.Locale;

/** {@code %load}: loads a GGUF model onto CPU or CUDA devices, with a progress display; the plan is checked first. */
public final class LoadMagic extends PicocliMagic<LoadMagic.Options> {

    @Command(name = "load", description = "Load a GGUF model onto devices. The plan is checked before anything is allocated; a plan that does not fit is refused.")
    static final class Options {
        @Parameters(index = "0", paramLabel = "PATH|NAME", description = "A .gguf file or a model name in the model folders.")
        String model;

        @Option(names = "--as", paramLabel = "NAME", description = "The name to refer to the model by (default: the file name without .gguf).")
        String as;

        @Mixin
        RunOptions run = new RunOptions();
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
        if (model.run().deviceNames().size() > 1) ctx.out().println("partial sums meet: " + model.run().reducePath());
        model.plan().warnings().forEach(w -> ctx.out().println("  WARNING " + w.code() + ": " + w.message()));
        TableOutput.show(ctx, PlanTables.memory(model.plan()), "memory");
        String var = ctx.bind(name, model, LoadedModel.class);
        ctx.out().println("→ " + var + ": the LoadedModel (plan(), run().splits(), tokenizer(), generate(...))");
    }

    /** The load options; without --ctx the context is 512. */
    static LoadOptions options(Options o) {
        return o.run.toLoadOptions(512);
    }

    private static MimeBundle progress(String name, int done, int total, long bytesDone, long bytesTotal) {
        String text = String.format(Locale.ROOT, "loading %s: %d/%d tensors, %.1f/%.1f MiB", name, done, total,
                bytesDone / 1048576.0, bytesTotal / 1048576.0);
        String html = "<div>" + dev.splitscope.kernel.views.TableView.escape(text) + "<br><progress value=\"" + bytesDone
                + "\" max=\"" + Math.max(1, bytesTotal) + "\" style=\"width:30em\"></progress></div>";
        return MimeBundle.text(text).html(html);
    }
}
