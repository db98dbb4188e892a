package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.backend.Backends;
import dev.splitscope.engine.backend.Collective;
import dev.splitscope.engine.backend.DeviceOps;
import dev.splitscope.engine.backend.ReducePath;
import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The peer all-reduce on logical devices of GPU 0 (and of GPUs 0 and 1 where there are two), directly: every rank ends
 * with the rank-order sum of all partials, bit for bit, through the pushed form (decode-sized, even counts) and the
 * barrier + sum form (odd counts, prompt sizes; two-shot from three ranks on, so its chunks come out uneven: 2049 over
 * 3 is 704, 704 and 641 values, 33 over 7 leaves five ranks none), interleaved and repeated so that the sequence
 * numbers wrap both inbox halves.
 */
@Tag("cuda")
class PeerAllReduceTest {
    /** Counts per reduction: pushed (4096, 64), barrier + sum (odd 2049 and 33, and 20480 over 16384). */
    private static final int[][] SHAPES = {{4096, 1}, {2049, 1}, {64, 1}, {4096, 5}, {33, 1}};
    private static final int ROUNDS = 5;

    @ParameterizedTest
    @CsvSource({"2, F32, 1", "4, F32, 1", "2, BF16, 1", "3, F16, 1", "7, F32, 1", "2, F32, 2", "4, F32, 2"})
    void everyRankGetsTheRankOrderSum(int ranks, QuantType type, int gpus) throws Exception {
        int have = Backends.require("cuda").deviceCount();
        assumeTrue(have >= gpus, "needs " + gpus + " GPUs, this machine has " + have);
        List<DeviceOps> devices = new ArrayList<>();
        for (int r = 0; r < ranks; r++) devices.add(Backends.require("cuda").open(r % gpus, "cuda:" + r % gpus + "/" + r, 1));
        ExecutorService pool = Executors.newFixedThreadPool(ranks);
        try (Collective c = devices.getFirst().collective(devices, type, ReducePath.PEER)) {
            Random random = new Random(7);
            float[][][][] partials = new float[ROUNDS][SHAPES.length][ranks][];
            for (float[][][] round : partials)
                for (int s = 0; s < SHAPES.length; s++)
                    for (int r = 0; r < ranks; r++) {
                        round[s][r] = new float[SHAPES[s][0] * SHAPES[s][1]];
                        for (int i = 0; i < round[s][r].length; i++) round[s][r][i] = (float) random.nextGaussian();
                    }
            List<Future<float[][][]>> results = new ArrayList<>();
            for (int r = 0; r < ranks; r++) {
                int rank = r;
                results.add(pool.submit(() -> reduceAll(c, devices.get(rank), rank, partials)));
            }
            for (int r = 0; r < ranks; r++) {
                float[][][] got = results.get(r).get(120, TimeUnit.SECONDS);
                for (int round = 0; round < ROUNDS; round++)
                    for (int s = 0; s < SHAPES.length; s++)
                        assertArrayEquals(rankOrderSum(partials[round][s], type), got[round][s],
                                "rank " + r + ", round " + round + ", " + SHAPES[s][0] + " x " + SHAPES[s][1] + " values, " + type);
            }
        } finally {
            pool.shutdownNow();
            for (DeviceOps d : devices) d.close();
        }
    }

    /** This rank's part of every reduction, in the same order on every rank; one buffer pair per shape (a reduction point). */
    private static float[][][] reduceAll(Collective c, DeviceOps dev, int rank, float[][][][] partials) {
        DeviceOps.Act[] src = new DeviceOps.Act[SHAPES.length], dst = new DeviceOps.Act[SHAPES.length];
        for (int s = 0; s < SHAPES.length; s++) {
            src[s] = dev.alloc(SHAPES[s][1], SHAPES[s][0]);
            dst[s] = dev.alloc(SHAPES[s][1], SHAPES[s][0]);
        }
        float[][][] out = new float[ROUNDS][SHAPES.length][];
        for (int round = 0; round < ROUNDS; round++)
            for (int s = 0; s < SHAPES.length; s++) {
                int tokens = SHAPES[s][1];
                dev.upload(partials[round][s][rank], tokens, src[s]);
                c.allReduce(rank, s, src[s], dst[s], tokens);
                out[round][s] = new float[partials[round][s][rank].length];
                dev.download(dst[s], tokens, out[round][s]);
            }
        return out;
    }

    /** What the kernels compute: each partial rounded to the reduce type, added in rank order in float, rounded again. */
    private static float[] rankOrderSum(float[][] partials, QuantType type) {
        float[] sum = new float[partials[0].length];
        for (int i = 0; i < sum.length; i++) {
            float s = 0f;
            for (float[] p : partials) s += travel(p[i], type);
            sum[i] = travel(s, type);
        }
        return sum;
    }

    private static float travel(float v, QuantType type) {
        return switch (type) {
            case F16 -> Float.float16ToFloat(Float.floatToFloat16(v));
            case BF16 -> {
                int b = Float.floatToRawIntBits(v);
                b += 0x7FFF + ((b >>> 16) & 1);
                yield Float.intBitsToFloat(b & 0xFFFF0000);
            }
            default -> v;
        };
    }
}
