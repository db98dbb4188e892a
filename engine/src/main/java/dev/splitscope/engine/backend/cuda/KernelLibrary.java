package dev.splitscope.engine.backend.cuda;

import jcuda.Pointer;
import jcuda.driver.CUfunction;
import jcuda.driver.CUmodule;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Map;

import static jcuda.driver.JCudaDriver.cuLaunchKernel;
import static jcuda.driver.JCudaDriver.cuModuleGetFunction;
import static jcuda.driver.JCudaDriver.cuModuleLoadData;

/**
 * The kernels of one device: each module is loaded on first use from the fatbin the build made with nvcc
 * (a classpath resource), or, where the jar has none, compiled from the bundled .cu source through NVRTC.
 * Also launches them: arguments are DeviceBuffer, Long, Integer, Float or null (a null pointer).
 */
final class KernelLibrary {
    static final String RESOURCE_DIR = "/dev/splitscope/engine/backend/cuda/kernels/";
    static final String[] HEADERS = {"common.cuh", "dequant.cuh", "pairs.cuh", "rope.cuh"};

    private final CudaDevice device;
    private final Map<String, CUmodule> modules = new HashMap<>();
    private final Map<Kernel, CUfunction> functions = new EnumMap<>(Kernel.class);
    private Nvrtc nvrtc;
    private LaunchQueue queue;
    private final boolean forceNvrtc;
    private String origin = "none loaded yet";
    private Boolean pdl;

    KernelLibrary(CudaDevice device) {
        this(device, false);
    }

    /** forceNvrtc: compile from source even where fatbins exist (tests the fallback on a GPU host). */
    KernelLibrary(CudaDevice device, boolean forceNvrtc) {
        this.device = device;
        this.forceNvrtc = forceNvrtc;
    }

    /** True when this jar carries nvcc-built fatbins (else NVRTC must compile the sources). */
    static boolean hasFatbins() {
        return KernelLibrary.class.getResource(RESOURCE_DIR + "matvec_q8_0.fatbin") != null;
    }

    /** "fatbin" or "nvrtc sm_XX": where the last loaded module came from. */
    String origin() {
        return origin;
    }

    CUfunction function(Kernel k) {
        CUfunction f = functions.get(k);
        if (f != null) return f;
        CUmodule m = modules.computeIfAbsent(k.module, this::loadModule);
        f = new CUfunction();
        cuModuleGetFunction(f, m, k.function);
        functions.put(k, f);
        return f;
    }

    /** Loads every module now, so compilation and loading stay out of timings. */
    void loadAll() {
        for (Kernel k : Kernel.values()) function(k);
    }

    private CUmodule loadModule(String name) {
        byte[] image = forceNvrtc ? null : resource(name + ".fatbin");
        if (image != null) {
            origin = "fatbin";
        } else {
            if (nvrtc == null) nvrtc = Nvrtc.load();
            Map<String, String> headers = new LinkedHashMap<>();
            for (String h : HEADERS) headers.put(h, text(h));
            int arch = device.computeCapability();
            image = nvrtc.compileCubin(name + ".cu", text(name + ".cu"), headers, arch);
            origin = "nvrtc sm_" + arch;
        }
        CUmodule m = new CUmodule();
        cuModuleLoadData(m, image);
        return m;
    }

    private static byte[] resource(String file) {
        try (InputStream in = KernelLibrary.class.getResourceAsStream(RESOURCE_DIR + file)) {
            return in == null ? null : in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read kernel resource " + file, e);
        }
    }

    private static String text(String file) {
        byte[] b = resource(file);
        if (b == null) throw new CudaUnavailableException("kernel source " + file + " is missing from the jar (" + RESOURCE_DIR + ")");
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Launches {@code k} on the device's stream; block dims (bx, by), grid (gx, gy, gz); args as {@link KernelArg#of}. */
    void launch(Kernel k, int gx, int gy, int gz, int bx, int by, Object... args) {
        // an empty grid has nothing to do, and CUDA refuses it (a device whose split holds no attention heads)
        if (gx == 0 || gy == 0 || gz == 0) return;
        CUfunction f = function(k);
        KernelArg[] a = KernelArg.of(k.function, args);
        if (queue != null && queue.recording()) {
            List<Object> sig = new ArrayList<>(a.length + 6);
            sig.add(k);
            sig.add(gx); sig.add(gy); sig.add(gz); sig.add(bx); sig.add(by);
            sig.addAll(List.of(a));
            queue.add(sig, () -> run(k, f, gx, gy, gz, bx, by, a));
        } else {
            run(k, f, gx, gy, gz, bx, by, a);
        }
    }

    /** True when kernels that wait on entry launch with programmatic dependent launch on this device (PdlLaunch). */
    boolean programmaticLaunch() {
        if (pdl == null) pdl = PdlLaunch.usable(device.computeCapability());
        return pdl;
    }

    /**
     * Programmatic launches only go into captured graphs: capture turns them into kernel-to-kernel edges, and the
     * decode steps the graphs hold are where the gaps between kernels cost. Direct launches keep plain stream order.
     */
    private void run(Kernel k, CUfunction f, int gx, int gy, int gz, int bx, int by, KernelArg[] args) {
        if (k.waitsInKernel() && queue != null && queue.capturing() && programmaticLaunch())
            PdlLaunch.launch(f, gx, gy, gz, bx, by, device.stream(), k.function, args);
        else cuLaunchKernel(f, gx, gy, gz, bx, by, 1, 0, device.stream(), params(args), null);
    }

    private static Pointer params(KernelArg[] args) {
        Pointer[] params = new Pointer[args.length];
        for (int i = 0; i < args.length; i++)
            params[i] = args[i].wide() ? Pointer.to(new long[] {args[i].bits()}) : Pointer.to(new int[] {(int) args[i].bits()});
        return Pointer.to(params);
    }

    /** Defers launches into {@code q} while it records (decode steps), instead of launching at once. */
    void setQueue(LaunchQueue q) {
        this.queue = q;
    }
}
