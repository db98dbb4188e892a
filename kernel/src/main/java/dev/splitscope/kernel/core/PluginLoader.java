package dev.splitscope.kernel.core;

import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;

/**
 * The class loader for plugin jars added at start (the lib folder) or at run time ({@code %plugin}). JShell's
 * snippet loader has this as its parent, so snippets and plugins share one copy of every plugin class.
 */
public final class PluginLoader extends URLClassLoader {
    static {
        registerAsParallelCapable();
    }

    public PluginLoader(ClassLoader parent) {
        super("splitscope-plugins", new URL[0], parent);
    }

    public void addJar(Path jar) {
        try {
            addURL(jar.toAbsolutePath().toUri().toURL());
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("cannot turn " + jar + " into a URL", e);
        }
    }
}
