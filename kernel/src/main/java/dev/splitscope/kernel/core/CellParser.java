package dev.splitscope.kernel.core;

import dev.splitscope.kernel.spi.MagicCall;
import dev.splitscope.kernel.spi.MagicException;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a cell into Java code and magics. A cell whose first non-blank line starts with {@code %%name} is one cell
 * magic (the rest is its body). Otherwise every line that starts with {@code %name} is a line magic and the lines in
 * between are Java code, run in order. {@code %} followed by a space is left to Java (the modulo operator).
 */
public final class CellParser {
    private CellParser() {}

    public static List<CellPart> parse(String cell) {
        String[] lines = cell.split("\n", -1);
        int first = 0;
        while (first < lines.length && lines[first].isBlank()) first++;
        if (first < lines.length && lines[first].stripLeading().startsWith("%%")) {
            String head = lines[first].stripLeading().substring(2);
            StringBuilder body = new StringBuilder();
            for (int i = first + 1; i < lines.length; i++) body.append(lines[i]).append(i + 1 < lines.length ? "\n" : "");
            return List.of(new CellPart.Magic(call(head, body.toString(), first + 1), first + 1));
        }
        List<CellPart> parts = new ArrayList<>();
        StringBuilder java = new StringBuilder();
        int javaStart = -1;
        for (int i = 0; i < lines.length; i++) {
            String stripped = lines[i].stripLeading();
            if (isLineMagic(stripped)) {
                flush(parts, java, javaStart);
                javaStart = -1;
                parts.add(new CellPart.Magic(call(stripped.substring(1), null, i + 1), i + 1));
            } else {
                if (javaStart < 0) javaStart = i + 1;
                java.append(lines[i]).append('\n');
            }
        }
        flush(parts, java, javaStart);
        return parts;
    }

    static boolean isLineMagic(String stripped) {
        return stripped.length() > 1 && stripped.charAt(0) == '%' && Character.isLetter(stripped.charAt(1));
    }

    private static void flush(List<CellPart> parts, StringBuilder java, int start) {
        if (!java.toString().isBlank()) parts.add(new CellPart.Java(java.toString(), start));
        java.setLength(0);
    }

    /** The variable name of {@code $NAME} or {@code ${NAME}} at {@code i}, or null. */
    private static String variableAt(String s, int i) {
        boolean braced = s.startsWith("${", i);
        int start = i + (braced ? 2 : 1), end = start;
        while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) end++;
        if (end == start || Character.isDigit(s.charAt(start))) return null;
        if (braced && (end >= s.length() || s.charAt(end) != '}')) return null;
        return s.substring(start, end);
    }

    private static MagicCall call(String head, String body, int line) {
        String h = head.strip();
        int sp = 0;
        while (sp < h.length() && !Character.isWhitespace(h.charAt(sp))) sp++;
        String name = h.substring(0, sp);
        if (name.isEmpty())
            throw new MagicException("cell line " + line + ": a magic needs a name after the percent sign",
                    "Write for example %help, or %lsmagic to list the magics.");
        String raw = h.substring(sp).strip();
        return new MagicCall(name, split(raw, line), raw, body);
    }

    /** Splits arguments like a POSIX shell, with the process environment for {@code $NAME}. */
    public static List<String> split(String s, int line) {
        return split(s, line, System::getenv);
    }

    /**
     * Splits arguments like a POSIX shell: whitespace separates, quotes group, backslash escapes outside single quotes,
     * and {@code $NAME} or {@code ${NAME}} outside single quotes is replaced by the variable's value (an unset variable
     * is an error, so a notebook can say {@code %load $SPLITSCOPE_MODEL} and fail clearly).
     */
    public static List<String> split(String s, int line, java.util.function.UnaryOperator<String> env) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inArg = false;
        char quote = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote == '\'') {
                if (c == '\'') quote = 0; else cur.append(c);
            } else if (c == '$' && variableAt(s, i) != null) {
                String name = variableAt(s, i);
                String value = env.apply(name);
                if (value == null)
                    throw new MagicException("cell line " + line + ": the environment variable " + name + " is not set.",
                            "Set it before starting Jupyter, or write the value itself (\\$ gives a literal dollar sign).");
                cur.append(value);
                inArg = true;
                i += s.startsWith("${", i) ? name.length() + 2 : name.length();
            } else if (c == '\\' && i + 1 < s.length()) {
                cur.append(s.charAt(++i));
                inArg = true;
            } else if (quote == '"') {
                if (c == '"') quote = 0; else cur.append(c);
            } else if (c == '"' || c == '\'') {
                quote = c;
                inArg = true;
            } else if (Character.isWhitespace(c)) {
                if (inArg) out.add(cur.toString());
                cur.setLength(0);
                inArg = false;
            } else {
                cur.append(c);
                inArg = true;
            }
        }
        if (quote != 0)
            throw new MagicException("cell line " + line + ": the quote " + quote + " in the magic's arguments is not closed",
                    "Close the quote, or escape it with a backslash.");
        if (inArg) out.add(cur.toString());
        return out;
    }
}
