package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host side of a held matvec, without a GPU: a pushed all-reduce takes back only a lone one-token matvec that
 * writes its source (anything else stays held, to be launched as usual), and timing marks that came while it was held
 * are recorded once it is launched, in order.
 */
class MatvecGroupTest {
    private static final DeviceWeight W = new DeviceWeight(QuantType.Q4_0, 64, 256, 1, null, null);
    private final List<Integer> marks = new ArrayList<>();
    private final MatvecGroup group = new MatvecGroup(null, marks::add);

    @Test
    void takesBackALoneMatvecThatWritesTheSource() {
        Q8Input q = new Q8Input(null, null, 256);
        group.add(W, 1000L, q, 2000L, 1);
        group.markAfter(3);
        group.markAfter(4);
        assertNull(group.takeLone(3000L, w -> true), "another output");
        assertNull(group.takeLone(2000L, w -> false), "a weight that cannot push");
        assertTrue(group.holdsAny());
        assertEquals(List.of(), marks, "marks wait for the launch");

        MatvecGroup.Lone lone = group.takeLone(2000L, w -> true);
        assertSame(W, lone.weight());
        assertSame(q, lone.q());
        assertEquals(1000L, lone.input());
        assertEquals(2000L, lone.y());
        assertFalse(group.holdsAny());
        assertEquals(List.of(), marks);
        group.launched();
        assertEquals(List.of(3, 4), marks);
        group.launched();
        assertEquals(List.of(3, 4), marks, "each mark is recorded once");
    }

    @Test
    void leavesGroupsAndBatchesHeld() {
        group.add(W, 1000L, null, 2000L, 1);
        group.add(W, 1000L, null, 2100L, 1);
        assertNull(group.takeLone(2000L, w -> true), "two matvecs go out as one launch");
        assertTrue(group.holdsAny());

        MatvecGroup batch = new MatvecGroup(null, marks::add);
        batch.add(W, 1000L, null, 2000L, 4);
        assertNull(batch.takeLone(2000L, w -> true), "a batch of 4 tokens");
        assertTrue(batch.holdsAny());
    }
}
