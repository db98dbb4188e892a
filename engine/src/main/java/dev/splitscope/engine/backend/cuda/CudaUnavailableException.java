package dev.splitscope.engine.backend.cuda;

/** Thrown when the CUDA backend cannot run here: no driver, no GPU, or no way to get its kernels. The message says why. */
public final class CudaUnavailableException extends RuntimeException {
    public CudaUnavailableException(String reason) {
        super(reason);
    }

    public CudaUnavailableException(String reason, Throwable cause) {
        super(reason, cause);
    }
}
