package dev.splitscope.engine.backend.cuda;

/**
 * The CUDA backend's settings for side-by-side runs: on/off switches ({@code -Dsplitscope.cuda.NAME=false} turns one
 * off, anything else or nothing leaves it on) and whole numbers. Read once, when the class that holds them loads.
 */
final class CudaSwitch {
    private CudaSwitch() {}

    static boolean on(String name) {
        return !"false".equals(System.getProperty("splitscope.cuda." + name));
    }

    /**
     * A whole-number setting {@code -Dsplitscope.cuda.NAME=N}: {@code unset} when absent; one below {@code min} or not
     * a number is refused, naming what it counts ({@code what}, e.g. "columns").
     */
    static int number(String name, int unset, int min, String what) {
        String v = System.getProperty("splitscope.cuda." + name);
        if (v == null) return unset;
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min) return n;
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("-Dsplitscope.cuda." + name + "=" + v + ": not a number of " + what + " (" + min + " or more)");
    }
}
