package dev.splitscope.kernel.repl;

import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.UnresolvedReferenceException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Words compile errors and exceptions from JShell as readable lines that quote the cell. */
final class ReplErrors {
    private static final int MAX_FRAMES = 12;
    /** Without %debug: cell frames, javac message lines and causes shown at most, so an error stays one paragraph. */
    private static final int MAX_CELL_FRAMES = 3;
    private static final int MAX_MESSAGE_LINES = 3;
    private static final int MAX_CAUSES = 2;

    private ReplErrors() {}

    static CompilationError incomplete(CellSource src, int offset) {
        int line = src.lineAt(offset);
        List<String> tb = new ArrayList<>();
        tb.add("Incomplete Java code starting at cell line " + line + ":");
        quote(tb, src, line, -1);
        tb.add("A brace, parenthesis, comment or string is not closed; close it and run the cell again.");
        return new CompilationError("incomplete code at cell line " + line, tb);
    }

    static CompilationError compilation(JShell shell, Snippet s, CellSource.Piece piece, CellSource src, boolean full) {
        List<String> tb = new ArrayList<>();
        String first = null;
        int errors = 0;
        for (Diag d : shell.diagnostics(s).toList()) {
            if (!d.isError()) continue;
            if (errors++ > 0 && !full) continue;
            long pos = d.getStartPosition() >= 0 ? d.getStartPosition() : 0;
            int abs = piece.offset() + (int) pos;
            int line = src.lineAt(abs);
            String msg = d.getMessage(Locale.ROOT);
            if (first == null) first = "cell line " + line + ": " + firstLine(msg);
            tb.add("Compilation error at cell line " + line + ":");
            quote(tb, src, line, src.columnAt(abs));
            List<String> msgLines = List.of(msg.split("\n"));
            // javac lists every overload it tried; past three lines that buries the first, which says what is wrong
            if (full || msgLines.size() <= MAX_MESSAGE_LINES) tb.addAll(msgLines);
            else {
                tb.addAll(msgLines.subList(0, MAX_MESSAGE_LINES - 1));
                tb.add("    ... " + (msgLines.size() - MAX_MESSAGE_LINES + 1) + " more lines (%debug on shows them)");
            }
        }
        if (errors > 1 && !full) tb.add("(" + (errors - 1) + " more compilation error(s) in this code; fix this one first)");
        if (first == null) {
            first = "cell line " + piece.line() + ": this code was rejected by the Java compiler";
            tb.add(first);
            quote(tb, src, piece.line(), -1);
        }
        return new CompilationError(first, tb);
    }

    static EvaluationError evaluation(JShellException ex, Map<String, CellSource.Piece> pieces, CellSource src, boolean full) {
        if (ex instanceof UnresolvedReferenceException u) {
            String msg = "'" + u.getSnippet().source().strip().lines().findFirst().orElse("")
                    + "' uses something that is not defined yet";
            return new EvaluationError("UnresolvedReference", msg, List.of(msg,
                    "Define the missing variable, method or class in an earlier cell, then run this cell again."));
        }
        EvalException e = (EvalException) ex;
        String type = readableType(e.getExceptionClassName());
        String message = type + (e.getMessage() == null ? "" : ": " + withoutWrappers(e.getMessage()));
        List<String> tb = new ArrayList<>();
        tb.add(message);
        if (full) appendFrames(tb, e.getStackTrace(), pieces, src);
        else appendCellFrames(tb, e.getStackTrace(), pieces, src);
        int causes = 0;
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            if (!full && causes++ == MAX_CAUSES) {
                tb.add("Caused by: ... (%debug on shows the whole chain)");
                break;
            }
            String cType = readableType(c instanceof EvalException ce ? ce.getExceptionClassName() : c.getClass().getName());
            tb.add("Caused by: " + cType + (c.getMessage() == null ? "" : ": " + withoutWrappers(c.getMessage())));
            if (full) appendFrames(tb, c.getStackTrace(), pieces, src);
        }
        return new EvaluationError(type, message, tb);
    }

    /**
     * The short form: only the frames in the cell's own code, a run of identical frames (deep recursion) folded into
     * one line, and one line counting the library frames left out.
     */
    private static void appendCellFrames(List<String> tb, StackTraceElement[] frames, Map<String, CellSource.Piece> pieces, CellSource src) {
        int hidden = 0, shown = 0;
        String previous = null;
        int repeats = 0;
        for (StackTraceElement f : frames) {
            if (isPlumbing(f)) break;
            if (!isSnippet(f)) {
                hidden++;
                continue;
            }
            String line = "    at " + frame(f, pieces, src);
            if (line.equals(previous)) {
                repeats++;
                continue;
            }
            if (repeats > 0) tb.add("    ... the line above repeats " + repeats + " more times");
            repeats = 0;
            previous = line;
            if (shown++ == MAX_CELL_FRAMES) {
                tb.add("    ...");
                break;
            }
            tb.add(line);
        }
        if (repeats > 0) tb.add("    ... the line above repeats " + repeats + " more times");
        if (hidden > 0) tb.add("    (" + hidden + " frame(s) inside the JDK or libraries left out; %debug on shows them)");
    }

    /** Helpful NPE messages name JShell's wrapper classes ("REPL.$JShell$17.s"); show the user's name ("s"). */
    static String withoutWrappers(String message) {
        return message.replaceAll("REPL\\.\\$JShell\\$\\d+[A-Za-z0-9_$]*\\.", "");
    }

    /** The cell threw something whose message could not be read: JShell itself failed while reporting it. */
    static EvaluationError unreadable(Throwable t, int line) {
        String message = t.getClass().getName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
        return new EvaluationError(t.getClass().getName(), message, List.of(message,
                "This was thrown at cell line " + line + " while the exception the cell threw was being read (its getMessage() or toString() failed)."));
    }

    /** Text for a value whose toString() throws. */
    static String unprintable(Object v) {
        String why;
        try {
            why = "toString() returned " + v;
        } catch (RuntimeException | StackOverflowError e) {
            why = "its toString() threw " + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        }
        Class<?> c = v.getClass();
        String type = c.isAnonymousClass() ? "anonymous " + c.getSuperclass().getSimpleName() : readableType(c.getName());
        return type + "@" + Integer.toHexString(System.identityHashCode(v)) + " (" + why + ")";
    }

    private static void appendFrames(List<String> tb, StackTraceElement[] frames, Map<String, CellSource.Piece> pieces, CellSource src) {
        int shown = 0;
        for (StackTraceElement f : frames) {
            if (isPlumbing(f)) break;
            if (shown++ == MAX_FRAMES) {
                tb.add("    ...");
                break;
            }
            tb.add("    at " + frame(f, pieces, src));
        }
    }

    private static String frame(StackTraceElement f, Map<String, CellSource.Piece> pieces, CellSource src) {
        String file = f.getFileName() == null ? "" : f.getFileName();
        if (!isSnippet(f)) return f.toString();
        String id = file.startsWith("#") ? file.substring(1) : file;
        CellSource.Piece p = pieces.get(id);
        String method = f.getMethodName().isEmpty() || f.getMethodName().equals("do_it$") ? "cell"
                : (f.getClassName().isEmpty() ? "" : f.getClassName() + ".") + f.getMethodName();
        if (p == null || f.getLineNumber() < 1) return method + " (snippet " + file + ", line " + f.getLineNumber() + ")";
        int line = p.line() + f.getLineNumber() - 1;
        return method + " (cell line " + line + "): " + src.lineText(line).strip();
    }

    /** A class declared in a cell is named REPL.$JShell$40$Name by JShell; the user wrote Name. */
    private static String readableType(String className) {
        return className.replaceFirst("^REPL\\.\\$JShell\\$\\d+\\$", "");
    }

    private static boolean isSnippet(StackTraceElement f) {
        return f.getClassName().startsWith("REPL.") || (f.getFileName() != null && f.getFileName().startsWith("#"));
    }

    private static boolean isPlumbing(StackTraceElement f) {
        String c = f.getClassName();
        return c.startsWith("jdk.internal.reflect.") || c.startsWith("java.lang.reflect.")
                || c.startsWith("jdk.jshell.") || c.startsWith(CapturingExecutionControl.class.getName());
    }

    private static void quote(List<String> tb, CellSource src, int line, int column) {
        String prefix = String.format("%5d | ", line);
        tb.add(prefix + src.lineText(line));
        if (column >= 0) tb.add(" ".repeat(prefix.length() - 2) + "| " + " ".repeat(column) + "^");
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
