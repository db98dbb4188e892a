package dev.splitscope.kernel.magics;

import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.PicocliMagic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code %unload NAME | --all}: frees a model's device memory and unmaps its file. */
public final class UnloadMagic extends PicocliMagic<UnloadMagic.Options> {

    @Command(name = "unload", description = "Unload a model (its device memory is freed and its file unmapped). Java variables that still refer to it must not be used afterwards.")
    static final class Options {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "The model (default: the default model).")
        String model;

        @Option(names = "--all", description = "Unload every model.")
        boolean all;
    }

    @Override
    public String summary() {
        return "unload a model (or --all) and free its memory";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        if (o.all && o.model != null)
            throw new MagicException("%unload: give a model NAME or --all, not both.", "%models lists the loaded models.");
        LoadedModels models = LoadedModels.of(ctx);
        if (o.all) {
            int n = models.names().size();
            models.close();
            ctx.out().println("unloaded " + n + " model(s)");
            return;
        }
        String name = models.nameOf(o.model);
        LoadedModel m = models.remove(o.model);
        m.close();
        ctx.out().println("unloaded " + name + (models.current() == null ? "" : "; the default model is now " + models.current()));
    }
}
