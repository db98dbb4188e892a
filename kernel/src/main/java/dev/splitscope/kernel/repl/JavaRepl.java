package dev.splitscope.kernel.repl;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Java cells, evaluated by JShell inside this JVM. Snippet classes load under the given class loader (kernel, engine,
 * Tablesaw and plugin classes), so objects made by magics can be used directly from cells. One cell is split into
 * snippets with JShell's completeness analysis and run in order; the first failure stops the cell.
 */
public final class JavaRepl implements AutoCloseable {
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case", "catch",
            "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends", "final", "finally",
            "float", "for", "goto", "if", "implements", "import", "instanceof", "int", "interface", "long", "native", "new",
            "package", "private", "protected", "public", "return", "short", "static", "strictfp", "super", "switch",
            "synchronized", "this", "throw", "throws", "transient", "try", "void", "volatile", "while", "var", "record",
            "yield", "true", "false", "null", "_");

    private final CapturingProvider provider;
    private final JShell shell;
    private final ReplAssist assist;
    /** snippet id -> where it started in the cell being run, for error line numbers. */
    private final Map<String, CellSource.Piece> pieces = new ConcurrentHashMap<>();
    private volatile boolean stopRequested;
    /** Whether errors show every stack frame and compiler line (%debug on), or the short form. */
    private volatile boolean fullTraces;

    /**
     * @param loader    parent of the snippet class loader
     * @param classpath compile-time class path entries (the kernel's own class path, plugin jars)
     */
    public JavaRepl(ClassLoader loader, List<String> classpath) {
        this.provider = new CapturingProvider(loader);
        PrintStream quiet = new PrintStream(PrintStream.nullOutputStream());
        this.shell = JShell.builder()
                .executionEngine(provider, Map.of())
                .out(quiet).err(quiet)
                // the kernel JVM runs with the Vector API module, so cells may use it too
                .compilerOptions("-proc:none", "--add-modules", "jdk.incubator.vector", "-Xlint:-incubating")
                .build();
        for (String entry : classpath) if (!entry.isBlank()) shell.addToClasspath(entry);
        this.assist = new ReplAssist(shell);
    }

    /** The class path of this JVM, as the launcher expanded it. */
    public static List<String> jvmClassPath() {
        String cp = System.getProperty("java.class.path", "");
        return List.of(cp.split(java.io.File.pathSeparator));
    }

    /** Runs a cell's Java code; returns the value of its last expression, if it has one. */
    public Optional<ReplValue> eval(String code, int firstLine) throws CellException {
        CapturingExecutionControl control = provider.control();
        stopRequested = false;  // before the cell begins: a stop from then on must not be forgotten
        if (control != null) control.beginCell();
        try {
            return evalCell(code, firstLine);
        } finally {
            if (control != null) control.endCell();
        }
    }

    private Optional<ReplValue> evalCell(String code, int firstLine) throws CellException {
        pieces.clear();
        ReplValue last = null;
        CellSource src = new CellSource(code, firstLine);
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = code;
        while (!remaining.isBlank()) {
            int consumed = code.length() - remaining.length();
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) break;
            if (info.completeness() == SourceCodeAnalysis.Completeness.DEFINITELY_INCOMPLETE)
                throw ReplErrors.incomplete(src, consumed + leadingBlank(remaining));
            String snippetSource = info.completeness().isComplete() ? info.source() : remaining;
            remaining = info.completeness().isComplete() ? info.remaining() : "";
            CellSource.Piece piece = src.piece(consumed + leadingBlank(code.substring(consumed)));
            last = evalSnippet(snippetSource, piece, src);
        }
        return Optional.ofNullable(last);
    }

    private ReplValue evalSnippet(String source, CellSource.Piece piece, CellSource src) throws CellException {
        List<SnippetEvent> events;
        try {
            events = shell.eval(source);
        } catch (RuntimeException | StackOverflowError e) {
            // JShell reads a thrown exception's message in this thread; a getMessage() that throws escapes from eval
            throw ReplErrors.unreadable(e, src.lineAt(piece.offset()));
        }
        if (stopRequested) throw new InterruptedCell(src.lineAt(piece.offset()));
        ReplValue value = null;
        for (SnippetEvent e : events) {
            if (e.causeSnippet() != null) continue;
            Snippet s = e.snippet();
            pieces.put(s.id(), piece);
            if (e.status() == Snippet.Status.REJECTED)
                throw ReplErrors.compilation(shell, s, piece, src, fullTraces);
            if (e.exception() != null)
                throw ReplErrors.evaluation(e.exception(), pieces, src, fullTraces);
            Object live = provider.control().takeLastValue();
            if (!producesValue(s)) continue;
            if (e.value() != null) value = new ReplValue(live, e.value());
            // JShell gives no text when the value's toString() throws; show the value anyway, saying so
            else if (live != null) value = new ReplValue(live, ReplErrors.unprintable(live));
        }
        return value;
    }

    private static boolean producesValue(Snippet s) {
        return s.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
                || s.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND
                || s.subKind() == Snippet.SubKind.OTHER_EXPRESSION_SUBKIND
                || s.subKind() == Snippet.SubKind.ASSIGNMENT_SUBKIND;
    }

    private static int leadingBlank(String s) {
        int i = 0;
        while (i < s.length() && Character.isWhitespace(s.charAt(i))) i++;
        return i;
    }

    /**
     * Declares a variable holding {@code value}, typed as {@code type} (falling back to Object for non-public types).
     * The name is made a valid Java identifier, and the final name is returned.
     */
    public String bind(String name, Object value, Class<?> type) {
        String id = identifier(name);
        String typeName = type != null && java.lang.reflect.Modifier.isPublic(type.getModifiers()) && type.getCanonicalName() != null
                ? type.getCanonicalName() : "Object";
        String key = id + "#" + UUID.randomUUID();
        Bindings.put(key, value);
        String decl = "var " + id + " = (" + typeName + ") " + Bindings.class.getName() + ".get(\"" + key + "\");";
        for (SnippetEvent e : shell.eval(decl)) {
            if (e.causeSnippet() == null && (e.status() == Snippet.Status.REJECTED || e.exception() != null)) {
                Bindings.discard(key);
                throw new IllegalStateException("could not declare JShell variable " + id + " of type " + typeName);
            }
        }
        return id;
    }

    /** Turns any name into a Java identifier: invalid characters become '_', keywords get a trailing '_'. */
    public static String identifier(String name) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            sb.append(i == 0 ? (Character.isJavaIdentifierStart(c) ? c : Character.isJavaIdentifierPart(c) ? "_" + c : "_")
                    : (Character.isJavaIdentifierPart(c) ? c : '_'));
        }
        String id = sb.isEmpty() ? "value" : sb.toString();
        return KEYWORDS.contains(id) ? id + "_" : id;
    }

    /** Adds an import, e.g. {@code "tech.tablesaw.api.*"} or {@code "static java.lang.Math.*"}. */
    public void addImport(String spec) {
        String decl = "import " + spec.strip() + (spec.strip().endsWith(";") ? "" : ";");
        for (SnippetEvent e : shell.eval(decl))
            if (e.causeSnippet() == null && e.status() == Snippet.Status.REJECTED)
                throw new IllegalArgumentException("the import '" + spec + "' does not compile");
    }

    /** Makes a jar's classes visible to the compiler (the class loader is extended separately). */
    public void addToClasspath(Path jar) {
        shell.addToClasspath(jar.toAbsolutePath().toString());
    }

    /** Full stack traces and compiler messages in errors (debug mode), or the short readable form (default). */
    public void setFullTraces(boolean on) {
        fullTraces = on;
    }

    /** True from the moment a Java cell begins (stops apply to it from then on) until it ends. */
    boolean cellRunning() {
        CapturingExecutionControl control = provider.control();
        return control != null && control.inCell();
    }

    /** Stops the running snippet (busy loops included) from another thread. */
    public void stop() {
        stopRequested = true;
        shell.stop();
    }

    public Completion complete(String code, int cursor) {
        return assist.complete(code, cursor);
    }

    public Optional<String> documentation(String code, int cursor) {
        return assist.documentation(code, cursor);
    }

    public Completeness completeness(String code) {
        return assist.completeness(code);
    }

    /** Names of the variables declared so far, for inspection and tests. */
    public List<String> variableNames() {
        List<String> names = new ArrayList<>();
        shell.variables().forEach(v -> names.add(v.name()));
        return names;
    }

    @Override
    public void close() {
        shell.close();
    }
}
