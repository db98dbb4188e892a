package dev.splitscope.engine.backend.cuda;

import jcuda.NativePointerObject;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Kernel launches with programmatic dependent launch (Hopper on): {@code cuLaunchKernelEx} with the
 * programmatic-stream-serialization attribute lets a kernel be launched while the previous one in the stream
 * finishes; the kernel waits for it on entry with {@code pdl_wait} (common.cuh). Captured into a decode graph, the
 * attribute becomes a programmatic edge, which hides most of the gap between two kernels.
 *
 * <p>JCuda 12.6 has no binding for cuLaunchKernelEx, so it is called through FFM on libcuda, with the function and
 * stream handles JCuda holds. Off with {@code -Dsplitscope.cuda.pdl=false} (to measure what it gains).
 * Only kernels captured into a graph launch this way (KernelLibrary).
 */
final class PdlLaunch {
    static final boolean ENABLED = CudaSwitch.on("pdl");
    private static final int ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION = 6;
    /** CUlaunchConfig: grid and block dims and shared bytes (7 uints), stream, attribute pointer, attribute count. */
    private static final long CONFIG_BYTES = 56, ATTRIBUTE_BYTES = 72;

    private static final MethodHandle LAUNCH_EX;
    private static final Method NATIVE_POINTER;
    private static final String UNAVAILABLE;

    static {
        MethodHandle h = null;
        Method m = null;
        String why = null;
        try {
            SymbolLookup cuda = SymbolLookup.libraryLookup("libcuda.so.1", Arena.global());
            h = Linker.nativeLinker().downcallHandle(cuda.find("cuLaunchKernelEx").orElseThrow(),
                    FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
            m = NativePointerObject.class.getDeclaredMethod("getNativePointer");
            m.setAccessible(true);
        } catch (Throwable t) {  // no driver, an old one without the symbol, or a sealed JCuda
            why = t.toString();
        }
        LAUNCH_EX = h;
        NATIVE_POINTER = m;
        UNAVAILABLE = why;
    }

    private PdlLaunch() {}

    /** True when kernels on a device of this compute capability launch this way. */
    static boolean usable(int computeCapability) {
        return ENABLED && UNAVAILABLE == null && computeCapability >= 90;
    }

    /** Why PDL is not used (null when it is available). */
    static String unavailableReason() {
        return UNAVAILABLE;
    }

    /** Launches {@code f} on {@code stream} with the attribute. */
    static void launch(NativePointerObject f, int gx, int gy, int gz, int bx, int by, NativePointerObject stream,
                       String name, KernelArg[] args) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTRIBUTE_BYTES, 8);
            attr.set(JAVA_INT, 0, ATTRIBUTE_PROGRAMMATIC_STREAM_SERIALIZATION);
            attr.set(JAVA_INT, 8, 1);  // programmaticStreamSerializationAllowed
            MemorySegment config = arena.allocate(CONFIG_BYTES, 8);
            int[] dims = {gx, gy, gz, bx, by, 1, 0};
            for (int i = 0; i < dims.length; i++) config.set(JAVA_INT, 4L * i, dims[i]);
            config.set(JAVA_LONG, 32, handle(stream));
            config.set(ADDRESS, 40, attr);
            config.set(JAVA_INT, 48, 1);
            MemorySegment values = arena.allocate(8L * Math.max(1, args.length), 8);
            MemorySegment params = arena.allocate(ADDRESS, Math.max(1, args.length));
            for (int i = 0; i < args.length; i++) {
                MemorySegment slot = values.asSlice(8L * i, 8);
                if (args[i].wide()) slot.set(JAVA_LONG, 0, args[i].bits());
                else slot.set(JAVA_INT, 0, (int) args[i].bits());
                params.setAtIndex(ADDRESS, i, slot);
            }
            int rc = (int) LAUNCH_EX.invokeExact(config, MemorySegment.ofAddress(handle(f)), params, MemorySegment.NULL);
            if (rc != 0) throw new jcuda.CudaException("cuLaunchKernelEx(" + name + ") failed: " + jcuda.driver.CUresult.stringFor(rc));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("cuLaunchKernelEx(" + name + "): " + t, t);
        }
    }

    private static long handle(NativePointerObject o) throws ReflectiveOperationException {
        return (long) NATIVE_POINTER.invoke(o);
    }
}
