package dev.splitscope.engine.plan;

/**
 * Splits [0, n) into one contiguous range per device, in proportion to fractions, with every boundary on a multiple
 * of the chunk (the end n excepted, so a last chunk may be short). Boundaries are rounded to the nearest chunk, then
 * nudged so that every device with a positive fraction gets at least one chunk whenever there are enough chunks:
 * rounding alone must never empty a device. With fewer chunks than devices some ranges are necessarily empty.
 */
public final class RangeSplitter {
    private RangeSplitter() {}

    public static Range[] split(int n, int chunk, double[] fractions) {
        if (n < 0 || chunk <= 0) throw new IllegalArgumentException("cannot split " + n + " in chunks of " + chunk);
        int p = fractions.length;
        int chunks = (int) Math.ceilDiv((long) n, chunk);
        int k = 0;
        double total = 0;
        for (double f : fractions) {
            if (f > 0) k++;
            total += f;
        }
        if (k == 0) throw new IllegalArgumentException("every fraction is 0");
        // 1. boundaries (in chunks) between the devices that asked for a share
        boolean atLeastOne = chunks >= k;
        long[] b = new long[k + 1];
        b[k] = chunks;
        double cum = 0;
        int j = 0;
        for (int d = 0; d < p && j < k - 1; d++) {
            if (fractions[d] == 0) continue;
            cum += fractions[d];
            j++;
            long target = Math.round(cum / total * n / chunk); // nearest chunk boundary to the wanted element
            long lo = b[j - 1] + (atLeastOne ? 1 : 0), hi = chunks - (atLeastOne ? k - j : 0);
            b[j] = Math.max(lo, Math.min(hi, target));
        }
        // 2. ranges in elements; a device with fraction 0 gets an empty range where it stands
        Range[] out = new Range[p];
        j = 0;
        for (int d = 0; d < p; d++) {
            long s = Math.min(n, b[j] * chunk);
            if (fractions[d] == 0) {
                out[d] = Range.of(s, s);
            } else {
                out[d] = Range.of(s, Math.min(n, b[j + 1] * chunk));
                j++;
            }
        }
        return out;
    }

    /** Greatest common divisor. */
    public static int gcd(int a, int b) {
        while (b != 0) {
            int t = a % b;
            a = b;
            b = t;
        }
        return Math.abs(a);
    }

    /** Least common multiple. */
    public static int lcm(int a, int b) {
        return a / gcd(a, b) * b;
    }
}
