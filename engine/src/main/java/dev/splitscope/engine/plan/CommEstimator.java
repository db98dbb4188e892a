package dev.splitscope.engine.plan;

import dev.splitscope.engine.model.ModelSpec;
import dev.splitscope.engine.quant.QuantType;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Communication of one forward step. Graph mode: the embedded tokens broadcast from device 0, two all-reduces per
 * layer (after attn_output and ffn_down) in the form the engine would take ({@link AllReduceForm}: one-shot for decode
 * rows and up to two devices, two-shot for larger batches from three), then a gather of the logits slices to device 0.
 * Layer mode: one copy of the f32 hidden state at every device boundary (and to the lm_head's device). None: nothing.
 */
final class CommEstimator {
    private CommEstimator() {}

    static CommPlan estimate(ModelSpec s, PlanOptions o, LinkSpec link, int[] layerDevice, int headDevice,
                             List<DeviceShard> shards, List<DeviceSpec> devices) {
        Map<QuantType, Long> perReduce = new EnumMap<>(QuantType.class);
        for (QuantType t : PlanOptions.REDUCE_TYPES) perReduce.put(t, reduceBytes(s, o.batch(), t));
        List<CommStep> steps = new ArrayList<>();
        int reducesPerLayer = 0, reduceDevices = 0;
        AllReduceForm form = null;
        if (o.mode() == SplitMode.GRAPH) {
            List<DeviceSpec> active = shards.stream().filter(d -> !d.isIdle()).map(d -> devices.get(d.device())).toList();
            int p = active.size();
            if (p > 1) {
                form = AllReduceForm.of(active, (long) s.nEmbd() * o.batch());
                reduceDevices = p;
                reducesPerLayer = 2;
                long hidden = 4L * s.nEmbd() * o.batch();
                if (!s.tiedOutput() || shards.stream().anyMatch(d -> !d.isIdle() && d.vocab().isEmpty()))
                    steps.add(new CommStep(-1, "token_embd", CommStep.Kind.BROADCAST, 0, -1, hidden, (p - 1) * hidden,
                            link.seconds((double) (p - 1) * hidden, 1)));
                long payload = perReduce.get(o.reduceType());
                long wire = form.wireBytes(payload, p);
                double t = form.seconds(link, payload, p);
                for (int l = 0; l < s.nLayer(); l++) {
                    steps.add(new CommStep(l, "attn_output", CommStep.Kind.ALL_REDUCE, -1, -1, payload, wire, t));
                    steps.add(new CommStep(l, "ffn_down", CommStep.Kind.ALL_REDUCE, -1, -1, payload, wire, t));
                }
                long logits = 4L * s.nVocab() * o.batch();
                long others = 4L * (s.nVocab() - shards.getFirst().vocab().length()) * o.batch();
                steps.add(new CommStep(-1, "output", CommStep.Kind.GATHER, -1, 0, logits, others, link.seconds(others, 1)));
            }
        } else {
            long hidden = 4L * s.nEmbd() * o.batch();
            int prev = 0; // token_embd lives on device 0
            for (int l = 0; l < layerDevice.length; l++) {
                if (layerDevice[l] != prev)
                    steps.add(new CommStep(l, "layer boundary", CommStep.Kind.COPY, prev, layerDevice[l], hidden, hidden,
                            link.seconds(hidden, 1)));
                prev = layerDevice[l];
            }
            if (headDevice != prev)
                steps.add(new CommStep(-1, "output_norm", CommStep.Kind.COPY, prev, headDevice, hidden, hidden,
                        link.seconds(hidden, 1)));
        }
        long wire = steps.stream().mapToLong(CommStep::wireBytes).sum();
        double secs = steps.stream().mapToDouble(CommStep::seconds).sum();
        return new CommPlan(o.reduceType(), o.batch(), link, reducesPerLayer, form, reduceDevices, perReduce, steps, wire, secs);
    }

    /** n_embd x batch x element size: the partial sums of one row-parallel matmul. */
    static long reduceBytes(ModelSpec s, int batch, QuantType t) {
        return (long) s.nEmbd() * batch * t.blockBytes;
    }
}
