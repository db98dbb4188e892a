package dev.splitscope.kernel.spi;

import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

/**
 * Base for magics whose arguments are parsed with picocli. Subclasses supply a fresh {@code @Command}-annotated
 * options object per call; {@code --help} prints the usage, and a bad argument becomes one clear
 * {@link MagicException} with the usage line.
 *
 * @param <T> the options class
 */
public abstract class PicocliMagic<T> implements Magic {

    /** The magic's name, written once: its options' {@code @Command} name. */
    @Override
    public String name() {
        return newOptions().getClass().getAnnotation(CommandLine.Command.class).name();
    }

    /** A new, unparsed options object (picocli fills its fields). */
    protected abstract T newOptions();

    /** Runs with parsed options; {@code body} is {@code null} for a line magic. */
    protected abstract void execute(MagicContext ctx, T options, String body) throws Exception;

    @Override
    public final void run(MagicContext ctx, MagicCall call) throws Exception {
        CommandLine cl = commandLine();
        try {
            cl.parseArgs(call.args().toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            throw new MagicException("%" + name() + ": " + e.getMessage(),
                    "Usage: " + synopsis(cl) + "\nRun %" + name() + " --help for all options.");
        }
        if (cl.isUsageHelpRequested()) {
            ctx.out().print(usage());
            return;
        }
        execute(ctx, cl.getCommand(), call.body());
    }

    /** The full help text, as {@code --help} prints it. */
    public String usage() {
        StringWriter sw = new StringWriter();
        commandLine().usage(new PrintWriter(sw), CommandLine.Help.Ansi.OFF);
        return sw.toString();
    }

    /** Every option name ({@code --ctx}, {@code -n}, ...), for completion. */
    public java.util.List<String> optionNames() {
        java.util.List<String> names = new java.util.ArrayList<>();
        for (CommandLine.Model.OptionSpec o : commandLine().getCommandSpec().options()) names.addAll(java.util.List.of(o.names()));
        java.util.Collections.sort(names);
        return names;
    }

    private CommandLine commandLine() {
        CommandLine cl = new CommandLine(newOptions());
        cl.setCommandName("%" + name());
        if (cl.getCommandSpec().optionsMap().get("--help") == null) {
            cl.getCommandSpec().addOption(CommandLine.Model.OptionSpec.builder("-h", "--help")
                    .usageHelp(true).description("Show this help.").build());
        }
        if (cl.getCommandSpec().usageMessage().description().length == 0)
            cl.getCommandSpec().usageMessage().description(summary());
        return cl;
    }

    private static String synopsis(CommandLine cl) {
        return cl.getHelp().synopsis(0).strip();
    }
}
