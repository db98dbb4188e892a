package dev.splitscope.kernel.core;

import dev.splitscope.kernel.spi.MagicException;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class CellParserTest {

    @Test
    void javaOnlyCellIsOnePart() {
        List<CellPart> parts = CellParser.parse("int a = 1;\nint b = a % 2;\n");
        assertEquals(1, parts.size());
        assertEquals(1, parts.getFirst().line());
        assertInstanceOf(CellPart.Java.class, parts.getFirst());
    }

    @Test
    void lineMagicsAndJavaRunInOrder() {
        List<CellPart> parts = CellParser.parse("int a = 1;\n%gguf model.gguf --meta\nint b = 2;\n  %devices");
        assertEquals(4, parts.size());
        CellPart.Magic m = (CellPart.Magic) parts.get(1);
        assertEquals("gguf", m.call().name());
        assertEquals(List.of("model.gguf", "--meta"), m.call().args());
        assertFalse(m.call().isCell());
        assertEquals(2, m.line());
        assertEquals(3, parts.get(2).line());
        assertEquals("devices", ((CellPart.Magic) parts.get(3)).call().name());
    }

    @Test
    void cellMagicTakesTheRestAsBody() {
        List<CellPart> parts = CellParser.parse("\n%%prompt -n 8 --temp 0\nOnce upon a time\n%not a magic here");
        assertEquals(1, parts.size());
        CellPart.Magic m = (CellPart.Magic) parts.getFirst();
        assertEquals("prompt", m.call().name());
        assertEquals(List.of("-n", "8", "--temp", "0"), m.call().args());
        assertEquals("Once upon a time\n%not a magic here", m.call().body());
        assertEquals(2, m.line());
    }

    @Test
    void argumentsSplitLikeAShell() {
        assertEquals(List.of("a b", "c", "d\"e", "it's", ""), CellParser.split("\"a b\" c d\\\"e \"it's\" ''", 1));
        MagicException e = assertThrows(MagicException.class, () -> CellParser.split("\"open", 7));
        assertTrue(e.getMessage().contains("cell line 7"), e.getMessage());
    }

    @Test
    void environmentVariablesAreExpandedOutsideSingleQuotes() {
        java.util.Map<String, String> env = java.util.Map.of("MODEL", "/m/x.gguf", "N", "2");
        assertEquals(List.of("/m/x.gguf", "cpu:2", "$MODEL", "$", "a2", "$1"),
                CellParser.split("$MODEL cpu:${N} '$MODEL' $ \"a$N\" $1", 1, env::get));
        MagicException e = assertThrows(MagicException.class, () -> CellParser.split("$NOPE", 3, env::get));
        assertTrue(e.getMessage().contains("NOPE is not set"), e.getMessage());
        assertEquals(List.of("$HOME"), CellParser.split("\\$HOME", 1, env::get));
    }

    @Test
    void percentFollowedBySpaceIsJava() {
        List<CellPart> parts = CellParser.parse("int r = 7\n  % 3;");
        assertEquals(1, parts.size());
        assertInstanceOf(CellPart.Java.class, parts.getFirst());
    }

    @Test
    void magicWithoutNameIsAnError() {
        assertThrows(MagicException.class, () -> CellParser.parse("%% \nbody"));
    }
}
