package dev.splitscope.engine.runtime;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Picks the next token from logits: repetition penalty, then greedy, or temperature with top-k, top-p and min-p
 * filters, drawn from a seeded generator so that a seed reproduces a run.
 */
public final class Sampler {
    private final SamplerConfig cfg;
    private final SplittableRandom random;
    private final int[] recent;
    private int recentCount;

    public Sampler(SamplerConfig cfg) {
        this.cfg = cfg;
        this.random = new SplittableRandom(cfg.seed());
        this.recent = new int[Math.max(0, cfg.repeatLastN())];
    }

    /** Records a token (prompt or generated) for the repetition penalty. */
    public void accept(int token) {
        if (recent.length == 0) return;
        System.arraycopy(recent, 1, recent, 0, recent.length - 1);
        recent[recent.length - 1] = token;
        recentCount = Math.min(recent.length, recentCount + 1);
    }

    /** True when the choice is the largest logit, unchanged by penalties: the devices can make it themselves. */
    public boolean plainGreedy() {
        return cfg.isGreedy() && cfg.repeatPenalty() == 1f;
    }

    public int sample(float[] logitsIn) {
        float[] logits = logitsIn.clone();
        applyPenalty(logits);
        if (cfg.isGreedy()) return argmax(logits);
        Integer[] order = candidates(logits);
        int n = order.length;
        double[] p = new double[n];
        double max = logits[order[0]] / cfg.temperature(), sum = 0;
        for (int i = 0; i < n; i++) sum += p[i] = Math.exp(logits[order[i]] / cfg.temperature() - max);
        n = cut(p, n, sum);
        double total = 0;
        for (int i = 0; i < n; i++) total += p[i];
        double r = random.nextDouble() * total;
        for (int i = 0; i < n; i++) if ((r -= p[i]) <= 0) return order[i];
        return order[n - 1];
    }

    /** Ids sorted by logit, highest first, limited to top-k. */
    private Integer[] candidates(float[] logits) {
        Integer[] ids = new Integer[logits.length];
        for (int i = 0; i < ids.length; i++) ids[i] = i;
        Arrays.sort(ids, (a, b) -> Float.compare(logits[b], logits[a]));
        int k = cfg.topK() > 0 ? Math.min(cfg.topK(), ids.length) : ids.length;
        return Arrays.copyOf(ids, k);
    }

    /** Applies min-p then top-p to sorted probabilities (unnormalised, summing to {@code sum}); returns how many stay. */
    private int cut(double[] p, int n, double sum) {
        int keep = n;
        if (cfg.minP() > 0) {
            double floor = p[0] * cfg.minP();
            for (int i = 1; i < keep; i++) if (p[i] < floor) { keep = i; break; }
        }
        if (cfg.topP() < 1) {
            double acc = 0, kept = 0;
            for (int i = 0; i < keep; i++) kept += p[i];
            for (int i = 0; i < keep; i++) {
                acc += p[i];
                if (acc >= cfg.topP() * kept) return i + 1;
            }
        }
        return keep;
    }

    private void applyPenalty(float[] logits) {
        if (cfg.repeatPenalty() == 1f) return;
        boolean[] seen = new boolean[logits.length];
        for (int i = recent.length - recentCount; i < recent.length; i++) {
            int t = recent[i];
            if (t < 0 || t >= logits.length || seen[t]) continue;
            seen[t] = true;
            logits[t] = logits[t] > 0 ? logits[t] / cfg.repeatPenalty() : logits[t] * cfg.repeatPenalty();
        }
    }

    public static int argmax(float[] logits) {
        int best = 0;
        for (int i = 1; i < logits.length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
