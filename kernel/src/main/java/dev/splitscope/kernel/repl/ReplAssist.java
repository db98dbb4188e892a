package dev.splitscope.kernel.repl;

import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SourceCodeAnalysis;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Completion, documentation and completeness answers from JShell's source analysis. A cell may hold many snippets;
 * each answer works on the snippet under the cursor.
 */
final class ReplAssist {
    private final JShell shell;

    ReplAssist(JShell shell) {
        this.shell = shell;
    }

    Completion complete(String code, int cursor) {
        int c = clamp(code, cursor);
        int start = snippetStart(code, c);
        int[] anchor = new int[1];
        List<SourceCodeAnalysis.Suggestion> suggestions =
                shell.sourceCodeAnalysis().completionSuggestions(code.substring(start, c), c - start, anchor);
        Set<String> typed = new LinkedHashSet<>();
        Set<String> other = new LinkedHashSet<>();
        for (SourceCodeAnalysis.Suggestion s : suggestions) (s.matchesType() ? typed : other).add(s.continuation());
        List<String> options = new ArrayList<>(typed);
        for (String o : other) if (!typed.contains(o)) options.add(o);
        return new Completion(options, start + anchor[0], c);
    }

    Optional<String> documentation(String code, int cursor) {
        int c = clamp(code, cursor);
        int end = c;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) end++;
        int start = snippetStart(code, c);
        String input = code.substring(start, end);
        List<SourceCodeAnalysis.Documentation> docs =
                shell.sourceCodeAnalysis().documentation(input, input.length(), true);
        if (docs.isEmpty() && end < code.length() && code.charAt(end) == '(') {
            input = code.substring(start, end + 1);
            docs = shell.sourceCodeAnalysis().documentation(input, input.length(), true);
        }
        if (!docs.isEmpty()) {
            StringBuilder sb = new StringBuilder();
            for (SourceCodeAnalysis.Documentation d : docs) {
                if (!sb.isEmpty()) sb.append("\n\n");
                sb.append(d.signature());
                if (d.javadoc() != null && !d.javadoc().isBlank()) sb.append("\n").append(d.javadoc().strip());
            }
            return Optional.of(sb.toString());
        }
        return variableAt(code, c);
    }

    /** A declared variable under the cursor: its type and value. */
    private Optional<String> variableAt(String code, int c) {
        int s = c, e = c;
        while (s > 0 && Character.isJavaIdentifierPart(code.charAt(s - 1))) s--;
        while (e < code.length() && Character.isJavaIdentifierPart(code.charAt(e))) e++;
        String name = code.substring(s, e);
        if (name.isEmpty()) return Optional.empty();
        return shell.variables()
                .filter(v -> v.name().equals(name) && shell.status(v).isActive())
                .reduce((a, b) -> b)
                .map(v -> v.typeName() + " " + v.name() + " = " + shell.varValue(v));
    }

    Completeness completeness(String code) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = code;
        while (!remaining.isBlank()) {
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            switch (info.completeness()) {
                case EMPTY:
                    return Completeness.COMPLETE;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return Completeness.INCOMPLETE;
                case UNKNOWN:
                    return Completeness.INVALID;
                default:
                    if (isErroneous(analysis, info.source())) return Completeness.INVALID;
                    remaining = info.remaining();
            }
        }
        return Completeness.COMPLETE;
    }

    private static boolean isErroneous(SourceCodeAnalysis analysis, String source) {
        return analysis.sourceToSnippets(source).stream().anyMatch(s -> s.kind() == Snippet.Kind.ERRONEOUS);
    }

    /** Start offset of the snippet that contains {@code cursor}. */
    private int snippetStart(String code, int cursor) {
        SourceCodeAnalysis analysis = shell.sourceCodeAnalysis();
        String remaining = code;
        while (true) {
            int before = code.length() - remaining.length();
            if (remaining.isBlank()) return before;
            SourceCodeAnalysis.CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (!info.completeness().isComplete()) return before;
            int after = code.length() - info.remaining().length();
            if (after >= cursor || after == before) return before;
            remaining = info.remaining();
        }
    }

    private static int clamp(String code, int cursor) {
        return Math.max(0, Math.min(cursor, code.length()));
    }
}
