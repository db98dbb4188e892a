package dev.splitscope.engine.plan;

import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * The link a device talks to its peers over: one-direction bandwidth in bytes per second and the latency of one
 * transfer step in seconds. The presets are round public figures, good for estimates, not measurements.
 */
public record LinkSpec(String name, double bandwidthBytesPerSec, double latencySeconds) {
    /** NVLink 5 (B200): 1.8 TB/s both ways, 900 GB/s each way. */
    public static final LinkSpec NVLINK5 = new LinkSpec("nvlink5", 900e9, 3e-6);
    /** NVLink 4 (H100/H200 SXM): 900 GB/s both ways. */
    public static final LinkSpec NVLINK4 = new LinkSpec("nvlink4", 450e9, 3e-6);
    /** NVLink 3 (A100 SXM): 600 GB/s both ways. */
    public static final LinkSpec NVLINK3 = new LinkSpec("nvlink3", 300e9, 3e-6);
    /** NVLink 2 (V100 SXM2): 300 GB/s both ways. */
    public static final LinkSpec NVLINK2 = new LinkSpec("nvlink2", 150e9, 4e-6);
    /** PCIe 5.0 x16, effective. */
    public static final LinkSpec PCIE5 = new LinkSpec("pcie5", 50e9, 10e-6);
    /** PCIe 4.0 x16, effective. */
    public static final LinkSpec PCIE4 = new LinkSpec("pcie4", 25e9, 10e-6);
    /** PCIe 3.0 x16, effective. */
    public static final LinkSpec PCIE3 = new LinkSpec("pcie3", 12e9, 10e-6);
    /** Virtual devices in one process: a memory copy and a thread hand-off. */
    public static final LinkSpec HOST = new LinkSpec("host", 20e9, 1e-6);

    public LinkSpec {
        if (name == null || name.isBlank()) throw new IllegalArgumentException("link name is empty");
        if (!(bandwidthBytesPerSec > 0) || !(latencySeconds >= 0))
            throw new IllegalArgumentException("link '" + name + "': bandwidth must be > 0 and latency >= 0");
    }

    public static List<LinkSpec> presets() {
        return List.of(NVLINK5, NVLINK4, NVLINK3, NVLINK2, PCIE5, PCIE4, PCIE3, HOST);
    }

    /** A preset by name ({@code nvlink} means nvlink4, {@code pcie} pcie4), or an error listing them. */
    public static LinkSpec byName(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("nvlink")) return NVLINK4;
        if (n.equals("pcie")) return PCIE4;
        for (LinkSpec l : presets()) if (l.name.equals(n)) return l;
        throw new IllegalArgumentException("unknown link '" + name + "'; known links: nvlink, pcie, "
                + String.join(", ", presets().stream().map(LinkSpec::name).toList()));
    }

    /** The bottleneck of several links: the lowest bandwidth and the highest latency. */
    public static LinkSpec slowest(Collection<LinkSpec> links) {
        if (links.isEmpty()) throw new IllegalArgumentException("no links");
        LinkSpec slow = null;
        double lat = 0;
        for (LinkSpec l : links) {
            if (slow == null || l.bandwidthBytesPerSec < slow.bandwidthBytesPerSec) slow = l;
            lat = Math.max(lat, l.latencySeconds);
        }
        return lat == slow.latencySeconds ? slow : new LinkSpec(slow.name, slow.bandwidthBytesPerSec, lat);
    }

    /** Seconds to move {@code bytes} in {@code steps} latency-bound steps. */
    public double seconds(double bytes, int steps) {
        return steps * latencySeconds + bytes / bandwidthBytesPerSec;
    }
}
