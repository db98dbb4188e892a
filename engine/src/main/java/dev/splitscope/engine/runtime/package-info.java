/**
 * Running models. {@link dev.splitscope.engine.runtime.LoadedModel#load} opens a GGUF file, plans it on the requested
 * devices ({@link dev.splitscope.engine.runtime.LoadOptions}: "cpu:2", split none/layer/graph, tensor-split fractions,
 * context, reduce type, KV type), refuses a plan with errors before allocating anything
 * ({@link dev.splitscope.engine.runtime.PlanRefusedException}), and binds the weights to devices.
 * {@link dev.splitscope.engine.runtime.LoadedModel#generate} streams tokens to a
 * {@link dev.splitscope.engine.runtime.TokenListener} and can be stopped from another thread with
 * {@link dev.splitscope.engine.runtime.LoadedModel#cancel()}. What the views show comes from:
 * {@code model.plan()} (placements, kv, memory, comm, issues — see the plan package), {@code model.run().splits()}
 * (the scheduler's {@link dev.splitscope.engine.runtime.Split}s: group, device, node range, inputs, end),
 * {@code model.run().graph()} (named nodes) and {@code model.run().lastTimings()}
 * ({@link dev.splitscope.engine.runtime.StepTiming} per split of the last forward step).
 */
package dev.splitscope.engine.runtime;
