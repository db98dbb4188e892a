package dev.splitscope.kernel.magics;

import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The models loaded in one kernel session, by name, with the most recently loaded one as the default. Kept in the
 * session state so every model magic sees the same models; closing it unloads them all.
 */
public final class LoadedModels implements AutoCloseable {
    private static final String KEY = "splitscope.models";

    private final Map<String, LoadedModel> models = new LinkedHashMap<>();
    private String current;

    /** The session's models (created on first use). */
    public static LoadedModels of(MagicContext ctx) {
        return (LoadedModels) ctx.state().computeIfAbsent(KEY, k -> new LoadedModels());
    }

    /** Adds a model, closing a previous model of the same name; it becomes the default. */
    public synchronized void put(String name, LoadedModel model) {
        LoadedModel old = models.put(name, model);
        if (old != null && old != model) old.close();
        current = name;
    }

    /** The named model, or the default when {@code name} is null; a clear error when there is none. */
    public synchronized LoadedModel get(String name) {
        if (models.isEmpty())
            throw new MagicException("no model is loaded.", "Load one first, e.g. %load stories260K --devices cpu:2 --split graph");
        String n = name != null ? name : current;
        LoadedModel m = models.get(n);
        if (m == null)
            throw new MagicException("no model named '" + n + "' is loaded.", "Loaded models: " + String.join(", ", models.keySet()) + ".");
        return m;
    }

    /** The name the default model is known by. */
    public synchronized String nameOf(String name) {
        get(name);
        return name != null ? name : current;
    }

    public synchronized LoadedModel remove(String name) {
        LoadedModel m = get(name);
        String n = nameOf(name);
        models.remove(n);
        if (n.equals(current)) current = models.isEmpty() ? null : new ArrayList<>(models.keySet()).getLast();
        return m;
    }

    public synchronized List<String> names() {
        return List.copyOf(models.keySet());
    }

    public synchronized String current() {
        return current;
    }

    @Override
    public synchronized void close() {
        for (LoadedModel m : models.values()) m.close();
        models.clear();
        current = null;
    }
}
