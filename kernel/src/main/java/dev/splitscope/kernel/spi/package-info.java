/**
 * The plugin SPI of the Splitscope kernel. A plugin is a jar with a {@link dev.splitscope.kernel.spi.MagicProvider}
 * listed in {@code META-INF/services/dev.splitscope.kernel.spi.MagicProvider}; it contributes magics, renderers
 * (value to MIME bundle) and JShell imports. Load it with {@code %plugin PATH.jar}, or put it in the {@code lib}
 * folder of the installed kernelspec (or a folder on {@code SPLITSCOPE_PLUGIN_PATH}) to load it at start. Its classes
 * are then usable from Java cells, and objects its magics bind are the same classes the cells see.
 *
 * <p>A magic is one small class. Extend {@link dev.splitscope.kernel.spi.PicocliMagic} to get argument parsing,
 * {@code --help} and clear usage errors for free; report problems the user can fix by throwing a
 * {@link dev.splitscope.kernel.spi.MagicException} (what, why, how to fix); poll
 * {@link dev.splitscope.kernel.spi.MagicContext#cancellation()} in long loops so the stop button works.
 */
package dev.splitscope.kernel.spi;
