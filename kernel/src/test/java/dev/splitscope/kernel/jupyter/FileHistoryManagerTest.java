package dev.splitscope.kernel.jupyter;

import io.github.spencerpark.jupyter.kernel.history.HistoryEntry;
import io.github.spencerpark.jupyter.kernel.history.HistoryManager.ResultFlag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class FileHistoryManagerTest {
    @TempDir
    Path dir;

    @Test
    void historyPersistsAcrossSessions() throws Exception {
        Path file = dir.resolve("sub/history.jsonl");
        FileHistoryManager first = new FileHistoryManager(file);
        assertEquals(1, first.session());
        first.record(1, "int a = 1;", null);
        first.record(2, "a + 1", "2");
        Files.writeString(file, "{torn line\n", java.nio.file.StandardOpenOption.APPEND);

        FileHistoryManager second = new FileHistoryManager(file);
        assertEquals(2, second.session());
        second.record(1, "System.out.println(a);", null);
        List<HistoryEntry> tail = second.lookupTail(2, Set.of(ResultFlag.INCLUDE_OUTPUT));
        assertEquals(List.of("a + 1", "System.out.println(a);"), tail.stream().map(HistoryEntry::getInput).toList());
        assertEquals("2", tail.getFirst().getOutput());
        assertEquals("", tail.get(1).getOutput(), "no output is an empty string when outputs are asked for");
        assertFalse(second.lookupTail(1, EnumSet.noneOf(ResultFlag.class)).getFirst().hasOutput());
    }

    @Test
    void rangeSearchAndUnique() {
        FileHistoryManager h = new FileHistoryManager(dir.resolve("h.jsonl"));
        h.record(1, "int x = 1;", null);
        h.record(2, "x++", "1");
        h.record(3, "x++", "2");
        h.record(4, "%devices", null);
        assertEquals(List.of(2, 3), h.lookupRange(0, 2, 4, Set.of()).stream().map(HistoryEntry::getCellNumber).toList());
        assertEquals(3, h.lookupRange(h.session(), 2, 0, Set.of()).size(), "stop <= start means to the end");
        assertEquals(2, h.search("x*", 0, Set.of()).size(), "glob x* matches x++ twice");
        assertEquals(1, h.search("x++", 10, Set.of(ResultFlag.UNIQUE)).size());
        assertEquals(1, h.search("%dev?ces", 10, Set.of()).size());
        assertEquals(1, h.search("int [a-z] = 1;", 10, Set.of()).size());
        assertEquals(0, h.search("int [^x] = 1;", 10, Set.of()).size());
    }
}
