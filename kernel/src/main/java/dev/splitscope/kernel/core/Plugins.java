package dev.splitscope.kernel.core;

import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.MagicProvider;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Finds {@link MagicProvider}s with ServiceLoader: the ones on the kernel's class path, the jars of the plugin folders
 * given at start, and jars added later. Each provider class is instantiated once.
 */
public final class Plugins {
    private final PluginLoader loader;
    private final Set<String> known = new HashSet<>();
    private final List<Path> jars = new ArrayList<>();

    public Plugins(PluginLoader loader) {
        this.loader = loader;
    }

    public PluginLoader loader() {
        return loader;
    }

    /** The jars added so far, in order. */
    public synchronized List<Path> jars() {
        return List.copyOf(jars);
    }

    /** The {@code .jar} files directly inside {@code dir}, sorted by name; none when the folder does not exist. */
    public static List<Path> jarsIn(Path dir) {
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.getFileName().toString().endsWith(".jar") && Files.isRegularFile(p)).sorted().toList();
        } catch (IOException e) {
            throw new MagicException("cannot list the plugin folder " + dir + ": " + e.getMessage());
        }
    }

    /** Checks the jar, adds it to the plugin class loader and returns the providers it brought. */
    public synchronized List<MagicProvider> addJar(Path jar) {
        Path abs = jar.toAbsolutePath().normalize();
        if (!Files.isRegularFile(abs))
            throw new MagicException("plugin jar " + abs + " does not exist.", "Check the path; relative paths start at the notebook's folder.");
        try (JarFile jf = new JarFile(abs.toFile())) {
            if (jf.getEntry("META-INF/services/" + MagicProvider.class.getName()) == null)
                throw new MagicException("plugin jar " + abs + " declares no magic provider.",
                        "A plugin lists its provider class in META-INF/services/" + MagicProvider.class.getName() + ".");
        } catch (IOException e) {
            throw new MagicException("plugin jar " + abs + " is not a readable jar: " + e.getMessage());
        }
        if (jars.contains(abs)) return List.of();
        loader.addJar(abs);
        jars.add(abs);
        List<MagicProvider> found = discover();
        if (found.isEmpty())
            throw new MagicException("plugin jar " + abs + " brought no new magic provider (its providers are already loaded).");
        return found;
    }

    /** Providers visible to the loader that were not loaded before. */
    public synchronized List<MagicProvider> discover() {
        List<MagicProvider> out = new ArrayList<>();
        Iterator<ServiceLoader.Provider<MagicProvider>> it = ServiceLoader.load(MagicProvider.class, loader).stream().iterator();
        while (true) {
            ServiceLoader.Provider<MagicProvider> p;
            try {
                if (!it.hasNext()) break;
                p = it.next();
                if (!known.add(p.type().getName())) continue;
                out.add(p.get());
            } catch (ServiceConfigurationError e) {
                throw new MagicException("a plugin could not be loaded: " + e.getMessage(),
                        "Check that the provider class is public, has a public no-argument constructor and implements "
                                + MagicProvider.class.getName() + ".", e);
            }
        }
        return out;
    }
}
