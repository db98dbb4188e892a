/**
 * The Jupyter side, the only package that uses basekernel: {@link dev.splitscope.kernel.jupyter.KernelMain} starts
 * {@link dev.splitscope.kernel.jupyter.SplitscopeKernel} on a connection whose shell and control channels read whole
 * messages, check their HMAC in constant time and drop bad ones without dying, and bind only to the connection file's
 * IP. Replies that basekernel 2.3.0 gets wrong (kernel_info and history without {@code status}, history entries as
 * objects) are sent by our own handlers.
 */
package dev.splitscope.kernel.jupyter;
