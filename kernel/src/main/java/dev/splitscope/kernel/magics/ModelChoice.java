package dev.splitscope.kernel.magics;

import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.kernel.spi.MagicContext;
import picocli.CommandLine.Option;

/** The {@code --model NAME} option of the magics that work on a loaded model. */
final class ModelChoice {
    @Option(names = "--model", paramLabel = "NAME", description = "The model (default: the last loaded).")
    String name;

    /** The model named, or the last loaded; a clear error when there is none. */
    LoadedModel of(MagicContext ctx) {
        return LoadedModels.of(ctx).get(name);
    }
}
