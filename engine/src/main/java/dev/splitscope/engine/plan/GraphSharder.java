package dev.splitscope.engine.plan;

import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.model.TensorDesc;
import dev.splitscope.engine.model.TensorRole;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Graph mode's per-device ranges (DESIGN.md §3): query heads by whole kv groups, kv heads following them, dense FFN
 * and expert FFN columns, and vocab rows, each cut at its granularity and in proportion to the fractions.
 * Granularity: q in kv groups, as many as needed for attn_output's column slices to be whole quant blocks;
 * ff and ff_exp in gcd(n, max(16, block of ffn_down)) — the largest chunk that both tiles n exactly and keeps
 * ffn_down's column slices block-aligned (n_ff 172 gives chunks of 4, since 172 is not a multiple of 16);
 * vocab in gcd(n_vocab, 16).
 */
final class GraphSharder {
    private static final double IMBALANCE = 0.10;

    private final ModelSpec spec;
    private final List<TensorDesc> tensors;
    private final double[] fr;
    private final boolean allowEmpty;
    private final List<PlanIssue> issues = new ArrayList<>();

    private GraphSharder(ModelSpec spec, List<TensorDesc> tensors, double[] fractions, boolean allowEmpty) {
        this.spec = spec;
        this.tensors = tensors;
        this.fr = fractions;
        this.allowEmpty = allowEmpty;
    }

    /** The shards, one per device, and the issues met on the way (empty splits, imbalance, replicated kv). */
    record Result(List<DeviceShard> shards, List<PlanIssue> issues) {}

    static Result shard(ModelSpec spec, List<TensorDesc> tensors, double[] fractions, boolean allowEmpty) {
        GraphSharder g = new GraphSharder(spec, tensors, fractions, allowEmpty);
        return g.run();
    }

    private Result run() {
        int p = fr.length;
        Range[] q = new Range[p], kv = new Range[p];
        boolean[] rep = new boolean[p];
        attention(q, kv, rep);
        Range[] ff = has(TensorRole.FFN_DOWN, TensorRole.FFN_UP) && spec.nFf() > 0
                ? cut("FFN columns", "n_ff", spec.nFf(), TensorRole.FFN_DOWN) : empty(p);
        Range[] exp = has(TensorRole.FFN_DOWN_EXPS, TensorRole.FFN_UP_EXPS) && spec.nFfExp() > 0
                ? cut("slice of any expert", "n_ff_exp", spec.nFfExp(), TensorRole.FFN_DOWN_EXPS) : empty(p);
        Range[] vocab = has(TensorRole.OUTPUT) || spec.tiedOutput()
                ? cut("lm_head rows", "n_vocab", spec.nVocab(), null) : empty(p);
        List<DeviceShard> shards = new ArrayList<>();
        for (int d = 0; d < p; d++) shards.add(new DeviceShard(d, q[d], kv[d], rep[d], ff[d], exp[d], vocab[d]));
        return new Result(shards, issues);
    }

    /** Query heads in chunks of whole kv groups (kv heads follow), or finer with replicated kv when tp > n_kv_heads. */
    private void attention(Range[] q, Range[] kv, boolean[] rep) {
        int hd = spec.headDim(), gqa = spec.gqaRatio(), nKv = spec.nHeadKv(), nHead = spec.nHead();
        int block = blockOf(TensorRole.ATTN_OUTPUT);
        int active = (int) IntStream.range(0, fr.length).filter(d -> fr[d] > 0).count();
        int groupsPerChunk = block / RangeSplitter.gcd(block, gqa * hd);
        int headsPerChunk = headsPerChunk(block);
        boolean byGroups = active <= nKv && (Math.ceilDiv(nKv, groupsPerChunk) >= active
                || Math.ceilDiv(nHead, headsPerChunk) <= Math.ceilDiv(nKv, groupsPerChunk));
        if (byGroups) {
            Range[] g = RangeSplitter.split(nKv, groupsPerChunk, fr);
            for (int d = 0; d < fr.length; d++) {
                kv[d] = g[d];
                q[d] = g[d].times(gqa);
            }
            String why = groupsPerChunk > 1 ? " (" + groupsPerChunk + " kv groups per chunk, so that attn_output's column "
                    + "slices are whole " + block + "-wide blocks)" : "";
            if (!reportEmpty("attention heads", "n_head_kv", nKv, groupsPerChunk, g, why, block))
                reportImbalance("attention", "n_head_kv", nKv, groupsPerChunk, g);
            return;
        }
        Range[] h = RangeSplitter.split(nHead, headsPerChunk, fr);
        for (int d = 0; d < fr.length; d++) {
            q[d] = h[d];
            kv[d] = h[d].isEmpty() ? Range.of(h[d].start() / gqa, h[d].start() / gqa)
                    : Range.of(h[d].start() / gqa, Math.ceilDiv(h[d].end(), gqa));
        }
        for (int d = 0; d < fr.length; d++)
            for (int e = 0; e < fr.length; e++) if (e != d && kv[d].overlaps(kv[e])) rep[d] = true;
        if (!reportEmpty("attention heads", "n_head", nHead, headsPerChunk, h, "", block))
            reportImbalance("attention", "n_head", nHead, headsPerChunk, h);
        if (IntStream.range(0, rep.length).anyMatch(d -> rep[d]))
            issues.add(PlanIssue.warning(PlanIssue.KV_REPLICATED, String.format(Locale.ROOT,
                    "%d active devices, %d kv heads: query heads are split in chunks of %d and each device holds the kv "
                            + "heads of its query groups, so some kv heads (and their KV cache) are replicated: %s",
                    active, nKv, headsPerChunk, describe(kv))));
    }

    /** The finest head chunk whose attn_output columns are block-aligned and that never straddles a kv group oddly. */
    private int headsPerChunk(int block) {
        int hd = spec.headDim(), gqa = spec.gqaRatio();
        int h0 = block / RangeSplitter.gcd(block, hd);
        int u = h0;
        while (u < spec.nHead() && gqa % u != 0 && u % gqa != 0) u += h0;
        return u;
    }

    /**
     * Cuts [0, n) at gcd(n, max(16, block of the row-parallel matrix)), or gcd(n, 16) without one (vocab rows): the
     * largest chunk that tiles n exactly and keeps the row-parallel matrix's column slices on whole blocks.
     */
    private Range[] cut(String noun, String dimName, int n, TensorRole rowParallel) {
        int block = rowParallel == null ? 1 : blockOf(rowParallel);
        int chunk = RangeSplitter.gcd(n, Math.max(16, block));
        Range[] r = RangeSplitter.split(n, chunk, fr);
        String why = block > 16 ? " (" + rowParallel.ggufName + " is stored in " + block + "-wide blocks)" : "";
        if (!reportEmpty(noun, dimName, n, chunk, r, why, block)) reportImbalance(noun, dimName, n, chunk, r);
        return r;
    }

    /** Reports devices with a positive fraction and an empty range; true if there were any. */
    private boolean reportEmpty(String noun, String dimName, int n, int chunk, Range[] r, String why, int block) {
        List<Integer> emptyDevices = IntStream.range(0, r.length).filter(d -> fr[d] > 0 && r[d].isEmpty()).boxed().toList();
        if (emptyDevices.isEmpty()) return false;
        int chunks = Math.ceilDiv(n, chunk);
        boolean one = emptyDevices.size() == 1;
        String msg = String.format(Locale.ROOT,
                "empty split: %s %d in chunks of %d%s gives %d chunk%s for %d devices, so device%s %s get%s no %s. "
                        + "Use at most %d devices, %ssplit mode layer%s.",
                dimName, n, chunk, why, chunks, chunks == 1 ? "" : "s", IntStream.range(0, fr.length).filter(d -> fr[d] > 0).count(),
                one ? "" : "s", emptyDevices.stream().map(String::valueOf).collect(Collectors.joining(", ")), one ? "s" : "",
                noun, chunks, block > 32 ? "a type with 32-wide blocks (Q8_0, Q4_0), " : block > 1 ? "an unquantised type, " : "",
                allowEmpty ? "" : ", or allow empty splits (the device then idles on this part)");
        issues.add(allowEmpty ? PlanIssue.warning(PlanIssue.EMPTY_SPLIT, msg) : PlanIssue.error(PlanIssue.EMPTY_SPLIT, msg));
        return true;
    }

    private void reportImbalance(String what, String dimName, int n, int chunk, Range[] r) {
        double total = 0;
        for (double f : fr) total += f;
        double worst = 0;
        for (int d = 0; d < r.length; d++) {
            if (fr[d] == 0 || r[d].isEmpty()) continue;
            double want = fr[d] / total, got = (double) r[d].length() / n;
            worst = Math.max(worst, Math.abs(got - want) / want);
        }
        if (worst <= IMBALANCE) return;
        issues.add(PlanIssue.warning(PlanIssue.GRANULARITY_IMBALANCE, String.format(Locale.ROOT,
                "%s: %s %d in chunks of %d cannot follow the fractions closely (off by up to %.0f%%): shares %s",
                what, dimName, n, chunk, worst * 100, describe(r))));
    }

    private static String describe(Range[] r) {
        return IntStream.range(0, r.length).mapToObj(d -> d + ":" + r[d]).collect(Collectors.joining(" "));
    }

    private boolean has(TensorRole... roles) {
        for (TensorDesc t : tensors) for (TensorRole r : roles) if (t.role() == r) return true;
        return false;
    }

    /** The lcm of the block sizes of every tensor with this role (layers may differ in type); 1 if none. */
    private int blockOf(TensorRole role) {
        int b = 1;
        for (TensorDesc t : tensors) if (t.role() == role) b = RangeSplitter.lcm(b, t.type().blockSize);
        return b;
    }

    private static Range[] empty(int p) {
        Range[] r = new Range[p];
        java.util.Arrays.fill(r, new Range(0, 0));
        return r;
    }
}
