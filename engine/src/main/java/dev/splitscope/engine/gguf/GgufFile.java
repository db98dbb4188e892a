package dev.splitscope.engine.gguf;

import dev.splitscope.engine.quant.QuantType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed GGUF file: metadata, tensor directory and, unless opened header-only, the data section mapped
 * read-only into a {@link MemorySegment}. Tensor data are zero-copy slices of that mapping. Close it to unmap.
 */
public final class GgufFile implements AutoCloseable {
    public static final int MAGIC = 0x46554747; // "GGUF" little-endian
    public static final int DEFAULT_ALIGNMENT = 32;

    private final Path path;
    private final int version;
    private final GgufMetadata metadata;
    private final List<GgufTensorInfo> tensors;
    private final Map<String, GgufTensorInfo> byName;
    private final int alignment;
    private final long dataOffset;
    private final long fileSize;
    private final Arena arena;
    private final MemorySegment data;

    private GgufFile(Path path, GgufHeaderReader.Header h, Arena arena, MemorySegment data) {
        this.path = path;
        this.version = h.version();
        this.metadata = h.metadata();
        this.tensors = Collections.unmodifiableList(new ArrayList<>(h.tensors()));
        Map<String, GgufTensorInfo> m = new LinkedHashMap<>();
        for (GgufTensorInfo t : tensors) m.put(t.name(), t);
        this.byName = Collections.unmodifiableMap(m);
        this.alignment = h.alignment();
        this.dataOffset = h.dataOffset();
        this.fileSize = h.fileSize();
        this.arena = arena;
        this.data = data;
    }

    /** Parses the header and maps the whole data section (files over 2 GB work). */
    public static GgufFile open(Path path) throws IOException {
        GgufHeaderReader.Header h = GgufHeaderReader.read(path);
        Arena arena = Arena.ofShared();
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            MemorySegment data = ch.map(FileChannel.MapMode.READ_ONLY, h.dataOffset(), h.fileSize() - h.dataOffset(), arena);
            return new GgufFile(path, h, arena, data);
        } catch (IOException | RuntimeException e) {
            arena.close();
            throw e;
        }
    }

    /** Parses metadata and the tensor directory only; no data is mapped. Planning uses this. */
    public static GgufFile openHeader(Path path) throws IOException {
        return new GgufFile(path, GgufHeaderReader.read(path), null, null);
    }

    public Path path() {
        return path;
    }

    public int version() {
        return version;
    }

    public GgufMetadata metadata() {
        return metadata;
    }

    public List<GgufTensorInfo> tensors() {
        return tensors;
    }

    public GgufTensorInfo tensor(String name) {
        GgufTensorInfo t = byName.get(name);
        if (t == null) throw new IllegalArgumentException("tensor '" + name + "' is not in " + path);
        return t;
    }

    public boolean hasTensor(String name) {
        return byName.containsKey(name);
    }

    public int alignment() {
        return alignment;
    }

    /** Absolute file offset of the data section. */
    public long dataOffset() {
        return dataOffset;
    }

    public long fileSize() {
        return fileSize;
    }

    public boolean isMapped() {
        return data != null;
    }

    /** Zero-copy view of a tensor's bytes. */
    public MemorySegment tensorData(GgufTensorInfo t) {
        if (data == null) throw new IllegalStateException(path + " was opened header-only; tensor data is not mapped");
        return data.asSlice(t.offset(), t.byteSize());
    }

    public MemorySegment tensorData(String name) {
        return tensorData(tensor(name));
    }

    /** The architecture name ({@code general.architecture}). */
    public String architecture() {
        return metadata.getString("general.architecture");
    }

    /** Types present in the directory, for messages. */
    public Map<QuantType, Long> bytesByType() {
        Map<QuantType, Long> m = new LinkedHashMap<>();
        for (GgufTensorInfo t : tensors) m.merge(t.type(), t.byteSize(), Long::sum);
        return m;
    }

    @Override
    public void close() {
        if (arena != null) arena.close();
    }
}
