package dev.splitscope.kernel.magics;

import dev.splitscope.engine.runtime.LoadedModel;
import dev.splitscope.engine.runtime.ModelRun;
import dev.splitscope.kernel.spi.MagicContext;
import dev.splitscope.kernel.spi.MagicException;
import dev.splitscope.kernel.spi.PicocliMagic;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * {@code %bench}: prompt processing (pp) and token generation (tg) speed of the loaded model, llama-bench style:
 * pp evaluates P random tokens as one batch, tg evaluates N tokens one at a time; each repeated R times.
 */
public final class BenchMagic extends PicocliMagic<BenchMagic.Options> {

    @Command(name = "bench", description = "Measure prompt processing (pp) and token generation (tg) speed, as llama-bench does; interruptible.")
    static final class Options {
        @Mixin
        ModelChoice model = new ModelChoice();

        @Option(names = {"-p", "--prompt-tokens"}, defaultValue = "64", paramLabel = "P", description = "Prompt tokens for pp (default ${DEFAULT-VALUE}).")
        int pp;

        @Option(names = {"-n", "--gen-tokens"}, defaultValue = "32", paramLabel = "N", description = "Generated tokens for tg (default ${DEFAULT-VALUE}).")
        int tg;

        @Option(names = {"-r", "--repetitions"}, defaultValue = "3", paramLabel = "R", description = "Repetitions (default ${DEFAULT-VALUE}).")
        int reps;
    }

    @Override
    public String summary() {
        return "pp/tg tokens per second of the loaded model, like llama-bench";
    }

    @Override
    protected Options newOptions() {
        return new Options();
    }

    @Override
    protected void execute(MagicContext ctx, Options o, String body) {
        LoadedModel m = o.model.of(ctx);
        ModelRun run = m.run();
        if (o.pp == 0 && o.tg == 0)
            throw new MagicException("%bench: -p 0 and -n 0 leave nothing to measure.", "Give -p (prompt tokens) or -n (generated tokens) above 0.");
        if (o.pp < 0 || o.tg < 0 || o.reps < 1 || o.pp + 1 > run.contextLength() || o.tg > run.contextLength())
            throw new MagicException("%bench: -p " + o.pp + " and -n " + o.tg + " must be >= 0 and fit the context length "
                    + run.contextLength() + ", and -r at least 1.", "Use smaller -p/-n, or %load with a larger --ctx.");
        SplittableRandom rnd = new SplittableRandom(1234);
        int vocab = m.spec().nVocab();
        StringColumn model = StringColumn.create("model");
        StringColumn devices = StringColumn.create("devices");
        StringColumn split = StringColumn.create("split");
        StringColumn test = StringColumn.create("test");
        IntColumn reps = IntColumn.create("reps");
        DoubleColumn mean = DoubleColumn.create("t/s");
        DoubleColumn sd = DoubleColumn.create("± sd");
        for (String kind : new String[] {"pp", "tg"}) {
            int n = kind.equals("pp") ? o.pp : o.tg;
            if (n == 0) continue;
            double[] tps = new double[o.reps];
            for (int r = 0; r < o.reps; r++) tps[r] = n / seconds(ctx, run, kind, n, rnd, vocab);
            double mu = 0, var = 0;
            for (double x : tps) mu += x / tps.length;
            for (double x : tps) var += (x - mu) * (x - mu) / Math.max(1, tps.length - 1);
            model.append(m.name());
            devices.append(String.join(",", run.deviceNames()));
            split.append(m.plan().mode().name().toLowerCase(Locale.ROOT));
            test.append(kind + n);
            reps.append(o.reps);
            mean.append(Math.round(mu * 100) / 100.0);
            sd.append(Math.round(Math.sqrt(var) * 100) / 100.0);
        }
        TableOutput.show(ctx, Table.create("bench", model, devices, split, test, reps, mean, sd), "bench");
    }

    private static double seconds(MagicContext ctx, ModelRun run, String kind, int n, SplittableRandom rnd, int vocab) {
        ctx.cancellation().check();
        long t0 = System.nanoTime();
        if (kind.equals("pp")) {
            int[] ids = new int[n];
            for (int i = 0; i < n; i++) ids[i] = rnd.nextInt(vocab);
            run.forward(ids, 0);
        } else {
            for (int i = 0; i < n; i++) {
                ctx.cancellation().check();
                run.forward(new int[] {rnd.nextInt(vocab)}, i);
            }
        }
        return Math.max(1e-9, (System.nanoTime() - t0) / 1e9);
    }
}
