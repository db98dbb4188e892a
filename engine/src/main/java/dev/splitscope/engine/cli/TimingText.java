package dev.splitscope.engine.cli;

import dev.splitscope.engine.runtime.ModelRun;
import dev.splitscope.engine.runtime.Split;
import dev.splitscope.engine.runtime.StepTiming;

/** The per-split timing table of a model's last forward step, as text. */
final class TimingText {
    private TimingText() {}

    static String render(ModelRun run) {
        StringBuilder sb = new StringBuilder("partial sums meet: " + run.reducePath() + "\n");
        sb.append(String.format("%-6s %-6s %-8s %-24s %10s %10s %10s %10s%n", "split", "group", "device", "nodes", "start_us", "compute_us", "sync_us", "sync_B"));
        for (StepTiming t : run.lastTimings()) {
            Split s = run.splits().get(t.split());
            String nodes = run.graph().node(s.firstNode()).label() + ".." + run.graph().node(s.lastNode()).label();
            sb.append(String.format("%-6d %-6d %-8s %-24s %10.1f %10.1f %10.1f %10d%n", t.split(), t.group(),
                    run.deviceNames().get(t.device()), nodes, t.startNanos() / 1e3, t.computeNanos() / 1e3, t.syncNanos() / 1e3, t.syncBytes()));
        }
        return sb.toString();
    }
}
