package dev.splitscope.engine.gguf;

import dev.splitscope.engine.quant.QuantType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and validates a GGUF header (v2/v3, little-endian) through buffered positional reads. Every length
 * and count is checked against the bytes left in the file before anything is allocated, so a corrupt file
 * gives a {@link GgufFormatException}, never an out-of-memory error or an index exception.
 */
final class GgufHeaderReader {
    private static final int MAX_DIMS = 4;
    private static final int MAX_NESTING = 8;
    /** Metadata plus tensor directory may not exceed this; real headers (256k-token vocabularies) are ~30 MiB. */
    static final long MAX_HEADER_BYTES = 256L << 20;
    /** Smallest tensor info: name length (8) + empty name + n_dims (4) + one dim (8) + type (4) + offset (8). */
    private static final int MIN_TENSOR_INFO_BYTES = 32;
    /** Smallest metadata entry: key length (8) + empty key + type (4) + a one-byte value. */
    private static final int MIN_KV_BYTES = 13;
    private static final byte[] ZEROS = new byte[4096];

    record Header(int version, GgufMetadata metadata, List<GgufTensorInfo> tensors, int alignment, long dataOffset, long fileSize) {}

    /** Positional reads from a file or, for tests and fuzzing, from memory. */
    interface Source {
        long size() throws IOException;

        /** Reads into {@code dst} from {@code position}; returns the byte count, or -1 at the end. */
        int read(ByteBuffer dst, long position) throws IOException;
    }

    private final Path path;
    private final Source src;
    private final long size;
    /** Where parsing must stop: the file end or the header cap, whichever is first. */
    private final long limit;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private final CharsetDecoder utf8 = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE).onUnmappableCharacter(CodingErrorAction.REPLACE);
    private long bufStart;
    private long pos;
    private long alignmentAt = -1;

    private GgufHeaderReader(Path path, Source src) throws IOException {
        this.path = path;
        this.src = src;
        this.size = src.size();
        this.limit = Math.min(size, MAX_HEADER_BYTES);
        buf.limit(0);
    }

    static Header read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return new GgufHeaderReader(path, new Source() {
                public long size() throws IOException { return ch.size(); }
                public int read(ByteBuffer dst, long position) throws IOException { return ch.read(dst, position); }
            }).readHeader();
        }
    }

    /** Parses a whole GGUF image held in memory; {@code name} is only used in messages. */
    static Header parse(Path name, byte[] image) throws IOException {
        return parse(name, image, 0);
    }

    /**
     * Parses an in-memory image followed by {@code zeroTail} virtual zero bytes. Fuzzing feeds header-sized inputs
     * this way, so that a header whose tensors lie beyond the input still reaches the later checks.
     */
    static Header parse(Path name, byte[] image, long zeroTail) throws IOException {
        long total = Math.addExact(image.length, zeroTail);
        return new GgufHeaderReader(name, new Source() {
            public long size() { return total; }
            public int read(ByteBuffer dst, long position) {
                if (position >= total) return -1;
                int n = (int) Math.min(dst.remaining(), total - position);
                int fromImage = (int) Math.max(0, Math.min(n, image.length - position));
                if (fromImage > 0) dst.put(image, (int) position, fromImage);
                for (int z = n - fromImage; z > 0; z -= Math.min(z, ZEROS.length)) dst.put(ZEROS, 0, Math.min(z, ZEROS.length));
                return n;
            }
        }).readHeader();
    }

    private GgufFormatException error(long at, String what) {
        return new GgufFormatException(path, at, what);
    }

    private Header readHeader() throws IOException {
        if (size < 8) throw error(0, "file is " + size + " bytes, too short for a GGUF header (magic + version)");
        int magic = i32();
        if (magic != GgufFile.MAGIC)
            throw error(0, String.format("bad magic 0x%08x, expected 0x%08x (\"GGUF\"); not a GGUF file", magic, GgufFile.MAGIC));
        int version = i32();
        if (version != 2 && version != 3) {
            String hint = Integer.reverseBytes(version) == 2 || Integer.reverseBytes(version) == 3
                    ? " (this looks like a big-endian GGUF, which is not supported)" : version == 1 ? " (GGUF v1 is obsolete)" : "";
            throw error(4, "unsupported GGUF version " + Integer.toUnsignedString(version) + hint + "; supported: 2, 3");
        }
        long tensorCount = count("tensor count", MIN_TENSOR_INFO_BYTES);
        long kvCount = count("metadata count", MIN_KV_BYTES);
        Map<String, GgufValue> kv = readMetadata(kvCount);
        int alignment = alignment(kv.get("general.alignment"));
        List<GgufTensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 1 << 16));
        Set<String> names = new HashSet<>();
        // grown as tensors are read, so a corrupt count costs nothing before the file runs out
        long[] offsetFieldAt = new long[(int) Math.min(tensorCount, 1 << 16)];
        for (int i = 0; i < tensorCount; i++) {
            long at = pos;
            GgufTensorInfo t = tensorInfo(i, alignment);
            if (!names.add(t.name())) throw error(at, "duplicate tensor name '" + t.name() + "'");
            tensors.add(t);
            if (i == offsetFieldAt.length) offsetFieldAt = Arrays.copyOf(offsetFieldAt, (int) Math.min(tensorCount, 2L * i));
            offsetFieldAt[i] = pos - 8;
        }
        long dataOffset = GgufWriter.alignUp(pos, alignment);
        if (tensorCount > 0 && dataOffset > size)
            throw error(pos, "data section starts at " + dataOffset + ", past the end of the file (" + size + " bytes); the file is truncated");
        checkTensorRanges(tensors, offsetFieldAt, Math.max(0, size - dataOffset));
        return new Header(version, new GgufMetadata(path, kv), tensors, alignment, Math.min(dataOffset, size), size);
    }

    private Map<String, GgufValue> readMetadata(long kvCount) throws IOException {
        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long at = pos;
            String key = string("metadata key #" + i);
            GgufValueType type = valueType("metadata '" + key + "'");
            if (key.equals("general.alignment")) alignmentAt = pos;
            GgufValue v = value(type, key, 0);
            if (kv.put(key, v) != null) throw error(at, "duplicate metadata key '" + key + "'");
        }
        return kv;
    }

    private int alignment(GgufValue al) {
        if (al == null) return GgufFile.DEFAULT_ALIGNMENT;
        if (al.type() != GgufValueType.UINT32 && al.type() != GgufValueType.INT32)
            throw error(alignmentAt, "general.alignment is " + al.type() + ", expected UINT32");
        long a = ((Number) al.value()).longValue();
        if (a <= 0 || a > (1 << 24) || Long.bitCount(a) != 1)
            throw error(alignmentAt, "general.alignment " + a + " is not a power of two in 1..2^24");
        return (int) a;
    }

    private GgufTensorInfo tensorInfo(long i, int alignment) throws IOException {
        String name = string("tensor name #" + i);
        int nDims = i32();
        if (nDims < 1 || nDims > MAX_DIMS)
            throw error(pos - 4, "tensor '" + name + "' has n_dims " + Integer.toUnsignedString(nDims) + " (1.." + MAX_DIMS + " allowed)");
        long[] dims = new long[nDims];
        long elements = 1;
        for (int d = 0; d < nDims; d++) {
            dims[d] = i64();
            if (dims[d] <= 0)
                throw error(pos - 8, "tensor '" + name + "' dimension " + d + " is " + Long.toUnsignedString(dims[d]) + "; dimensions must be positive");
            if (elements > Long.MAX_VALUE / dims[d])
                throw error(pos - 8, "tensor '" + name + "' element count overflows 64 bits at dimension " + d);
            elements *= dims[d];
        }
        int typeId = i32();
        QuantType type = QuantType.byId(typeId);
        if (type == null) throw error(pos - 4, "tensor '" + name + "' has unknown type id " + Integer.toUnsignedString(typeId));
        if (dims[0] % type.blockSize != 0)
            throw error(pos - 4, "tensor '" + name + "' row length " + dims[0] + " is not a multiple of " + type + "'s block size " + type.blockSize);
        long offset = i64();
        if (offset < 0) throw error(pos - 8, "tensor '" + name + "' data offset " + Long.toUnsignedString(offset) + " is outside the file");
        if (offset % alignment != 0)
            throw error(pos - 8, "tensor '" + name + "' data offset " + offset + " is not aligned to " + alignment);
        return new GgufTensorInfo(name, dims, type, offset);
    }

    /**
     * Tensors must lie inside the data section without overlapping. Errors point at the tensor's offset field in
     * the header ({@code offsetFieldAt}), which is what a reader would have to fix.
     */
    private void checkTensorRanges(List<GgufTensorInfo> tensors, long[] offsetFieldAt, long dataSize) {
        Integer[] order = new Integer[tensors.size()];
        for (int i = 0; i < order.length; i++) order[i] = i;
        Arrays.sort(order, (a, b) -> Long.compare(tensors.get(a).offset(), tensors.get(b).offset()));
        long end = 0;
        String prev = null;
        for (int i : order) {
            GgufTensorInfo t = tensors.get(i);
            long at = offsetFieldAt[i];
            long bytes;
            try {
                bytes = t.byteSize();
            } catch (ArithmeticException e) {
                throw error(at, "tensor '" + t.name() + "' " + t.shapeString() + " byte size overflows 64 bits");
            }
            if (t.offset() < end)
                throw error(at, "tensor '" + t.name() + "' (data offset " + t.offset() + ") overlaps tensor '" + prev + "', which ends at " + end);
            if (t.offset() > dataSize || bytes > dataSize - t.offset())
                throw error(at, "tensor '" + t.name() + "' (" + bytes + " bytes at data offset " + t.offset() + ") runs past the end of the file ("
                        + size + " bytes); the file is truncated or the offset is wrong");
            end = t.offset() + bytes;
            prev = t.name();
        }
    }

    /** A 64-bit count whose items each take at least {@code minBytesEach}: it cannot exceed the bytes left. */
    private long count(String what, long minBytesEach) throws IOException {
        long at = pos;
        long n = i64();
        if (n < 0 || n > (limit - pos) / minBytesEach)
            throw error(at, what + " " + Long.toUnsignedString(n) + " is impossible: " + bytesLeft() + " can hold at most " + (limit - pos) / minBytesEach);
        return n;
    }

    private GgufValueType valueType(String what) throws IOException {
        int id = i32();
        GgufValueType t = GgufValueType.byId(id);
        if (t == null) throw error(pos - 4, what + " has unknown value type " + Integer.toUnsignedString(id));
        return t;
    }

    private GgufValue value(GgufValueType type, String key, int depth) throws IOException {
        return switch (type) {
            case UINT8 -> GgufValue.of(type, u8() & 0xff);
            case INT8 -> GgufValue.of(type, (int) u8());
            case UINT16 -> GgufValue.of(type, i16() & 0xffff);
            case INT16 -> GgufValue.of(type, (int) i16());
            case UINT32 -> GgufValue.of(type, i32() & 0xffffffffL);
            case INT32 -> GgufValue.of(type, i32());
            case UINT64, INT64 -> GgufValue.of(type, i64());
            case FLOAT32 -> GgufValue.of(type, Float.intBitsToFloat(i32()));
            case FLOAT64 -> GgufValue.of(type, Double.longBitsToDouble(i64()));
            case BOOL -> GgufValue.of(type, bool(key));
            case STRING -> GgufValue.of(type, string("metadata '" + key + "'"));
            case ARRAY -> array(key, depth);
        };
    }

    private boolean bool(String key) throws IOException {
        byte b = u8();
        if (b != 0 && b != 1) throw error(pos - 1, "metadata '" + key + "' BOOL has value " + (b & 0xff) + " (0 or 1 allowed)");
        return b == 1;
    }

    private GgufValue array(String key, int depth) throws IOException {
        if (depth >= MAX_NESTING) throw error(pos, "metadata '" + key + "' nests arrays deeper than " + MAX_NESTING);
        GgufValueType et = valueType("array '" + key + "'");
        long at = pos;
        long n = i64();
        // every element takes at least et.minBytes, so this bounds each allocation by the bytes that follow
        if (n < 0 || n > (limit - pos) / et.minBytes)
            throw error(at, "array '" + key + "' of " + et + " has length " + Long.toUnsignedString(n) + ", more than " + bytesLeft() + " can hold");
        int len = (int) n;
        Object arr = switch (et) {
            case UINT8, INT8 -> { byte[] a = new byte[len]; readFully(a); yield a; }
            case UINT16, INT16 -> { short[] a = new short[len]; for (int i = 0; i < len; i++) a[i] = i16(); yield a; }
            case UINT32, INT32 -> { int[] a = new int[len]; for (int i = 0; i < len; i++) a[i] = i32(); yield a; }
            case UINT64, INT64 -> { long[] a = new long[len]; for (int i = 0; i < len; i++) a[i] = i64(); yield a; }
            case FLOAT32 -> { float[] a = new float[len]; for (int i = 0; i < len; i++) a[i] = Float.intBitsToFloat(i32()); yield a; }
            case FLOAT64 -> { double[] a = new double[len]; for (int i = 0; i < len; i++) a[i] = Double.longBitsToDouble(i64()); yield a; }
            case BOOL -> { boolean[] a = new boolean[len]; for (int i = 0; i < len; i++) a[i] = bool(key); yield a; }
            case STRING -> { String[] a = new String[len]; for (int i = 0; i < len; i++) a[i] = string("array '" + key + "'[" + i + "]"); yield a; }
            case ARRAY -> { GgufValue[] a = new GgufValue[len]; for (int i = 0; i < len; i++) a[i] = array(key, depth + 1); yield a; }
        };
        return GgufValue.array(et, arr);
    }

    /** A length-prefixed UTF-8 string; malformed bytes become U+FFFD, as GGUF does not promise valid UTF-8. */
    private String string(String what) throws IOException {
        long at = pos;
        long n = i64();
        if (n < 0 || n > limit - pos)
            throw error(at, what + " has length " + Long.toUnsignedString(n) + ", more than " + bytesLeft());
        if (n == 0) return "";
        byte[] b = new byte[(int) n];
        readFully(b);
        try {
            return utf8.reset().decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw error(at, what + " is not UTF-8");
        }
    }

    private String bytesLeft() {
        return limit < size ? "the " + (MAX_HEADER_BYTES >> 20) + " MiB header limit" : "the " + (size - pos) + " bytes left in the file";
    }

    // ---- buffered little-endian primitives; each checks the bytes left ----

    private void ensure(int n) throws IOException {
        if (pos + n > limit) {
            if (limit < size)
                throw error(pos, "header is larger than " + (MAX_HEADER_BYTES >> 20) + " MiB; a length or count is probably corrupt");
            throw error(pos, "unexpected end of file: needed " + n + " more bytes, file is " + size + " bytes (truncated?)");
        }
        long off = pos - bufStart;
        if (off >= 0 && off + n <= buf.limit()) {
            buf.position((int) off);
            return;
        }
        buf.clear();
        bufStart = pos;
        long want = Math.min(buf.capacity(), size - pos);
        while (buf.position() < want) {
            if (src.read(buf, bufStart + buf.position()) <= 0) break; // never spin on a source that returns 0
        }
        buf.flip();
        if (buf.limit() < n) throw error(pos, "unexpected end of file while reading (the file shrank?)");
    }

    private byte u8() throws IOException {
        ensure(1);
        pos += 1;
        return buf.get();
    }

    private short i16() throws IOException {
        ensure(2);
        pos += 2;
        return buf.getShort();
    }

    private int i32() throws IOException {
        ensure(4);
        pos += 4;
        return buf.getInt();
    }

    private long i64() throws IOException {
        ensure(8);
        pos += 8;
        return buf.getLong();
    }

    private void readFully(byte[] dst) throws IOException {
        int done = 0;
        while (done < dst.length) {
            int chunk = Math.min(dst.length - done, buf.capacity());
            ensure(chunk);
            buf.get(dst, done, chunk);
            pos += chunk;
            done += chunk;
        }
    }
}
