package dev.splitscope.engine.backend.cpu;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryBandwidthTest {
    @Test
    void smallBufferGivesAPlausibleFigure() {
        double gbs = MemoryBandwidth.measure(32 << 20, 2, 2);
        // Anything between a floppy and an HBM stack: this only checks units and that the passes ran.
        assertTrue(gbs > 0.05 && gbs < 10_000, "bandwidth " + gbs + " GB/s");
    }

    @Test
    void rejectsNonsense() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MemoryBandwidth.measure(1024, 2, 1));
        assertTrue(e.getMessage().contains("8 MiB"), e.getMessage());
    }
}
