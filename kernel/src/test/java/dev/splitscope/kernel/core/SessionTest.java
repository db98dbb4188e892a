package dev.splitscope.kernel.core;

import dev.splitscope.kernel.repl.CellException;
import dev.splitscope.kernel.repl.Completeness;
import dev.splitscope.kernel.repl.InterruptedCell;
import dev.splitscope.kernel.spi.MimeBundle;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** Magic dispatch, errors, bindings and plugins through a whole Session, without ZeroMQ. */
class SessionTest {
    static final RecordingSink sink = new RecordingSink();
    static final ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
    static final PrintStream out = new PrintStream(outBytes, true, StandardCharsets.UTF_8);
    static Session session;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        session = new Session(sink, () -> out, () -> out, List.of());
    }

    @AfterAll
    static void stop() {
        session.close();
    }

    @BeforeEach
    void clear() {
        sink.clear();
        outBytes.reset();
    }

    static String out() {
        return outBytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void javaCellReturnsItsLastValue() throws Exception {
        Optional<MimeBundle> r = session.execute("int a = 6;\na * 7");
        assertEquals("42", r.orElseThrow().get("text/plain"));
        assertTrue(session.execute("int unused = 1;").isEmpty());
    }

    @Test
    void javaCellsCanDisplayAndUpdate() throws Exception {
        session.execute("String id = display(Table.create(\"t\", IntColumn.create(\"x\", 1, 2)));\nupdateDisplay(id, \"done\");");
        assertEquals(2, sink.shown.size());
        assertTrue(sink.shown.get(0).bundle().get("text/html").contains("<table"));
        assertEquals(sink.shown.get(0).displayId(), sink.shown.get(1).displayId());
        assertTrue(sink.shown.get(1).update());
        assertEquals("done", sink.shown.get(1).bundle().get("text/plain"));
    }

    @Test
    void unknownMagicListsTheKnownOnes() {
        MagicError e = assertThrows(MagicError.class, () -> session.execute("%nope"));
        String tb = String.join("\n", e.traceback());
        assertTrue(tb.contains("unknown magic %nope"), tb);
        assertTrue(tb.contains("%gguf") && tb.contains("%plan") && tb.contains("%help"), tb);
    }

    @Test
    void badArgumentsGiveUsageNotAStackTrace() {
        MagicError e = assertThrows(MagicError.class, () -> session.execute("%plan --preset llama3-8b --ctx many"));
        String tb = String.join("\n", e.traceback());
        assertTrue(tb.contains("--ctx") && tb.contains("Usage: %plan"), tb);
        assertFalse(tb.contains("\tat ") || tb.contains("picocli.CommandLine"), tb);
    }

    @Test
    void helpOptionPrintsUsage() throws Exception {
        session.execute("%gguf --help");
        assertTrue(out().contains("Usage: %gguf") && out().contains("--tensors"), out());
        session.execute("%help plan");
        assertTrue(out().contains("--tensor-split"), out());
        outBytes.reset();
        session.execute("%lsmagic");
        assertTrue(out().contains("%devices") && out().contains("%plugin"), out());
    }

    @Test
    void lineMagicCannotTakeABody() {
        MagicError e = assertThrows(MagicError.class, () -> session.execute("%%devices\nbody"));
        assertTrue(e.getMessage().contains("line magic"), e.getMessage());
    }

    @Test
    void missingFileIsOneParagraph() {
        MagicError e = assertThrows(MagicError.class, () -> session.execute("%gguf /no/such/file.gguf"));
        assertTrue(e.traceback().size() <= 3, e.traceback().toString());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void debugModeAddsTheJavaStackTrace() throws Exception {
        session.execute("%debug on");
        try {
            MagicError e = assertThrows(MagicError.class, () -> session.execute("%plan --preset llama3-8b --split diagonal"));
            assertTrue(e.traceback().stream().anyMatch(l -> l.contains("\tat ") || l.startsWith("java.lang.IllegalArgumentException")), e.traceback().toString());
        } finally {
            session.execute("%debug off");
        }
        MagicError e = assertThrows(MagicError.class, () -> session.execute("%plan --preset llama3-8b --split diagonal"));
        assertTrue(e.getMessage().contains("diagonal"), e.getMessage());
        assertFalse(String.join("\n", e.traceback()).contains("\tat "), e.traceback().toString());
    }

    @Test
    void devicesTableIsShownAndBound() throws Exception {
        session.execute("%devices");
        MimeBundle b = sink.bundles().getFirst();
        assertTrue(b.get("text/html").contains("<table") && b.get("text/plain").contains("cpu"), b.asMap().toString());
        assertTrue(out().contains("devices"), out());
        assertEquals("1", session.execute("devices.where(devices.stringColumn(\"kind\").isEqualTo(\"cpu\")).rowCount()")
                .orElseThrow().get("text/plain"));
    }

    @Test
    void planShowsTablesAndChartsAndBindsThem() throws Exception {
        session.execute("%plan --preset llama3-70b --devices 4x80GiB --split graph --reduce f16");
        List<MimeBundle> shown = sink.bundles();
        assertEquals(7, shown.size(), "5 tables and 2 charts");
        assertTrue(shown.get(2).get("text/html").contains("attn_q"), "the placement table lists attn_q");
        assertNotNull(shown.get(5).get("image/png"), "memory chart as PNG");
        assertNotNull(shown.get(6).get("image/png"), "KV heat map as PNG");
        Optional<MimeBundle> r = session.execute("placement.where(placement.intColumn(\"device\").isEqualTo(3)).rowCount() > 0");
        assertEquals("true", r.orElseThrow().get("text/plain"));
        assertEquals("4", session.execute("plan.devices().size()").orElseThrow().get("text/plain"));
        Optional<MimeBundle> table = session.execute("kv.first(3)");
        assertTrue(table.orElseThrow().get("text/html").contains("<table"), "a Table value renders as HTML");
    }

    @Test
    void completionOfMagicNamesAndInspection() {
        var c = session.complete("%pl", 3);
        assertTrue(c.options().contains("plan") && c.options().contains("plugin"), c.options().toString());
        assertEquals(1, c.start());
        var opts = session.complete("%plan --preset x --tensor", 24);
        assertEquals(List.of("--tensor-split"), opts.options());
        assertEquals(17, opts.start());
        assertTrue(session.inspect("%gguf x", 2).orElseThrow().contains("--meta"));
        assertEquals(Completeness.COMPLETE, session.completeness("%%anything\nnot java {"));
        assertEquals(Completeness.INCOMPLETE, session.completeness("%devices\nif (true) {"));
    }

    @Test
    void pluginJarAddsMagicsRenderersImportsAndClasses() throws Exception {
        Path jar = PluginJars.build(tmp, "demo.jar", "demo.DemoProvider",
                "demo/Greeting.java", PluginJars.GREETING, "demo/DemoProvider.java", PluginJars.PROVIDER);
        session.execute("%plugin " + jar);
        assertTrue(out().contains("loaded plugin demo: %hello, %spin"), out());
        session.execute("%hello big world");
        assertTrue(out().contains("hello big world"), out());
        assertEquals("\"hi big world\"", session.execute("greeting.text()").orElseThrow().get("text/plain"));
        MimeBundle rendered = session.execute("new Greeting(\"<x>\")").orElseThrow();
        assertEquals("<b><x></b>", rendered.get("text/html"));
        session.execute("%%hello cell\nthe body");
        assertTrue(out().contains("hello cell body=the body"), out());
        MagicError again = assertThrows(MagicError.class, () -> session.execute("%plugin " + tmp.resolve("missing.jar")));
        assertTrue(again.getMessage().contains("does not exist"), again.getMessage());
        interruptStopsAMagicThatChecksTheFlag();
    }

    private void interruptStopsAMagicThatChecksTheFlag() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                session.execute("%spin");
            } catch (CellException e) {
                failure.set(e);
            }
        });
        t.start();
        Thread.sleep(300);
        session.interrupt();
        t.join(5000);
        assertFalse(t.isAlive(), "%spin did not stop");
        assertInstanceOf(InterruptedCell.class, failure.get());
        assertEquals("2", session.execute("1 + 1").orElseThrow().get("text/plain"));
    }

    @Test
    void pluginFolderIsScannedAtStart() throws Exception {
        Path lib = tmp.resolve("lib");
        java.nio.file.Files.createDirectories(lib);
        PluginJars.build(lib, "demo2.jar", "demo.DemoProvider",
                "demo/Greeting.java", PluginJars.GREETING, "demo/DemoProvider.java", PluginJars.PROVIDER);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        try (Session s = new Session(new RecordingSink(), () -> ps, () -> ps, List.of(lib))) {
            s.execute("%hello from lib");
            assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("hello from lib"));
            assertEquals("\"hi from lib\"", s.execute("greeting.text()").orElseThrow().get("text/plain"));
        }
    }
}
