package dev.splitscope.kernel.spi;

import java.util.List;

/**
 * A plugin, found with {@link java.util.ServiceLoader}: it contributes magics, renderers and JShell imports.
 * Register an implementation in {@code META-INF/services/dev.splitscope.kernel.spi.MagicProvider}.
 */
public interface MagicProvider {

    /** A short name for listings, e.g. "builtin". */
    String name();

    List<Magic> magics();

    default List<ObjectRenderer<?>> renderers() {
        return List.of();
    }

    /** Imports added to JShell when the plugin loads, e.g. {@code "tech.tablesaw.api.*"} or {@code "static java.lang.Math.*"}. */
    default List<String> imports() {
        return List.of();
    }
}
