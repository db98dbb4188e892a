package dev.splitscope.engine.plan;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class RangeSplitterTest {
    @Test
    void evenAndUneven() {
        assertArrayEquals(new Range[]{new Range(0, 86), new Range(86, 172)}, RangeSplitter.split(172, 1, new double[]{1, 1}));
        assertArrayEquals(new Range[]{new Range(0, 88), new Range(88, 172)}, RangeSplitter.split(172, 4, new double[]{1, 1}));
        assertArrayEquals(new Range[]{new Range(0, 120), new Range(120, 172)}, RangeSplitter.split(172, 4, new double[]{0.7, 0.3}));
    }

    @Test
    void roundingNeverEmptiesADeviceWhenThereAreEnoughChunks() {
        Range[] r = RangeSplitter.split(10, 1, new double[]{0.9, 0.05, 0.05});
        assertEquals(List.of(new Range(0, 8), new Range(8, 9), new Range(9, 10)), List.of(r));
    }

    @Test
    void tooFewChunksLeaveEmptyRanges() {
        Range[] r = RangeSplitter.split(768, 256, new double[]{1, 1, 1, 1});
        assertEquals(3, java.util.Arrays.stream(r).filter(x -> !x.isEmpty()).count());
        PlanInvariants.assertTiles(List.of(r), 768, "768/256 on 4");
    }

    @Test
    void zeroFractionGetsNothing() {
        Range[] r = RangeSplitter.split(64, 16, new double[]{0, 1, 0, 1, 0});
        assertEquals(List.of(new Range(0, 0), new Range(0, 32), new Range(32, 32), new Range(32, 64), new Range(64, 64)), List.of(r));
    }

    @Test
    void raggedLastChunk() {
        Range[] r = RangeSplitter.split(100, 16, new double[]{1, 1});
        assertEquals(List.of(new Range(0, 48), new Range(48, 100)), List.of(r));
        assertEquals(4, RangeSplitter.gcd(172, 16));
        assertEquals(256, RangeSplitter.lcm(32, 256));
    }
}
