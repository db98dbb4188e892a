package dev.splitscope.engine.gguf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;

/**
 * Produces one tensor's bytes straight into the output file. {@code dst} is a writable mapping of exactly the
 * tensor's byte size, zero-filled; bytes left untouched stay zero (and, on most file systems, sparse). This lets
 * multi-GB files be written without holding them in memory.
 */
@FunctionalInterface
public interface GgufTensorSource {
    void writeTo(MemorySegment dst) throws IOException;
}
