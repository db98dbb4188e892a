package dev.splitscope.kernel.repl;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.*;

class JavaReplTest {
    static JavaRepl repl;

    @BeforeAll
    static void start() {
        repl = new JavaRepl(JavaReplTest.class.getClassLoader(), JavaRepl.jvmClassPath());
    }

    @AfterAll
    static void stop() {
        repl.close();
    }

    @Test
    void lastExpressionIsTheLiveValue() throws Exception {
        Optional<ReplValue> v = repl.eval("int a = 20;\nint b = 22;\nnew StringBuilder().append(a + b)", 1);
        assertTrue(v.isPresent());
        assertInstanceOf(StringBuilder.class, v.get().value());
        assertEquals("42", v.get().value().toString());
        assertEquals(Optional.empty(), repl.eval("int c = 1;", 1).map(ReplValue::text).filter(t -> false));
    }

    @Test
    void cellsCanUseTheVectorApi() throws Exception {
        Optional<ReplValue> v = repl.eval("jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.length() > 0", 1);
        assertEquals(Boolean.TRUE, v.orElseThrow().value());
    }

    @Test
    void statementsHaveNoValue() throws Exception {
        assertTrue(repl.eval("System.out.print(\"\");", 1).isEmpty());
    }

    @Test
    void compileErrorQuotesTheCellLine() {
        CompilationError e = assertThrows(CompilationError.class, () -> repl.eval("int ok = 1;\nint bad = \"text\";", 3));
        assertTrue(e.getMessage().startsWith("cell line 4"), e.getMessage());
        assertTrue(String.join("\n", e.traceback()).contains("int bad = \"text\";"), e.traceback().toString());
    }

    @Test
    void runtimeErrorNamesTheJavaExceptionAndLine() {
        EvaluationError e = assertThrows(EvaluationError.class, () -> repl.eval("int z = 0;\nint q = 5 / z;", 1));
        assertEquals("java.lang.ArithmeticException", e.exceptionClass());
        assertTrue(e.getMessage().contains("/ by zero"));
        assertTrue(String.join("\n", e.traceback()).contains("cell line 2"), e.traceback().toString());
    }

    @Test
    void nullPointerMessagesUseTheUsersNames() {
        EvaluationError e = assertThrows(EvaluationError.class, () -> repl.eval("String nothing = null;\nnothing.length()", 1));
        assertTrue(e.getMessage().contains("because \"nothing\" is null"), e.getMessage());
    }

    @Test
    void incompleteCodeIsAnError() {
        assertThrows(CompilationError.class, () -> repl.eval("if (true) {", 1));
    }

    @Test
    void completeness() {
        assertEquals(Completeness.COMPLETE, repl.completeness("int x = 1;"));
        assertEquals(Completeness.COMPLETE, repl.completeness("int x = 1"));
        assertEquals(Completeness.INCOMPLETE, repl.completeness("for (int i = 0; i < 3; i++) {"));
        assertEquals(Completeness.INVALID, repl.completeness("int x = ;"));
        assertEquals(Completeness.INVALID, repl.completeness("1 +* 2;"));
    }

    @Test
    void completionAndDocumentation() throws Exception {
        repl.eval("String greeting = \"hi\";", 1);
        Completion c = repl.complete("int n = 1;\ngreeting.toUpp", 24);
        assertTrue(c.options().stream().anyMatch(o -> o.startsWith("toUpperCase")), c.options().toString());
        assertEquals(20, c.start());
        String doc = repl.documentation("Math.max(", 9).orElseThrow();
        assertTrue(doc.contains("max("), doc);
    }

    @Test
    void bindMakesAnObjectUsable() throws Exception {
        java.util.List<String> list = new java.util.ArrayList<>(java.util.List.of("a", "b"));
        String name = repl.bind("my list", list, java.util.List.class);
        assertEquals("my_list", name);
        Optional<ReplValue> v = repl.eval("my_list.size()", 1);
        assertEquals(2, v.orElseThrow().value());
        assertEquals("class_", JavaRepl.identifier("class"));
        assertEquals("_3d", JavaRepl.identifier("3d"));
    }

    @Test
    void stopEndsASleep() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                repl.eval("Thread.sleep(60_000);", 1);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        Thread.sleep(500);
        repl.stop();
        t.join(5000);
        assertFalse(t.isAlive(), "the sleep was not interrupted");
        assertInstanceOf(InterruptedCell.class, failure.get());
    }

    @Test
    void stopEndsABusyLoop() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                repl.eval("long spins = 0; while (true) { spins++; }", 1);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        Thread.sleep(500);
        repl.stop();
        t.join(5000);
        assertFalse(t.isAlive(), "the loop did not stop");
        assertNotNull(failure.get(), "an interrupted cell reports an error");
        assertEquals(2, repl.eval("1 + 1", 1).orElseThrow().value());
    }

    @Test
    void anInterruptNamesTheLineThatWasRunning() throws Exception {
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                repl.eval("long counted = 0;\nwhile (true) { counted++; }\nint after = 1;", 1);
            } catch (Throwable e) {
                failure.set(e);
            }
        });
        t.start();
        Thread.sleep(500);
        repl.stop();
        t.join(5000);
        assertInstanceOf(InterruptedCell.class, failure.get());
        assertEquals("interrupted at cell line 2", failure.get().getMessage());
        assertFalse(repl.variableNames().contains("after"), "the rest of the cell ran");
    }

    @Test
    void aValueWhoseToStringThrowsIsStillShown() throws Exception {
        ReplValue v = repl.eval("new Object() { public String toString() { throw new RuntimeException(\"bad toString\"); } }", 1).orElseThrow();
        assertNotNull(v.value());
        assertTrue(v.text().contains("toString() threw RuntimeException: bad toString"), v.text());
        assertEquals(2, repl.eval("1 + 1", 1).orElseThrow().value());
    }

    @Test
    void anExceptionWhoseMessageThrowsIsReported() throws Exception {
        EvaluationError e = assertThrows(EvaluationError.class, () -> repl.eval(
                "throw new RuntimeException() { public String getMessage() { throw new IllegalStateException(\"no message\"); } };", 1));
        assertTrue(e.getMessage().contains("IllegalStateException: no message"), e.getMessage());
        assertEquals(2, repl.eval("1 + 1", 1).orElseThrow().value());
    }

    @Test
    void errorsAreShortUnlessFullTracesAreOn() throws Exception {
        EvaluationError e = assertThrows(EvaluationError.class, () -> repl.eval("int down(int n) { return down(n + 1) + 1; }\ndown(0)", 1));
        assertTrue(e.traceback().size() <= 4, e.traceback().toString());
        assertTrue(e.traceback().get(2).contains("repeats"), e.traceback().toString());
        e = assertThrows(EvaluationError.class, () -> repl.eval("Integer.parseInt(\"x\")", 1));
        assertTrue(e.traceback().stream().noneMatch(l -> l.contains("java.base/")), e.traceback().toString());
        repl.setFullTraces(true);
        try {
            e = assertThrows(EvaluationError.class, () -> repl.eval("Integer.parseInt(\"x\")", 1));
            assertTrue(e.traceback().stream().anyMatch(l -> l.contains("Integer.parseInt")), e.traceback().toString());
        } finally {
            repl.setFullTraces(false);
        }
    }

    /**
     * A stop that comes once the cell has begun, at any point of its first snippet's compilation, ends it. (A stop
     * before a cell begins belongs to no cell and is forgotten: see aStopOutsideACellDoesNotSkipLaterBindings.)
     */
    @Test
    void aStopWhileTheSnippetIsStillCompilingIsNotLost() throws Exception {
        for (int delayMs : new int[]{0, 1, 3, 10, 30, 100}) {
            AtomicReference<Throwable> failure = new AtomicReference<>();
            String code = "String unique" + delayMs + " = \"a fresh snippet to compile\";\nThread.sleep(60_000);";
            Thread t = new Thread(() -> {
                try {
                    repl.eval(code, 1);
                } catch (Throwable e) {
                    failure.set(e);
                }
            });
            t.start();
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (!repl.cellRunning() && System.nanoTime() < deadline) Thread.onSpinWait();
            assertTrue(repl.cellRunning(), "the cell never began");
            Thread.sleep(delayMs);
            repl.stop();
            t.join(5000);
            assertFalse(t.isAlive(), "a stop " + delayMs + " ms after the cell started was lost");
            assertInstanceOf(InterruptedCell.class, failure.get());
        }
        assertEquals(2, repl.eval("1 + 1", 1).orElseThrow().value());
    }

    @Test
    void aStopOutsideACellDoesNotSkipLaterBindings() throws Exception {
        repl.stop(); // e.g. an interrupt of a magic, which then binds its result
        String name = repl.bind("boundAfterStop", 41, Integer.class);
        assertEquals(42, repl.eval(name + " + 1", 1).orElseThrow().value());
    }
}
