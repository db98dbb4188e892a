package dev.splitscope.engine.backend.cuda;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.util.ArrayList;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * cuBLAS through FFM (libcublas.so.13 or .12, found at run time): one handle bound to one stream, and the single
 * call the prompt path needs, {@code cublasGemmEx} on f16 operands with f32 accumulation and output.
 */
final class Cublas implements AutoCloseable {
    static final int OP_N = 0, OP_T = 1;
    static final int R_32F = 0, R_16F = 2, R_16BF = 14;
    static final int COMPUTE_32F = 68;
    static final int GEMM_DEFAULT = -1;

    private final Arena arena = Arena.ofShared();
    private final MethodHandle gemmEx, destroy;
    private final MemorySegment handle;
    private final MemorySegment alpha, beta0, beta1;

    private Cublas(SymbolLookup lib, long stream) throws Throwable {
        Linker l = Linker.nativeLinker();
        MethodHandle create = l.downcallHandle(lib.find("cublasCreate_v2").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MethodHandle setStream = l.downcallHandle(lib.find("cublasSetStream_v2").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));
        gemmEx = l.downcallHandle(lib.find("cublasGemmEx").orElseThrow(), FunctionDescriptor.of(JAVA_INT,
                ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT,
                ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT));
        destroy = l.downcallHandle(lib.find("cublasDestroy_v2").orElseThrow(), FunctionDescriptor.of(JAVA_INT, ADDRESS));
        MemorySegment hp = arena.allocate(ADDRESS);
        check((int) create.invokeExact(hp), "cublasCreate_v2");
        handle = hp.get(ADDRESS, 0);
        check((int) setStream.invokeExact(handle, MemorySegment.ofAddress(stream)), "cublasSetStream_v2");
        alpha = arena.allocateFrom(JAVA_FLOAT, 1f);
        beta0 = arena.allocateFrom(JAVA_FLOAT, 0f);
        beta1 = arena.allocateFrom(JAVA_FLOAT, 1f);
    }

    /** A handle on {@code stream} (a CUstream address), or {@link CudaUnavailableException} when cuBLAS is absent. */
    static Cublas open(long stream) {
        List<String> tried = new ArrayList<>();
        Arena g = Arena.global();
        // cuBLAS needs cuBLASLt of the same version; loading it first lets the loader resolve it by soname.
        NativeLibraries.find(g, List.of("libcublasLt.so.13"), tried);
        SymbolLookup lib = NativeLibraries.find(g, List.of("libcublas.so.13", "libcublas.so.12", "libcublas.so"), tried)
                .orElseThrow(() -> new CudaUnavailableException("cuBLAS not found (tried " + tried + ")"));
        try {
            return new Cublas(lib, stream);
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cuBLAS initialisation failed", t);
        }
    }

    /**
     * y[n][m] (+)= x[n][k] . w[m][k]^T with w and x f16 row-major and y f32 row-major: in cuBLAS's column-major
     * terms C(m x n) = op_T(A: k x m) * B(k x n).
     */
    void gemmF16(long w, long x, long y, int m, int n, int k, boolean accumulate) {
        // a local, not a conditional expression: invokeExact types a conditional argument as Object
        MemorySegment beta = accumulate ? beta1 : beta0;
        try {
            int rc = (int) gemmEx.invokeExact(handle, OP_T, OP_N, m, n, k, alpha,
                    MemorySegment.ofAddress(w), R_16F, k, MemorySegment.ofAddress(x), R_16F, k,
                    beta, MemorySegment.ofAddress(y), R_32F, m, COMPUTE_32F, GEMM_DEFAULT);
            check(rc, "cublasGemmEx(m=" + m + ", n=" + n + ", k=" + k + ")");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cublasGemmEx failed", t);
        }
    }

    @Override
    public void close() {
        try {
            check((int) destroy.invokeExact(handle), "cublasDestroy_v2");
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        } finally {
            arena.close();
        }
    }

    private static void check(int status, String what) {
        if (status != 0) throw new IllegalStateException(what + " returned cuBLAS status " + status);
    }
}
