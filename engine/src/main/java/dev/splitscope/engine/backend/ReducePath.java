package dev.splitscope.engine.backend;

import java.util.Locale;

/**
 * How tensor-parallel partial sums are added up across devices. AUTO takes the best the devices offer: the peer path
 * where every GPU reaches every other (logical devices of one GPU always do), NCCL between GPUs without peer access
 * where libnccl is present, and the host otherwise (always for CPU devices).
 */
public enum ReducePath {
    AUTO, HOST, PEER, NCCL;

    public static ReducePath parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown reduce path '" + s + "'; use auto, host, peer or nccl");
        }
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
