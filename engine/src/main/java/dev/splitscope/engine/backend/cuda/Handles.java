package dev.splitscope.engine.backend.cuda;

import jcuda.NativePointerObject;

import java.lang.reflect.Method;

/** Raw addresses of JCuda handles (streams, device pointers), for kernel arguments and the FFM libraries. */
final class Handles {
    private static final Method NATIVE_POINTER;

    static {
        try {
            NATIVE_POINTER = NativePointerObject.class.getDeclaredMethod("getNativePointer");
            NATIVE_POINTER.setAccessible(true);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private Handles() {}

    static long address(NativePointerObject o) {
        try {
            return (long) NATIVE_POINTER.invoke(o);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot read a JCuda handle's address", e);
        }
    }
}
