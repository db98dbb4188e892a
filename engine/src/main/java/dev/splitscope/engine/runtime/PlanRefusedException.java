package dev.splitscope.engine.runtime;

import dev.splitscope.engine.plan.Plan;
import dev.splitscope.engine.plan.PlanIssue;

import java.util.stream.Collectors;

/** A model was not loaded because its plan has errors (it does not fit, a split is empty); nothing was allocated. */
public class PlanRefusedException extends RuntimeException {
    private final transient Plan plan;

    public PlanRefusedException(Plan plan) {
        super("the plan cannot run, nothing was allocated: " + plan.errors().stream().map(PlanIssue::message)
                .collect(Collectors.joining("; ")));
        this.plan = plan;
    }

    public Plan plan() {
        return plan;
    }
}
