package dev.splitscope.engine.backend.cuda;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host rendezvous of the device-side all-reduces, without a GPU: ranks meet step after step, and an abort (a rank
 * failed) releases a rank that waits and one that comes late, at once instead of after the 60 s timeout.
 */
class DeviceAllReduceRendezvousTest {
    private static DeviceAllReduce ranks(int n, boolean[] released) {
        List<CudaDeviceOps> none = Arrays.asList(new CudaDeviceOps[n]);
        return new DeviceAllReduce(none) {
            @Override
            void reduce(int rank, int key, CudaBackend gpu, long src, long dst, long count, MatvecGroup.Lone producer) {}

            @Override
            void releaseDevices() {
                released[0] = true;
            }

            @Override
            public String description() {
                return "test";
            }

            @Override
            public void close() {}
        };
    }

    @Test
    void ranksMeetAgainAndAgain() throws Exception {
        DeviceAllReduce c = ranks(2, new boolean[1]);
        CompletableFuture<Void> other = CompletableFuture.runAsync(() -> {
            for (int i = 0; i < 3; i++) c.rendezvous(1);
        });
        for (int i = 0; i < 3; i++) c.rendezvous(0);
        other.get(30, TimeUnit.SECONDS);
    }

    @Test
    void anAbortReleasesWaitingAndLateRanks() {
        boolean[] released = new boolean[1];
        DeviceAllReduce c = ranks(3, released);
        CompletableFuture<Void> waiting = CompletableFuture.runAsync(() -> c.rendezvous(0));
        c.abort();
        ExecutionException e = assertThrows(ExecutionException.class, () -> waiting.get(30, TimeUnit.SECONDS));
        assertTrue(e.getCause().getMessage().contains("aborted"), e.getCause().getMessage());
        IllegalStateException late = assertThrows(IllegalStateException.class, () -> c.rendezvous(1));
        assertTrue(late.getMessage().contains("aborted"), late.getMessage());
        assertTrue(released[0], "the devices' waits were released too");
    }
}
