package dev.splitscope.engine.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A plain-text table with aligned columns, for the CLI: a title, a header row, a dashed rule, then rows. Columns whose
 * every cell looks numeric are right-aligned.
 */
public final class TextTable {
    private final String title;
    private final List<String> header;
    private final List<List<String>> rows = new ArrayList<>();

    public TextTable(String title, String... header) {
        this.title = title;
        this.header = List.of(header);
    }

    /** Adds a row; it must have one cell per header column (null prints as empty). */
    public TextTable row(Object... cells) {
        if (cells.length != header.size())
            throw new IllegalArgumentException("table '" + title + "': row has " + cells.length + " cells, header has " + header.size());
        rows.add(Arrays.stream(cells).map(c -> c == null ? "" : c.toString()).toList());
        return this;
    }

    public int size() {
        return rows.size();
    }

    public String render() {
        int n = header.size();
        int[] width = new int[n];
        boolean[] right = new boolean[n];
        for (int c = 0; c < n; c++) {
            width[c] = header.get(c).length();
            right[c] = !rows.isEmpty();
            for (List<String> r : rows) {
                width[c] = Math.max(width[c], r.get(c).length());
                if (!r.get(c).isEmpty() && !numeric(r.get(c))) right[c] = false;
            }
        }
        StringBuilder sb = new StringBuilder();
        if (title != null && !title.isEmpty()) sb.append(title).append('\n');
        line(sb, header, width, right);
        for (int c = 0; c < n; c++) sb.append(c == 0 ? "" : "  ").append("-".repeat(width[c]));
        sb.append('\n');
        for (List<String> r : rows) line(sb, r, width, right);
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width, boolean[] right) {
        StringBuilder l = new StringBuilder();
        for (int c = 0; c < cells.size(); c++) {
            String s = cells.get(c);
            String pad = " ".repeat(width[c] - s.length());
            l.append(c == 0 ? "" : "  ").append(right[c] ? pad + s : s + pad);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    /** A number, possibly with a unit after it ("12.5 GiB", "3.0 µs", "40%"). */
    private static boolean numeric(String s) {
        return s.matches("-?[0-9][0-9,.]*( ?[A-Za-zµ/%]+)?");
    }

    @Override
    public String toString() {
        return render();
    }
}
