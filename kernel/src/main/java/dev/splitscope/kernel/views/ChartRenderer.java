package dev.splitscope.kernel.views;

import dev.splitscope.kernel.spi.MimeBundle;
import dev.splitscope.kernel.spi.ObjectRenderer;
import org.knowm.xchart.internal.chartpart.Chart;

/** Shows XChart charts returned by a cell as PNG images (made offline, no JavaScript). */
@SuppressWarnings("rawtypes")
public final class ChartRenderer implements ObjectRenderer<Chart> {
    @Override
    public Class<Chart> type() {
        return Chart.class;
    }

    @Override
    public MimeBundle render(Chart value) {
        return Charts.bundle(value);
    }
}
