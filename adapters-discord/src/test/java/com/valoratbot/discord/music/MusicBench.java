package com.valoratbot.discord.music;

import com.neovisionaries.ws.client.WebSocketFactory;
import com.valoratbot.core.command.Command.Play;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.PlayMusic;
import com.valoratbot.core.result.Result;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.Permissions;
import com.valoratbot.standin.StandInJda;
import com.valoratbot.standin.voice.JitterHistogram;
import com.valoratbot.standin.voice.VoiceServer;
import com.valoratbot.testing.Eventually;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.requests.GatewayIntent;
import net.dv8tion.jda.api.utils.ChunkingFilter;
import net.dv8tion.jda.api.utils.MemberCachePolicy;

/**
 * CPU per playing guild and the regularity of the frames, for 1, 10 and 50 guilds playing a local WAV file at
 * once through real Lavaplayer and JDA to the stand-in's voice server, in this JVM. Not a test: a main class that
 * prints one JSON line per run, then one per guild count with the medians.
 *
 * <pre>{@code
 * ./mvnw -q -pl adapters-discord test-compile exec:exec -Dexec.classpathScope=test -Dexec.executable=java \
 *   -Dexec.args="--enable-native-access=ALL-UNNAMED -cp %classpath com.valoratbot.discord.music.MusicBench 1,10,50 3 10"
 * }</pre>
 * One player plays throughout: after the idle measurement and a discarded warm-up (10 guilds, 8 s, so the JIT has
 * compiled the audio path), the guild counts are measured in increasing order, {@code runs} consecutive windows each
 * (guilds join as the count grows: JDA allows 120 Gateway messages a minute, voice joins included).
 * Arguments: guild counts, runs per count, measured window in seconds, Opus encoder quality (default 10), and
 * {@code jda} to compare with JDA's default send system instead of {@link PacedSendFactory}.
 *
 * <p>{@code marginalCpuPctPerGuild} is what playing adds: the process's CPU over the window minus its CPU while
 * connected and playing nothing ({@code idleCpuPct}, measured first), divided by the number of playing guilds.
 * {@code cpuPctPerGuild} is the process's CPU time over the window (OperatingSystemMXBean), as a percentage of one
 * core, divided by the number of playing guilds; {@code botCpuPctPerGuild} is the same without the stand-in's own
 * threads (its voice server decrypting every packet runs in this process too). {@code jitterP99Ms} is the 99th
 * percentile of {@code |interval - 20 ms|} between consecutive frames of a guild as they arrive at the stand-in.
 */
public final class MusicBench {

    private static final long FIRST_GUILD = 3_100_000_000_000_000_001L;
    private static final long CHANNEL_OFFSET = 1_000;
    private static final long LISTENER_OFFSET = 2_000;
    private static final int MAX_GUILDS = 50;

    public static void main(String[] args) throws Exception {
        int[] counts = Arrays.stream((args.length > 0 ? args[0] : "1,10,50").split(","))
                .mapToInt(Integer::parseInt)
                .toArray();
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        int windowSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        int opusQuality = args.length > 3 ? Integer.parseInt(args[3]) : MusicPlayers.DEFAULT_OPUS_QUALITY;
        boolean jdaSender = args.length > 4 && args[4].equals("jda");
        int guilds = Math.max(MAX_GUILDS, Arrays.stream(counts).max().orElse(1));

        Path wav = Files.createTempFile("music-bench", ".wav");
        // Long enough for every stage: guild 0 plays from the warm-up to the end.
        Files.write(wav, ToneServer.wav(30 + counts.length * (10 + runs * windowSeconds) + 30, 440));
        wav.toFile().deleteOnExit();

        try (VoiceServer voice = VoiceServer.start();
                DiscordStandIn standIn = DiscordStandIn.builder()
                        .port(0)
                        .voiceHook(voice)
                        .build()
                        .start()) {
            for (int i = 0; i < guilds; i++) {
                long guild = FIRST_GUILD + i;
                standIn.state()
                        .createGuild(guild, "bench " + i)
                        .botPermissions(Permissions.BOT_DEFAULT)
                        .voiceChannel(guild + CHANNEL_OFFSET, "Vocal")
                        .member(guild + LISTENER_OFFSET, "listener" + i, false)
                        .voiceState(guild + LISTENER_OFFSET, guild + CHANNEL_OFFSET, false);
            }
            JDABuilder builder = StandInJda.pointAt(
                    JDABuilder.create(standIn.botToken(), EnumSet.of(GatewayIntent.GUILD_VOICE_STATES))
                            .setMemberCachePolicy(MemberCachePolicy.VOICE)
                            .setChunkingFilter(ChunkingFilter.NONE)
                            .setWebsocketFactory(new WebSocketFactory()
                                    .setSSLContext(voice.certificate().clientContext())),
                    standIn);
            MusicPlayers.configure(builder, VoiceMode.PASSTHROUGH);
            if (jdaSender) builder.setAudioModuleConfig(new net.dv8tion.jda.api.audio.AudioModuleConfig());
            JDA jda = builder.build().awaitReady();
            try (MusicPlayers music = MusicPlayers.builder(jda)
                    .voiceMode(VoiceMode.PASSTHROUGH)
                    .allowLocalFiles(true)
                    .allowPrivateAddresses(true)
                    .opusEncodingQuality(opusQuality)
                    .build()) {
                idleCpuPct = idleCpu(windowSeconds);
                System.out.println(String.format(
                        Locale.ROOT, "{\"bench\":\"music\",\"guilds\":0,\"idleCpuPct\":%.3f}", idleCpuPct));
                // Warm-up, discarded: the JIT compiles the audio path before anything is measured.
                int warm = Math.min(10, guilds);
                playIn(music, voice, wav, warm);
                Thread.sleep(8_000);
                int playing = warm;
                List<String> summaries = new ArrayList<>();
                for (int count : Arrays.stream(counts).sorted().toArray()) {
                    if (count < playing) {
                        stopIn(music, count, playing);
                        playing = count;
                    }
                    playIn(music, voice, wav, count);
                    playing = Math.max(playing, count);
                    Thread.sleep(3_000);
                    List<Figures> figures = new ArrayList<>();
                    for (int run = 1; run <= runs; run++) {
                        Figures f = window(voice, count, windowSeconds);
                        figures.add(f);
                        System.out.println(f.json(run));
                    }
                    summaries.add(Figures.median(count, windowSeconds, figures));
                }
                summaries.forEach(System.out::println);
            } finally {
                StandInJda.shutdown(jda);
            }
        }
    }

    record Figures(
            int guilds,
            int windowSeconds,
            double cpuPctPerGuild,
            double botCpuPctPerGuild,
            double framesPerSecondPerGuild,
            double jitterP50Ms,
            double jitterP99Ms,
            double worstGuildJitterP99Ms,
            double jitterMaxMs,
            String threads,
            double marginalCpuPctPerGuild,
            long gcCount,
            long gcMillis) {

        String json(int run) {
            return String.format(
                    Locale.ROOT,
                    "{\"bench\":\"music\",\"guilds\":%d,\"run\":%d,\"windowS\":%d,\"cpuPctPerGuild\":%.3f,"
                            + "\"botCpuPctPerGuild\":%.3f,\"framesPerSecondPerGuild\":%.2f,\"jitterP50Ms\":%.2f,\"jitterP99Ms\":%.2f,"
                            + "\"worstGuildJitterP99Ms\":%.2f,\"jitterMaxMs\":%.2f,\"marginalCpuPctPerGuild\":%.3f,"
                            + "\"gcCount\":%d,\"gcMs\":%d,\"threadCpuPctPerGuild\":%s}",
                    guilds,
                    run,
                    windowSeconds,
                    cpuPctPerGuild,
                    botCpuPctPerGuild,
                    framesPerSecondPerGuild,
                    jitterP50Ms,
                    jitterP99Ms,
                    worstGuildJitterP99Ms,
                    jitterMaxMs,
                    marginalCpuPctPerGuild,
                    gcCount,
                    gcMillis,
                    threads);
        }

        static String median(int guilds, int windowSeconds, List<Figures> runs) {
            return String.format(
                    Locale.ROOT,
                    "{\"bench\":\"music\",\"summary\":\"median of %d runs\",\"guilds\":%d,\"windowS\":%d,"
                            + "\"cpuPctPerGuild\":%.3f,\"marginalCpuPctPerGuild\":%.3f,\"botCpuPctPerGuild\":%.3f,\"framesPerSecondPerGuild\":%.2f,"
                            + "\"jitterP99Ms\":%.2f,\"worstGuildJitterP99Ms\":%.2f,\"targets\":{\"cpuPctPerGuild\":1.0,\"jitterP99Ms\":5.0}}",
                    runs.size(),
                    guilds,
                    windowSeconds,
                    med(runs.stream().mapToDouble(Figures::cpuPctPerGuild).toArray()),
                    med(runs.stream()
                            .mapToDouble(Figures::marginalCpuPctPerGuild)
                            .toArray()),
                    med(runs.stream().mapToDouble(Figures::botCpuPctPerGuild).toArray()),
                    med(runs.stream()
                            .mapToDouble(Figures::framesPerSecondPerGuild)
                            .toArray()),
                    med(runs.stream().mapToDouble(Figures::jitterP99Ms).toArray()),
                    med(runs.stream()
                            .mapToDouble(Figures::worstGuildJitterP99Ms)
                            .toArray()));
        }

        private static double med(double[] values) {
            double[] sorted = values.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        }
    }

    private static double idleCpuPct;

    /** Makes guilds {@code 0..count-1} play (those already playing carry on) and waits until each sends frames. */
    private static void playIn(MusicPlayers music, VoiceServer voice, Path wav, int count) throws InterruptedException {
        List<Integer> started = new ArrayList<>();
        long[] before = new long[count];
        for (int i = 0; i < count; i++) {
            long guild = FIRST_GUILD + i;
            before[i] = voice.audioFrames(guild);
            var queue = music.queue(context(guild));
            if (queue instanceof Result.Ok<PlayMusic.QueueView>(PlayMusic.QueueView view)
                    && view.nowPlaying().isPresent()) continue;
            Result<?> played =
                    music.play(context(guild), new Play(wav.toString(), Snowflake.of(guild + CHANNEL_OFFSET)));
            if (!(played instanceof Result.Ok<?>)) throw new IllegalStateException("guild " + i + ": " + played);
            started.add(i);
        }
        // JDA sends at most 120 Gateway messages a minute, voice joins included: 50 joins take a while.
        Eventually.within(
                Duration.ofSeconds(120),
                "every started guild plays",
                () -> started.stream().allMatch(i -> voice.audioFrames(FIRST_GUILD + i) >= before[i] + 50));
    }

    private static void stopIn(MusicPlayers music, int from, int to) {
        for (int i = from; i < to; i++) music.stop(context(FIRST_GUILD + i));
    }

    private static CommandContext context(long guild) {
        return new CommandContext(UUID.randomUUID().toString(), Snowflake.of(guild), Optional.empty());
    }

    /** One measured window while guilds {@code 0..count-1} play. */
    private static Figures window(VoiceServer voice, int count, int windowSeconds) throws InterruptedException {
        {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long frames0 = 0;
            for (int i = 0; i < count; i++) frames0 += voice.audioFrames(FIRST_GUILD + i);
            voice.resetJitter();
            Map<Long, ThreadCpu> groups0 = cpuByThread(threads);
            long standIn0 = standInCpu(threads);
            long[] gc0 = gc();
            long cpu0 = os.getProcessCpuTime();
            long t0 = System.nanoTime();
            Thread.sleep(windowSeconds * 1_000L);
            long cpu1 = os.getProcessCpuTime();
            long[] gc1 = gc();
            long t1 = System.nanoTime();
            long standIn1 = standInCpu(threads);
            Map<Long, ThreadCpu> groups1 = cpuByThread(threads);
            long frames1 = 0;
            double worst = 0;
            for (int i = 0; i < count; i++) {
                frames1 += voice.audioFrames(FIRST_GUILD + i);
                worst = Math.max(worst, voice.jitter(FIRST_GUILD + i).deviationMs(0.99));
            }
            JitterHistogram all = voice.jitter();
            double elapsed = (t1 - t0);
            double cpuPct = 100.0 * (cpu1 - cpu0) / elapsed / count;
            double botPct = 100.0 * ((cpu1 - cpu0) - (standIn1 - standIn0)) / elapsed / count;
            double fps = (frames1 - frames0) / (elapsed / 1e9) / count;
            // Per thread, for threads alive at both ends of the window; the rest (GC, JIT, virtual threads, threads
            // that
            // started or ended meanwhile) is "vm+virtual".
            Map<String, Long> used = new TreeMap<>();
            long accounted = 0;
            for (var e : groups1.entrySet()) {
                ThreadCpu start = groups0.get(e.getKey());
                if (start == null) continue;
                long delta = Math.max(0, e.getValue().nanos() - start.nanos());
                used.merge(e.getValue().group(), delta, Long::sum);
                accounted += delta;
            }
            StringBuilder byGroup = new StringBuilder("{");
            for (var e : used.entrySet()) {
                if (byGroup.length() > 1) byGroup.append(',');
                byGroup.append(
                        String.format(Locale.ROOT, "\"%s\":%.3f", e.getKey(), 100.0 * e.getValue() / elapsed / count));
            }
            byGroup.append(String.format(
                    Locale.ROOT, ",\"vm+virtual\":%.3f}", 100.0 * ((cpu1 - cpu0) - accounted) / elapsed / count));
            double marginal = (100.0 * (cpu1 - cpu0) / elapsed - idleCpuPct) / count;
            return new Figures(
                    count,
                    windowSeconds,
                    cpuPct,
                    botPct,
                    fps,
                    all.deviationMs(0.5),
                    all.deviationMs(0.99),
                    worst,
                    all.maxDeviationMs(),
                    byGroup.toString(),
                    marginal,
                    gc1[0] - gc0[0],
                    gc1[1] - gc0[1]);
        }
    }

    private static long[] gc() {
        long count = 0, millis = 0;
        for (var bean : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, bean.getCollectionCount());
            millis += Math.max(0, bean.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /** The process's CPU, in % of one core, while connected and playing nothing. */
    private static double idleCpu(int windowSeconds) throws InterruptedException {
        var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        Thread.sleep(2_000);
        long cpu0 = os.getProcessCpuTime();
        long t0 = System.nanoTime();
        Thread.sleep(windowSeconds * 1_000L);
        return 100.0 * (os.getProcessCpuTime() - cpu0) / (System.nanoTime() - t0);
    }

    record ThreadCpu(String group, long nanos) {}

    /** CPU time of each of this JVM's platform threads, with the group of what it does. */
    private static Map<Long, ThreadCpu> cpuByThread(ThreadMXBean threads) {
        Map<Long, ThreadCpu> out = new java.util.HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) continue;
            long t = threads.getThreadCpuTime(info.getThreadId());
            if (t <= 0) continue;
            String name = info.getThreadName();
            String group = name.startsWith("standin")
                    ? "standIn"
                    : name.startsWith("lava-daemon-pool-playback")
                            ? "lavaplayerDecode"
                            : name.startsWith("lava")
                                    ? "lavaplayerOther"
                                    : name.startsWith("music-audio-pacer") || name.contains("Sending Thread")
                                            ? "send"
                                            : name.startsWith("JDA") || name.contains("JDA") ? "jdaOther" : "other";
            out.put(info.getThreadId(), new ThreadCpu(group, t));
        }
        return out;
    }

    /** CPU time of the stand-in's platform threads (HTTP, gateway, voice gateway, voice UDP receiver). */
    private static long standInCpu(ThreadMXBean threads) {
        long total = 0;
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null || !info.getThreadName().startsWith("standin")) continue;
            long t = threads.getThreadCpuTime(info.getThreadId());
            if (t > 0) total += t;
        }
        return total;
    }
}
