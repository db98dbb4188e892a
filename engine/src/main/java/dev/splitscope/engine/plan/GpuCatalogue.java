package dev.splitscope.engine.plan;

import java.util.List;
import java.util.Locale;

/**
 * A few well-known GPUs, for planning on hypothetical devices ({@code 2xH100}). Memory is the total a driver reports
 * (approximately, in MiB as nvidia-smi prints it); bandwidth is the vendor's peak figure; the link is what the usual
 * multi-GPU form of the card uses (SXM boards: NVLink, PCIe cards: PCIe).
 */
public final class GpuCatalogue {
    private static final long MIB = 1L << 20;

    /** One catalogue entry; {@code aliases} are matched case-insensitively, ignoring '-', '_' and spaces. */
    public record Gpu(String name, List<String> aliases, long memoryBytes, double memoryBandwidth, LinkSpec link) {
        public DeviceSpec device(int index, String id) {
            return new DeviceSpec(index, id, DeviceKind.HYPOTHETICAL, name, memoryBytes, memoryBandwidth, link);
        }
    }

    private static final List<Gpu> GPUS = List.of(
            new Gpu("H100 80GB SXM", List.of("h100", "h100sxm", "h10080gb", "h100sxm80gb"), 81559 * MIB, 3.35e12, LinkSpec.NVLINK4),
            new Gpu("H100 80GB PCIe", List.of("h100pcie", "h100pcie80gb"), 81559 * MIB, 2.0e12, LinkSpec.PCIE5),
            new Gpu("H200 141GB", List.of("h200", "h200sxm", "h200141gb"), 143771 * MIB, 4.8e12, LinkSpec.NVLINK4),
            new Gpu("B200 180GB", List.of("b200"), 183359 * MIB, 8.0e12, LinkSpec.NVLINK5),
            new Gpu("A100 80GB SXM", List.of("a100", "a10080gb", "a100sxm", "a100sxm80gb"), 81920 * MIB, 2.039e12, LinkSpec.NVLINK3),
            new Gpu("A100 40GB SXM", List.of("a10040gb", "a100sxm40gb"), 40960 * MIB, 1.555e12, LinkSpec.NVLINK3),
            new Gpu("V100 32GB SXM2", List.of("v100", "v10032gb"), 32768 * MIB, 0.9e12, LinkSpec.NVLINK2),
            new Gpu("L40S 48GB", List.of("l40s"), 46068 * MIB, 0.864e12, LinkSpec.PCIE4),
            new Gpu("RTX A6000 48GB", List.of("a6000", "rtxa6000"), 49140 * MIB, 0.768e12, LinkSpec.PCIE4),
            new Gpu("L4 24GB", List.of("l4"), 23034 * MIB, 0.3e12, LinkSpec.PCIE4),
            new Gpu("RTX 4090 24GB", List.of("rtx4090", "4090"), 24564 * MIB, 1.008e12, LinkSpec.PCIE4),
            new Gpu("RTX 3090 24GB", List.of("rtx3090", "3090"), 24576 * MIB, 0.936e12, LinkSpec.PCIE4),
            new Gpu("T4 16GB", List.of("t4"), 15360 * MIB, 0.32e12, LinkSpec.PCIE3));

    private GpuCatalogue() {}

    public static List<Gpu> all() {
        return GPUS;
    }

    /** The GPU with this name or alias, or null. */
    public static Gpu find(String name) {
        String key = normalise(name);
        for (Gpu g : GPUS) {
            if (normalise(g.name()).equals(key) || g.aliases().contains(key)) return g;
        }
        return null;
    }

    /** The first alias of every entry, for error messages. */
    public static List<String> names() {
        return GPUS.stream().map(g -> g.aliases().getFirst().toUpperCase(Locale.ROOT)).toList();
    }

    private static String normalise(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[-_ ]", "");
    }
}
