package dev.splitscope.kernel.magics;

import dev.splitscope.kernel.spi.Magic;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.PicocliMagic;
import picocli.CommandLine.Command;

/** {@code %lsmagic}: every magic of every loaded plugin, one line each. */
public final class LsMagic extends PicocliMagic<LsMagic.Options> {

    @Command(name = "lsmagic", description = "List all magics with a one-line summary.")
    static final class Options {
    }

    @Override
    public String summary() {
        return "list all magics";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        ctx.out().print(listing(ctx));
    }

    static String listing(MagicContext ctx) {
        StringBuilder sb = new StringBuilder();
        int width = ctx.magics().keySet().stream().mapToInt(String::length).max().orElse(4) + 3;
        for (Magic m : ctx.magics().values()) {
            String head = (m.acceptsBody() && !m.acceptsLine() ? "%%" : "%") + m.name();
            sb.append("  ").append(String.format("%-" + width + "s", head)).append(m.summary()).append('\n');
        }
        return sb.toString();
    }
}
