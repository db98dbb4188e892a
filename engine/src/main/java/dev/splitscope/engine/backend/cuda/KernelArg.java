package dev.splitscope.engine.backend.cuda;

/**
 * One kernel argument as the bytes the kernel reads: a pointer or a long is 8 bytes ({@code wide}), an int or a float
 * 4 (the float's bits). Both launch paths (JCuda's cuLaunchKernel and PdlLaunch) and the launch signatures of the
 * decode graphs use this one conversion.
 */
record KernelArg(long bits, boolean wide) {

    /** {@code args}: DeviceBuffer, Long, Integer, Float or null (a null pointer). */
    static KernelArg[] of(String kernel, Object[] args) {
        KernelArg[] out = new KernelArg[args.length];
        for (int i = 0; i < args.length; i++) {
            out[i] = switch (args[i]) {
                case null -> new KernelArg(0L, true);
                case DeviceBuffer b -> new KernelArg(b.address(), true);
                case Long v -> new KernelArg(v, true);
                case Integer v -> new KernelArg(v, false);
                case Float v -> new KernelArg(Float.floatToRawIntBits(v), false);
                default -> throw new IllegalArgumentException(kernel + " argument " + i + ": unsupported type " + args[i].getClass().getSimpleName());
            };
        }
        return out;
    }
}
