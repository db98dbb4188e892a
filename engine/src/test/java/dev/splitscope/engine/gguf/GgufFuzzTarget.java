package dev.splitscope.engine.gguf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The property every fuzzer and corrupt-file test checks: parsing arbitrary bytes either succeeds with a consistent
 * header or throws {@link GgufFormatException} naming the input and an offset inside it. Anything else escapes
 * and fails the caller. Accepted headers are re-encoded with {@link GgufWriter} and must parse back equal.
 */
final class GgufFuzzTarget {
    static final Path NAME = Path.of("fuzz-input.gguf");
    /** Virtual zeros after the input, so header-only inputs reach the tensor-range checks. */
    static final long ZERO_TAIL = 8L << 20;

    private GgufFuzzTarget() {}

    /** Returns true when some reading accepted the input. */
    static boolean check(byte[] data) {
        boolean accepted = false;
        for (long tail : new long[] {0, ZERO_TAIL}) {
            try {
                GgufHeaderReader.Header h = GgufHeaderReader.parse(NAME, data, tail);
                checkConsistent(h, data.length + tail);
                accepted = true;
            } catch (GgufFormatException e) {
                checkError(e, data.length + tail);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return accepted;
    }

    static void checkError(GgufFormatException e, long size) {
        if (!NAME.equals(e.file()) || !e.getMessage().startsWith(NAME + " @ byte "))
            throw new AssertionError("error does not name the file: " + e.getMessage(), e);
        if (e.offset() < 0 || e.offset() > size)
            throw new AssertionError("error offset " + e.offset() + " outside the " + size + "-byte input: " + e.getMessage(), e);
    }

    private static void checkConsistent(GgufHeaderReader.Header h, long size) throws IOException {
        int a = h.alignment();
        if (a <= 0 || Integer.bitCount(a) != 1) throw new AssertionError("alignment " + a);
        if (h.dataOffset() > size) throw new AssertionError("data offset " + h.dataOffset() + " past " + size);
        for (GgufTensorInfo t : h.tensors()) {
            if (t.offset() % a != 0 || h.dataOffset() + t.offset() + t.byteSize() > size)
                throw new AssertionError("tensor " + t + " outside the data section");
        }
        GgufWriter w = new GgufWriter().version(h.version()).putAll(h.metadata());
        for (GgufTensorInfo t : h.tensors()) w.addTensor(t.name(), t.type(), t.dims(), dst -> { });
        List<GgufTensorInfo> layout = w.layout();
        long dataBytes = layout.isEmpty() ? 0 : layout.getLast().offset() + layout.getLast().byteSize();
        GgufHeaderReader.Header back = GgufHeaderReader.parse(NAME, w.header(layout), dataBytes + a);
        if (!back.metadata().asMap().equals(h.metadata().asMap())) throw new AssertionError("metadata changed on re-encoding");
        if (back.tensors().size() != h.tensors().size()) throw new AssertionError("tensor count changed on re-encoding");
        for (int i = 0; i < layout.size(); i++) {
            if (!back.tensors().get(i).equals(layout.get(i))) throw new AssertionError("tensor " + layout.get(i) + " changed on re-encoding");
        }
    }
}
