package dev.splitscope.engine.quant;

import java.util.HashMap;
import java.util.Map;

/**
 * Every tensor type GGML defines, with its GGUF type id and block facts. Names equal GGML's so that
 * a type read from a file prints as llama.cpp prints it. Ids that GGML removed (4, 5, 31-33, 36-38) are absent.
 */
public enum QuantType {
    F32(0, 1, 4),
    F16(1, 1, 2),
    Q4_0(2, 32, 18),
    Q4_1(3, 32, 20),
    Q5_0(6, 32, 22),
    Q5_1(7, 32, 24),
    Q8_0(8, 32, 34),
    Q8_1(9, 32, 36),
    Q2_K(10, 256, 84),
    Q3_K(11, 256, 110),
    Q4_K(12, 256, 144),
    Q5_K(13, 256, 176),
    Q6_K(14, 256, 210),
    Q8_K(15, 256, 292),
    IQ2_XXS(16, 256, 66),
    IQ2_XS(17, 256, 74),
    IQ3_XXS(18, 256, 98),
    IQ1_S(19, 256, 50),
    IQ4_NL(20, 32, 18),
    IQ3_S(21, 256, 110),
    IQ2_S(22, 256, 82),
    IQ4_XS(23, 256, 136),
    I8(24, 1, 1),
    I16(25, 1, 2),
    I32(26, 1, 4),
    I64(27, 1, 8),
    F64(28, 1, 8),
    IQ1_M(29, 256, 56),
    BF16(30, 1, 2),
    TQ1_0(34, 256, 54),
    TQ2_0(35, 256, 66),
    MXFP4(39, 32, 17);

    private static final Map<Integer, QuantType> BY_ID = new HashMap<>();

    static {
        for (QuantType t : values()) BY_ID.put(t.id, t);
    }

    /** GGUF/GGML type id. */
    public final int id;
    /** Elements per block (1 for plain types). */
    public final int blockSize;
    /** Bytes per block. */
    public final int blockBytes;

    QuantType(int id, int blockSize, int blockBytes) {
        this.id = id;
        this.blockSize = blockSize;
        this.blockBytes = blockBytes;
    }

    /** The type with this GGML id, or null when the id is unknown. */
    public static QuantType byId(int id) {
        return BY_ID.get(id);
    }

    /** Bytes needed for {@code elements} values; elements must be a multiple of the block size. */
    public long bytesFor(long elements) {
        if (elements % blockSize != 0)
            throw new IllegalArgumentException(name() + " needs a multiple of " + blockSize + " elements, got " + elements);
        return Math.multiplyExact(elements / blockSize, (long) blockBytes);
    }

    /** True for block-quantized types (not plain floats or ints). */
    public boolean isQuantized() {
        return blockSize > 1;
    }

    /** Bits per weight, for tables. */
    public double bitsPerWeight() {
        return 8.0 * blockBytes / blockSize;
    }
}
