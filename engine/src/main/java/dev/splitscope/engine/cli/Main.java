package dev.splitscope.engine.cli;

import dev.splitscope.engine.gguf.GgufFormatException;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.util.Arrays;
import java.util.Properties;

/**
 * The {@code splitscope} command line. Each subcommand is its own class in this package; add yours to
 * {@code subcommands}. Exit codes: 0 success, 1 a failure while running, 2 bad input (usage, missing or corrupt
 * file, bad argument), each reported as one line on stderr; {@code --debug} adds the stack trace.
 */
@Command(name = "splitscope", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Inspect GGUF models and run them tensor-parallel on CPU or CUDA devices.",
        subcommands = {
                InfoCommand.class,
                SynthCommand.class,
                PlanCommand.class,
                GenerateCommand.class,
                BenchCommand.class,
                CommandLine.HelpCommand.class,
        })
public final class Main implements Runnable {
    public static final int EXIT_FAILURE = 1;
    public static final int EXIT_BAD_INPUT = 2;

    @Option(names = "--debug", scope = ScopeType.INHERIT, description = "Print stack traces on errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a subcommand is required (" + String.join(", ", spec.subcommands().keySet()) + ")");
    }

    public static void main(String[] args) {
        System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
    }

    /** Runs the command line with the given streams and returns the exit code (for tests and embedding). */
    public static int run(PrintWriter out, PrintWriter err, String... args) {
        boolean debug = Arrays.asList(args).contains("--debug");
        CommandLine cl = new CommandLine(new Main()).setOut(out).setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            PrintWriter e = ex.getCommandLine().getErr();
            if (debug) ex.printStackTrace(e);
            e.println("splitscope: " + ex.getMessage() + " (try: " + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help)");
            e.flush();
            return EXIT_BAD_INPUT;
        });
        cl.setExecutionExceptionHandler((ex, c, parseResult) -> {
            PrintWriter e = c.getErr();
            if (debug) ex.printStackTrace(e);
            e.println("splitscope " + c.getCommandName() + ": " + describe(ex));
            e.flush();
            return isBadInput(ex) ? EXIT_BAD_INPUT : EXIT_FAILURE;
        });
        return cl.execute(args);
    }

    static boolean isBadInput(Throwable e) {
        return e instanceof GgufFormatException || e instanceof IllegalArgumentException || e instanceof FileSystemException
                || e instanceof UnsupportedOperationException;
    }

    /** One line: the message, with the exception kind where the message alone would be unclear. */
    static String describe(Throwable e) {
        String m = e.getMessage();
        if (e instanceof NoSuchFileException) return "no such file: " + m;
        if (e instanceof AccessDeniedException) return "permission denied: " + m;
        if (e instanceof FileSystemException fs) return fs.getFile() + ": " + (fs.getReason() != null ? fs.getReason() : e.getClass().getSimpleName());
        if (e instanceof OutOfMemoryError) return "out of memory (" + m + "); give the JVM more heap with -Xmx";
        if (m == null || m.isBlank()) return e.getClass().getSimpleName();
        if (e instanceof GgufFormatException || e instanceof IllegalArgumentException || e instanceof IOException) return oneLine(m);
        return e.getClass().getSimpleName() + ": " + oneLine(m);
    }

    private static String oneLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl) + " ...";
    }

    /** The version, from a resource Maven fills in at build time. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() throws IOException {
            Properties p = new Properties();
            try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
                if (in != null) p.load(in);
            }
            return new String[] {"splitscope " + p.getProperty("version", "(unknown version)") + " on Java "
                    + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}
