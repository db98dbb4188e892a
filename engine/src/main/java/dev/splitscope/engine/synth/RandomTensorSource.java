package dev.splitscope.engine.synth;

import dev.splitscope.engine.gguf.GgufTensorSource;
import dev.splitscope.engine.quant.QuantCodecs;
import dev.splitscope.engine.quant.QuantType;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;

/**
 * Streams one tensor of random (or constant) values into the output, chunk by chunk: each chunk of
 * {@link #CHUNK} values is generated and quantized into a small buffer, then copied into the mapped file, so
 * memory stays bounded whatever the tensor's size. Chunk c is seeded from (seed, tensor name, c) alone, so the
 * bytes are the same for any thread count. Workers only fill heap buffers; the copy happens on the caller's thread,
 * which owns the mapping.
 */
final class RandomTensorSource implements GgufTensorSource {
    /** Values per chunk; a multiple of every block size (at most 256). */
    static final int CHUNK = 1 << 18;
    /** Standard deviation of the sum of four uniform 16-bit integers: 65536 * sqrt(4/12). */
    private static final double IRWIN_HALL_STD = 65536.0 / Math.sqrt(3.0);

    private final String name;
    private final QuantType type;
    private final long elements;
    private final long seed;
    private final float std;
    private final float constant;
    private final ExecutorService pool;
    private final int inFlight;

    /**
     * @param std      standard deviation of the random values, or 0 for a tensor filled with {@code constant}
     * @param pool     workers for generation, or null to do everything on the calling thread
     */
    RandomTensorSource(String name, QuantType type, long elements, long seed, float std, float constant,
                       ExecutorService pool, int threads) {
        this.name = name;
        this.type = type;
        this.elements = elements;
        this.seed = seed;
        this.std = std;
        this.constant = constant;
        this.pool = pool;
        this.inFlight = Math.max(1, 2 * threads);
    }

    @Override
    public void writeTo(MemorySegment dst) throws IOException {
        long chunks = (elements + CHUNK - 1) / CHUNK;
        long chunkBytes = type.bytesFor(CHUNK);
        for (long first = 0; first < chunks; first += inFlight) {
            long last = Math.min(chunks, first + inFlight);
            if (pool == null) {
                for (long c = first; c < last; c++) copy(encode(c), dst, c * chunkBytes);
                continue;
            }
            List<Future<byte[]>> batch = new ArrayList<>();
            for (long c = first; c < last; c++) {
                long chunk = c;
                batch.add(pool.submit(() -> encode(chunk)));
            }
            for (int i = 0; i < batch.size(); i++) copy(await(batch.get(i)), dst, (first + i) * chunkBytes);
        }
    }

    private static void copy(byte[] src, MemorySegment dst, long at) {
        MemorySegment.copy(MemorySegment.ofArray(src), 0, dst, at, src.length);
    }

    private byte[] await(Future<byte[]> f) throws IOException {
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while writing tensor " + name);
        } catch (ExecutionException e) {
            throw new IOException("generating tensor " + name + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Generates and quantizes chunk {@code c}. */
    byte[] encode(long c) {
        int n = (int) Math.min(CHUNK, elements - c * CHUNK);
        float[] x = new float[n];
        if (std == 0f) {
            java.util.Arrays.fill(x, constant);
        } else {
            SplittableRandom rng = new SplittableRandom(mix(seed, name.hashCode(), c));
            float k = (float) (std / IRWIN_HALL_STD);
            for (int i = 0; i < n; i++) x[i] = approxGaussian(rng.nextLong()) * k;
        }
        byte[] out = new byte[(int) type.bytesFor(n)];
        QuantCodecs.quantize(type, x, 0, n, MemorySegment.ofArray(out), 0);
        return out;
    }

    /**
     * An approximately normal value with mean 0 and standard deviation {@link #IRWIN_HALL_STD}: the centred sum of
     * the four 16-bit parts of one random long (Irwin-Hall, n = 4). Bounded at about 3.5 sigma, several times
     * cheaper than a true Gaussian, which matters when a synthetic model has 70 billion weights.
     */
    static float approxGaussian(long r) {
        long s = (r & 0xffff) + ((r >>> 16) & 0xffff) + ((r >>> 32) & 0xffff) + (r >>> 48);
        return s - 131070f;
    }

    /** A well-mixed seed for chunk {@code c} of the tensor whose name hashes to {@code h} (splitmix64 finaliser). */
    static long mix(long seed, int h, long c) {
        long z = seed * 0x9E3779B97F4A7C15L + h * 0xBF58476D1CE4E5B9L + c * 0x94D049BB133111EBL;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
