package dev.splitscope.engine.plan;

import dev.splitscope.engine.model.ModelSpec;

import java.util.List;

/**
 * Where every tensor and KV head of a model goes on a set of devices, and what that costs: the planner's output, pure
 * data. {@code fractions} are the normalised tensor-split fractions actually used. {@code shards} has one entry per
 * device in GRAPH mode and is empty otherwise. {@code layerDevice[l]} is layer l's device in NONE and LAYER mode and
 * -1 in GRAPH mode (every device works on every layer). A plan with an error in {@code issues} must not be executed.
 */
public record Plan(ModelSpec spec, List<DeviceSpec> devices, PlanOptions options, double[] fractions,
                   List<Placement> placements, List<DeviceShard> shards, int[] layerDevice, KvPlan kv,
                   List<DeviceMemory> memory, CommPlan comm, List<PlanIssue> issues) {

    public Plan {
        devices = List.copyOf(devices);
        placements = List.copyOf(placements);
        shards = List.copyOf(shards);
        memory = List.copyOf(memory);
        issues = List.copyOf(issues);
        fractions = fractions.clone();
        layerDevice = layerDevice.clone();
    }

    public SplitMode mode() {
        return options.mode();
    }

    public List<PlanIssue> errors() {
        return issues.stream().filter(i -> i.severity() == PlanIssue.Severity.ERROR).toList();
    }

    public List<PlanIssue> warnings() {
        return issues.stream().filter(i -> i.severity() == PlanIssue.Severity.WARNING).toList();
    }

    /** True when the plan has no errors (it fits and no split is empty unless that was allowed). */
    public boolean ok() {
        return errors().isEmpty();
    }

    /** True when there is an issue with this code. */
    public boolean has(String code) {
        return issues.stream().anyMatch(i -> i.code().equals(code));
    }

    /** The graph-mode slice of one device; fails outside GRAPH mode. */
    public DeviceShard shard(int device) {
        if (shards.isEmpty()) throw new IllegalStateException("a " + mode() + " plan has no per-device shards");
        return shards.get(device);
    }

    /** Every placement row of one tensor, in device order. */
    public List<Placement> placementsOf(String tensor) {
        return placements.stream().filter(p -> p.tensor().equals(tensor)).toList();
    }

    /** Every placement row on one device. */
    public List<Placement> placementsOn(int device) {
        return placements.stream().filter(p -> p.device() == device).toList();
    }

    /** The placement of one tensor on one device, or null when that device holds none of it. */
    public Placement placement(String tensor, int device) {
        for (Placement p : placements) if (p.device() == device && p.tensor().equals(tensor)) return p;
        return null;
    }

    @Override
    public double[] fractions() {
        return fractions.clone();
    }

    @Override
    public int[] layerDevice() {
        return layerDevice.clone();
    }
}
