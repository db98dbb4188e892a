package dev.splitscope.kernel.views;

import dev.splitscope.kernel.spi.MimeBundle;
import tech.tablesaw.api.Table;
import tech.tablesaw.columns.Column;

/**
 * Renders a Tablesaw {@link Table} as HTML (escaped, with a caption) and as plain text. Long tables show their first
 * rows and say how many were left out; the whole table stays available in its JShell variable.
 */
public final class TableView {
    /** Rows shown in a cell before the rest is elided. */
    public static final int MAX_ROWS = 200;

    private TableView() {}

    public static MimeBundle bundle(Table t) {
        return bundle(t, MAX_ROWS);
    }

    public static MimeBundle bundle(Table t, int maxRows) {
        return new MimeBundle().put("text/plain", text(t, maxRows)).html(html(t, maxRows));
    }

    public static String text(Table t, int maxRows) {
        String s = t.rowCount() <= maxRows ? t.printAll() : t.print(maxRows);
        return t.rowCount() <= maxRows ? s : s + "\n… " + (t.rowCount() - maxRows) + " more rows";
    }

    public static String html(Table t, int maxRows) {
        StringBuilder sb = new StringBuilder("<table class=\"splitscope-table\">");
        if (t.name() != null && !t.name().isBlank())
            sb.append("<caption style=\"caption-side:top;text-align:left;font-weight:bold\">").append(escape(t.name()))
                    .append(" <span style=\"font-weight:normal\">(").append(t.rowCount()).append(" rows)</span></caption>");
        sb.append("<thead><tr>");
        for (Column<?> c : t.columns()) sb.append("<th>").append(escape(c.name())).append("</th>");
        sb.append("</tr></thead><tbody>");
        int n = Math.min(maxRows, t.rowCount());
        for (int r = 0; r < n; r++) {
            sb.append("<tr>");
            for (Column<?> c : t.columns()) {
                boolean numeric = c.type().getClass().getSimpleName().matches("(Int|Long|Double|Float|Short)ColumnType");
                sb.append(numeric ? "<td style=\"text-align:right\">" : "<td>").append(escape(c.getString(r))).append("</td>");
            }
            sb.append("</tr>");
        }
        sb.append("</tbody></table>");
        if (t.rowCount() > n)
            sb.append("<p><i>… ").append(t.rowCount() - n).append(" more rows; use the table variable to see them all.</i></p>");
        return sb.toString();
    }

    /** Escapes text for HTML element content and attribute values. */
    public static String escape(String s) {
        if (s == null) return "";
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
