package dev.splitscope.engine.backend.cuda;

/** Device scratch of the split-K attention: partial outputs [n][heads][splits][hd] and their (max, sum) pairs. */
public record AttentionScratch(DeviceBuffer part, DeviceBuffer ml, int n, int heads, int splits, int hd) implements AutoCloseable {

    public static AttentionScratch allocate(int n, int heads, int splits, int hd) {
        long slots = (long) n * heads * splits;
        return new AttentionScratch(DeviceBuffer.allocate(slots * hd * 4), DeviceBuffer.allocate(slots * 8), n, heads, splits, hd);
    }

    void require(int n, int heads, int splits, int hd) {
        if ((long) n * heads * splits * hd * 4 > part.bytes() || (long) n * heads * splits * 8 > ml.bytes())
            throw new IllegalArgumentException("attention scratch for " + this.n + "x" + this.heads + "x" + this.splits + "x" + this.hd
                    + " is too small for " + n + "x" + heads + "x" + splits + "x" + hd);
    }

    @Override
    public void close() {
        part.close();
        ml.close();
    }
}
