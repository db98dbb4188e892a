package dev.splitscope.kernel.views;

import dev.splitscope.kernel.spi.MimeBundle;
import de.erichseifert.vectorgraphics2d.VectorGraphics2D;
import de.erichseifert.vectorgraphics2d.svg.SVGProcessor;
import de.erichseifert.vectorgraphics2d.util.PageSize;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel's charts, made with XChart and encoded offline as PNG (or SVG on request): memory per device (stacked weights / KV /
 * compute) and heat maps such as KV bytes by layer × device. No JavaScript, no CDN.
 */
public final class Charts {
    static {
        System.setProperty("java.awt.headless", "true");
    }

    private Charts() {}

    private static final java.awt.Color[] PALETTE = {new java.awt.Color(31, 119, 180), new java.awt.Color(255, 127, 14),
            new java.awt.Color(44, 160, 44), new java.awt.Color(214, 39, 40), new java.awt.Color(148, 103, 189),
            new java.awt.Color(140, 86, 75), new java.awt.Color(227, 119, 194), new java.awt.Color(127, 127, 127)};

    /** The i-th of the charts' series colours (they repeat after eight): one colour per device, or per device count. */
    static java.awt.Color colour(int i) {
        return PALETTE[i % PALETTE.length];
    }

    /**
     * PNG plus a one-line text/plain description. PNG rather than SVG because nbconvert's HTML export strips inline
     * SVG content, while every front end shows a PNG; {@link #svg} is there for vector output on request.
     */
    public static MimeBundle bundle(Chart<?, ?> chart) {
        return MimeBundle.text("<chart: " + chart.getTitle() + ">").png(png(chart));
    }

    public static byte[] png(Chart<?, ?> chart) {
        try {
            return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode the chart '" + chart.getTitle() + "' as PNG", e);
        }
    }

    /** The chart as an SVG element (no XML declaration or DOCTYPE, so it can be embedded in HTML). */
    public static String svg(Chart<?, ?> chart) {
        VectorGraphics2D g = new VectorGraphics2D();
        chart.paint(g, chart.getWidth(), chart.getHeight());
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            new SVGProcessor().getDocument(g.getCommands(), new PageSize(0, 0, chart.getWidth(), chart.getHeight())).writeTo(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("could not encode the chart '" + chart.getTitle() + "' as SVG", e);
        }
        String svg = bytes.toString(StandardCharsets.UTF_8);
        int start = svg.indexOf("<svg");
        return start > 0 ? svg.substring(start) : svg;
    }

    /**
     * A stacked bar per device. {@code series} names the stacks (e.g. weights, KV, compute) and {@code values[s][d]}
     * is series s on device d, in bytes; the axis shows MiB.
     */
    public static CategoryChart stackedMemory(String title, List<String> devices, List<String> series, double[][] values) {
        double[][] mib = new double[values.length][];
        for (int s = 0; s < values.length; s++) {
            mib[s] = values[s].clone();
            for (int d = 0; d < mib[s].length; d++) mib[s][d] /= 1024.0 * 1024.0;
        }
        return stackedBars(title, "device", "MiB", devices, series, mib);
    }

    /** Stacked bars: {@code values[s][c]} is series s in category c, drawn as given. */
    public static CategoryChart stackedBars(String title, String xTitle, String yTitle, List<String> categories,
                                            List<String> series, double[][] values) {
        if (series.size() != values.length)
            throw new IllegalArgumentException(series.size() + " series names but " + values.length + " value rows");
        CategoryChart chart = new CategoryChartBuilder().width(640).height(360).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        chart.getStyler().setStacked(true);
        chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
        for (int s = 0; s < series.size(); s++) {
            if (values[s].length != categories.size())
                throw new IllegalArgumentException("series " + series.get(s) + " has " + values[s].length + " values for "
                        + categories.size() + " categories");
            List<Double> ys = new ArrayList<>();
            for (double v : values[s]) ys.add(v);
            chart.addSeries(series.get(s), categories, ys);
        }
        return chart;
    }

    /** A heat map with {@code values[y][x]}; x and y are the category labels (e.g. devices and layers). */
    public static HeatMapChart heatMap(String title, String xTitle, List<String> xs, String yTitle, List<String> ys, double[][] values) {
        // one row per layer, capped so 80-layer models stay on screen (labels get smaller instead)
        int height = Math.max(320, Math.min(820, 80 + 16 * ys.size()));
        HeatMapChart chart = new HeatMapChartBuilder().width(640).height(height).title(title)
                .xAxisTitle(xTitle).yAxisTitle(yTitle).build();
        if (ys.size() > 45) chart.getStyler().setAxisTickLabelsFont(new java.awt.Font(java.awt.Font.SANS_SERIF, java.awt.Font.PLAIN, 7));
        chart.getStyler().setPlotContentSize(1);
        chart.getStyler().setShowValue(ys.size() * xs.size() <= 200);
        List<Number[]> cells = new ArrayList<>();
        for (int y = 0; y < ys.size(); y++) {
            if (values[y].length != xs.size())
                throw new IllegalArgumentException("row " + ys.get(y) + " has " + values[y].length + " values for " + xs.size() + " columns");
            for (int x = 0; x < xs.size(); x++) cells.add(new Number[] {x, y, values[y][x]});
        }
        chart.addSeries(title, xs, ys, cells);
        return chart;
    }
}
