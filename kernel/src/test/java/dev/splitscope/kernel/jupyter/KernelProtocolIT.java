package dev.splitscope.kernel.jupyter;

import org.junit.jupiter.api.Assumptions;
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
 * Installs the kernelspec with install/install.sh into a temporary prefix and drives the installed kernel with
 * Debian's jupyter_client ({@code kernel/src/test/python/kernel_protocol_test.py}). Runs after {@code package}
 * (failsafe), so the jars it installs are the ones just built.
 */
class KernelProtocolIT {

    @Test
    void installedKernelPassesTheProtocolChecks() throws Exception {
        Assumptions.assumeTrue(run(List.of("/usr/bin/python3", "-c", "import jupyter_client"), null, 60).exit() == 0,
                "SKIPPED: /usr/bin/python3 has no jupyter_client; apt-get install -y jupyter-client python3-nbclient");
        Path prefix = Files.createTempDirectory("splitscope-kernelspec");
        Result install = run(List.of("bash", ROOT.resolve("install/install.sh").toString(), "--prefix", prefix.toString()), null, 600);
        assertEquals(0, install.exit(), "install.sh failed:\n" + install.output());
        assertTrue(Files.isRegularFile(prefix.resolve("share/jupyter/kernels/splitscope/kernel.json")), install.output());

        List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3",
                ROOT.resolve("kernel/src/test/python/kernel_protocol_test.py").toString()));
        String env = System.getenv("SPLITSCOPE_TEST_MODELS");
        String models = env != null && !env.isBlank() ? env : System.getProperty("splitscope.testModels", ROOT.resolve("../shared/models").toString());
        Path model = Path.of(models, "stories260K.gguf");
        if (Files.isRegularFile(model)) cmd.add(model.toString());
        else System.out.println("NOTE: " + model + " is missing; the %gguf check is skipped");
        Result checks = run(cmd, prefix.resolve("share/jupyter"), 420);
        System.out.println(checks.output());
        assertEquals(0, checks.exit(), "protocol checks failed:\n" + checks.output());
        assertTrue(checks.output().contains("all checks passed"), checks.output());
    }

    private static Result run(List<String> cmd, Path jupyterPath, int timeoutS) throws IOException, InterruptedException {
        return ItProcess.run(cmd, jupyterPath == null ? Map.of() : Map.of("JUPYTER_PATH", jupyterPath.toString()), timeoutS);
    }
}
