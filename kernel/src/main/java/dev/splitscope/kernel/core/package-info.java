/**
 * A kernel session without Jupyter: cells are split into Java code and magics ({@link dev.splitscope.kernel.core.CellParser}),
 * Java runs in JShell, magics come from the plugins ({@link dev.splitscope.kernel.core.Plugins},
 * {@link dev.splitscope.kernel.core.MagicRegistry}), and rich output goes to a {@link dev.splitscope.kernel.core.DisplaySink}.
 * {@link dev.splitscope.kernel.core.Session} ties them together; tests drive it directly.
 */
package dev.splitscope.kernel.core;
