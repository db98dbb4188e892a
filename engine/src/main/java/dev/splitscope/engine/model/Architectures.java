package dev.splitscope.engine.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.ServiceLoader;

/** The architectures on the class path, found through ServiceLoader. */
public final class Architectures {
    private static final Map<String, Architecture> KNOWN = load();

    private Architectures() {}

    private static Map<String, Architecture> load() {
        Map<String, Architecture> m = new LinkedHashMap<>();
        for (Architecture a : ServiceLoader.load(Architecture.class, Architectures.class.getClassLoader())) m.put(a.name(), a);
        return m;
    }

    /** The architecture named {@code name}, or an error that lists the supported ones. */
    public static Architecture forName(String name) {
        Architecture a = KNOWN.get(name);
        if (a == null)
            throw new IllegalArgumentException("architecture '" + name + "' is not supported; supported: " + String.join(", ", KNOWN.keySet()));
        return a;
    }

    public static Iterable<String> names() {
        return KNOWN.keySet();
    }
}
