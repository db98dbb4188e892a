package dev.splitscope.engine.backend.cuda;

/**
 * The CUDA backend's on/off switches for side-by-side runs: {@code -Dsplitscope.cuda.NAME=false} turns one off, and
 * anything else (or nothing) leaves it on. Read once, when the class that holds the switch loads.
 */
final class CudaSwitch {
    private CudaSwitch() {}

    static boolean on(String name) {
        return !"false".equals(System.getProperty("splitscope.cuda." + name));
    }
}
