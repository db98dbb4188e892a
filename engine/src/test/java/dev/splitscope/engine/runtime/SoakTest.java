package dev.splitscope.engine.runtime;

import dev.splitscope.engine.TestModels;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Memory soak (issue 9): forks {@link SoakMain} with a fixed 256 MiB pre-touched heap, so that any RSS growth is
 * off-heap. Run with: mvn -B test -pl engine -Dsplitscope.excludedGroups=cuda -Dtest=SoakTest
 */
@Tag("slow")
class SoakTest {
    @Test
    void loadUnloadAndGenerateReturnToBaseline() throws Exception {
        Path model = TestModels.file("stories260K.gguf");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder(List.of(java, "-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch",
                "--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"), SoakMain.class.getName(), model.toString(), "50", "1000"))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), out);
        String line = out.lines().filter(l -> l.startsWith("soak ")).findFirst().orElseThrow(() -> new AssertionError(out));
        System.out.println(line);
        Map<String, Long> f = new HashMap<>();
        for (String kv : line.substring(5).split(" ")) f.put(kv.split("=")[0], Long.parseLong(kv.split("=")[1]));
        assertEquals(0, f.get("mappings_after_unload"), "the model file stays mapped after unload");
        long growth = f.get("rss_end_kib") - f.get("rss_baseline_kib");
        assertTrue(growth < 32 * 1024, "off-heap RSS grew by " + growth + " KiB: " + line);
    }
}
