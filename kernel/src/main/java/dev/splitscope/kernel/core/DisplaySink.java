package dev.splitscope.kernel.core;

import dev.splitscope.kernel.spi.MimeBundle;

/** Where rich output goes: Jupyter display_data / update_display_data messages in the kernel, a list in tests. */
public interface DisplaySink {

    void display(MimeBundle bundle);

    /** Displays a bundle under {@code displayId} so it can be updated later. */
    void display(MimeBundle bundle, String displayId);

    void update(String displayId, MimeBundle bundle);
}
