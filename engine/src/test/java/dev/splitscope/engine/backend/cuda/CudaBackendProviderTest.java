package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.backend.Backend;
import dev.splitscope.engine.backend.Backends;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The "cuda" backend is always listed; without a driver or GPU (as in CI) it says why instead of failing. */
class CudaBackendProviderTest {

    @Test
    void foundThroughServiceLoaderAndReportsItself() {
        Backend b = Backends.byKind("cuda");
        assertEquals("cuda", b.kind());
        if (b.available()) {
            assertNull(b.unavailableReason());
            assertTrue(b.deviceCount() > 0);
        } else {
            String why = b.unavailableReason();
            assertNotNull(why);
            assertFalse(why.isBlank());
            assertEquals(0, b.deviceCount());
            CudaUnavailableException e = assertThrows(CudaUnavailableException.class, () -> b.open(0, "cuda:0", 1));
            assertTrue(e.getMessage().contains(why), e.getMessage());
            System.out.println("cuda backend unavailable here: " + why);
        }
    }
}
