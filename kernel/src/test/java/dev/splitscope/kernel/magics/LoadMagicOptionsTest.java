package dev.splitscope.kernel.magics;

import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.quant.QuantType;
import dev.splitscope.engine.runtime.LoadOptions;
import dev.splitscope.engine.runtime.ReduceType;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import static org.junit.jupiter.api.Assertions.*;

class LoadMagicOptionsTest {

    static LoadOptions parse(String... args) {
        LoadMagic.Options o = new LoadMagic.Options();
        new CommandLine(o).parseArgs(args);
        return LoadMagic.options(o);
    }

    @Test
    void severalDevicesDefaultToAGraphSplit() {
        assertEquals(SplitMode.GRAPH, parse("m.gguf", "--devices", "cpu:2").split());
        assertEquals(SplitMode.GRAPH, parse("m.gguf", "--devices", "cpu:2@8GiB").split());
        assertEquals(SplitMode.NONE, parse("m.gguf").split());
        assertEquals(SplitMode.LAYER, parse("m.gguf", "--devices", "cpu:3", "--split", "layer").split());
    }

    @Test
    void optionsReachTheLoadOptions() {
        LoadOptions lo = parse("m.gguf", "--devices", "cpu:2", "--tensor-split", "3,1", "--ctx", "128", "--reduce", "bf16",
                "--kv-type", "f16", "--threads", "2");
        assertArrayEquals(new double[] {3, 1}, lo.tensorSplit());
        assertEquals(128, lo.ctx());
        assertEquals(ReduceType.BF16, lo.reduce());
        assertEquals(QuantType.F16, lo.kvType());
        assertEquals(2, lo.threads());
    }

    @Test
    void badValuesSayWhatIsExpected() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse("m.gguf", "--kv-type", "q4"));
        assertTrue(e.getMessage().contains("f32 or f16"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> parse("m.gguf", "--tensor-split", "a,b"));
        assertTrue(e.getMessage().contains("0.6,0.4"), e.getMessage());
    }
}
