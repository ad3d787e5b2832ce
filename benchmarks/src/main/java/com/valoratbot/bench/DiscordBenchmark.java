package com.valoratbot.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.RecordedRequest;
import com.valoratbot.standin.StandInState;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.DatabaseSettings;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The Discord side through real JDA and the stand-in: a purge of 1,000 recent messages (requests
 * made by route, wall time), lock/unlock pairs on one channel through the command handler (each
 * reads the channel from Discord and writes or deletes @everyone's overwrite: latency per command,
 * requests by route), listTextChannels latency through the command handler, and listTextChannels
 * end to end (insert into Postgres → the real worker → JDA → outcome written).
 *
 * <p>Usage: {@code benchmarks/run DiscordBenchmark [rounds=3] [listings=2000] [lockPairs=200] [--db URL] [--no-fsync]}
 */
public final class DiscordBenchmark {

    private static final long GUILD = 1_300_000_000_000_000_000L;
    private static final long CHANNEL = GUILD + 1;
    private static final long USER = GUILD + 500;
    private static final long BOT_USER = GUILD + 501;

    public static void main(String[] args) throws Exception {
        BenchServer.Options options = BenchServer.Options.parse(args);
        int rounds = options.positional(0, 3);
        int listings = options.positional(1, 2000);
        int lockPairs = options.positional(2, 200);
        try (DiscordStandIn standIn = DiscordStandIn.builder().port(0).build().start()) {
            StandInState state = standIn.state();
            state.createGuild(GUILD, "Bench")
                    .textChannel(CHANNEL, "purge-me")
                    .textChannel(CHANNEL + 1, "other")
                    .member(USER, "someone", false)
                    .member(BOT_USER, "somebot", true);
            try (DiscordGateway discord = DiscordGateway.builder()
                    .token(standIn.botToken())
                    .restBaseUrl(standIn.restBaseUrl())
                    .gatewayUrl(standIn.gatewayUrl())
                    .rateLimit(1_000_000, Duration.ofSeconds(1))
                    .purgeRateLimit(1_000_000, Duration.ofSeconds(1))
                    .build()
                    .start()) {
                CommandHandler handler = CommandHandler.builder(
                                com.valoratbot.library.DiscordPorts.of(discord).build())
                        .build();
                for (int round = 1; round <= rounds; round++) {
                    purge(handler, standIn, round);
                }
                for (int round = 1; round <= rounds; round++) {
                    lockUnlock(handler, standIn, round, lockPairs);
                }
                for (int round = 1; round <= rounds; round++) {
                    listing(handler, round, listings);
                }
                // The whole path: insert into Postgres, the real worker claims, JDA answers, the outcome is written.
                try (BenchServer server = BenchServer.start(options);
                        Database db = Database.open(DatabaseSettings.builder()
                                .url(server.jdbcUrl(server.scratch("bench_discord")))
                                .build())) {
                    System.out.println(server.settingsJson());
                    for (int round = 1; round <= rounds; round++) {
                        QueueBenchmark.Figures f =
                                QueueBenchmark.runWorker(db, handler, 500, 0, 1, i -> Long.toString(GUILD));
                        System.out.println(String.format(
                                Locale.ROOT,
                                "{\"benchmark\":\"listTextChannels-end-to-end\",\"round\":%d,\"samples\":500,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"pickupP50Ms\":%.2f}",
                                round,
                                f.endToEndP50(),
                                f.endToEndP99(),
                                f.pickupP50()));
                    }
                }
            }
        }
    }

    private static void purge(CommandHandler handler, DiscordStandIn standIn, int round) throws Exception {
        Instant now = Instant.now();
        for (int i = 0; i < 1000; i++) {
            standIn.state()
                    .addMessage(
                            CHANNEL, i % 3 == 0 ? BOT_USER : USER, "message " + i, now.minusSeconds(1000 - i), false);
        }
        standIn.clearRequests();
        long start = System.nanoTime();
        Completion done = handler.handle(new QueuedCommand(
                "bench-purge-" + round,
                Long.toString(GUILD),
                "purge",
                "{\"channelId\":\"" + CHANNEL + "\",\"amount\":1000,\"mode\":\"count\"}",
                Optional.empty(),
                Duration.ZERO));
        double millis = (System.nanoTime() - start) / 1e6;
        JsonNode result = new ObjectMapper().readTree(done.resultJson());
        Map<String, Integer> calls = new TreeMap<>();
        for (RecordedRequest r : standIn.requests()) calls.merge(r.route(), 1, Integer::sum);
        System.out.println(String.format(
                Locale.ROOT,
                "{\"benchmark\":\"purge-1000-recent\",\"round\":%d,\"wallMs\":%.1f,\"deleted\":%d,\"skipped\":%d,\"requests\":%s}",
                round,
                millis,
                result.path("deleted").asInt(),
                result.path("skipped").asInt(),
                json(calls)));
    }

    private static void lockUnlock(CommandHandler handler, DiscordStandIn standIn, int round, int pairs)
            throws Exception {
        long channel = CHANNEL + 1;
        standIn.clearRequests();
        List<Double> samples = new ArrayList<>(2 * pairs);
        long start = System.nanoTime();
        for (int i = 0; i < 2 * pairs; i++) {
            String action = i % 2 == 0 ? "lock" : "unlock";
            long t = System.nanoTime();
            Completion c = handler.handle(new QueuedCommand(
                    "bench-" + action + "-" + round + "-" + i,
                    Long.toString(GUILD),
                    action,
                    "{\"channelId\":\"" + channel + "\"}",
                    Optional.empty(),
                    Duration.ZERO));
            samples.add((System.nanoTime() - t) / 1e6);
            if (!c.ok()) throw new IllegalStateException(action + ": " + c.resultJson());
        }
        double wallMs = (System.nanoTime() - start) / 1e6;
        if (standIn.state().channel(channel).overwrite(GUILD).isPresent())
            throw new IllegalStateException("the last unlock left @everyone's overwrite in place");
        Map<String, Integer> calls = new TreeMap<>();
        for (RecordedRequest r : standIn.requests()) calls.merge(r.route() + " " + r.status(), 1, Integer::sum);
        double[] sorted =
                samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.println(String.format(
                Locale.ROOT,
                "{\"benchmark\":\"lock-unlock\",\"round\":%d,\"commands\":%d,\"wallMs\":%.1f,\"p50Ms\":%.2f,\"p99Ms\":%.2f,\"requests\":%s}",
                round,
                2 * pairs,
                wallMs,
                Timings.percentile(sorted, 50),
                Timings.percentile(sorted, 99),
                json(calls)));
    }

    private static void listing(CommandHandler handler, int round, int count) {
        List<Double> samples = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            long start = System.nanoTime();
            Completion c = handler.handle(new QueuedCommand(
                    "bench-list-" + i,
                    Long.toString(GUILD),
                    "listTextChannels",
                    "{}",
                    Optional.empty(),
                    Duration.ZERO));
            samples.add((System.nanoTime() - start) / 1e6);
            if (!c.ok()) throw new IllegalStateException(c.resultJson());
        }
        double[] sorted =
                samples.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        System.out.println(String.format(
                Locale.ROOT,
                "{\"benchmark\":\"listTextChannels-handler\",\"round\":%d,\"samples\":%d,\"p50Ms\":%.3f,\"p99Ms\":%.3f}",
                round,
                count,
                Timings.percentile(sorted, 50),
                Timings.percentile(sorted, 99)));
    }

    private static String json(Map<String, Integer> calls) throws Exception {
        return new ObjectMapper().writeValueAsString(calls);
    }
}
