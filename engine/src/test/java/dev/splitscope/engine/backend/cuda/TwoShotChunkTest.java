package dev.splitscope.engine.backend.cuda;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The chunks of a two-shot all-reduce (no GPU needed): in rank order they cover the buffer once, on 128-byte lines. */
class TwoShotChunkTest {

    @ParameterizedTest
    @CsvSource({"20480, 3", "20480, 4", "2049, 3", "33, 7", "16385, 8", "5, 5", "1000000, 7"})
    void chunksCoverTheBufferOnceInRankOrder(long n, int ranks) {
        long next = 0;
        for (int r = 0; r < ranks; r++) {
            long[] c = PeerAllReduce.chunk(n, ranks, r);
            assertEquals(next, c[0], "rank " + r + " starts where rank " + (r - 1) + " ended");
            assertTrue(c[1] >= c[0] && c[1] <= n, "rank " + r + ": [" + c[0] + ", " + c[1] + ")");
            assertTrue(c[0] == n || c[0] % 32 == 0, "rank " + r + " starts on a 128-byte line: " + c[0]);
            next = c[1];
        }
        assertEquals(n, next, "the chunks end at the buffer's end");
        long first = PeerAllReduce.chunk(n, ranks, 0)[1];
        assertTrue(first - (n + ranks - 1) / ranks < 32, "a chunk is at most a line over an even share: " + first);
    }
}
