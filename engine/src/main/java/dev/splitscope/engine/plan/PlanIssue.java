package dev.splitscope.engine.plan;

/** A finding of the planner: an error makes the plan unusable, a warning or note explains a compromise. */
public record PlanIssue(Severity severity, String code, String message) {
    public static final String DOES_NOT_FIT = "DOES_NOT_FIT";
    public static final String EMPTY_SPLIT = "EMPTY_SPLIT";
    public static final String GRANULARITY_IMBALANCE = "GRANULARITY_IMBALANCE";
    public static final String KV_REPLICATED = "KV_REPLICATED";
    public static final String MISALIGNED = "MISALIGNED";
    public static final String SHAPE_MISMATCH = "SHAPE_MISMATCH";
    public static final String UNKNOWN_TENSOR = "UNKNOWN_TENSOR";
    public static final String MISSING_TENSOR = "MISSING_TENSOR";
    public static final String MEMORY_UNKNOWN = "MEMORY_UNKNOWN";
    public static final String KV_TYPE = "KV_TYPE";
    public static final String IDLE_DEVICE = "IDLE_DEVICE";
    public static final String HOST_REDUCE = "HOST_REDUCE";

    /** How bad it is. */
    public enum Severity { INFO, WARNING, ERROR }

    public static PlanIssue error(String code, String message) {
        return new PlanIssue(Severity.ERROR, code, message);
    }

    public static PlanIssue warning(String code, String message) {
        return new PlanIssue(Severity.WARNING, code, message);
    }

    public static PlanIssue info(String code, String message) {
        return new PlanIssue(Severity.INFO, code, message);
    }

    @Override
    public String toString() {
        return severity + " " + code + ": " + message;
    }
}
