package dev.splitscope.kernel.repl;

/**
 * The Java text of a cell with the line it starts at in the whole cell (magic lines may come first), so errors can
 * quote the cell's own line numbers.
 */
final class CellSource {
    /** Where one snippet starts: a character offset in the code and its 1-based line in the cell. */
    record Piece(int offset, int line) {}

    private final String code;
    private final int firstLine;
    private final String[] lines;

    CellSource(String code, int firstLine) {
        this.code = code;
        this.firstLine = firstLine;
        this.lines = code.split("\n", -1);
    }

    Piece piece(int offset) {
        return new Piece(offset, lineAt(offset));
    }

    /** 1-based cell line of a character offset in the code. */
    int lineAt(int offset) {
        int line = firstLine;
        for (int i = 0; i < Math.min(offset, code.length()); i++) if (code.charAt(i) == '\n') line++;
        return line;
    }

    /** Column (0-based) of a character offset within its line. */
    int columnAt(int offset) {
        int o = Math.min(offset, code.length());
        int nl = code.lastIndexOf('\n', o - 1);
        return o - nl - 1;
    }

    /** The text of a 1-based cell line, or "" when out of range. */
    String lineText(int cellLine) {
        int i = cellLine - firstLine;
        return i >= 0 && i < lines.length ? lines[i] : "";
    }
}
