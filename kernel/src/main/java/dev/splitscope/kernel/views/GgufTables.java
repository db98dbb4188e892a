package dev.splitscope.kernel.views;

import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufTensorInfo;
import dev.splitscope.engine.gguf.GgufValue;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.LongColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.lang.reflect.Array;
import java.util.Map;

/** Tables of a GGUF header: its metadata (key, type, value) and its tensor directory. */
public final class GgufTables {
    /** Array values longer than this are summarised (vocabularies have 100k+ entries). */
    static final int MAX_ARRAY_ITEMS = 8;

    private GgufTables() {}

    public static Table metadata(GgufFile f) {
        StringColumn key = StringColumn.create("key");
        StringColumn type = StringColumn.create("type");
        StringColumn value = StringColumn.create("value");
        for (Map.Entry<String, GgufValue> e : f.metadata().asMap().entrySet()) {
            GgufValue v = e.getValue();
            key.append(e.getKey());
            type.append(v.isArray() ? "ARRAY<" + v.elementType() + ">[" + v.length() + "]" : String.valueOf(v.type()));
            value.append(format(v));
        }
        return Table.create("metadata of " + f.path().getFileName(), key, type, value);
    }

    public static Table tensors(GgufFile f) {
        StringColumn name = StringColumn.create("tensor");
        StringColumn type = StringColumn.create("type");
        StringColumn shape = StringColumn.create("shape");
        LongColumn elements = LongColumn.create("elements");
        LongColumn bytes = LongColumn.create("bytes");
        LongColumn offset = LongColumn.create("offset");
        IntColumn layer = IntColumn.create("layer");
        for (GgufTensorInfo t : f.tensors()) {
            name.append(t.name());
            type.append(t.type().name());
            shape.append(t.shapeString());
            elements.append(t.elementCount());
            bytes.append(t.byteSize());
            offset.append(t.offset());
            int l = layerOf(t.name());
            if (l < 0) layer.appendMissing(); else layer.append(l);
        }
        return Table.create("tensors of " + f.path().getFileName(), name, layer, type, shape, elements, bytes, offset);
    }

    /** The block index of names like {@code blk.12.attn_q.weight}, or -1. */
    static int layerOf(String tensor) {
        if (!tensor.startsWith("blk.")) return -1;
        int dot = tensor.indexOf('.', 4);
        try {
            return Integer.parseInt(tensor.substring(4, dot < 0 ? tensor.length() : dot));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    static String format(GgufValue v) {
        if (!v.isArray()) return String.valueOf(v.value());
        Object a = v.value();
        int n = Array.getLength(a);
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < Math.min(n, MAX_ARRAY_ITEMS); i++) {
            if (i > 0) sb.append(", ");
            Object item = Array.get(a, i);
            sb.append(item instanceof GgufValue g ? format(g) : item instanceof String s ? "\"" + s + "\"" : String.valueOf(item));
        }
        if (n > MAX_ARRAY_ITEMS) sb.append(", … ").append(n - MAX_ARRAY_ITEMS).append(" more");
        return sb.append(']').toString();
    }
}
