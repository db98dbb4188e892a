package dev.splitscope.engine.plan;

import dev.splitscope.engine.model.TensorDesc;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Checks that hold for every plan: shards tile their dimension exactly and their bytes add up to the tensor's. */
final class PlanInvariants {
    private PlanInvariants() {}

    static void check(Plan plan, List<TensorDesc> tensors, String where) {
        Map<String, List<Placement>> byTensor = plan.placements().stream()
                .collect(Collectors.groupingBy(Placement::tensor));
        for (TensorDesc t : tensors) {
            List<Placement> rows = byTensor.getOrDefault(t.name(), List.of());
            assertFalse(rows.isEmpty(), where + ": " + t.name() + " is placed nowhere");
            Sharding sh = rows.getFirst().sharding();
            for (Placement p : rows) assertEquals(sh, p.sharding(), where + ": " + t.name() + " mixes shardings");
            if (sh instanceof Sharding.Replicate) {
                for (Placement p : rows) assertEquals(t.byteSize(), p.bytes(), where + ": replicated " + t.name());
                assertEquals(rows.size(), rows.stream().mapToInt(Placement::device).distinct().count(),
                        where + ": " + t.name() + " replicated twice on one device");
            } else {
                long n = t.dims()[sh.dim()];
                if (sh.tiles()) {
                    assertEquals(plan.devices().size(), rows.size(), where + ": " + t.name() + " needs one row per device");
                    assertEquals(t.byteSize(), rows.stream().mapToLong(Placement::bytes).sum(), where + ": bytes of " + t.name());
                    assertTiles(rows.stream().map(Placement::range).toList(), n, where + ": " + t.name());
                } else {
                    assertCovers(rows.stream().map(Placement::range).toList(), n, where + ": " + t.name());
                }
            }
        }
        assertEquals(tensors.size(), plan.placements().stream().map(Placement::tensor).distinct().count(), where);
        for (DeviceMemory m : plan.memory()) {
            long w = plan.placements().stream().filter(pl -> pl.device() == m.device()).mapToLong(Placement::bytes).sum();
            assertEquals(w, m.weightBytes(), where + ": weights of device " + m.device());
        }
        if (plan.mode() == SplitMode.GRAPH) {
            int p = plan.devices().size();
            assertTiles(plan.shards().stream().map(DeviceShard::vocab).toList(), plan.spec().nVocab(), where + ": vocab");
            if (plan.spec().nFf() > 0 && plan.shards().stream().anyMatch(s -> !s.ff().isEmpty()))
                assertTiles(plan.shards().stream().map(DeviceShard::ff).toList(), plan.spec().nFf(), where + ": ff");
            if (!plan.shards().getFirst().kvReplicated())
                assertTiles(plan.shards().stream().map(DeviceShard::kvHeads).toList(), plan.spec().nHeadKv(), where + ": kv");
            assertTiles(plan.shards().stream().map(DeviceShard::qHeads).toList(), plan.spec().nHead(), where + ": heads");
            assertEquals(p, plan.shards().size(), where);
        }
    }

    /** Disjoint ranges, in device order, that cover [0, n) exactly. */
    static void assertTiles(List<Range> ranges, long n, String where) {
        long at = 0;
        for (Range r : ranges) {
            if (r.isEmpty()) continue;
            assertEquals(at, r.start(), where + ": ranges " + ranges + " do not tile [0," + n + ")");
            at = r.end();
        }
        assertEquals(n, at, where + ": ranges " + ranges + " do not tile [0," + n + ")");
    }

    /** Possibly overlapping ranges whose union is [0, n). */
    static void assertCovers(List<Range> ranges, long n, String where) {
        List<Range> sorted = new ArrayList<>(ranges);
        sorted.sort(Comparator.comparingInt(Range::start));
        long at = 0;
        for (Range r : sorted) {
            if (r.isEmpty()) continue;
            assertTrue(r.start() <= at, where + ": gap before " + r);
            at = Math.max(at, r.end());
        }
        assertEquals(n, at, where + ": ranges " + ranges + " do not cover [0," + n + ")");
    }
}
