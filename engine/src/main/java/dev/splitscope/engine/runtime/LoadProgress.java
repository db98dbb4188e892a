package dev.splitscope.engine.runtime;

/** Told about each weight tensor as a model's pages are brought into memory, for a progress display. */
@FunctionalInterface
public interface LoadProgress {
    void onTensor(String name, int tensorsDone, int tensorsTotal, long bytesDone, long bytesTotal);

    LoadProgress NONE = (name, td, tt, bd, bt) -> {};
}
