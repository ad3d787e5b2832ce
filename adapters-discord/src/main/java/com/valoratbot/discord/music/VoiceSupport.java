package com.valoratbot.discord.music;

import java.util.Objects;

/**
 * Whether this process can join voice in a {@link VoiceMode}, and why not. {@link #probe} is cheap after its first
 * call; log {@link #describe()} at start-up.
 *
 * @param available  false when a voice connection in this mode would fail (play then answers {@code voice_unavailable})
 * @param detail     one short sentence, also the dashboard's reason
 * @param diagnostic what an operator needs on top (the dynamic loader's error, for example); may be empty
 */
public record VoiceSupport(VoiceMode mode, boolean available, String detail, String diagnostic) {

    /**
     * Oldest glibc jdave 0.1.5's {@code libdave.so} loads with: it uses GLIBC_2.38 symbols, and GLIBCXX_3.4.32 from
     * GCC 13's libstdc++ (Debian 13, Ubuntu 24.04 or newer; not Debian 12).
     */
    public static final String DAVE_MIN_GLIBC = "2.38";

    private static volatile VoiceSupport daveProbe;
    private static final java.util.Set<VoiceMode> REPORTED_UNAVAILABLE =
            java.util.concurrent.ConcurrentHashMap.newKeySet();

    public VoiceSupport {
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(detail, "detail");
        Objects.requireNonNull(diagnostic, "diagnostic");
    }

    /** Checks the mode once per JVM: for DAVE, loads jdave's native library and asks its protocol version. */
    public static VoiceSupport probe(VoiceMode mode) {
        return switch (Objects.requireNonNull(mode, "mode")) {
            case PASSTHROUGH ->
                new VoiceSupport(
                        mode,
                        true,
                        "passthrough voice (no DAVE end-to-end encryption)",
                        "for the Discord stand-in and tests only: Discord itself refuses such clients since 2026-03-01 (voice close code 4017)");
            case DAVE -> {
                VoiceSupport probed = daveProbe;
                if (probed == null) {
                    synchronized (VoiceSupport.class) {
                        probed = daveProbe;
                        if (probed == null) daveProbe = probed = probeDave();
                    }
                }
                yield probed;
            }
        };
    }

    /**
     * True the first time a process asks about this unavailable mode: every JDA builder (one per
     * shard) and every {@code MusicPlayers} would otherwise log the same condition again, nine times
     * on a sharded start. The condition does not change while the process runs.
     */
    boolean firstReportOfUnavailability() {
        return !available && REPORTED_UNAVAILABLE.add(mode);
    }

    /** The start-up log line, e.g. "voice: DAVE unavailable: …". */
    public String describe() {
        return "voice: " + mode + (available ? " available: " : " unavailable: ") + detail
                + (diagnostic.isEmpty() ? "" : " — " + diagnostic);
    }

    private static VoiceSupport probeDave() {
        String nativeAccess = VoiceSupport.class.getModule().isNativeAccessEnabled()
                ? ""
                : "native access is not enabled: start the JVM with --enable-native-access=ALL-UNNAMED";
        try {
            Class.forName("club.minnced.discord.jdave.interop.JDaveSessionFactory");
            short version = club.minnced.discord.jdave.ffi.LibDave.getMaxSupportedProtocolVersion();
            if (version < 1) {
                return new VoiceSupport(
                        VoiceMode.DAVE,
                        false,
                        "end-to-end encrypted voice (DAVE) is not supported by this build of libdave",
                        "libdave reports max protocol version " + version);
            }
            return new VoiceSupport(
                    VoiceMode.DAVE,
                    true,
                    "end-to-end encrypted voice (DAVE protocol " + version + ") through jdave/libdave",
                    nativeAccess);
        } catch (ClassNotFoundException | NoClassDefFoundError missing) {
            return new VoiceSupport(
                    VoiceMode.DAVE,
                    false,
                    "end-to-end encrypted voice (DAVE) is not installed on this bot",
                    "jdave is not on the classpath: club.minnced:jdave-api and the jdave-native-* artifact of this platform are needed");
        } catch (Throwable e) {
            Throwable root = e;
            while (root.getCause() != null && root.getCause() != root) root = root.getCause();
            String why = loaderError()
                    .orElse(root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
            String glibc = glibcVersion();
            String detail = olderThan(glibc, DAVE_MIN_GLIBC)
                    ? "end-to-end encrypted voice (DAVE) cannot run on this server: libdave needs glibc "
                            + DAVE_MIN_GLIBC + " or newer, this server has glibc " + glibc
                    : "end-to-end encrypted voice (DAVE) cannot run on this server: its library (libdave) does not load";
            String diagnostic = "jdave's native library failed to load: " + why
                    + (nativeAccess.isEmpty() ? "" : "; " + nativeAccess);
            return new VoiceSupport(VoiceMode.DAVE, false, detail, diagnostic);
        }
    }

    /**
     * The dynamic loader's own words (a missing GLIBC_x or GLIBCXX_x symbol version, say): FFM's library lookup only
     * says "cannot open library", so the extracted library is loaded once more through {@link System#load}.
     */
    private static java.util.Optional<String> loaderError() {
        try {
            java.nio.file.Path library = club.minnced.discord.jdave.utils.NativeLibraryLoader.createTemporaryFile();
            try {
                System.load(library.toAbsolutePath().toString());
                return java.util.Optional.empty();
            } finally {
                java.nio.file.Files.deleteIfExists(library);
            }
        } catch (UnsatisfiedLinkError e) {
            return java.util.Optional.ofNullable(e.getMessage());
        } catch (Throwable e) {
            return java.util.Optional.empty();
        }
    }

    /** True when dotted version {@code v} is known and lower than {@code min}. */
    static boolean olderThan(String v, String min) {
        if (v == null) return false;
        String[] a = v.split("\\.");
        String[] b = min.split("\\.");
        try {
            for (int i = 0; i < Math.max(a.length, b.length); i++) {
                int x = i < a.length ? Integer.parseInt(a[i].replaceAll("\\D.*", "")) : 0;
                int y = i < b.length ? Integer.parseInt(b[i]) : 0;
                if (x != y) return x < y;
            }
            return false;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** glibc's version as the C library reports it (e.g. "2.36"); null when unknown or not glibc. */
    static String glibcVersion() {
        try {
            var linker = java.lang.foreign.Linker.nativeLinker();
            var function = linker.defaultLookup().find("gnu_get_libc_version");
            if (function.isEmpty()) return null;
            var handle = linker.downcallHandle(
                    function.get(), java.lang.foreign.FunctionDescriptor.of(java.lang.foreign.ValueLayout.ADDRESS));
            var pointer = (java.lang.foreign.MemorySegment) handle.invokeExact();
            return pointer.reinterpret(32).getString(0);
        } catch (Throwable e) {
            return null;
        }
    }
}
