package dev.splitscope.kernel.core;

import dev.splitscope.kernel.spi.MimeBundle;

import java.util.ArrayList;
import java.util.List;

/** A display sink for tests: keeps every display and update in order. */
final class RecordingSink implements DisplaySink {
    record Shown(MimeBundle bundle, String displayId, boolean update) {}

    final List<Shown> shown = new ArrayList<>();

    @Override
    public synchronized void display(MimeBundle bundle) {
        shown.add(new Shown(bundle, null, false));
    }

    @Override
    public synchronized void display(MimeBundle bundle, String displayId) {
        shown.add(new Shown(bundle, displayId, false));
    }

    @Override
    public synchronized void update(String displayId, MimeBundle bundle) {
        shown.add(new Shown(bundle, displayId, true));
    }

    synchronized List<MimeBundle> bundles() {
        return shown.stream().map(Shown::bundle).toList();
    }

    synchronized void clear() {
        shown.clear();
    }
}
