package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The backend's tuning properties are read before a GPU opens, and a bad one says what is wrong (no GPU needed). */
class CudaPropertiesTest {
    private static final String PREFETCH = "splitscope.cuda.prefetchMb";

    private static final String SWITCH = "splitscope.cuda.testSwitch";
    private static final String R4P_COLS = "splitscope.cuda.r4pCols";

    @AfterEach
    void clear() {
        System.clearProperty(PREFETCH);
        System.clearProperty(SWITCH);
        System.clearProperty(R4P_COLS);
    }

    /** The planner warns of crowded GPUs at the same line the peer path draws, with the driver's default queues. */
    @Test
    void thePeerPathsRanksPerGpuAreThePlannersByDefault() {
        org.junit.jupiter.api.Assumptions.assumeTrue(System.getenv("CUDA_DEVICE_MAX_CONNECTIONS") == null, "CUDA_DEVICE_MAX_CONNECTIONS is set");
        assertEquals(8, CudaCollectives.hardwareQueues());
        assertEquals(dev.splitscope.engine.plan.AllReduceForm.PEER_RANKS_PER_GPU, CudaCollectives.peerRanksPerGpu());
    }

    @Test
    void aSwitchIsOnUnlessSetToFalse() {
        assertTrue(CudaSwitch.on("testSwitch"), "unset");
        System.setProperty(SWITCH, "true");
        assertTrue(CudaSwitch.on("testSwitch"), "true");
        System.setProperty(SWITCH, "false");
        assertFalse(CudaSwitch.on("testSwitch"), "false");
    }

    @Test
    void q4MatvecsRunR4pWhenNarrowOrBehindAReductionThatReleasesEarly() {
        assertEquals(MatvecVariant.R4P, MatvecVariant.defaultFor(QuantType.Q4_0, 4096, MatvecVariant.Q4_0_NARROW_COLS));
        assertEquals(MatvecVariant.R2U2, MatvecVariant.defaultFor(QuantType.Q4_0, 8192, MatvecVariant.Q4_0_NARROW_COLS));
        assertEquals(MatvecVariant.R4P, MatvecVariant.afterEarlyReduction(QuantType.Q4_0, 8192, 4096));
        assertEquals(MatvecVariant.R4P, MatvecVariant.afterEarlyReduction(QuantType.Q8_0, 14336, 4096));
        assertEquals(MatvecVariant.R4P, MatvecVariant.defaultFor(QuantType.Q8_0, 14336, MatvecVariant.Q4_0_NARROW_COLS));
        assertEquals(MatvecVariant.R4P, MatvecVariant.defaultFor(QuantType.Q4_0, 8192, 8192));
    }

    @Test
    void theR4pLineIs4096ColumnsUnlessSetAndABadOneSaysWhy() {
        assertEquals(4096, MatvecVariant.narrowColsFromProperty());
        System.setProperty(R4P_COLS, " 8192 ");
        assertEquals(8192, MatvecVariant.narrowColsFromProperty());
        for (String bad : new String[] {"wide", "-1", "8192.5"}) {
            System.setProperty(R4P_COLS, bad);
            var e = assertThrows(IllegalArgumentException.class, MatvecVariant::narrowColsFromProperty, bad);
            assertTrue(e.getMessage().contains("-Dsplitscope.cuda.r4pCols=" + bad + ": not a number of columns"), e.getMessage());
        }
    }

    @Test
    void prefetchIsFourMegabytesUnlessSet() {
        assertEquals(4L << 20, CudaBackend.prefetchBytesFromProperty());
        System.setProperty(PREFETCH, "0");
        assertEquals(0, CudaBackend.prefetchBytesFromProperty());
        System.setProperty(PREFETCH, " 0.5 ");
        assertEquals(1L << 19, CudaBackend.prefetchBytesFromProperty());
    }

    @Test
    void aBadPrefetchNamesThePropertyAndItsRange() {
        for (String bad : new String[] {"lots", "-1", "NaN", "4096"}) {
            System.setProperty(PREFETCH, bad);
            var e = assertThrows(IllegalArgumentException.class, CudaBackend::prefetchBytesFromProperty, bad);
            assertTrue(e.getMessage().contains("-Dsplitscope.cuda.prefetchMb=" + bad + ": not a number of megabytes from 0 to 1024"), e.getMessage());
        }
    }
}
