package dev.splitscope.kernel.jupyter;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.splitscope.kernel.jupyter.ItProcess.Result;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static dev.splitscope.kernel.jupyter.ItProcess.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Bad input and interrupts against the installed kernel, driven by Debian's jupyter_client: runs
 * {@code notebooks/bad-cells.ipynb} with nbclient (every bad cell must fail with one short paragraph, the good cells
 * after them must work; {@code kernel/src/test/python/bad_cells_test.py}), and interrupts a busy loop, a sleep and
 * generations in mid-stream ({@code interrupt_test.py}). Runs after {@code package} (failsafe).
 */
class KernelHardeningIT {
    private static Path jupyterPath;
    private static Path model;

    @BeforeAll
    static void install() throws Exception {
        Assumptions.assumeTrue(run(List.of("/usr/bin/python3", "-c", "import jupyter_client, nbclient, nbformat"), Map.of(), 60).exit() == 0,
                "SKIPPED: /usr/bin/python3 has no jupyter_client/nbclient; apt-get install -y jupyter-client python3-nbclient");
        Path prefix = Files.createTempDirectory("splitscope-kernelspec");
        Result install = run(List.of("bash", ROOT.resolve("install/install.sh").toString(), "--prefix", prefix.toString()), Map.of(), 600);
        assertEquals(0, install.exit(), "install.sh failed:\n" + install.output());
        jupyterPath = prefix.resolve("share/jupyter");
        String env = System.getenv("SPLITSCOPE_TEST_MODELS");
        String models = env != null && !env.isBlank() ? env : System.getProperty("splitscope.testModels", ROOT.resolve("../shared/models").toString());
        Path m = Path.of(models, "stories260K.gguf").toAbsolutePath().normalize();
        model = Files.isRegularFile(m) ? m : null;
    }

    @Test
    void hundredBadCellsFailCleanlyAndTheGoodCellsAfterThemWork() throws Exception {
        Assumptions.assumeTrue(model != null, "SKIPPED: the shared test model stories260K.gguf is missing (set SPLITSCOPE_TEST_MODELS)");
        Result r = run(List.of("/usr/bin/python3", ROOT.resolve("kernel/src/test/python/bad_cells_test.py").toString(),
                ROOT.resolve("notebooks/bad-cells.ipynb").toString()), Map.of("SPLITSCOPE_MODELS", model.getParent().toString()), 300);
        System.out.println(r.output());
        assertEquals(0, r.exit(), "bad-cells checks failed:\n" + r.output());
        assertTrue(r.output().contains("all checks passed"), r.output());
    }

    @Test
    void interruptsEndCellsPromptlyAndTheNextCellsWork() throws Exception {
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", ROOT.resolve("kernel/src/test/python/interrupt_test.py").toString()));
        if (model != null) cmd.add(model.toString());
        else System.out.println("NOTE: stories260K.gguf is missing; only the Java interrupt checks run");
        Result r = run(cmd, Map.of(), 300);
        System.out.println(r.output());
        assertEquals(0, r.exit(), "interrupt checks failed:\n" + r.output());
        assertTrue(r.output().contains("all checks passed"), r.output());
    }

    private static Result run(List<String> cmd, Map<String, String> env, int timeoutS) throws IOException, InterruptedException {
        Map<String, String> all = new java.util.HashMap<>(env);
        if (jupyterPath != null) all.put("JUPYTER_PATH", jupyterPath.toString());
        return ItProcess.run(cmd, all, timeoutS);
    }
}
