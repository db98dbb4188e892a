package dev.splitscope.kernel.magics;

import dev.splitscope.kernel.spi.Magic;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicProvider;
import dev.splitscope.kernel.spi.PicocliMagic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

/** {@code %plugin PATH.jar}: adds a plugin jar at run time; its magics, renderers and imports become available. */
public final class PluginMagic extends PicocliMagic<PluginMagic.Options> {

    @Command(name = "plugin", description = "Load a plugin jar: its MagicProviders (META-INF/services) add magics, renderers and imports, and its classes become usable from Java cells.")
    static final class Options {
        @Parameters(index = "0", paramLabel = "PATH.jar", description = "The plugin jar.")
        String jar;
    }

    @Override
    public String summary() {
        return "load a plugin jar (magics, renderers, imports) at run time";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        List<MagicProvider> added = ctx.loadPlugin(ctx.workingDirectory().resolve(o.jar));
        for (MagicProvider p : added) {
            List<String> names = p.magics().stream().map(Magic::name).map(n -> "%" + n).toList();
            ctx.out().println("loaded plugin " + p.name() + ": " + (names.isEmpty() ? "no magics" : String.join(", ", names))
                    + (p.renderers().isEmpty() ? "" : "; " + p.renderers().size() + " renderer(s)"));
        }
    }
}
