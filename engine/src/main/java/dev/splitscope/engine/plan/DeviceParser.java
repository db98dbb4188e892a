package dev.splitscope.engine.plan;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses a device list such as {@code 4x80GiB}, {@code 2xH100}, {@code H200,H200,24GiB}, {@code cpu:2},
 * {@code cpu:2@8GiB} or {@code cuda:0,cuda:0@24GiB}. Items are comma-separated; {@code Nx} repeats an item.
 * Virtual CPU devices share the host's RAM equally unless an {@code @limit} is given per device.
 */
public final class DeviceParser {
    public static final String ACCEPTED = "accepted forms: 4x80GiB (N hypothetical devices of 80 GiB; units KiB MiB GiB TiB, "
            + "KB MB GB TB, or K M G T for the binary ones), 2xH100 (catalogue GPUs: " + String.join(", ", GpuCatalogue.names())
            + "), H200,H200,24GiB (a comma-separated list), cpu:2 or cpu:2@8GiB (virtual CPU devices, sharing host RAM "
            + "or each limited), cuda:0 or cuda:0@80GiB (a logical CUDA device; repeat it to split one GPU)";

    private static final Pattern REPEAT = Pattern.compile("(\\d+)\\s*[x×*]\\s*(.+)", Pattern.CASE_INSENSITIVE);
    private static final Pattern CPU = Pattern.compile("cpu(?::(\\d+))?(?:@(.+))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern CUDA = Pattern.compile("cuda(?::(\\d+))?(?:@(.+))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*([kmgt]i?b?|b)", Pattern.CASE_INSENSITIVE);

    private DeviceParser() {}

    /** Parses with this host's RAM as the pool that {@code cpu:N} devices share. */
    public static List<DeviceSpec> parse(String devices) {
        return parse(devices, hostRamBytes());
    }

    /** Parses; {@code hostRamBytes} is what virtual CPU devices without a limit share. */
    public static List<DeviceSpec> parse(String devices, long hostRamBytes) {
        if (devices == null || devices.isBlank()) throw bad(devices, devices, "the device list is empty");
        List<DeviceSpec> out = new ArrayList<>();
        List<Integer> sharedCpu = new ArrayList<>();
        int cpuCount = 0, hypCount = 0;
        for (String raw : devices.split(",")) {
            String item = raw.trim();
            int repeat = 1;
            Matcher rm = REPEAT.matcher(item);
            if (rm.matches()) {
                repeat = Integer.parseInt(rm.group(1));
                item = rm.group(2).trim();
                if (repeat < 1 || repeat > 1024) throw bad(devices, raw, "repeat count must be 1..1024");
            }
            for (int r = 0; r < repeat; r++) {
                Matcher cm = CPU.matcher(item), km = CUDA.matcher(item);
                if (cm.matches()) {
                    int n = cm.group(1) == null ? 1 : Integer.parseInt(cm.group(1));
                    if (n < 1 || n > 1024) throw bad(devices, raw, "cpu:N needs 1 <= N <= 1024");
                    long limit = cm.group(2) == null ? DeviceSpec.UNKNOWN : size(devices, raw, cm.group(2));
                    for (int i = 0; i < n; i++) {
                        if (limit == DeviceSpec.UNKNOWN) sharedCpu.add(out.size());
                        out.add(new DeviceSpec(out.size(), "cpu:" + cpuCount, DeviceKind.CPU, "virtual CPU " + cpuCount++,
                                Math.max(limit, 0), 0, LinkSpec.HOST));
                    }
                } else if (km.matches()) {
                    int ordinal = km.group(1) == null ? 0 : Integer.parseInt(km.group(1));
                    long mem = km.group(2) == null ? DeviceSpec.UNKNOWN : size(devices, raw, km.group(2));
                    out.add(new DeviceSpec(out.size(), "cuda:" + ordinal, DeviceKind.CUDA, "CUDA device " + ordinal,
                            mem, 0, LinkSpec.PCIE4));
                } else if (SIZE.matcher(item).matches()) {
                    long mem = size(devices, raw, item);
                    out.add(new DeviceSpec(out.size(), "hyp:" + hypCount++, DeviceKind.HYPOTHETICAL, Units.bytes(mem),
                            mem, 0, LinkSpec.PCIE4));
                } else {
                    GpuCatalogue.Gpu g = GpuCatalogue.find(item);
                    if (g == null) throw bad(devices, raw, "'" + item + "' is neither a size, a known GPU, cpu:N nor cuda:N");
                    out.add(g.device(out.size(), "hyp:" + hypCount++));
                }
            }
        }
        if (out.size() > 1024) throw bad(devices, devices, "more than 1024 devices");
        for (int i : sharedCpu) out.set(i, out.get(i).withMemory(hostRamBytes / sharedCpu.size()));
        return List.copyOf(out);
    }

    /** Parses a size such as {@code 80GiB}, {@code 24GB}, {@code 512M} or {@code 1.5T}. */
    public static long parseBytes(String s) {
        Matcher m = SIZE.matcher(s.trim());
        if (!m.matches()) throw new IllegalArgumentException("bad size '" + s + "': expected a number and a unit such as 80GiB, 24GB, 512MiB");
        String u = m.group(2).toLowerCase(Locale.ROOT);
        boolean decimal = u.length() == 2 && u.endsWith("b") && u.charAt(0) != 'b';
        int power = switch (u.charAt(0)) {
            case 'k' -> 1;
            case 'm' -> 2;
            case 'g' -> 3;
            case 't' -> 4;
            default -> 0;
        };
        double v = Double.parseDouble(m.group(1)) * Math.pow(decimal ? 1000 : 1024, power);
        if (!(v >= 1) || v > 1L << 62) throw new IllegalArgumentException("size '" + s + "' is out of range");
        return Math.round(v);
    }

    private static long size(String all, String item, String text) {
        try {
            return parseBytes(text);
        } catch (IllegalArgumentException e) {
            throw bad(all, item, e.getMessage());
        }
    }

    private static IllegalArgumentException bad(String all, String item, String why) {
        return new IllegalArgumentException("bad device list '" + all + "' at '" + (item == null ? "" : item.trim()) + "': "
                + why + "; " + ACCEPTED);
    }

    /** Total physical memory of this host, or 16 GiB when the JVM cannot tell. */
    public static long hostRamBytes() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os)
            return os.getTotalMemorySize();
        return 16L << 30;
    }
}
