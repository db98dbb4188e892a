package dev.splitscope.engine.runtime;

import dev.splitscope.engine.quant.Bf16;
import dev.splitscope.engine.quant.Fp16;

/** The type partial sums travel in between tensor-parallel devices. Rounding models the precision lost on the wire. */
public enum ReduceType {
    F32(4), F16(2), BF16(2);

    public final int bytes;

    ReduceType(int bytes) {
        this.bytes = bytes;
    }

    /** The value as it arrives after travelling in this type. */
    public float round(float v) {
        return switch (this) {
            case F32 -> v;
            case F16 -> Fp16.round(v);
            case BF16 -> Bf16.round(v);
        };
    }

    public static ReduceType parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown reduce type '" + s + "'; use f32, f16 or bf16");
        }
    }
}
