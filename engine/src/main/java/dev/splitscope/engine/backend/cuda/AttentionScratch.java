package dev.splitscope.engine.backend.cuda;

/**
 * Device scratch of the split-K attention: partial outputs [n][heads][splits][hd], their (max, sum) pairs, and per
 * (token, head) the count of splits done (zero between launches: the last split resets it).
 */
public record AttentionScratch(DeviceBuffer part, DeviceBuffer ml, DeviceBuffer done, int n, int heads, int splits, int hd)
        implements AutoCloseable {

    /** Scratch for n tokens, its counters zeroed on {@code stream} (null: the legacy stream, for tests). */
    public static AttentionScratch allocate(int n, int heads, int splits, int hd, jcuda.driver.CUstream stream) {
        long slots = (long) n * heads * splits;
        DeviceBuffer done = DeviceBuffer.allocate(4L * n * heads);
        jcuda.driver.JCudaDriver.cuMemsetD8Async(done.pointer(), (byte) 0, done.bytes(), stream);
        return new AttentionScratch(DeviceBuffer.allocate(slots * hd * 4), DeviceBuffer.allocate(slots * 8), done, n, heads, splits, hd);
    }

    boolean fits(int n, int heads, int splits, int hd) {
        return (long) n * heads * splits * hd * 4 <= part.bytes() && (long) n * heads * splits * 8 <= ml.bytes() && 4L * n * heads <= done.bytes();
    }

    void require(int n, int heads, int splits, int hd) {
        if (!fits(n, heads, splits, hd))
            throw new IllegalArgumentException("attention scratch for " + this.n + "x" + this.heads + "x" + this.splits + "x" + this.hd
                    + " is too small for " + n + "x" + heads + "x" + splits + "x" + hd);
    }

    @Override
    public void close() {
        part.close();
        ml.close();
        done.close();
    }
}
