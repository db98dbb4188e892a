package dev.splitscope.engine.tokenizer;

/**
 * Rewrites the few Python/Jinja2 constructs of real chat templates that Jinjava parses differently, keeping
 * their meaning: {@code xs[::-1]} becomes {@code xs|reverse}, and the values of keyword arguments to
 * {@code namespace(...)} are parenthesised, because Jinjava binds {@code a=b|length - 1} as {@code (a=b|length) - 1}.
 */
final class TemplateSource {
    private TemplateSource() {}

    static String adapt(String source) {
        return parenthesiseNamespaceArgs(source.replace("[::-1]", "|reverse"));
    }

    private static String parenthesiseNamespaceArgs(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        int from = 0;
        while (true) {
            int at = s.indexOf("namespace(", from);
            if (at < 0) break;
            int open = at + "namespace(".length();
            int close = matchingParen(s, open);
            if (close < 0) break;
            out.append(s, from, open);
            out.append(rewriteArgs(s.substring(open, close)));
            out.append(')');
            from = close + 1;
        }
        return out.append(s, from, s.length()).toString();
    }

    /** Index of the ')' closing a '(' just before {@code start}, skipping quoted strings; -1 if none. */
    private static int matchingParen(String s, int start) {
        int depth = 1;
        char quote = 0;
        for (int i = start; i < s.length(); i++) {
            char c = s.charAt(i);
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
            } else if (c == '\'' || c == '"') quote = c;
            else if (c == '(' || c == '[' || c == '{') depth++;
            else if ((c == ')' || c == ']' || c == '}') && --depth == 0) return c == ')' ? i : -1;
        }
        return -1;
    }

    /** Wraps the value of every top-level {@code name=value} argument in parentheses. */
    private static String rewriteArgs(String args) {
        StringBuilder out = new StringBuilder(args.length() + 8);
        int depth = 0, start = 0;
        char quote = 0;
        for (int i = 0; i <= args.length(); i++) {
            char c = i < args.length() ? args.charAt(i) : ',';
            if (quote != 0) {
                if (c == '\\') i++;
                else if (c == quote) quote = 0;
                continue;
            }
            if (c == '\'' || c == '"') quote = c;
            else if (c == '(' || c == '[' || c == '{') depth++;
            else if (c == ')' || c == ']' || c == '}') depth--;
            else if (c == ',' && depth == 0) {
                if (start > 0) out.append(',');
                out.append(wrapValue(args.substring(start, i)));
                start = i + 1;
            }
        }
        return out.toString();
    }

    private static String wrapValue(String arg) {
        int eq = arg.indexOf('=');
        boolean keyword = eq > 0 && arg.substring(0, eq).trim().matches("[A-Za-z_][A-Za-z0-9_]*")
                && (eq + 1 >= arg.length() || arg.charAt(eq + 1) != '=');
        return keyword ? arg.substring(0, eq + 1) + "(" + arg.substring(eq + 1).trim() + ")" : arg;
    }
}
