package dev.splitscope.kernel.magics;

import dev.splitscope.engine.gguf.GgufFormatException;
import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.PlanIssue;
import dev.splitscope.engine.runtime.PlanRefusedException;
import dev.splitscope.kernel.spi.MagicException;

import java.io.IOException;
import java.util.stream.Collectors;

/** Turns engine failures into one readable paragraph: what went wrong, why, and how to fix it. */
final class ModelErrors {
    private ModelErrors() {}

    /** How to fix a plan that cannot run: a file without its weights needs another file, not other devices. */
    static String planFix(Plan plan, String more) {
        if (plan.errors().stream().anyMatch(i -> i.code().equals(PlanIssue.MISSING_TENSOR)))
            return "This file is not a complete model; use a GGUF that holds the weights (%gguf PATH --tensors lists what a file holds).";
        return "Use more or larger devices, a smaller --ctx, another --split or --tensor-split; " + more;
    }

    static MagicException wrap(String magic, Exception e) {
        if (e instanceof MagicException m) return m;
        if (e instanceof PlanRefusedException r)
            return new MagicException("%" + magic + ": the plan cannot run, so nothing was allocated: "
                    + r.plan().errors().stream().map(PlanIssue::message).collect(Collectors.joining("; ")) + ".",
                    planFix(r.plan(), "%plan shows the plan without loading."), e);
        if (e instanceof GgufFormatException)
            return new MagicException("%" + magic + ": the file is not a valid GGUF: " + e.getMessage(),
                    "Check that the download is complete; fetch it again if it was truncated.", e);
        if (e instanceof IOException)
            return new MagicException("%" + magic + ": cannot read the model file: " + e.getMessage(),
                    "Check that the file exists and is readable.", e);
        if (e instanceof IllegalArgumentException || e instanceof IllegalStateException || e instanceof UnsupportedOperationException)
            return new MagicException("%" + magic + ": " + e.getMessage(), "Run %" + magic + " --help for the options.", e);
        return new MagicException("%" + magic + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
                "Run %debug on and the cell again to see the Java stack trace.", e);
    }
}
