package dev.splitscope.engine.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * NVRTC through FFM: compiles a kernel source with its headers into a cubin for one GPU architecture. Used only when
 * the build had no nvcc and so shipped no fatbin. Found as libnvrtc.so.13 or .12 at run time.
 */
final class Nvrtc {
    private final MethodHandle create, compile, cubinSize, getCubin, logSize, getLog, destroy;

    private Nvrtc(SymbolLookup lib) {
        Linker l = Linker.nativeLinker();
        create = l.downcallHandle(lib.find("nvrtcCreateProgram").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, JAVA_INT, ADDRESS, ADDRESS));
        compile = l.downcallHandle(lib.find("nvrtcCompileProgram").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        cubinSize = l.downcallHandle(lib.find("nvrtcGetCUBINSize").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getCubin = l.downcallHandle(lib.find("nvrtcGetCUBIN").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        logSize = l.downcallHandle(lib.find("nvrtcGetProgramLogSize").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        getLog = l.downcallHandle(lib.find("nvrtcGetProgramLog").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        destroy = l.downcallHandle(lib.find("nvrtcDestroyProgram").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));
    }

    /** Loads NVRTC or throws {@link CudaUnavailableException} naming the libraries tried. */
    static Nvrtc load() {
        List<String> tried = new ArrayList<>();
        SymbolLookup lib = NativeLibraries.find(Arena.global(), List.of("libnvrtc.so.13", "libnvrtc.so.12", "libnvrtc.so"), tried)
                .orElseThrow(() -> new CudaUnavailableException("no kernel fatbin in the jar and no NVRTC to compile the kernels (tried " + tried + ")"));
        return new Nvrtc(lib);
    }

    /** Compiles {@code source} (named {@code name}) for sm_{@code arch}; headers maps include names to their text. */
    byte[] compileCubin(String name, String source, Map<String, String> headers, int arch) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment progPtr = a.allocate(ADDRESS);
            int n = headers.size();
            MemorySegment hdrSrc = a.allocate(ADDRESS, Math.max(1, n)), hdrNames = a.allocate(ADDRESS, Math.max(1, n));
            int i = 0;
            for (var e : headers.entrySet()) {
                hdrNames.setAtIndex(ADDRESS, i, a.allocateFrom(e.getKey()));
                hdrSrc.setAtIndex(ADDRESS, i++, a.allocateFrom(e.getValue()));
            }
            check((int) create.invokeExact(progPtr, a.allocateFrom(source), a.allocateFrom(name), n, hdrSrc, hdrNames), "nvrtcCreateProgram", name);
            MemorySegment prog = progPtr.get(ADDRESS, 0);
            try {
                String[] opts = {"--gpu-architecture=sm_" + arch, "-default-device", "--use_fast_math", "-std=c++17"};
                MemorySegment optv = a.allocate(ADDRESS, opts.length);
                for (int k = 0; k < opts.length; k++) optv.setAtIndex(ADDRESS, k, a.allocateFrom(opts[k]));
                int rc = (int) compile.invokeExact(prog, opts.length, optv);
                if (rc != 0) throw new IllegalStateException("NVRTC could not compile " + name + " for sm_" + arch + ":\n" + log(a, prog));
                MemorySegment size = a.allocate(JAVA_LONG);
                check((int) cubinSize.invokeExact(prog, size), "nvrtcGetCUBINSize", name);
                MemorySegment out = a.allocate(size.get(JAVA_LONG, 0));
                check((int) getCubin.invokeExact(prog, out), "nvrtcGetCUBIN", name);
                return out.toArray(ValueLayout.JAVA_BYTE);
            } finally {
                check((int) destroy.invokeExact(progPtr), "nvrtcDestroyProgram", name);
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("NVRTC call failed for " + name, t);
        }
    }

    private String log(Arena a, MemorySegment prog) throws Throwable {
        MemorySegment size = a.allocate(JAVA_LONG);
        if ((int) logSize.invokeExact(prog, size) != 0) return "(no log)";
        MemorySegment buf = a.allocate(Math.max(1, size.get(JAVA_LONG, 0)));
        if ((int) getLog.invokeExact(prog, buf) != 0) return "(no log)";
        return buf.getString(0);
    }

    private static void check(int rc, String what, String name) {
        if (rc != 0) throw new IllegalStateException(what + " returned NVRTC error " + rc + " for " + name);
    }
}
