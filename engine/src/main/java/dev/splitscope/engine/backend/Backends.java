package dev.splitscope.engine.backend;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/** The backends on the class path, found through ServiceLoader (no class-path scanning, no Class.forName). */
public final class Backends {
    private Backends() {}

    public static List<Backend> all() {
        List<Backend> out = new ArrayList<>();
        for (Backend b : ServiceLoader.load(Backend.class, Backends.class.getClassLoader())) out.add(b);
        return out;
    }

    /** The backend serving {@code kind}, available or not; an error lists the known kinds. */
    public static Backend byKind(String kind) {
        List<Backend> all = all();
        for (Backend b : all) if (b.kind().equals(kind)) return b;
        throw new IllegalArgumentException("no backend for device kind '" + kind + "'; known: "
                + String.join(", ", all.stream().map(Backend::kind).toList()));
    }

    /** The backend for {@code kind}, failing with its reason when it cannot run here. */
    public static Backend require(String kind) {
        Backend b = byKind(kind);
        if (!b.available()) throw new IllegalStateException("the " + kind + " backend is unavailable: " + b.unavailableReason());
        return b;
    }
}
