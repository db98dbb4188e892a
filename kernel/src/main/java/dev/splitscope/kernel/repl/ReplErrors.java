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

    private ReplErrors() {}

    static CompilationError incomplete(CellSource src, int offset) {
        int line = src.lineAt(offset);
        List<String> tb = new ArrayList<>();
        tb.add("Incomplete Java code starting at cell line " + line + ":");
        quote(tb, src, line, -1);
        tb.add("A brace, parenthesis, comment or string is not closed; close it and run the cell again.");
        return new CompilationError("incomplete code at cell line " + line, tb);
    }

    static CompilationError compilation(JShell shell, Snippet s, CellSource.Piece piece, CellSource src) {
        List<String> tb = new ArrayList<>();
        String first = null;
        for (Diag d : shell.diagnostics(s).toList()) {
            if (!d.isError()) continue;
            long pos = d.getStartPosition() >= 0 ? d.getStartPosition() : 0;
            int abs = piece.offset() + (int) pos;
            int line = src.lineAt(abs);
            String msg = d.getMessage(Locale.ROOT);
            if (first == null) first = "cell line " + line + ": " + firstLine(msg);
            tb.add("Compilation error at cell line " + line + ":");
            quote(tb, src, line, src.columnAt(abs));
            for (String m : msg.split("\n")) tb.add(m);
        }
        if (first == null) {
            first = "cell line " + piece.line() + ": this code was rejected by the Java compiler";
            tb.add(first);
            quote(tb, src, piece.line(), -1);
        }
        return new CompilationError(first, tb);
    }

    static EvaluationError evaluation(JShellException ex, Map<String, CellSource.Piece> pieces, CellSource src) {
        if (ex instanceof UnresolvedReferenceException u) {
            String msg = "'" + u.getSnippet().source().strip().lines().findFirst().orElse("")
                    + "' uses something that is not defined yet";
            return new EvaluationError("UnresolvedReference", msg, List.of(msg,
                    "Define the missing variable, method or class in an earlier cell, then run this cell again."));
        }
        EvalException e = (EvalException) ex;
        String type = e.getExceptionClassName();
        String message = type + (e.getMessage() == null ? "" : ": " + e.getMessage());
        List<String> tb = new ArrayList<>();
        tb.add(message);
        appendFrames(tb, e.getStackTrace(), pieces, src);
        for (Throwable c = e.getCause(); c != null; c = c.getCause()) {
            String cType = c instanceof EvalException ce ? ce.getExceptionClassName() : c.getClass().getName();
            tb.add("Caused by: " + cType + (c.getMessage() == null ? "" : ": " + c.getMessage()));
            appendFrames(tb, c.getStackTrace(), pieces, src);
        }
        return new EvaluationError(type, message, tb);
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
        boolean snippet = f.getClassName().startsWith("REPL.") || file.startsWith("#");
        if (!snippet) return f.toString();
        String id = file.startsWith("#") ? file.substring(1) : file;
        CellSource.Piece p = pieces.get(id);
        String method = f.getMethodName().isEmpty() || f.getMethodName().equals("do_it$") ? "cell"
                : (f.getClassName().isEmpty() ? "" : f.getClassName() + ".") + f.getMethodName();
        if (p == null || f.getLineNumber() < 1) return method + " (snippet " + file + ", line " + f.getLineNumber() + ")";
        int line = p.line() + f.getLineNumber() - 1;
        return method + " (cell line " + line + "): " + src.lineText(line).strip();
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
