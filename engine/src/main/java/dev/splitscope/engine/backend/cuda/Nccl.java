package dev.splitscope.engine.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * NCCL through FFM (libnccl.so.2, found at run time): one communicator per GPU of a single process
 * ({@code ncclCommInitAll}) and the f32 sum all-reduce the tensor-parallel executor needs, queued on a CUDA stream.
 */
final class Nccl {
    private static final int FLOAT32 = 7, SUM = 0;
    private static volatile Nccl instance;

    private final MethodHandle initAll, allReduce, destroy, abort, errorString;
    private final String version;

    private Nccl(SymbolLookup lib) throws Throwable {
        Linker l = Linker.nativeLinker();
        initAll = l.downcallHandle(lib.find("ncclCommInitAll").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, ADDRESS));
        allReduce = l.downcallHandle(lib.find("ncclAllReduce").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
        destroy = l.downcallHandle(lib.find("ncclCommDestroy").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        abort = l.downcallHandle(lib.find("ncclCommAbort").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        errorString = l.downcallHandle(lib.find("ncclGetErrorString").orElseThrow(), FunctionDescriptor.of(ADDRESS, JAVA_INT));
        MethodHandle getVersion = l.downcallHandle(lib.find("ncclGetVersion").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        try (Arena a = Arena.ofConfined()) {
            MemorySegment v = a.allocate(JAVA_INT);
            check((int) getVersion.invokeExact(v), "ncclGetVersion");
            int code = v.get(JAVA_INT, 0);  // e.g. 22105 = 2.21.5
            version = code / 10000 + "." + code / 100 % 100 + "." + code % 100;
        }
    }

    /** The loaded library, or empty (with what was tried in {@code why}) when there is none. */
    static Optional<Nccl> load(List<String> why) {
        if (instance != null) return Optional.of(instance);
        synchronized (Nccl.class) {
            if (instance != null) return Optional.of(instance);
            Optional<SymbolLookup> lib = NativeLibraries.find(Arena.global(), List.of("libnccl.so.2", "libnccl.so"), why);
            if (lib.isEmpty()) return Optional.empty();
            try {
                instance = new Nccl(lib.get());
            } catch (Throwable t) {
                why.add("libnccl loaded but unusable: " + t);
                return Optional.empty();
            }
            return Optional.of(instance);
        }
    }

    String version() {
        return version;
    }

    /** One communicator per listed GPU ordinal (distinct GPUs: NCCL refuses two ranks on one GPU). */
    MemorySegment[] initAll(int[] ordinals) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment comms = a.allocate(ADDRESS, ordinals.length);
            MemorySegment devs = a.allocateFrom(JAVA_INT, ordinals);
            check((int) initAll.invokeExact(comms, ordinals.length, devs), "ncclCommInitAll");
            MemorySegment[] out = new MemorySegment[ordinals.length];
            for (int i = 0; i < out.length; i++) out[i] = comms.getAtIndex(ADDRESS, i);
            return out;
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("ncclCommInitAll failed", t);
        }
    }

    /** dst[i] = sum over ranks of src[i], i < count, queued on {@code stream} (a CUstream address). */
    void allReduceSum(long src, long dst, long count, MemorySegment comm, long stream) {
        try {
            check((int) allReduce.invokeExact(MemorySegment.ofAddress(src), MemorySegment.ofAddress(dst), count, FLOAT32, SUM,
                    comm, MemorySegment.ofAddress(stream)), "ncclAllReduce");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("ncclAllReduce failed", t);
        }
    }

    void destroy(MemorySegment comm) {
        release(destroy, comm, "ncclCommDestroy");
    }

    /** Like destroy, but first makes this communicator's kernels that are still waiting for peers give up. */
    void abort(MemorySegment comm) {
        release(abort, comm, "ncclCommAbort");
    }

    private void release(MethodHandle call, MemorySegment comm, String name) {
        try {
            int rc = (int) call.invokeExact(comm);
            if (rc != 0) System.getLogger("splitscope").log(System.Logger.Level.WARNING, name + ": " + message(rc));
        } catch (Throwable t) {
            throw new IllegalStateException(name + " failed", t);
        }
    }

    private void check(int rc, String call) {
        if (rc != 0) throw new IllegalStateException(call + " failed: " + message(rc) + " (ncclResult " + rc + ")");
    }

    private String message(int rc) {
        try {
            return ((MemorySegment) errorString.invokeExact(rc)).reinterpret(256).getString(0);
        } catch (Throwable t) {
            return "error " + rc;
        }
    }
}
