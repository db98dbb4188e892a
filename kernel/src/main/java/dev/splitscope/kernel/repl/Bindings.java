package dev.splitscope.kernel.repl;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The hand-off point between magics and JShell: a magic puts an object here under a unique key and JShell declares
 * {@code var name = (Type) Bindings.get(key);}. Static because snippet code can only reach objects through classes.
 */
public final class Bindings {
    private static final Map<String, Object> VALUES = new ConcurrentHashMap<>();

    private Bindings() {}

    /** The object bound under {@code key}; JShell calls this, once per binding. */
    public static Object get(String key) {
        Object v = VALUES.remove(key);
        if (v == null) throw new IllegalStateException("no object is bound under " + key);
        return v;
    }

    static void put(String key, Object value) {
        VALUES.put(key, value);
    }

    static void discard(String key) {
        VALUES.remove(key);
    }
}
