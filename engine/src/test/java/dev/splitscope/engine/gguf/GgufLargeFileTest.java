package dev.splitscope.engine.gguf;

import dev.splitscope.engine.quant.QuantType;
import org.junit.jupiter.api.Test;

import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A 3 GiB file, written sparsely through callbacks: offsets past 2 GiB map and read back, header-only is fast. */
class GgufLargeFileTest {
    @Test
    void filesOverTwoGigabytesWriteMapAndReadHeaderOnlyQuickly() throws Exception {
        Path out = Files.createTempFile("splitscope-large-", ".gguf");
        try {
            GgufWriter w = new GgufWriter().putString("general.architecture", "llama").putU32("llama.block_count", 3);
            long rows = 1L << 20; // three Q8_0 [1024, 2^20] tensors of 1.06 GiB each
            for (int i = 0; i < 3; i++) {
                int tag = i;
                w.addTensor("blk." + i + ".w", QuantType.Q8_0, new long[] {1024, rows}, dst -> {
                    dst.set(ValueLayout.JAVA_BYTE, 0, (byte) (tag + 1));
                    dst.set(ValueLayout.JAVA_BYTE, dst.byteSize() - 1, (byte) (tag + 100));
                });
            }
            long size = w.write(out);
            assertTrue(size > 3L << 30, "size " + size);
            assertEquals(size, Files.size(out));

            long t0 = System.nanoTime();
            try (GgufFile h = GgufFile.openHeader(out)) {
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertFalse(h.isMapped());
                assertEquals(3, h.tensors().size());
                assertTrue(ms < 500, "header-only read took " + ms + " ms");
            }
            try (GgufFile f = GgufFile.open(out)) {
                GgufTensorInfo last = f.tensor("blk.2.w");
                assertTrue(f.dataOffset() + last.offset() > Integer.MAX_VALUE);
                var seg = f.tensorData(last);
                assertEquals(3, seg.get(ValueLayout.JAVA_BYTE, 0));
                assertEquals(102, seg.get(ValueLayout.JAVA_BYTE, seg.byteSize() - 1));
                assertEquals(0, seg.get(ValueLayout.JAVA_BYTE, 12345));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
