package dev.splitscope.engine.plan;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DeviceParserTest {
    private static final long GIB = 1L << 30;

    @Test
    void repeatedSizes() {
        List<DeviceSpec> d = DeviceParser.parse("4x80GiB", 64 * GIB);
        assertEquals(4, d.size());
        for (int i = 0; i < 4; i++) {
            assertEquals(i, d.get(i).index());
            assertEquals(80 * GIB, d.get(i).memoryBytes());
            assertEquals(DeviceKind.HYPOTHETICAL, d.get(i).kind());
            assertEquals("hyp:" + i, d.get(i).id());
        }
        assertEquals(24_000_000_000L, DeviceParser.parse("24GB", 0).getFirst().memoryBytes());
        assertEquals(512L << 20, DeviceParser.parse("512M", 0).getFirst().memoryBytes());
        assertEquals(3 * (GIB / 2), DeviceParser.parse("1.5GiB", 0).getFirst().memoryBytes());
    }

    @Test
    void catalogueGpusAndMixedLists() {
        List<DeviceSpec> d = DeviceParser.parse("2xH100", 0);
        assertEquals(2, d.size());
        assertEquals("H100 80GB SXM", d.get(1).name());
        assertEquals(LinkSpec.NVLINK4, d.get(1).link());
        assertTrue(d.get(0).memoryBytes() > 79 * GIB && d.get(0).memoryBytes() < 80 * GIB);
        assertTrue(d.get(0).memoryBandwidth() > 3e12);

        List<DeviceSpec> m = DeviceParser.parse("H200,h200, 24GiB", 0);
        assertEquals(3, m.size());
        assertEquals("H200 141GB", m.get(0).name());
        assertEquals("H200 141GB", m.get(1).name());
        assertEquals(24 * GIB, m.get(2).memoryBytes());
        assertEquals(List.of(0, 1, 2), m.stream().map(DeviceSpec::index).toList());
        assertEquals("RTX 4090 24GB", DeviceParser.parse("rtx-4090", 0).getFirst().name());
        assertEquals("A100 40GB SXM", DeviceParser.parse("A100_40GB", 0).getFirst().name());
    }

    @Test
    void virtualCpuDevicesShareHostRamOrTakeALimit() {
        List<DeviceSpec> d = DeviceParser.parse("cpu:2", 32 * GIB);
        assertEquals(2, d.size());
        assertEquals(List.of("cpu:0", "cpu:1"), d.stream().map(DeviceSpec::id).toList());
        assertEquals(16 * GIB, d.get(0).memoryBytes());
        assertEquals(DeviceKind.CPU, d.get(1).kind());
        assertEquals(LinkSpec.HOST, d.get(1).link());

        List<DeviceSpec> lim = DeviceParser.parse("cpu:2@8GiB", 32 * GIB);
        assertEquals(8 * GIB, lim.get(1).memoryBytes());
        assertEquals(32 * GIB, DeviceParser.parse("cpu", 32 * GIB).getFirst().memoryBytes());
        assertTrue(DeviceParser.parse("cpu:1").getFirst().memoryBytes() > 0, "host RAM is read from the JVM");
    }

    @Test
    void cudaDevicesHaveUnknownMemoryUnlessGiven() {
        List<DeviceSpec> d = DeviceParser.parse("cuda:0,cuda:0", 0);
        assertEquals(2, d.size());
        assertEquals("cuda:0", d.get(1).id());
        assertEquals(1, d.get(1).index());
        assertFalse(d.get(0).memoryKnown());
        assertEquals(24 * GIB, DeviceParser.parse("cuda:1@24GiB", 0).getFirst().memoryBytes());
        assertEquals(2, DeviceParser.parse("2xcuda:0", 0).size());
        DeviceSpec filled = d.getFirst().withMemory(80 * GIB);
        assertTrue(filled.memoryKnown());
    }

    @Test
    void badStringsListTheAcceptedForms() {
        for (String bad : new String[]{"", "4x", "80", "H999", "cpu:0", "0x80GiB", "cpu:2@lots", "80 parsecs", "4x80GiB,,2"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceParser.parse(bad, GIB), bad);
            assertTrue(e.getMessage().contains("accepted forms"), e.getMessage());
            assertTrue(e.getMessage().contains("cpu:2@8GiB") && e.getMessage().contains("H100"), e.getMessage());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DeviceParser.parse("2xH100,H999", GIB));
        assertTrue(e.getMessage().contains("at 'H999'"), e.getMessage());
    }

    @Test
    void linkPresets() {
        assertEquals(LinkSpec.NVLINK4, LinkSpec.byName("NVLink"));
        assertEquals(LinkSpec.PCIE4, LinkSpec.byName("pcie"));
        assertThrows(IllegalArgumentException.class, () -> LinkSpec.byName("carrier-pigeon"));
        LinkSpec slow = LinkSpec.slowest(List.of(LinkSpec.NVLINK4, LinkSpec.PCIE4));
        assertEquals(LinkSpec.PCIE4.bandwidthBytesPerSec(), slow.bandwidthBytesPerSec());
    }
}
