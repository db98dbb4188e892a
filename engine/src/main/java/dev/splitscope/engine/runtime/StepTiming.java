package dev.splitscope.engine.runtime;

/**
 * Measured time of one split in one forward step, and of the synchronisation that ended it. Start times are
 * nanoseconds from the start of the step, so the splits of a step can be drawn as a timeline per device.
 *
 * @param syncNanos  time spent in the reduce / concat / copy after the split (shared by the group)
 * @param syncBytes  bytes that crossed between devices for that synchronisation
 */
public record StepTiming(int split, int group, int device, int tokens, long startNanos, long computeNanos,
                         long syncStartNanos, long syncNanos, long syncBytes) {}
