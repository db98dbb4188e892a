package dev.splitscope.engine.gguf;

import dev.splitscope.engine.quant.QuantType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
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

    record Header(int version, GgufMetadata metadata, List<GgufTensorInfo> tensors, int alignment, long dataOffset, long fileSize) {}

    private final Path path;
    private final FileChannel ch;
    private final long size;
    private final ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
    private long bufStart;
    private long pos;

    private GgufHeaderReader(Path path, FileChannel ch) throws IOException {
        this.path = path;
        this.ch = ch;
        this.size = ch.size();
        buf.limit(0);
    }

    static Header read(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return new GgufHeaderReader(path, ch).readHeader();
        }
    }

    private GgufFormatException error(long at, String what) {
        return new GgufFormatException(path, at, what);
    }

    private Header readHeader() throws IOException {
        if (size < 4) throw error(0, "file is " + size + " bytes, too short for the GGUF magic");
        int magic = i32();
        if (magic != GgufFile.MAGIC)
            throw error(0, String.format("bad magic 0x%08x, expected 0x%08x (\"GGUF\"); not a GGUF file", magic, GgufFile.MAGIC));
        int version = i32();
        if (version != 2 && version != 3) throw error(4, "unsupported GGUF version " + version + " (supported: 2, 3)");
        long tensorCount = count("tensor count", 8 + 8 + 4 + 8 + 4 + 8);
        long kvCount = count("metadata count", 8 + 4);

        Map<String, GgufValue> kv = new LinkedHashMap<>();
        for (long i = 0; i < kvCount; i++) {
            long at = pos;
            String key = string("metadata key #" + i);
            GgufValueType type = valueType("metadata '" + key + "'");
            GgufValue v = value(type, key, 0);
            if (kv.put(key, v) != null) throw error(at, "duplicate metadata key '" + key + "'");
        }
        GgufMetadata metadata = new GgufMetadata(path, kv);

        int alignment = GgufFile.DEFAULT_ALIGNMENT;
        GgufValue al = kv.get("general.alignment");
        if (al != null) {
            if (al.type() != GgufValueType.UINT32 && al.type() != GgufValueType.INT32)
                throw error(pos, "general.alignment is " + al.type() + ", expected UINT32");
            long a = ((Number) al.value()).longValue();
            if (a <= 0 || a > (1 << 24) || Long.bitCount(a) != 1) throw error(pos, "general.alignment " + a + " is not a power of two");
            alignment = (int) a;
        }

        List<GgufTensorInfo> tensors = new ArrayList<>((int) Math.min(tensorCount, 1 << 16));
        Set<String> names = new HashSet<>();
        for (long i = 0; i < tensorCount; i++) {
            long at = pos;
            String name = string("tensor name #" + i);
            if (!names.add(name)) throw error(at, "duplicate tensor name '" + name + "'");
            int nDims = i32();
            if (nDims < 1 || nDims > MAX_DIMS) throw error(pos - 4, "tensor '" + name + "' has n_dims " + Integer.toUnsignedString(nDims) + " (1.." + MAX_DIMS + " allowed)");
            long[] dims = new long[nDims];
            long elements = 1;
            for (int d = 0; d < nDims; d++) {
                dims[d] = i64();
                if (dims[d] <= 0) throw error(pos - 8, "tensor '" + name + "' dimension " + d + " is " + Long.toUnsignedString(dims[d]));
                try {
                    elements = Math.multiplyExact(elements, dims[d]);
                } catch (ArithmeticException e) {
                    throw error(pos - 8, "tensor '" + name + "' element count overflows");
                }
            }
            int typeId = i32();
            QuantType type = QuantType.byId(typeId);
            if (type == null) throw error(pos - 4, "tensor '" + name + "' has unknown type id " + Integer.toUnsignedString(typeId));
            if (dims[0] % type.blockSize != 0)
                throw error(pos - 4, "tensor '" + name + "' row length " + dims[0] + " is not a multiple of " + type + "'s block size " + type.blockSize);
            long offset = i64();
            if (offset < 0 || offset % alignment != 0)
                throw error(pos - 8, "tensor '" + name + "' data offset " + Long.toUnsignedString(offset) + " is not aligned to " + alignment);
            tensors.add(new GgufTensorInfo(name, dims, type, offset));
        }
        long dataOffset = align(pos, alignment);
        if (tensorCount > 0 && dataOffset > size) throw error(pos, "data section starts at " + dataOffset + ", past the end of the file (" + size + " bytes)");
        checkTensorRanges(tensors, Math.max(0, size - dataOffset), dataOffset);
        return new Header(version, metadata, tensors, alignment, Math.min(dataOffset, size), size);
    }

    private void checkTensorRanges(List<GgufTensorInfo> tensors, long dataSize, long dataOffset) {
        GgufTensorInfo[] sorted = tensors.toArray(new GgufTensorInfo[0]);
        Arrays.sort(sorted, (a, b) -> Long.compare(a.offset(), b.offset()));
        long end = 0;
        String prev = null;
        for (GgufTensorInfo t : sorted) {
            long bytes;
            try {
                bytes = t.byteSize();
            } catch (ArithmeticException e) {
                throw error(dataOffset, "tensor '" + t.name() + "' byte size overflows");
            }
            if (t.offset() < end) throw error(dataOffset + t.offset(), "tensor '" + t.name() + "' overlaps tensor '" + prev + "'");
            if (t.offset() > dataSize || bytes > dataSize - t.offset())
                throw error(dataOffset + t.offset(), "tensor '" + t.name() + "' (" + bytes + " bytes at data offset " + t.offset() + ") runs past the end of the file; the file is truncated or the offset is wrong");
            end = t.offset() + bytes;
            prev = t.name();
        }
    }

    private static long align(long x, int a) {
        return (x + a - 1) / a * a;
    }

    private long count(String what, long minBytesEach) throws IOException {
        long at = pos;
        long n = i64();
        if (n < 0 || n > (size - pos) / minBytesEach + 1)
            throw error(at, what + " " + Long.toUnsignedString(n) + " is impossible for a file of " + size + " bytes");
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
        if (b != 0 && b != 1) throw error(pos - 1, "metadata '" + key + "' BOOL has value " + (b & 0xff));
        return b == 1;
    }

    private GgufValue array(String key, int depth) throws IOException {
        if (depth >= MAX_NESTING) throw error(pos, "metadata '" + key + "' nests arrays deeper than " + MAX_NESTING);
        GgufValueType et = valueType("array '" + key + "'");
        long at = pos;
        long n = i64();
        if (n < 0 || n > (size - pos) / et.minBytes || n > Integer.MAX_VALUE - 16)
            throw error(at, "array '" + key + "' length " + Long.toUnsignedString(n) + " runs past the end of the file");
        int len = (int) n;
        Object arr = switch (et) {
            case UINT8, INT8 -> { byte[] a = new byte[len]; for (int i = 0; i < len; i++) a[i] = u8(); yield a; }
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

    private String string(String what) throws IOException {
        long at = pos;
        long n = i64();
        if (n < 0 || n > size - pos || n > Integer.MAX_VALUE - 16)
            throw error(at, what + " has length " + Long.toUnsignedString(n) + ", past the end of the file (" + size + " bytes)");
        byte[] b = new byte[(int) n];
        readFully(b);
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw error(at, what + " is not UTF-8");
        }
    }

    // ---- buffered little-endian primitives; each checks the bytes left ----

    private void ensure(int n) throws IOException {
        if (pos + n > size) throw error(pos, "unexpected end of file: needed " + n + " more bytes, file is " + size + " bytes (truncated?)");
        long off = pos - bufStart;
        if (off >= 0 && off + n <= buf.limit()) {
            buf.position((int) off);
            return;
        }
        buf.clear();
        bufStart = pos;
        while (buf.position() < Math.min(buf.capacity(), size - pos)) {
            if (ch.read(buf, bufStart + buf.position()) < 0) break;
        }
        buf.flip();
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
