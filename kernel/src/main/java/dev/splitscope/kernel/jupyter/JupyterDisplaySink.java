package dev.splitscope.kernel.jupyter;

import dev.splitscope.kernel.core.DisplaySink;
import dev.splitscope.kernel.spi.MimeBundle;
import io.github.spencerpark.jupyter.kernel.BaseKernel;
import io.github.spencerpark.jupyter.kernel.display.DisplayData;

import java.util.Map;

/** Sends bundles as display_data / update_display_data messages of the cell being executed. */
final class JupyterDisplaySink implements DisplaySink {
    private final BaseKernel kernel;

    JupyterDisplaySink(BaseKernel kernel) {
        this.kernel = kernel;
    }

    static DisplayData toDisplayData(MimeBundle bundle) {
        DisplayData d = new DisplayData();
        for (Map.Entry<String, String> e : bundle.asMap().entrySet()) d.putData(e.getKey(), e.getValue());
        return d;
    }

    @Override
    public void display(MimeBundle bundle) {
        kernel.getIO().display.display(toDisplayData(bundle));
    }

    @Override
    public void display(MimeBundle bundle, String displayId) {
        DisplayData d = toDisplayData(bundle);
        d.setDisplayId(displayId);
        kernel.getIO().display.display(d);
    }

    @Override
    public void update(String displayId, MimeBundle bundle) {
        kernel.getIO().display.updateDisplay(displayId, toDisplayData(bundle));
    }
}
