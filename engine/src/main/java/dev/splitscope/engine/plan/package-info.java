/**
 * Planning: which device holds which slice of every tensor and KV head, and what that costs in memory and
 * communication. Pure data and algorithms; nothing here maps weights or runs kernels.
 *
 * <p>Entry points: {@link dev.splitscope.engine.plan.DeviceParser#parse(String)} for devices,
 * {@link dev.splitscope.engine.plan.TensorDirectory#fromGguf} for a GGUF header (or
 * {@code model.TensorLayout.tensors} for a preset), {@link dev.splitscope.engine.plan.PlanOptions#of} for options,
 * and {@link dev.splitscope.engine.plan.Planner#plan} for the {@link dev.splitscope.engine.plan.Plan}. The executor
 * reads {@code Plan.shards()} (graph mode: per-device head / kv / ff / ff_exp / vocab ranges) or
 * {@code Plan.layerDevice()} (layer and none mode), and {@code Plan.placements()} for the exact slice of each tensor.
 */
package dev.splitscope.engine.plan;
