package dev.splitscope.engine.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.SymbolLookup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds CUDA's shared libraries (cuBLAS, NVRTC, NCCL) at run time for FFM: each candidate name is tried through the
 * dynamic loader first, then in the usual CUDA folders, so the same jar works with CUDA 13 or 12 and without either.
 */
final class NativeLibraries {
    private NativeLibraries() {}

    /** Folders tried after the loader's own search path, in order. */
    static List<Path> searchDirs() {
        List<Path> dirs = new ArrayList<>();
        for (String env : new String[] {"CUDA_HOME", "CUDA_PATH"}) {
            String v = System.getenv(env);
            if (v != null && !v.isBlank()) {
                dirs.add(Path.of(v, "lib64"));
                dirs.add(Path.of(v, "targets/x86_64-linux/lib"));
            }
        }
        for (String v : new String[] {"13.0", "13", "12.9", "12.8", "12.6", "12"}) dirs.add(Path.of("/usr/local/cuda-" + v, "targets/x86_64-linux/lib"));
        dirs.add(Path.of("/usr/local/cuda/lib64"));
        dirs.add(Path.of("/usr/local/cuda/targets/x86_64-linux/lib"));
        dirs.add(Path.of("/usr/lib/x86_64-linux-gnu"));
        return dirs;
    }

    /**
     * The first of {@code names} (e.g. libcublas.so.13, libcublas.so.12) that loads, bound to {@code arena}; empty
     * when none does. {@code tried} collects what was attempted, for the unavailable message.
     */
    static Optional<SymbolLookup> find(Arena arena, List<String> names, List<String> tried) {
        for (String name : names) {
            try {
                return Optional.of(SymbolLookup.libraryLookup(name, arena));
            } catch (IllegalArgumentException notOnLoaderPath) {
                tried.add(name);
            }
            for (Path dir : searchDirs()) {
                Path p = dir.resolve(name);
                if (!Files.isRegularFile(p)) continue;
                try {
                    return Optional.of(SymbolLookup.libraryLookup(p, arena));
                } catch (IllegalArgumentException e) {
                    tried.add(p + " (" + e.getMessage() + ")");
                }
            }
        }
        return Optional.empty();
    }
}
