package dev.splitscope.kernel.core;

import dev.splitscope.kernel.spi.Magic;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.MagicProvider;
import dev.splitscope.kernel.spi.MimeBundle;
import dev.splitscope.kernel.spi.ObjectRenderer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The magics and renderers of all loaded providers, by name. A provider loaded later replaces a magic of the same
 * name (so a plugin can override a built-in), and its renderers are tried first.
 */
public final class MagicRegistry {
    private final Map<String, Magic> magics = new TreeMap<>();
    private final List<ObjectRenderer<?>> renderers = new ArrayList<>();
    private final List<MagicProvider> providers = new ArrayList<>();

    public synchronized void register(MagicProvider provider) {
        for (Magic m : provider.magics()) {
            if (m.name() == null || !m.name().matches("[A-Za-z][A-Za-z0-9_\\-]*"))
                throw new MagicException("plugin '" + provider.name() + "' has a magic with the invalid name '" + m.name() + "'",
                        "Magic names start with a letter and contain letters, digits, '_' or '-'.");
            magics.put(m.name(), m);
        }
        renderers.addAll(0, provider.renderers());
        providers.add(provider);
    }

    /** The magic called {@code name}, or an error that lists the known ones. */
    public synchronized Magic find(String name) {
        Magic m = magics.get(name);
        if (m == null)
            throw new MagicException("unknown magic %" + name + ".",
                    "Known magics: " + String.join(", ", magics.keySet().stream().map(n -> "%" + n).toList())
                            + ". Run %help NAME for one magic's options.");
        return m;
    }

    public synchronized Map<String, Magic> magics() {
        return Collections.unmodifiableMap(new TreeMap<>(magics));
    }

    public synchronized List<MagicProvider> providers() {
        return List.copyOf(providers);
    }

    /** Renders with the first matching renderer, else as text/plain of {@code String.valueOf(value)}. */
    public MimeBundle render(Object value) {
        List<ObjectRenderer<?>> rs;
        synchronized (this) {
            rs = List.copyOf(renderers);
        }
        for (ObjectRenderer<?> r : rs) {
            MimeBundle b = r.renderIfMatches(value);
            if (b != null) return b;
        }
        return MimeBundle.text(String.valueOf(value));
    }
}
