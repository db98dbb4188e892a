package dev.splitscope.engine.runtime;

/** A half-open range [start, end) of heads, rows or vocabulary ids. */
public record Range(int start, int end) {
    public Range {
        if (start < 0 || end < start) throw new IllegalArgumentException("bad range " + start + ".." + end);
    }

    public int size() {
        return end - start;
    }

    public boolean isEmpty() {
        return end == start;
    }

    @Override
    public String toString() {
        return start + ".." + end;
    }
}
