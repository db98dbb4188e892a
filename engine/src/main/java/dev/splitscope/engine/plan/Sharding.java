package dev.splitscope.engine.plan;

/**
 * How one device holds a tensor. GGML dims: {@code dim 0} (ne0) is the input, contiguous dimension, so a
 * column-parallel matrix is {@code Shard(1)} and a row-parallel one is {@code Partial(0)}: it is sliced along its input
 * and its product is a partial sum that a reduction completes.
 */
public sealed interface Sharding {
    /** The whole tensor, on this device (and possibly on others too). */
    record Replicate() implements Sharding {
        @Override
        public String toString() {
            return "Replicate";
        }
    }

    /** A slice along {@code dim}, disjoint from every other device's slice; output features are split. */
    record Shard(int dim) implements Sharding {
        @Override
        public String toString() {
            return "Shard(" + dim + ")";
        }
    }

    /** A slice along input dim {@code dim}; the matmul yields partial sums that are all-reduced afterwards. */
    record Partial(int dim) implements Sharding {
        @Override
        public String toString() {
            return "Partial(" + dim + ")";
        }
    }

    /** A slice along {@code dim} that other devices hold too: kv heads replicated because tp > n_kv_heads. */
    record ReplicatedShard(int dim) implements Sharding {
        @Override
        public String toString() {
            return "Shard(" + dim + ")+rep";
        }
    }

    Sharding REPLICATE = new Replicate();

    /** The sharded dim, or -1 for {@link Replicate} (the records' {@code dim} accessors override this). */
    default int dim() {
        return -1;
    }

    /** True when this device's slice is disjoint from the others' (the slices tile the dimension). */
    default boolean tiles() {
        return this instanceof Shard || this instanceof Partial;
    }
}
