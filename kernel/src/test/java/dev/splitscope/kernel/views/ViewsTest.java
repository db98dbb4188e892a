package dev.splitscope.kernel.views;

import dev.splitscope.engine.TestModels;
import dev.splitscope.engine.gguf.GgufFile;
import dev.splitscope.engine.gguf.GgufValue;
import dev.splitscope.engine.gguf.GgufValueType;
import dev.splitscope.engine.model.Preset;
import dev.splitscope.engine.model.TensorLayout;
import dev.splitscope.engine.plan.AllReduceForm;
import dev.splitscope.engine.plan.DeviceParser;
import dev.splitscope.engine.plan.LinkSpec;
import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.PlanOptions;
import dev.splitscope.engine.plan.Planner;
import dev.splitscope.engine.plan.SplitMode;
import dev.splitscope.engine.quant.QuantType;
import dev.splitscope.kernel.spi.MimeBundle;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.IntColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class ViewsTest {

    @Test
    void htmlEscapesEveryCellAndCaption() {
        Table t = Table.create("<name & co>", StringColumn.create("text", "<script>alert('x')</script>", "a&b"),
                IntColumn.create("n", 1, 2));
        String html = TableView.html(t, 10);
        assertFalse(html.contains("<script>"), html);
        assertTrue(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"), html);
        assertTrue(html.contains("a&amp;b") && html.contains("&lt;name &amp; co&gt;"), html);
        assertTrue(html.contains("<td style=\"text-align:right\">2</td>"), "numbers are right-aligned: " + html);
    }

    @Test
    void longTablesAreElidedButSayHowManyRowsAreLeft() {
        int[] values = new int[250];
        for (int i = 0; i < values.length; i++) values[i] = i;
        Table t = Table.create("big", IntColumn.create("i", values));
        MimeBundle b = TableView.bundle(t, 100);
        assertTrue(b.get("text/html").contains("150 more rows"), "html elides");
        assertTrue(b.get("text/plain").contains("150 more rows"), "text elides");
        assertEquals(100, b.get("text/html").split("<tr>").length - 2, "100 body rows plus the header row");
    }

    @Test
    void metadataArraysAreSummarised() {
        String[] tokens = new String[20];
        for (int i = 0; i < tokens.length; i++) tokens[i] = "t" + i;
        String s = GgufTables.format(GgufValue.array(GgufValueType.STRING, tokens));
        assertTrue(s.startsWith("[\"t0\", \"t1\"") && s.endsWith("… 12 more]"), s);
        assertEquals(7, GgufTables.layerOf("blk.7.attn_q.weight"));
        assertEquals(-1, GgufTables.layerOf("token_embd.weight"));
    }

    @Test
    void ggufTablesOfARealModel() throws Exception {
        try (GgufFile f = GgufFile.openHeader(TestModels.file("stories260K.gguf"))) {
            Table meta = GgufTables.metadata(f);
            assertEquals(f.metadata().size(), meta.rowCount());
            assertTrue(meta.stringColumn("key").contains("general.architecture"));
            Table tensors = GgufTables.tensors(f);
            assertEquals(f.tensors().size(), tensors.rowCount());
            assertEquals(5, tensors.intColumn("layer").countUnique() - (tensors.intColumn("layer").countMissing() > 0 ? 1 : 0),
                    "stories260K has 5 layers");
        }
    }

    @Test
    void planTablesAndChartsAgreeWithThePlan() {
        var spec = Preset.LLAMA3_8B.spec;
        Plan plan = Planner.plan(spec, TensorLayout.tensors(spec, QuantType.Q4_0), DeviceParser.parse("2x24GiB"),
                PlanOptions.of(SplitMode.GRAPH));
        assertEquals(plan.placements().size(), PlanTables.placement(plan).rowCount());
        Table mem = PlanTables.memory(plan);
        assertEquals(2, mem.rowCount());
        assertEquals(plan.memory().getFirst().totalBytes(), mem.longColumn("total_bytes").get(0));
        Table kv = PlanTables.kv(plan, 8192 * 2);
        assertEquals(plan.kv().entries().size(), kv.rowCount());
        assertEquals(6, kv.columnCount(), "what-if column present");
        assertEquals(plan.comm().steps().size(), PlanTables.comm(plan).rowCount());
        String svg = Charts.svg(PlanTables.memoryChart(plan));
        assertTrue(svg.startsWith("<svg"), "embeddable: no XML declaration or DOCTYPE: " + svg.substring(0, 80));
        byte[] png = Charts.png(PlanTables.kvHeatMap(plan));
        assertEquals((byte) 0x89, png[0]);
        assertEquals('P', png[1]);
        MimeBundle chart = Charts.bundle(PlanTables.memoryChart(plan));
        assertNotNull(chart.get("image/png"));
        assertTrue(chart.get("text/plain").contains("memory per device"));
    }

    /** The all-reduce chart draws the planner's own estimate: one-shot and ring per device count. */
    @Test
    void allReduceFormsChartDrawsThePlannersEstimate() {
        var chart = PlanTables.allReduceForms(LinkSpec.NVLINK4, 2, 8);
        assertEquals(6, chart.getSeriesMap().size(), "three forms for each device count");
        var ring8 = chart.getSeriesMap().get("ring, 8 devices");
        assertEquals(AllReduceForm.RING.seconds(LinkSpec.NVLINK4, 1024, 8) * 1e6, ring8.getYData()[0], 1e-9);
        var twoShot8 = chart.getSeriesMap().get("two-shot, 8 devices");
        assertEquals(AllReduceForm.TWO_SHOT.seconds(LinkSpec.NVLINK4, 64L << 20, 8) * 1e6, twoShot8.getYData()[16], 1e-9);
        assertTrue(Charts.svg(chart).startsWith("<svg"));
        assertThrows(IllegalArgumentException.class, () -> PlanTables.allReduceForms(LinkSpec.NVLINK4, 1));
    }

    @Test
    void chartInputsAreChecked() {
        assertThrows(IllegalArgumentException.class,
                () -> Charts.stackedMemory("m", List.of("a", "b"), List.of("w"), new double[][] {{1}}));
    }
}
