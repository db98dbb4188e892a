package dev.splitscope.kernel.magics;

import dev.splitscope.kernel.spi.Magic;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.PicocliMagic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code %help [NAME]}: how to use the kernel, or one magic's options. */
public final class HelpMagic extends PicocliMagic<HelpMagic.Options> {

    @Command(name = "help", description = "Show how to use the kernel, or the options of one magic.")
    static final class Options {
        @Parameters(index = "0", arity = "0..1", paramLabel = "NAME", description = "A magic's name, with or without %.")
        String magic;
    }

    @Override
    public String summary() {
        return "how to use the kernel; %help NAME shows one magic's options";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        if (o.magic == null) {
            ctx.out().println("""
                    Splitscope: Java cells (JShell) plus magics for GGUF models and how they split across devices.
                    - A cell is Java code; the value of its last expression is shown (tables and charts richly).
                    - %name args is a line magic, %%name args on a cell's first line a cell magic with the rest as body.
                    - Table magics print the Java variable that holds their table, e.g. gguf_tensors.where(...).
                    - Interrupt (the stop button) stops a busy loop or a generation.
                    - %debug on shows Java stack traces for magic errors.
                    Magics:""");
            ctx.out().print(LsMagic.listing(ctx));
            return;
        }
        String name = o.magic.replaceFirst("^%%?", "");
        Magic m = ctx.magics().get(name);
        if (m == null)
            throw new MagicException("there is no magic %" + name + ".",
                    "Known magics: " + String.join(", ", ctx.magics().keySet().stream().map(n -> "%" + n).toList()) + ".");
        ctx.out().print(m instanceof PicocliMagic<?> pm ? pm.usage() : "%" + name + ": " + m.summary() + "\n");
    }
}
