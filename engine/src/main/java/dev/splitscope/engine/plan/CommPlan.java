package dev.splitscope.engine.plan;

import dev.splitscope.engine.quant.QuantType;

import java.util.List;
import java.util.Map;

/**
 * Communication for one forward step of {@code batch} tokens (batch 1: per token). {@code bytesPerReduce} maps each
 * reduce type to the payload of one reduce, so a table can compare f32/f16/bf16; the plan's own type is
 * {@code reduceType}. Totals are over all steps. {@code allReduceForm}: how the all-reduces move their bytes over
 * {@code allReduceDevices} devices (null and 0 when there are none).
 */
public record CommPlan(QuantType reduceType, int batch, LinkSpec link, int reducesPerLayer, AllReduceForm allReduceForm,
                       int allReduceDevices, Map<QuantType, Long> bytesPerReduce, List<CommStep> steps, long totalWireBytes,
                       double totalSeconds) {

    public CommPlan {
        bytesPerReduce = Map.copyOf(bytesPerReduce);
        steps = List.copyOf(steps);
    }

    /** Every all-reduce form for one of this plan's reduces ({@link AllReduceForm#compare}); empty when there are none. */
    public String formsCompared() {
        return allReduceForm == null ? "" : AllReduceForm.compare(link, bytesPerReduce.get(reduceType), allReduceDevices, allReduceForm);
    }

    public long count(CommStep.Kind kind) {
        return steps.stream().filter(s -> s.kind() == kind).count();
    }
}
