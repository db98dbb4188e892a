package dev.splitscope.kernel.core;

import dev.splitscope.kernel.repl.CellException;
import dev.splitscope.kernel.repl.Completeness;
import dev.splitscope.kernel.repl.Completion;
import dev.splitscope.kernel.repl.InterruptedCell;
import dev.splitscope.kernel.repl.JavaRepl;
import dev.splitscope.kernel.repl.ReplValue;
import dev.splitscope.kernel.spi.Cancellation;
import dev.splitscope.kernel.spi.CancelledException;
import dev.splitscope.kernel.spi.Magic;
import dev.splitscope.kernel.spi.MagicCall;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.MagicProvider;
import dev.splitscope.kernel.spi.MimeBundle;
import dev.splitscope.kernel.spi.PicocliMagic;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * One kernel session without any Jupyter wiring: JShell, the magics of all plugins, the interrupt flag and shared
 * state. The Jupyter kernel delegates to it, and tests drive it directly.
 */
public final class Session implements AutoCloseable {
    private final MagicRegistry registry = new MagicRegistry();
    private final Plugins plugins;
    private final JavaRepl repl;
    private final Cancellation cancellation = new Cancellation();
    private final Map<String, Object> state = new ConcurrentHashMap<>();
    private final SessionContext context;
    private volatile boolean debug;

    /**
     * @param sink       rich output
     * @param out        the current stdout (the kernel swaps System.out per request)
     * @param err        the current stderr
     * @param pluginDirs folders whose jars are loaded as plugins at start
     */
    public Session(DisplaySink sink, Supplier<PrintStream> out, Supplier<PrintStream> err, List<Path> pluginDirs) {
        this.plugins = new Plugins(new PluginLoader(Session.class.getClassLoader()));
        List<Path> startJars = new ArrayList<>();
        for (Path dir : pluginDirs) startJars.addAll(Plugins.jarsIn(dir));
        for (Path jar : startJars) plugins.loader().addJar(jar);
        List<String> cp = new ArrayList<>(JavaRepl.jvmClassPath());
        for (Path jar : startJars) cp.add(jar.toAbsolutePath().toString());
        this.repl = new JavaRepl(plugins.loader(), cp);
        this.debug = System.getenv("SPLITSCOPE_DEBUG") != null && !System.getenv("SPLITSCOPE_DEBUG").isBlank();
        repl.setFullTraces(debug);
        this.context = new SessionContext(this, sink, out, err);
        for (String imp : List.of("java.util.*", "java.util.stream.*", "java.io.*", "java.nio.file.*", "java.math.*",
                "static " + Display.class.getName() + ".*"))
            repl.addImport(imp);
        for (MagicProvider p : plugins.discover()) install(p);
    }

    private void install(MagicProvider p) {
        registry.register(p);
        for (String imp : p.imports()) repl.addImport(imp);
    }

    /** Runs one cell; returns the rich form of its last Java expression's value, if any. */
    public Optional<MimeBundle> execute(String cell) throws CellException {
        cancellation.reset();
        List<CellPart> parts;
        try {
            parts = CellParser.parse(cell);
        } catch (MagicException e) {
            throw magicError(null, e);
        }
        Optional<ReplValue> last = Optional.empty();
        Display.enter(context);
        try {
            for (CellPart part : parts) {
                last = Optional.empty();
                if (part instanceof CellPart.Java j) last = repl.eval(j.code(), j.line());
                else if (part instanceof CellPart.Magic m) runMagic(m.call());
                if (cancellation.isCancelled()) throw new InterruptedCell(part.line());
            }
        } finally {
            Display.leave();
        }
        return last.map(v -> v.value() == null ? MimeBundle.text(v.text()) : renderValue(v));
    }

    private MimeBundle renderValue(ReplValue v) {
        MimeBundle b;
        try {
            b = registry.render(v.value());
        } catch (RuntimeException | StackOverflowError e) {
            return MimeBundle.text(v.text()); // a renderer (or the value's toString) failed: the plain text still shows it
        }
        if (b.asMap().size() == 1 && b.get("text/plain") != null) return MimeBundle.text(v.text());
        return b;
    }

    private void runMagic(MagicCall call) throws CellException {
        try {
            Magic magic = registry.find(call.name());
            if (call.isCell() && !magic.acceptsBody())
                throw new MagicException("%" + call.name() + " is a line magic; it takes no cell body.",
                        "Write it with one percent sign: %" + call.name() + " " + call.rawArgs());
            if (!call.isCell() && !magic.acceptsLine())
                throw new MagicException("%%" + call.name() + " is a cell magic; it needs a body.",
                        "Write %%" + call.name() + " on the first line and the body below it.");
            magic.run(context, call);
        } catch (CancelledException e) {
            throw new InterruptedCell((call.isCell() ? "%%" : "%") + call.name() + " was interrupted by the user.");
        } catch (MagicException e) {
            throw magicError(call.name(), e);
        } catch (Exception | StackOverflowError | OutOfMemoryError e) {
            // an Error left uncaught would end basekernel's request loop; these two leave the JVM usable
            throw unexpected(call.name(), e);
        }
    }

    private MagicError magicError(String name, MagicException e) {
        List<String> tb = new ArrayList<>(List.of(e.paragraph().split("\n")));
        if (debug && e.getCause() != null) tb.addAll(StackTraces.lines(e.getCause()));
        return new MagicError(e.getMessage(), tb, e);
    }

    private MagicError unexpected(String name, Throwable e) {
        String what = "%" + name + " failed: " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage());
        List<String> tb = new ArrayList<>();
        tb.add(what);
        if (debug) tb.addAll(StackTraces.lines(e));
        else tb.add("This is probably a bug in %" + name + "; run %debug on and the cell again to see the Java stack trace.");
        return new MagicError(what, tb, e);
    }

    /** Stops the running cell: the busy Java statement and any magic that checks the cancellation flag. */
    public void interrupt() {
        cancellation.cancel();
        repl.stop();
    }

    public Completion complete(String cell, int cursor) {
        int lineStart = cell.lastIndexOf('\n', Math.max(0, cursor - 1)) + 1;
        String before = cell.substring(lineStart, Math.min(cursor, cell.length())).stripLeading();
        if (before.startsWith("%")) {
            String prefix = before.replaceFirst("^%%?", "");
            if (prefix.chars().anyMatch(Character::isWhitespace)) return completeOption(prefix, cursor);
            List<String> names = registry.magics().keySet().stream().filter(n -> n.startsWith(prefix)).toList();
            return new Completion(names, cursor - prefix.length(), cursor);
        }
        if (isCellMagic(cell)) return new Completion(List.of(), cursor, cursor);
        return repl.complete(javaOnly(cell), cursor);
    }

    /** Completes {@code --opt} names of a picocli magic; {@code typed} is the line after the percent signs. */
    private Completion completeOption(String typed, int cursor) {
        String name = typed.split("\\s+", 2)[0];
        String word = typed.substring(typed.lastIndexOf(' ') + 1);
        Magic m = registry.magics().get(name);
        if (!word.startsWith("-") || !(m instanceof PicocliMagic<?> pm)) return new Completion(List.of(), cursor, cursor);
        return new Completion(pm.optionNames().stream().filter(o -> o.startsWith(word)).toList(), cursor - word.length(), cursor);
    }

    public Optional<String> inspect(String cell, int cursor) {
        int lineStart = cell.lastIndexOf('\n', Math.max(0, cursor - 1)) + 1;
        int lineEnd = cell.indexOf('\n', lineStart);
        String line = cell.substring(lineStart, lineEnd < 0 ? cell.length() : lineEnd).strip();
        if (CellParser.isLineMagic(line) || line.startsWith("%%")) {
            String name = line.replaceFirst("^%%?", "").split("\\s+", 2)[0];
            Magic m = registry.magics().get(name);
            if (m == null) return Optional.empty();
            return Optional.of(m instanceof PicocliMagic<?> pm ? pm.usage() : "%" + name + ": " + m.summary());
        }
        if (isCellMagic(cell)) return Optional.empty();
        return repl.documentation(javaOnly(cell), cursor);
    }

    public Completeness completeness(String cell) {
        if (isCellMagic(cell)) return Completeness.COMPLETE;
        return repl.completeness(javaOnly(cell));
    }

    private static boolean isCellMagic(String cell) {
        return cell.stripLeading().startsWith("%%");
    }

    /** The cell with magic lines blanked out (same length, so cursor offsets stay valid). */
    private static String javaOnly(String cell) {
        StringBuilder sb = new StringBuilder(cell.length());
        for (String line : cell.split("\n", -1)) {
            sb.append(CellParser.isLineMagic(line.stripLeading()) ? " ".repeat(line.length()) : line).append('\n');
        }
        return sb.substring(0, cell.length());
    }

    // --- used by SessionContext ---

    MagicRegistry registry() {
        return registry;
    }

    Cancellation cancellation() {
        return cancellation;
    }

    Map<String, Object> state() {
        return state;
    }

    String bind(String name, Object value, Class<?> type) {
        return repl.bind(name, value, type);
    }

    List<MagicProvider> loadPlugin(Path jar) {
        List<MagicProvider> found = plugins.addJar(jar);
        repl.addToClasspath(jar);
        for (MagicProvider p : found) install(p);
        return found;
    }

    boolean debug() {
        return debug;
    }

    void setDebug(boolean on) {
        debug = on;
        repl.setFullTraces(on);
    }

    /** The magic context, for tests that call magics directly. */
    public SessionContext context() {
        return context;
    }

    @Override
    public void close() {
        for (Object v : state.values()) {
            if (v instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    System.err.println("splitscope: closing " + v + " failed: " + e);
                }
            }
        }
        state.clear();
        repl.close();
        try {
            plugins.loader().close();
        } catch (java.io.IOException ignored) {
            // closing a URLClassLoader only releases jar handles
        }
    }
}
