package dev.splitscope.engine.runtime;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplerTest {
    private static final float[] LOGITS = {1f, 3f, 2.9f, -1f, 0.5f, 2.5f};

    private static Set<Integer> draws(SamplerConfig c, int n) {
        Sampler s = new Sampler(c);
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < n; i++) seen.add(s.sample(LOGITS));
        return seen;
    }

    @Test
    void greedyPicksTheArgmax() {
        assertEquals(1, new Sampler(SamplerConfig.greedy()).sample(LOGITS));
    }

    @Test
    void aSeedReproducesADraw() {
        SamplerConfig c = new SamplerConfig(1.5f, 0, 1f, 0f, 1f, 64, 1234);
        Sampler a = new Sampler(c), b = new Sampler(c);
        for (int i = 0; i < 50; i++) assertEquals(a.sample(LOGITS), b.sample(LOGITS));
    }

    @Test
    void filtersLimitTheCandidates() {
        assertEquals(Set.of(1), draws(new SamplerConfig(1f, 1, 1f, 0f, 1f, 64, 1), 200), "top-k 1");
        assertEquals(Set.of(1, 2), draws(new SamplerConfig(1f, 2, 1f, 0f, 1f, 64, 2), 400), "top-k 2");
        // min-p 0.5: only tokens with p >= 0.5 * p_max survive: logits 3, 2.9 and 2.5 (e^-0.5 = 0.61)
        assertEquals(Set.of(1, 2, 5), draws(new SamplerConfig(1f, 0, 1f, 0.5f, 1f, 64, 3), 2000), "min-p");
        assertEquals(Set.of(1), draws(new SamplerConfig(1f, 0, 0.01f, 0f, 1f, 64, 4), 200), "top-p tiny");
        assertTrue(draws(new SamplerConfig(5f, 0, 1f, 0f, 1f, 64, 5), 3000).size() == LOGITS.length, "a hot temperature reaches every token");
    }

    @Test
    void repetitionPenaltyDiscouragesRecentTokens() {
        Sampler s = new Sampler(new SamplerConfig(0f, 0, 1f, 0f, 1.5f, 64, 0));
        s.accept(1);
        assertNotEquals(1, s.sample(LOGITS));
        assertEquals(2, s.sample(LOGITS));
    }

    @Test
    void badSettingsAreRefusedWithTheirName() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(-1f, 0, 1f, 0f, 1f, 64, 0)).getMessage().contains("temperature"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(1f, 0, 1.5f, 0f, 1f, 64, 0)).getMessage().contains("top-p"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new SamplerConfig(1f, 0, 1f, 1f, 1f, 64, 0)).getMessage().contains("min-p"));
    }
}
