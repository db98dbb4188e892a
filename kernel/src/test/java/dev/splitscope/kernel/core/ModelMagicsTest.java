package dev.splitscope.kernel.core;

import dev.splitscope.engine.TestModels;
import dev.splitscope.kernel.repl.CellException;
import dev.splitscope.kernel.repl.InterruptedCell;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

/** The model magics on the real stories260K model, on two virtual CPU devices, through a Session (no ZeroMQ). */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ModelMagicsTest {
    static final RecordingSink sink = new RecordingSink();
    static final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    static final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    static Session session;
    static Path model;

    @BeforeAll
    static void start() {
        model = TestModels.file("stories260K.gguf");
        session = new Session(sink, () -> out, () -> out, List.of());
    }

    @AfterAll
    static void stop() {
        if (session != null) session.close();
    }

    @BeforeEach
    void clear() {
        sink.clear();
        bytes.reset();
    }

    static String out() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    @Order(1)
    void planThatDoesNotFitIsRefusedBeforeLoading() {
        MagicError e = assertThrows(MagicError.class, () -> session.execute("%load " + model + " --devices cpu:2@1KiB"));
        assertTrue(e.getMessage().contains("nothing was allocated"), e.getMessage());
        MagicError none = assertThrows(MagicError.class, () -> session.execute("%placement"));
        assertTrue(none.getMessage().contains("no model is loaded"), none.getMessage());
    }

    @Test
    @Order(2)
    void loadShowsProgressAndBindsTheModel() throws Exception {
        session.execute("%load " + model + " --as tiny --devices cpu:2 --split graph --ctx 256");
        assertTrue(out().contains("loaded tiny"), out());
        assertTrue(sink.shown.stream().anyMatch(s -> s.update() && s.bundle().get("text/plain").contains("tensors")), "progress updates");
        assertEquals("2", session.execute("tiny.run().deviceNames().size()").orElseThrow().get("text/plain"));
    }

    @Test
    @Order(3)
    void promptStreamsWithDisplayUpdates() throws Exception {
        session.execute("%%prompt -n 24\nOnce upon a time");
        List<RecordingSink.Shown> shown = sink.shown;
        assertFalse(shown.getFirst().update());
        RecordingSink.Shown last = shown.getLast();
        assertTrue(last.update() && last.displayId().equals(shown.getFirst().displayId()), shown.toString());
        String text = last.bundle().get("text/plain");
        assertTrue(text.startsWith("Once upon a time") && text.length() > "Once upon a time".length() + 10, text);
        assertTrue(out().contains("tok/s"), out());
        assertEquals("true", session.execute("generation.generatedIds().length > 0").orElseThrow().get("text/plain"));
    }

    @Test
    @Order(4)
    void viewsOfTheLoadedModel() throws Exception {
        for (String magic : List.of("%placement --layer 0", "%splits", "%kv --ctx 1024", "%comm --link pcie", "%timings", "%models",
                "%bench -p 8 -n 4 -r 1")) {
            sink.clear();
            session.execute(magic);
            assertTrue(sink.bundles().stream().anyMatch(b -> b.get("text/html") != null && b.get("text/html").contains("<table")),
                    magic + " shows a table");
        }
        assertEquals("true", session.execute("splits.rowCount() > 0 && kv.rowCount() == 10 && bench.rowCount() == 2")
                .orElseThrow().get("text/plain"));
    }

    @Test
    @Order(10)
    void routingCountsTheExpertsOfAMoeModel() throws Exception {
        session.execute("%load " + model + " --as dense --ctx 64");
        MagicError dense = assertThrows(MagicError.class, () -> session.execute("%routing --model dense"));
        assertTrue(dense.getMessage().contains("dense model"), dense.getMessage());
        session.execute("%unload dense");
        Path moe = TestModels.file("derived/stories260K-moe4-identical-top2.gguf");
        session.execute("%load " + moe + " --as moe --devices cpu:2 --split graph --ctx 128");
        MagicError none = assertThrows(MagicError.class, () -> session.execute("%routing --model moe"));
        assertTrue(none.getMessage().contains("no routed tokens"), none.getMessage());
        session.execute("%routing --model moe --on");
        session.execute("%%prompt --model moe -n 8\nOnce upon a time");
        sink.clear();
        session.execute("%routing --model moe");
        assertTrue(sink.bundles().stream().anyMatch(b -> b.get("text/html") != null && b.get("text/html").contains("<th>picks</th>")));
        // 5 layers x 4 experts; top-2 routing: each counted token adds 2 picks per layer
        assertEquals("true", session.execute("routing.rowCount() == 20 && routing.longColumn(\"picks\").sum() == "
                + "2L * 5 * moe.run().routing().tokens(0)").orElseThrow().get("text/plain"));
        session.execute("%unload moe");
    }

    @Test
    @Order(5)
    void chatNeedsATemplate() {
        MagicError e = assertThrows(MagicError.class, () -> session.execute("%%chat\nhello"));
        assertTrue(e.getMessage().contains("no chat template"), e.getMessage());
    }

    @Test
    @Order(6)
    void interruptStopsAGeneration() throws Exception {
        AtomicReference<CellException> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                session.execute("%%prompt -n 200\nOnce upon a time");
            } catch (CellException e) {
                failure.set(e);
            }
        });
        t.start();
        long deadline = System.currentTimeMillis() + 20_000;
        while (sink.shown.isEmpty() && System.currentTimeMillis() < deadline) Thread.sleep(5);
        session.interrupt();
        t.join(20_000);
        assertFalse(t.isAlive(), "the generation did not stop");
        assertInstanceOf(InterruptedCell.class, failure.get());
        assertTrue(out().contains("stopped by cancelled"), out());
    }

    @Test
    @Order(7)
    void chatKeepsTheConversation(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path withTemplate = dir.resolve("chatty.gguf");
        try (var f = dev.splitscope.engine.gguf.GgufFile.open(model)) {
            var w = new dev.splitscope.engine.gguf.GgufWriter().putAll(f.metadata()).putString("tokenizer.chat_template",
                    "{% for m in messages %}{{ m['role'] }}: {{ m['content'] }}\n{% endfor %}"
                            + "{% if add_generation_prompt %}assistant:{% endif %}");
            for (var t : f.tensors()) w.addTensor(t.name(), t.type(), t.dims(), f.tensorData(t));
            w.write(withTemplate);
        }
        session.execute("%load " + withTemplate + " --as chatty --ctx 256");
        session.execute("%%chat -n 8 --system \"You tell stories.\"\nOnce upon a time");
        session.execute("%%chat -n 8\nAnd then?");
        assertEquals("5", session.execute("conversation.size()").orElseThrow().get("text/plain"), "system + 2 × (user, assistant)");
        assertTrue(sink.shown.stream().anyMatch(RecordingSink.Shown::update), "the reply streams");
        session.execute("%unload chatty");
    }

    @Test
    @Order(8)
    void unloadFreesTheModel() throws Exception {
        session.execute("%unload tiny");
        assertTrue(out().contains("unloaded tiny"), out());
        assertThrows(MagicError.class, () -> session.execute("%splits"));
    }
}
