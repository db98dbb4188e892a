package dev.splitscope.engine.gguf;

import dev.splitscope.engine.quant.QuantType;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds a GGUF file (v3 by default, little-endian): typed metadata in insertion order, then tensors laid out in the
 * order they were added, each at an offset aligned to {@code general.alignment} (32 when absent) and padded to it.
 * Tensor bytes come from a {@link MemorySegment}, a byte array or a {@link GgufTensorSource} that writes straight
 * into the mapped output, so multi-GB files stream without being held in memory. Not thread-safe.
 */
public final class GgufWriter {
    private static final long COPY_CHUNK = 1L << 28;

    private final Map<String, GgufValue> metadata = new LinkedHashMap<>();
    private final List<Pending> tensors = new ArrayList<>();
    private final Set<String> tensorNames = new HashSet<>();
    private int version = 3;

    private record Pending(GgufTensorInfo info, MemorySegment bytes, GgufTensorSource source) {}

    /** The GGUF version to write: 3 (default) or 2; both have the same 64-bit layout. */
    public GgufWriter version(int v) {
        if (v != 2 && v != 3) throw new IllegalArgumentException("can write GGUF version 2 or 3, not " + v);
        this.version = v;
        return this;
    }

    /** Sets {@code general.alignment} (a power of two); tensor offsets and padding follow it. */
    public GgufWriter alignment(int a) {
        checkAlignment(a);
        return put("general.alignment", GgufValue.of(GgufValueType.UINT32, (long) a));
    }

    /** Adds or replaces a metadata entry; replacing keeps the key's original position. */
    public GgufWriter put(String key, GgufValue value) {
        if (key == null || value == null) throw new IllegalArgumentException("metadata key and value must not be null");
        new GgufEncoder().typedValue(key, value); // validates the value now, where the caller can see it
        metadata.put(key, value);
        return this;
    }

    /** Copies every entry of {@code m} in its order. */
    public GgufWriter putAll(GgufMetadata m) {
        m.asMap().forEach(this::put);
        return this;
    }

    public GgufWriter remove(String key) {
        metadata.remove(key);
        return this;
    }

    public GgufWriter putString(String key, String v) { return put(key, GgufValue.of(GgufValueType.STRING, v)); }
    public GgufWriter putBool(String key, boolean v) { return put(key, GgufValue.of(GgufValueType.BOOL, v)); }
    public GgufWriter putU8(String key, int v) { return put(key, GgufValue.of(GgufValueType.UINT8, v)); }
    public GgufWriter putI8(String key, int v) { return put(key, GgufValue.of(GgufValueType.INT8, v)); }
    public GgufWriter putU16(String key, int v) { return put(key, GgufValue.of(GgufValueType.UINT16, v)); }
    public GgufWriter putI16(String key, int v) { return put(key, GgufValue.of(GgufValueType.INT16, v)); }
    public GgufWriter putU32(String key, long v) { return put(key, GgufValue.of(GgufValueType.UINT32, v)); }
    public GgufWriter putI32(String key, int v) { return put(key, GgufValue.of(GgufValueType.INT32, v)); }
    public GgufWriter putU64(String key, long v) { return put(key, GgufValue.of(GgufValueType.UINT64, v)); }
    public GgufWriter putI64(String key, long v) { return put(key, GgufValue.of(GgufValueType.INT64, v)); }
    public GgufWriter putF32(String key, float v) { return put(key, GgufValue.of(GgufValueType.FLOAT32, v)); }
    public GgufWriter putF64(String key, double v) { return put(key, GgufValue.of(GgufValueType.FLOAT64, v)); }

    /**
     * An array of {@code elementType}; {@code javaArray} is byte[] (U)INT8, short[] (U)INT16, int[] (U)INT32,
     * long[] (U)INT64, float[], double[], boolean[], String[], or GgufValue[] of array values for nested arrays.
     */
    public GgufWriter putArray(String key, GgufValueType elementType, Object javaArray) {
        return put(key, GgufValue.array(elementType, javaArray));
    }

    public GgufWriter putStrings(String key, List<String> v) { return putArray(key, GgufValueType.STRING, v.toArray(new String[0])); }
    public GgufWriter putStrings(String key, String... v) { return putArray(key, GgufValueType.STRING, v.clone()); }
    public GgufWriter putF32s(String key, float... v) { return putArray(key, GgufValueType.FLOAT32, v.clone()); }
    public GgufWriter putI32s(String key, int... v) { return putArray(key, GgufValueType.INT32, v.clone()); }

    /** Adds a tensor whose bytes are copied from {@code bytes} at write time (it may be a mapped slice of another file). */
    public GgufWriter addTensor(String name, QuantType type, long[] dims, MemorySegment bytes) {
        GgufTensorInfo info = info(name, type, dims);
        if (bytes == null || bytes.byteSize() != info.byteSize())
            throw new IllegalArgumentException("tensor '" + name + "' " + type + " " + info.shapeString() + " needs "
                    + info.byteSize() + " bytes, got " + (bytes == null ? "null" : bytes.byteSize()));
        return add(info, bytes, null);
    }

    public GgufWriter addTensor(String name, QuantType type, long[] dims, byte[] bytes) {
        return addTensor(name, type, dims, bytes == null ? null : MemorySegment.ofArray(bytes));
    }

    /** Adds a tensor whose bytes {@code source} writes into the output file when {@link #write} runs. */
    public GgufWriter addTensor(String name, QuantType type, long[] dims, GgufTensorSource source) {
        if (source == null) throw new IllegalArgumentException("tensor '" + name + "': source must not be null");
        return add(info(name, type, dims), null, source);
    }

    private GgufTensorInfo info(String name, QuantType type, long[] dims) {
        if (name == null || type == null || dims == null) throw new IllegalArgumentException("tensor name, type and dims must not be null");
        if (tensorNames.contains(name)) throw new IllegalArgumentException("tensor '" + name + "' was already added");
        if (dims.length < 1 || dims.length > 4) throw new IllegalArgumentException("tensor '" + name + "' has " + dims.length + " dims (1..4 allowed)");
        for (long d : dims) if (d <= 0) throw new IllegalArgumentException("tensor '" + name + "' has a non-positive dimension " + d);
        if (dims[0] % type.blockSize != 0)
            throw new IllegalArgumentException("tensor '" + name + "' row length " + dims[0] + " is not a multiple of " + type + "'s block size " + type.blockSize);
        GgufTensorInfo info = new GgufTensorInfo(name, dims.clone(), type, 0);
        try {
            info.byteSize();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("tensor '" + name + "' " + info.shapeString() + " is too large: its byte size overflows");
        }
        return info;
    }

    private GgufWriter add(GgufTensorInfo info, MemorySegment bytes, GgufTensorSource source) {
        tensorNames.add(info.name());
        tensors.add(new Pending(info, bytes, source));
        return this;
    }

    /** The alignment the file will use: {@code general.alignment} if set, else 32. */
    public int alignment() {
        GgufValue a = metadata.get("general.alignment");
        if (a == null) return GgufFile.DEFAULT_ALIGNMENT;
        if (a.type() != GgufValueType.UINT32 && a.type() != GgufValueType.INT32)
            throw new IllegalArgumentException("general.alignment must be UINT32, is " + a.type());
        long v = ((Number) a.value()).longValue();
        checkAlignment(v);
        return (int) v;
    }

    private static void checkAlignment(long a) {
        if (a <= 0 || a > (1 << 24) || Long.bitCount(a) != 1)
            throw new IllegalArgumentException("alignment " + a + " is not a power of two in 1..2^24");
    }

    /** The tensor directory as it will be written, with data-section offsets. */
    public List<GgufTensorInfo> layout() {
        int align = alignment();
        List<GgufTensorInfo> out = new ArrayList<>(tensors.size());
        long off = 0;
        for (Pending p : tensors) {
            GgufTensorInfo t = p.info();
            out.add(new GgufTensorInfo(t.name(), t.dims(), t.type(), off));
            off = alignUp(Math.addExact(off, t.byteSize()), align);
        }
        return Collections.unmodifiableList(out);
    }

    /** Header bytes: magic, version, counts, metadata and tensor infos, padded to the alignment if there are tensors. */
    byte[] header(List<GgufTensorInfo> layout) {
        GgufEncoder e = new GgufEncoder();
        e.i32(GgufFile.MAGIC);
        e.i32(version);
        e.i64(layout.size());
        e.i64(metadata.size());
        for (Map.Entry<String, GgufValue> kv : metadata.entrySet()) {
            e.string(kv.getKey());
            e.typedValue(kv.getKey(), kv.getValue());
        }
        for (GgufTensorInfo t : layout) {
            e.string(t.name());
            e.i32(t.dims().length);
            for (long d : t.dims()) e.i64(d);
            e.i32(t.type().id);
            e.i64(t.offset());
        }
        // like llama.cpp, a file without tensors (a vocab-only GGUF) ends right after its metadata
        int align = alignment();
        while (!layout.isEmpty() && e.size() % align != 0) e.u8(0);
        return e.bytes();
    }

    /** Writes the file (replacing {@code out}) and returns its size in bytes; a failed write leaves no partial file. */
    public long write(Path out) throws IOException {
        try {
            return writeFile(out);
        } catch (IOException | RuntimeException | Error e) {
            try {
                Files.deleteIfExists(out);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    private long writeFile(Path out) throws IOException {
        int align = alignment();
        List<GgufTensorInfo> layout = layout();
        byte[] header = header(layout);
        long dataStart = header.length;
        long end = dataStart;
        try (FileChannel ch = FileChannel.open(out, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            writeFully(ch, ByteBuffer.wrap(header), 0);
            for (int i = 0; i < layout.size(); i++) {
                GgufTensorInfo t = layout.get(i);
                Pending p = tensors.get(i);
                long at = dataStart + t.offset();
                if (p.bytes() != null) copy(ch, p.bytes(), at);
                else fill(ch, p, at, t.byteSize());
                end = alignUp(at + t.byteSize(), align);
            }
            // padding after the last tensor, as llama.cpp writes it; the gap bytes are zero (holes)
            if (ch.size() < end) writeFully(ch, ByteBuffer.allocate(1), end - 1);
        }
        return end;
    }

    private static void copy(FileChannel ch, MemorySegment src, long at) throws IOException {
        for (long done = 0; done < src.byteSize(); done += COPY_CHUNK) {
            long n = Math.min(COPY_CHUNK, src.byteSize() - done);
            writeFully(ch, src.asSlice(done, n).asByteBuffer(), at + done);
        }
    }

    private static void fill(FileChannel ch, Pending p, long at, long bytes) throws IOException {
        // unmapped when the arena closes; the OS writes dirty pages back, so no force() per tensor
        try (Arena arena = Arena.ofConfined()) {
            p.source().writeTo(ch.map(FileChannel.MapMode.READ_WRITE, at, bytes, arena));
        }
    }

    private static void writeFully(FileChannel ch, ByteBuffer b, long at) throws IOException {
        long pos = at;
        while (b.hasRemaining()) pos += ch.write(b, pos);
    }

    static long alignUp(long x, int a) {
        return Math.addExact(x, a - 1) / a * a;
    }
}
