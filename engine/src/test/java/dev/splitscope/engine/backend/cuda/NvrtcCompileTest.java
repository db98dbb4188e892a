package dev.splitscope.engine.backend.cuda;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The run-time fallback: the bundled kernel sources compile through NVRTC (needs no GPU; skipped without NVRTC). */
class NvrtcCompileTest {

    static String text(String file) throws IOException {
        try (InputStream in = KernelLibrary.class.getResourceAsStream(KernelLibrary.RESOURCE_DIR + file)) {
            assertTrue(in != null, "kernel source " + file + " missing from the resources");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"matvec_q4_k", "attention", "get_rows", "rope_kv"})
    void sourcesCompileToCubin(String module) throws IOException {
        Nvrtc nvrtc;
        try {
            nvrtc = Nvrtc.load();
        } catch (CudaUnavailableException e) {
            Assumptions.abort("SKIPPED: " + e.getMessage());
            return;
        }
        Map<String, String> headers = new LinkedHashMap<>();
        for (String h : KernelLibrary.HEADERS) headers.put(h, text(h));
        byte[] cubin = nvrtc.compileCubin(module + ".cu", text(module + ".cu"), headers, 90);
        assertTrue(cubin.length > 1000 && cubin[0] == 0x7f && cubin[1] == 'E', module + ": not an ELF cubin (" + cubin.length + " bytes)");
    }
}
