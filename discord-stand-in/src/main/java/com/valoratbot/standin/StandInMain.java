package com.valoratbot.standin;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Map;

/**
 * Runs the stand-in on its own until interrupted.
 *
 * <pre>
 * StandInMain [--port N] [--token T] [--no-demo] [--guilds N --channels M]
 *             [--shards N] [--max-concurrency N] [--pace-identify] [--guilds-per-shard N]
 * </pre>
 *
 * Port and token also come from STANDIN_PORT and STANDIN_TOKEN. {@code --guilds N --channels M} adds N
 * synthetic guilds of M channels each (for memory benchmarks of the bot).
 */
public final class StandInMain {

    public static final int DEFAULT_PORT = 8765;
    /** First synthetic guild id; guild i is this + i * 1000, its channels follow it, its bot role is +999. */
    public static final long SYNTHETIC_GUILD_BASE = 1_200_000_000_000_000_000L;

    public static final long SYNTHETIC_OWNER_ID = 1_199_999_999_999_999_999L;
    private static final int MAX_SYNTHETIC_CHANNELS = 998;

    record Options(
            int port,
            String token,
            boolean demo,
            int guilds,
            int channels,
            int shards,
            int maxConcurrency,
            boolean paceIdentify,
            int guildsPerShard) {}

    private StandInMain() {}

    public static void main(String[] args) throws InterruptedException {
        // Before any logger exists: the standalone run gets a quiet console config unless one was given.
        if (System.getProperty("logback.configurationFile") == null) {
            System.setProperty("logback.configurationFile", "com/valoratbot/standin/standalone-logback.xml");
        }
        Options options;
        try {
            options = parse(args, System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            usage(System.err);
            System.exit(2);
            return;
        }
        DiscordStandIn standIn = DiscordStandIn.builder()
                .port(options.port())
                .botToken(options.token())
                .recommendedShards(options.shards())
                .maxConcurrency(options.maxConcurrency())
                .identifyRateLimit(options.paceIdentify() ? Duration.ofSeconds(5) : null)
                .guildsPerShardLimit(options.guildsPerShard())
                .build();
        if (options.demo()) {
            DemoGuild.seed(standIn.state());
        }
        seedSynthetic(standIn.state(), options.guilds(), options.channels());
        standIn.start();
        Runtime.getRuntime().addShutdownHook(new Thread(standIn::close, "standin-shutdown"));
        System.out.println("Discord stand-in listening (token not shown; see --token / STANDIN_TOKEN)");
        System.out.println("  REST base : " + standIn.restBaseUrl());
        System.out.println("  Gateway   : " + standIn.gatewayUrl());
        System.out.println("  State     : " + standIn.stateUrl());
        System.out.println("  Requests  : " + standIn.requestsUrl());
        System.out.println("  Guilds    : " + standIn.state().guilds().size());
        Thread.currentThread().join();
    }

    /** N guilds of M text channels, each with the bot and one shared human owner; lean on purpose. */
    public static void seedSynthetic(StandInState state, int guilds, int channelsPerGuild) {
        if (channelsPerGuild > MAX_SYNTHETIC_CHANNELS) {
            throw new IllegalArgumentException("At most " + MAX_SYNTHETIC_CHANNELS + " channels per synthetic guild");
        }
        for (int g = 0; g < guilds; g++) {
            long guildId = SYNTHETIC_GUILD_BASE + g * 1_000L;
            GuildSeed seed = state.createGuild(guildId, "Synthetic " + (g + 1), guildId + 999)
                    .member(SYNTHETIC_OWNER_ID, "owner", false);
            for (int c = 0; c < channelsPerGuild; c++) {
                seed.textChannel(guildId + 1 + c, "salon-" + (c + 1));
            }
        }
    }

    static Options parse(String[] args, Map<String, String> env) {
        int port = env.containsKey("STANDIN_PORT") ? parseInt(env.get("STANDIN_PORT"), "STANDIN_PORT") : DEFAULT_PORT;
        String token = env.getOrDefault("STANDIN_TOKEN", DiscordStandIn.DEFAULT_TOKEN);
        boolean demo = true;
        int guilds = 0;
        int channels = 0;
        int shards = 0;
        int maxConcurrency = 1;
        boolean paceIdentify = false;
        int guildsPerShard = 0;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = parseInt(value(args, ++i, "--port"), "--port");
                case "--token" -> token = value(args, ++i, "--token");
                case "--no-demo" -> demo = false;
                case "--guilds" -> guilds = parseInt(value(args, ++i, "--guilds"), "--guilds");
                case "--channels" -> channels = parseInt(value(args, ++i, "--channels"), "--channels");
                case "--shards" -> shards = parseInt(value(args, ++i, "--shards"), "--shards");
                case "--max-concurrency" ->
                    maxConcurrency = parseInt(value(args, ++i, "--max-concurrency"), "--max-concurrency");
                case "--pace-identify" -> paceIdentify = true;
                case "--guilds-per-shard" ->
                    guildsPerShard = parseInt(value(args, ++i, "--guilds-per-shard"), "--guilds-per-shard");
                case "--help", "-h" -> {
                    usage(System.out);
                    System.exit(0);
                }
                default -> throw new IllegalArgumentException("Unknown option " + args[i]);
            }
        }
        if (guilds < 0 || channels < 0 || (guilds > 0 && channels == 0)) {
            throw new IllegalArgumentException("--guilds N needs --channels M (both positive)");
        }
        return new Options(port, token, demo, guilds, channels, shards, maxConcurrency, paceIdentify, guildsPerShard);
    }

    private static String value(String[] args, int index, String option) {
        if (index >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[index];
    }

    private static int parseInt(String raw, String what) {
        try {
            return Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(what + " must be a number, was '" + raw + "'");
        }
    }

    private static void usage(PrintStream out) {
        out.println("Usage: StandInMain [--port N] [--token T] [--no-demo] [--guilds N --channels M]");
        out.println("         [--shards N] [--max-concurrency N] [--pace-identify] [--guilds-per-shard N]");
        out.println(
                "  --shards: /gateway/bot's recommendation (default ceil(guilds/1000)); --pace-identify: one IDENTIFY");
        out.println("  per 5 s per max-concurrency bucket; --guilds-per-shard: close 4011 past it (Discord: 2500)");
        out.println("  env: STANDIN_PORT, STANDIN_TOKEN; default port " + DEFAULT_PORT);
    }
}
