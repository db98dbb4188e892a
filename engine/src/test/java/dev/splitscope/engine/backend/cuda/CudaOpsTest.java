package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.quant.Fp16;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Random;

import static dev.splitscope.engine.backend.cuda.CudaTestData.assertClose;
import static dev.splitscope.engine.backend.cuda.CudaTestData.random;
import static dev.splitscope.engine.backend.cuda.CudaTestData.toDouble;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The non-matvec kernels against naive double-precision references, on fresh random inputs. */
@Tag("cuda")
class CudaOpsTest {
    static CudaBackend gpu;
    final Random r = new Random(System.nanoTime());

    @BeforeAll
    static void open() {
        gpu = CudaBackend.open(0);
    }

    @AfterAll
    static void close() {
        if (gpu != null) gpu.close();
    }

    @Test
    void rmsNormSoftmaxSwigluAddArgmax() {
        int n = 3, cols = 1000;
        float[] x = random(r, n * cols, 2f), w = random(r, cols, 1f), b = random(r, n * cols, 1f);
        double[] norm = new double[n * cols], soft = new double[n * cols], sw = new double[n * cols], sum = new double[n * cols];
        int[] arg = new int[n];
        for (int t = 0; t < n; t++) {
            double ss = 0, m = Double.NEGATIVE_INFINITY, z = 0;
            for (int c = 0; c < cols; c++) { ss += (double) x[t * cols + c] * x[t * cols + c]; m = Math.max(m, x[t * cols + c]); }
            double inv = 1 / Math.sqrt(ss / cols + 1e-5);
            for (int c = 0; c < cols; c++) z += Math.exp(x[t * cols + c] - m);
            for (int c = 0; c < cols; c++) {
                int i = t * cols + c;
                norm[i] = x[i] * inv * w[c];
                soft[i] = Math.exp(x[i] - m) / z;
                sw[i] = x[i] / (1 + Math.exp(-x[i])) * b[i];
                sum[i] = (double) x[i] + b[i];
                if (x[i] > x[t * cols + arg[t]]) arg[t] = c;
            }
        }
        try (DeviceBuffer dx = DeviceBuffer.of(x); DeviceBuffer dw = DeviceBuffer.of(w); DeviceBuffer db = DeviceBuffer.of(b);
             DeviceBuffer out = DeviceBuffer.allocate(4L * n * cols); DeviceBuffer ids = DeviceBuffer.allocate(4L * n)) {
            gpu.rmsNorm(dx.address(), dw.address(), out.address(), n, cols, 1e-5f);
            assertClose(norm, out.downloadFloats(0, n * cols), 1e-5, "rms_norm");
            gpu.swiglu(dx.address(), db.address(), out.address(), (long) n * cols);
            assertClose(sw, out.downloadFloats(0, n * cols), 1e-5, "swiglu");
            gpu.add(dx.address(), db.address(), out.address(), (long) n * cols);
            assertClose(sum, out.downloadFloats(0, n * cols), 1e-6, "add");
            int[] got = new int[n];
            for (int t = 0; t < n; t++) {
                gpu.argmaxPair(dx.address() + 4L * t * cols, cols, ids.address());
                got[t] = Float.floatToRawIntBits(ids.downloadFloats(4, 1)[0]);
                assertEquals(x[t * cols + arg[t]], ids.downloadFloats(0, 1)[0], "argmax value of row " + t);
            }
            assertArrayEquals(arg, got, "argmax");
            gpu.softmax(dx.address(), n, cols);
            assertClose(soft, dx.downloadFloats(0, n * cols), 1e-5, "softmax");
        }
    }

    /** A vocabulary-sized row, read from an aligned and an unaligned start, with a tail that is not a whole float4. */
    @Test
    void argmaxOfALongRowFromAnyStart() {
        int cols = 128256 + 3;
        float[] x = random(r, cols + 1, 4f);
        try (DeviceBuffer dx = DeviceBuffer.of(x); DeviceBuffer out = DeviceBuffer.allocate(8)) {
            for (int start = 0; start < 2; start++) {
                int best = start;
                for (int c = start; c < start + cols; c++) if (x[c] > x[best]) best = c;
                gpu.argmaxPair(dx.address() + 4L * start, cols, out.address());
                assertEquals(best - start, Float.floatToRawIntBits(out.downloadFloats(4, 1)[0]), "argmax index from start " + start);
                assertEquals(x[best], out.downloadFloats(0, 1)[0], "argmax value from start " + start);
            }
            // the best value twice, far apart: the lower index wins
            float[] tie = x.clone();
            tie[5000] = tie[100000] = 100f;
            try (DeviceBuffer dt = DeviceBuffer.of(tie)) {
                gpu.argmaxPair(dt.address(), cols, out.address());
                assertEquals(5000, Float.floatToRawIntBits(out.downloadFloats(4, 1)[0]), "tie");
            }
            // a chained greedy step: the (position, token) pair the next step reads becomes (position + 1, winner)
            try (DeviceBuffer next = DeviceBuffer.of(new float[] {Float.intBitsToFloat(41), 0f})) {
                gpu.argmaxPair(dx.address(), cols, out.address(), next.address());
                float[] pair = next.downloadFloats(0, 2);
                assertEquals(42, Float.floatToRawIntBits(pair[0]), "next position");
                assertEquals(Float.floatToRawIntBits(out.downloadFloats(4, 1)[0]), Float.floatToRawIntBits(pair[1]), "next token = the winner");
            }
        }
    }

    /** Rows of 2, 4 and 16 values per thread; a lone row runs over as many blocks (rms_norm.cu's Share). */
    @ParameterizedTest
    @CsvSource({"2080, 2", "4096, 2", "16384, 2", "2080, 1", "4096, 1", "16384, 1"})
    void fusedQuantizationEqualsTheSeparateKernels(int cols, int n) {
        float[] x = random(r, n * cols, 2f), w = random(r, cols, 1f), u = random(r, n * cols, 1f);
        try (DeviceBuffer dx = DeviceBuffer.of(x); DeviceBuffer dw = DeviceBuffer.of(w); DeviceBuffer du = DeviceBuffer.of(u);
             DeviceBuffer y1 = DeviceBuffer.allocate(4L * n * cols); DeviceBuffer y2 = DeviceBuffer.allocate(4L * n * cols);
             DeviceBuffer s1 = DeviceBuffer.allocate(4L * n * cols); DeviceBuffer s2 = DeviceBuffer.allocate(4L * n * cols);
             Q8Input q1 = Q8Input.allocate((long) n * cols); Q8Input q2 = Q8Input.allocate((long) n * cols)) {
            for (int variant = 0; variant < 3; variant++) {
                if (variant == 0) {
                    gpu.rmsNorm(dx.address(), dw.address(), y1.address(), n, cols, 1e-5f);
                    gpu.rmsNormQ8(dx.address(), dw.address(), y2.address(), q2, n, cols, 1e-5f);
                } else if (variant == 1) {
                    gpu.swiglu(dx.address(), du.address(), y1.address(), (long) n * cols);
                    gpu.swigluQ8(dx.address(), du.address(), y2.address(), q2, (long) n * cols);
                } else {  // the residual add absorbed by the norm
                    gpu.add(dx.address(), du.address(), s1.address(), (long) n * cols);
                    gpu.rmsNorm(s1.address(), dw.address(), y1.address(), n, cols, 1e-5f);
                    gpu.addRmsNormQ8(dx.address(), du.address(), s2.address(), dw.address(), y2.address(), q2, n, cols, 1e-5f);
                    assertArrayEquals(s1.downloadFloats(0, n * cols), s2.downloadFloats(0, n * cols), "add_rms_norm_q8 sums");
                }
                gpu.quantizeQ8_1(y1.address(), q1, n, cols);
                String what = new String[] {"rms_norm_q8", "swiglu_q8", "add_rms_norm_q8"}[variant];
                assertArrayEquals(y1.downloadFloats(0, n * cols), y2.downloadFloats(0, n * cols), what + " values");
                assertArrayEquals(q1.quants().downloadInts(0, n * cols / 4), q2.quants().downloadInts(0, n * cols / 4), what + " quants");
                assertArrayEquals(q1.scales().downloadFloats(0, n * cols / 16), q2.scales().downloadFloats(0, n * cols / 16), what + " scales");
            }
        }
    }

    static void ropeRef(double[] v, int off, int hd, int nRot, boolean neox, double base, int p) {
        for (int i = 0; i < nRot / 2; i++) {
            double ang = p * Math.pow(base, -2.0 * i / nRot);
            int a = neox ? i : 2 * i, b = neox ? i + nRot / 2 : 2 * i + 1;
            double x0 = v[off + a], x1 = v[off + b];
            v[off + a] = x0 * Math.cos(ang) - x1 * Math.sin(ang);
            v[off + b] = x0 * Math.sin(ang) + x1 * Math.cos(ang);
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void ropeWritesRotatedKeysAndValuesToTheCache(boolean neox) {
        int n = 2, nHead = 8, nKv = 2, hd = 64, nRot = 64, pos0 = 1234, ctx = 1300;
        float[] q = random(r, n * nHead * hd, 1f), k = random(r, n * nKv * hd, 1f), v = random(r, n * nKv * hd, 1f);
        double[] qw = toDouble(q), kw = toDouble(k);
        for (int t = 0; t < n; t++) {
            for (int h = 0; h < nHead; h++) ropeRef(qw, (t * nHead + h) * hd, hd, nRot, neox, 10000, pos0 + t);
            for (int h = 0; h < nKv; h++) ropeRef(kw, (t * nKv + h) * hd, hd, nRot, neox, 10000, pos0 + t);
        }
        long kvRow = (long) nKv * hd;
        try (DeviceBuffer dq = DeviceBuffer.of(q); DeviceBuffer dk = DeviceBuffer.of(k); DeviceBuffer dv = DeviceBuffer.of(v);
             DeviceBuffer kc = DeviceBuffer.allocate(2 * ctx * kvRow); DeviceBuffer vc = DeviceBuffer.allocate(2 * ctx * kvRow);
             DeviceBuffer pos = DeviceBuffer.of(new int[] {pos0})) {
            gpu.ropeKv(dq.address(), dk.address(), dv.address(), kc.address(), vc.address(), pos.address(), n, nHead, nKv, hd, nRot, neox, 10000f, 0L);
            assertClose(qw, dq.downloadFloats(0, q.length), 1e-3, "rope q (float angles, as llama.cpp)");
            float[] kCached = halves(kc, pos0 * kvRow, n * (int) kvRow), vCached = halves(vc, pos0 * kvRow, n * (int) kvRow);
            assertClose(kw, kCached, 1e-3, "k cache (f16)");
            assertClose(toDouble(v), vCached, 1e-3, "v cache (f16)");
        }
    }

    static float[] halves(DeviceBuffer b, long offElems, int count) {
        int[] raw = b.downloadInts(2 * offElems, count / 2);
        float[] out = new float[count];
        for (int i = 0; i < raw.length; i++) {
            out[2 * i] = Fp16.toFloat((short) raw[i]);
            out[2 * i + 1] = Fp16.toFloat((short) (raw[i] >>> 16));
        }
        return out;
    }

    /**
     * Batches (n = 3) and single tokens, which take attn_split_token (head sizes 64, 128 and 256 load the cache in one
     * batch, others as batches do); the newest rows end mid-chunk, cross a chunk or start one. The combine pass takes up
     * to 16 splits in one batch (1024 positions, the case at 1000) and more in its loops (1100).
     */
    @ParameterizedTest
    @CsvSource({"8, 700, 3", "64, 700, 3", "128, 700, 3", "128, 62, 3", "8, 700, 1", "64, 700, 1", "128, 700, 1",
                "256, 700, 1", "80, 700, 1", "128, 0, 1", "128, 63, 1", "128, 64, 1", "128, 1000, 1", "128, 1100, 1", "128, 1100, 3"})
    void splitKAttentionIsCausalWithGqa(int hd, int pos0, int n) {
        int nHead = 8, nKv = 2, kvLen = pos0 + n, splits = CudaBackend.attentionSplits(kvLen) + 1;
        float scale = (float) (1 / Math.sqrt(hd));
        float[] q = random(r, n * nHead * hd, 1f);
        short[] kc = new short[kvLen * nKv * hd], vc = new short[kvLen * nKv * hd];
        for (int i = 0; i < kc.length; i++) { kc[i] = Fp16.fromFloat((float) r.nextGaussian()); vc[i] = Fp16.fromFloat((float) r.nextGaussian()); }
        double[] want = new double[n * nHead * hd];
        for (int t = 0; t < n; t++)
            for (int h = 0; h < nHead; h++) {
                int kvh = h / (nHead / nKv), len = pos0 + t + 1;
                double[] s = new double[len];
                double m = Double.NEGATIVE_INFINITY, z = 0;
                for (int p = 0; p < len; p++) {
                    for (int d = 0; d < hd; d++) s[p] += (double) q[(t * nHead + h) * hd + d] * Fp16.toFloat(kc[(p * nKv + kvh) * hd + d]);
                    s[p] *= scale;
                    m = Math.max(m, s[p]);
                }
                for (int p = 0; p < len; p++) z += s[p] = Math.exp(s[p] - m);
                for (int p = 0; p < len; p++)
                    for (int d = 0; d < hd; d++) want[(t * nHead + h) * hd + d] += s[p] / z * Fp16.toFloat(vc[(p * nKv + kvh) * hd + d]);
            }
        try (DeviceBuffer dq = DeviceBuffer.of(q); DeviceBuffer dk = DeviceBuffer.of(packHalves(kc)); DeviceBuffer dv = DeviceBuffer.of(packHalves(vc));
             DeviceBuffer out = DeviceBuffer.allocate(4L * want.length); DeviceBuffer pos = DeviceBuffer.of(new int[] {pos0});
             AttentionScratch s = AttentionScratch.allocate(n, nHead, splits, hd);
             DeviceBuffer out2 = DeviceBuffer.allocate(4L * want.length);
             Q8Input q1 = Q8Input.allocate(want.length); Q8Input q2 = Q8Input.allocate(want.length)) {
            out.fill((byte) 0x7f);
            gpu.attention(dq.address(), dk.address(), dv.address(), out.address(), pos.address(), s, n, nHead, nKv, hd, splits, scale, null);
            assertClose(want, out.downloadFloats(0, want.length), 1e-4, "attention hd=" + hd + " pos0=" + pos0 + " n=" + n);
            if (hd % 32 == 0) {  // the combine pass that also quantizes equals the plain one and the separate quantization
                gpu.attention(dq.address(), dk.address(), dv.address(), out2.address(), pos.address(), s, n, nHead, nKv, hd, splits, scale, q2);
                gpu.quantizeQ8_1(out.address(), q1, n, nHead * hd);
                assertArrayEquals(out.downloadFloats(0, want.length), out2.downloadFloats(0, want.length), "attn_combine_q8 values");
                assertArrayEquals(q1.quants().downloadInts(0, want.length / 4), q2.quants().downloadInts(0, want.length / 4), "attn_combine_q8 quants");
                assertArrayEquals(q1.scales().downloadFloats(0, want.length / 16), q2.scales().downloadFloats(0, want.length / 16), "attn_combine_q8 scales");
            }
        }
    }

    /**
     * A decode token's attention that ropes q and k and writes the cache itself gives rope_kv + attn_split_token's bits:
     * the output, its q8_1 form and the new cache row. Adjacent and neox pairs, a partial rope with llama3's freq
     * factors, head sizes 64 to 256, the newest position first, last and mid-way in its chunk.
     */
    @ParameterizedTest
    @CsvSource({"128, 128, false, false, 700", "128, 128, true, false, 700", "64, 64, false, false, 0", "64, 32, true, true, 63",
                "128, 64, false, true, 64", "256, 256, false, false, 130", "128, 128, false, true, 1"})
    void ropingAttentionEqualsRopeKvThenAttention(int hd, int nRot, boolean neox, boolean factors, int pos0) {
        int nHead = 8, nKv = 2, ctx = pos0 + 70, splits = CudaBackend.attentionSplits(ctx);
        float scale = (float) (1 / Math.sqrt(hd)), base = 500000f;
        float[] q = random(r, nHead * hd, 1f), k = random(r, nKv * hd, 1f), v = random(r, nKv * hd, 1f);
        float[] ff = new float[nRot / 2];
        for (int i = 0; i < ff.length; i++) ff[i] = 1f + i % 7;
        short[] cache = new short[ctx * nKv * hd];
        for (int i = 0; i < pos0 * nKv * hd; i++) cache[i] = Fp16.fromFloat((float) r.nextGaussian());
        int n = nHead * hd, rowOff = pos0 * nKv * hd;
        try (DeviceBuffer pos = DeviceBuffer.of(new int[] {pos0}); DeviceBuffer f = DeviceBuffer.of(ff);
             AttentionScratch s = AttentionScratch.allocate(1, nHead, splits, hd);
             DeviceBuffer q1 = DeviceBuffer.of(q); DeviceBuffer k1 = DeviceBuffer.of(k); DeviceBuffer v1 = DeviceBuffer.of(v);
             DeviceBuffer kc1 = DeviceBuffer.of(packHalves(cache)); DeviceBuffer vc1 = DeviceBuffer.of(packHalves(cache));
             DeviceBuffer out1 = DeviceBuffer.allocate(4L * n); Q8Input x1 = Q8Input.allocate(n);
             DeviceBuffer q2 = DeviceBuffer.of(q); DeviceBuffer k2 = DeviceBuffer.of(k); DeviceBuffer v2 = DeviceBuffer.of(v);
             DeviceBuffer kc2 = DeviceBuffer.of(packHalves(cache)); DeviceBuffer vc2 = DeviceBuffer.of(packHalves(cache));
             DeviceBuffer out2 = DeviceBuffer.allocate(4L * n); Q8Input x2 = Q8Input.allocate(n)) {
            long factorsAt = factors ? f.address() : 0L;
            gpu.ropeKv(q1.address(), k1.address(), v1.address(), kc1.address(), vc1.address(), pos.address(), 1, nHead, nKv, hd, nRot, neox, base, factorsAt);
            gpu.attention(q1.address(), kc1.address(), vc1.address(), out1.address(), pos.address(), s, 1, nHead, nKv, hd, splits, scale, x1);
            gpu.attentionRoped(q2.address(), k2.address(), v2.address(), kc2.address(), vc2.address(), out2.address(), pos.address(), s,
                    nHead, nKv, hd, splits, scale, x2, nRot, neox, base, factorsAt);
            String what = "hd=" + hd + " nRot=" + nRot + " neox=" + neox + " pos0=" + pos0 + ": ";
            assertArrayEquals(out1.downloadFloats(0, n), out2.downloadFloats(0, n), what + "output");
            assertArrayEquals(x1.quants().downloadInts(0, n / 4), x2.quants().downloadInts(0, n / 4), what + "output quants");
            assertArrayEquals(kc1.downloadInts(2L * rowOff, nKv * hd / 2), kc2.downloadInts(2L * rowOff, nKv * hd / 2), what + "cached key");
            assertArrayEquals(vc1.downloadInts(2L * rowOff, nKv * hd / 2), vc2.downloadInts(2L * rowOff, nKv * hd / 2), what + "cached value");
            assertArrayEquals(q, q2.downloadFloats(0, n), what + "q stays as the projection wrote it");
        }
    }

    static int[] packHalves(short[] h) {
        int[] out = new int[(h.length + 1) / 2];
        for (int i = 0; i < h.length; i++) out[i / 2] |= (h[i] & 0xffff) << (16 * (i % 2));
        return out;
    }

    @Test
    void moeRoutingAndCombine() {
        int n = 5, nExpert = 8, k = 2, cols = 96;
        float[] logits = random(r, n * nExpert, 1f), y = random(r, n * k * cols, 1f), base = random(r, n * cols, 1f);
        int[] wantIds = new int[n * k];
        double[] wantW = new double[n * k], wantOut = toDouble(base);
        for (int t = 0; t < n; t++) {
            boolean[] taken = new boolean[nExpert];
            double z = 0;
            for (int j = 0; j < k; j++) {
                int best = -1;
                for (int e = 0; e < nExpert; e++) if (!taken[e] && (best < 0 || logits[t * nExpert + e] > logits[t * nExpert + best])) best = e;
                taken[best] = true;
                wantIds[t * k + j] = best;
                z += wantW[t * k + j] = Math.exp(logits[t * nExpert + best]);
            }
            for (int j = 0; j < k; j++) wantW[t * k + j] /= z;
            for (int c = 0; c < cols; c++)
                for (int j = 0; j < k; j++) wantOut[t * cols + c] += wantW[t * k + j] * y[(t * k + j) * cols + c];
        }
        try (DeviceBuffer dl = DeviceBuffer.of(logits); DeviceBuffer pairs = DeviceBuffer.allocate(8L * n * k);
             DeviceBuffer ids = DeviceBuffer.allocate(4L * n * k); DeviceBuffer dy = DeviceBuffer.of(y); DeviceBuffer out = DeviceBuffer.of(base)) {
            gpu.moeTopK(dl.address(), pairs.address(), n, nExpert, k, true);
            gpu.moeIds(pairs.address(), ids.address(), n * k);
            assertArrayEquals(wantIds, ids.downloadInts(0, n * k), "top-k experts");
            float[] p = pairs.downloadFloats(0, 2 * n * k), w = new float[n * k];
            for (int i = 0; i < w.length; i++) w[i] = p[2 * i + 1];
            assertClose(wantW, w, 1e-5, "routing weights");
            gpu.moeCombine(dy.address(), pairs.address(), out.address(), n, k, cols, true);
            assertClose(wantOut, out.downloadFloats(0, n * cols), 1e-5, "moe combine");
        }
    }
}
