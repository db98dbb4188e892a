package dev.splitscope.engine.plan;

/** A half-open element range [start, end) along one dimension; empty when start == end. */
public record Range(int start, int end) {
    public Range {
        if (start < 0 || end < start) throw new IllegalArgumentException("bad range [" + start + ", " + end + ")");
    }

    public static Range of(long start, long end) {
        return new Range(Math.toIntExact(start), Math.toIntExact(end));
    }

    public int length() {
        return end - start;
    }

    public boolean isEmpty() {
        return start == end;
    }

    /** This range scaled by {@code k} (heads to elements: {@code heads.times(headDim)}). */
    public Range times(int k) {
        return of((long) start * k, (long) end * k);
    }

    public boolean overlaps(Range o) {
        return start < o.end && o.start < end;
    }

    @Override
    public String toString() {
        return "[" + start + ", " + end + ")";
    }
}
