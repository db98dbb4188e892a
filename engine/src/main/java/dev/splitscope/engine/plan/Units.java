package dev.splitscope.engine.plan;

import java.util.Locale;

/** Formats byte counts, bandwidths and times for people (binary units for bytes). */
public final class Units {
    private Units() {}

    public static String bytes(long b) {
        if (b < 0) return "unknown";
        if (b < 1024) return b + " B";
        String[] u = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = b;
        int i = -1;
        while (v >= 1024 && i < u.length - 1) {
            v /= 1024;
            i++;
        }
        return String.format(Locale.ROOT, v >= 100 ? "%.0f %s" : v >= 10 ? "%.1f %s" : "%.2f %s", v, u[i]);
    }

    public static String seconds(double s) {
        if (s >= 1) return String.format(Locale.ROOT, "%.2f s", s);
        if (s >= 1e-3) return String.format(Locale.ROOT, "%.2f ms", s * 1e3);
        return String.format(Locale.ROOT, "%.1f µs", s * 1e6);
    }

    public static String bandwidth(double bytesPerSec) {
        if (bytesPerSec <= 0) return "unknown";
        return bytesPerSec >= 1e12 ? String.format(Locale.ROOT, "%.2f TB/s", bytesPerSec / 1e12)
                : String.format(Locale.ROOT, "%.0f GB/s", bytesPerSec / 1e9);
    }
}
