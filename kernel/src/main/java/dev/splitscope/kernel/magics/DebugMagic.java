package dev.splitscope.kernel.magics;

import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.PicocliMagic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code %debug on|off}: whether magic and Java cell errors include the whole Java stack trace (also set by SPLITSCOPE_DEBUG=1). */
public final class DebugMagic extends PicocliMagic<DebugMagic.Options> {

    enum Mode { on, off }

    @Command(name = "debug", description = "Show (on) or hide (off) whole Java stack traces in magic and Java cell errors. Without an argument, print the current mode.")
    static final class Options {
        @Parameters(index = "0", arity = "0..1", paramLabel = "on|off", description = "Valid values: ${COMPLETION-CANDIDATES}.")
        Mode mode;
    }

    @Override
    public String summary() {
        return "on|off: Java stack traces in magic errors";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        if (o.mode != null) ctx.setDebug(o.mode == Mode.on);
        ctx.out().println("debug is " + (ctx.debug() ? "on: errors show whole Java stack traces" : "off"));
    }
}
