package dev.splitscope.engine.backend.cuda;

import dev.splitscope.engine.quant.QuantType;

/**
 * The Q4_0 / Q8_0 decode matvec kernels (matvec_q4_0.cu, matvec_q8_0.cu), chosen by -Dsplitscope.cuda.matvec=NAME
 * and measured side by side by CudaBench. All do the same integer dp4a math on q8_1 activations. rN: each warp
 * computes N consecutive rows, so one activation load serves N rows of weights; uN: each lane loads N 16-byte
 * weight chunks of every row before its math (more loads in flight); sN: rN with the activations staged in shared
 * memory, 4096 columns at a time; a final p: the next step's weights are loaded before this step's math
 * (software pipelining). BASE is the original kernel: one row per warp, its loop unrolled by the compiler.
 */
enum MatvecVariant {
    BASE(1, null, null),
    U4(1, Kernel.MATVEC_Q4_0_U4, Kernel.MATVEC_Q8_0_U4),
    R2U2(2, Kernel.MATVEC_Q4_0_R2U2, Kernel.MATVEC_Q8_0_R2U2),
    R4(4, Kernel.MATVEC_Q4_0_R4, Kernel.MATVEC_Q8_0_R4),
    R4U2(4, Kernel.MATVEC_Q4_0_R4U2, Kernel.MATVEC_Q8_0_R4U2),
    R8(8, Kernel.MATVEC_Q4_0_R8, Kernel.MATVEC_Q8_0_R8),
    S4(4, Kernel.MATVEC_Q4_0_S4, Kernel.MATVEC_Q8_0_S4),
    S4U2(4, Kernel.MATVEC_Q4_0_S4U2, Kernel.MATVEC_Q8_0_S4U2),
    R2U2P(2, Kernel.MATVEC_Q4_0_R2U2P, Kernel.MATVEC_Q8_0_R2U2P),
    R4P(4, Kernel.MATVEC_Q4_0_R4P, Kernel.MATVEC_Q8_0_R4P),
    S4P(4, Kernel.MATVEC_Q4_0_S4P, Kernel.MATVEC_Q8_0_S4P);

    /** Q4_0 matrices up to this many columns (llama3-8b's q, k, v, o, gate and up) run r4p, wider ones r2u2. */
    static final int Q4_0_NARROW_COLS = 4096;

    /** {@link #Q4_0_NARROW_COLS}, or the line -Dsplitscope.cuda.r4pCols=N moves it to (to measure where it pays). */
    static int narrowColsFromProperty() {
        return CudaSwitch.number("r4pCols", Q4_0_NARROW_COLS, 0, "columns");
    }

    /**
     * Used when the property is not set: the fastest measured by CudaBench on an H200 (BENCHMARKS.md). Q8_0: r4p
     * (71.5 % of the roofline for the 8B chain, base 53.5 %). Q4_0 by width: 4096 columns r4p (8B gate+up 73.7 % of
     * copy bandwidth against r2u2's 69.3 %), wider r2u2 (8B's 14336-column down 73.2 % against 69.4 %, the 70B chain,
     * 8192 columns and wider, 82.6 % against 78.7 %). narrowCols: {@link #Q4_0_NARROW_COLS}, or what
     * -Dsplitscope.cuda.r4pCols says.
     */
    static MatvecVariant defaultFor(QuantType t, int cols, int narrowCols) {
        if (t == QuantType.Q8_0) return R4P;
        return cols <= narrowCols ? R4P : R2U2;
    }

    /**
     * The default for a matvec launched behind a reduction that lets it start while the peers' rows arrive (a rank
     * of its own GPU): r4p at any width, as it loads its first weights in that window. 70B Q4_0 over two H200s
     * (q, k, v, gate, up and the head, 8192 columns): 152.5 and 152.2 tok/s against 148.9 and 148.7 with r2u2; on one
     * GPU the same matrices lose with r4p (87.9 against 89.2 tok/s), their window being a short norm.
     */
    static MatvecVariant afterEarlyReduction(QuantType t, int cols, int narrowCols) {
        return t == QuantType.Q4_0 && R4P_AFTER_REDUCTION ? R4P : defaultFor(t, cols, narrowCols);
    }

    /** -Dsplitscope.cuda.r4pAfterReduction=false keeps the width rule behind reductions too (to measure it). */
    private static final boolean R4P_AFTER_REDUCTION = CudaSwitch.on("r4pAfterReduction");

    /** The defaults in words. */
    static String describeDefaults(int narrowCols) {
        return "Q4_0 r4p up to " + narrowCols + " columns, r2u2 wider" + (R4P_AFTER_REDUCTION ? " (r4p behind a reduction across GPUs)" : "")
                + "; Q8_0 r4p";
    }

    final int rowsPerWarp;
    private final Kernel q4, q8;

    MatvecVariant(int rowsPerWarp, Kernel q4, Kernel q8) {
        this.rowsPerWarp = rowsPerWarp;
        this.q4 = q4;
        this.q8 = q8;
    }

    Kernel kernel(QuantType t) {
        return t == QuantType.Q8_0 ? q8 : q4;
    }

    static MatvecVariant fromProperty() {
        String name = System.getProperty("splitscope.cuda.matvec");
        if (name == null || name.isBlank()) return null;
        try {
            return valueOf(name.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("-Dsplitscope.cuda.matvec=" + name + ": not one of "
                    + java.util.Arrays.toString(values()).toLowerCase(java.util.Locale.ROOT), e);
        }
    }
}
