package dev.splitscope.engine.gguf;

import java.nio.file.Path;

/** A GGUF file is malformed. The message names the file, the byte offset and what is wrong. */
public class GgufFormatException extends RuntimeException {
    private final transient Path file;
    private final long offset;

    public GgufFormatException(Path file, long offset, String what) {
        super(file + " @ byte " + offset + ": " + what);
        this.file = file;
        this.offset = offset;
    }

    public Path file() {
        return file;
    }

    public long offset() {
        return offset;
    }
}
