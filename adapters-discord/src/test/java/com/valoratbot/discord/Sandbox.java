package com.valoratbot.discord;

import static com.valoratbot.standin.Permissions.*;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.port.QueuedCommand;
import com.valoratbot.core.port.RememberLocks;
import com.valoratbot.core.run.CommandHandler;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.standin.RecordedRequest;
import com.valoratbot.standin.StandInState;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestStandIn;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One stand-in and one adapter logged in to it, shared by a test class (logging in takes a while),
 * and the dashboard's view of it: a {@link CommandHandler} fed rows as the queue would.
 *
 * <pre>{@code
 * @RegisterExtension static final Sandbox sandbox = Sandbox.perClass();
 * }</pre>
 * or, for a test that breaks its own, {@code try (Sandbox s = Sandbox.start()) { ... }}. The stand-in's
 * lifecycle is {@link TestStandIn}'s; this class adds what is typed by this adapter.
 *
 * <p>Two guilds, the bot in both: {@link #GUILD} with a moderator, a plain member and another bot,
 * and {@link #OTHER_GUILD} whose channel ids must never be reachable from {@link #GUILD}'s commands.
 */
public final class Sandbox implements BeforeAllCallback, AfterAllCallback, AutoCloseable {

    static final long GUILD = 2_200_000_000_000_000_001L;
    static final long OTHER_GUILD = 2_300_000_000_000_000_001L;
    static final long NO_GUILD = 2_400_000_000_000_000_001L;

    static final long MODS_ROLE = 2_200_000_000_000_000_011L;
    static final long HELPERS_ROLE = 2_200_000_000_000_000_012L;

    static final long GENERAL = 2_200_000_000_000_000_101L;
    static final long ANNOUNCEMENTS = 2_200_000_000_000_000_102L;
    static final long NEWS = 2_200_000_000_000_000_104L;
    static final long VOICE = 2_200_000_000_000_000_201L;
    static final long STAGE = 2_200_000_000_000_000_202L;
    static final long CATEGORY = 2_200_000_000_000_000_301L;
    static final long IN_CATEGORY = 2_200_000_000_000_000_302L;
    static final long OTHER_GUILD_CHANNEL = 2_300_000_000_000_000_101L;

    static final long OWNER = 2_200_000_000_000_000_900L;
    static final long MODERATOR = 2_200_000_000_000_000_901L;
    static final long MEMBER = 2_200_000_000_000_000_902L;
    static final long OTHER_BOT = 2_200_000_000_000_000_903L;
    static final long HELPER = 2_200_000_000_000_000_904L;
    static final long STRANGER = 2_200_000_000_000_000_999L;

    /** Fresh channel ids for tests that need a channel of their own. */
    private static final AtomicLong NEXT_CHANNEL = new AtomicLong(2_200_000_000_000_001_000L);

    private final TestStandIn server;
    private final Consumer<DiscordGateway.Builder> adapterSettings;
    final RememberLocks locks = RememberLocks.inMemory();
    DiscordStandIn standIn;
    CommandHandler handler;
    DiscordGateway discord;

    private Sandbox(
            Consumer<DiscordStandIn.Builder> standInSettings, Consumer<DiscordGateway.Builder> adapterSettings) {
        this.server = TestStandIn.with(b -> standInSettings.accept(b.botToken("sandbox-token")))
                .seeded(Sandbox::seed);
        this.adapterSettings = adapterSettings;
    }

    /** The extension: started before the class's tests, closed after them. */
    static Sandbox perClass() {
        return perClass(standIn -> {}, adapter -> {});
    }

    static Sandbox perClass(
            Consumer<DiscordStandIn.Builder> standInSettings, Consumer<DiscordGateway.Builder> adapterSettings) {
        return new Sandbox(standInSettings, adapterSettings);
    }

    /** Started now, for a test that owns (and may break) its sandbox. */
    static Sandbox start() {
        return start(standIn -> {}, adapter -> {});
    }

    static Sandbox start(
            Consumer<DiscordStandIn.Builder> standInSettings, Consumer<DiscordGateway.Builder> adapterSettings) {
        Sandbox sandbox = new Sandbox(standInSettings, adapterSettings);
        sandbox.open();
        return sandbox;
    }

    private void open() {
        standIn = server.start();
        discord = connect();
        handler = CommandHandler.builder(portsOf(discord).build()).build();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        open();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    /** A builder of this adapter already pointed at the stand-in (its token, REST and Gateway URLs). */
    public static DiscordGateway.Builder gatewayTo(DiscordStandIn standIn) {
        return DiscordGateway.builder()
                .token(standIn.botToken())
                .restBaseUrl(standIn.restBaseUrl())
                .gatewayUrl(standIn.gatewayUrl())
                .readyTimeout(Duration.ofSeconds(30));
    }

    private DiscordGateway connect() {
        DiscordGateway.Builder b = gatewayTo(standIn)
                .lockMemory(locks)
                // Tests run many purges in a row; the per-guild limits have their own tests.
                .rateLimit(10_000, Duration.ofSeconds(1))
                .purgeRateLimit(10_000, Duration.ofSeconds(1))
                .commandTimeout(Duration.ofSeconds(20));
        adapterSettings.accept(b);
        return b.build().start();
    }

    /** Stops the adapter and starts a new one on the same stand-in and the same lock memory. */
    CommandHandler restartAdapter() {
        discord.close();
        discord = connect();
        handler = CommandHandler.builder(portsOf(discord).build()).build();
        return handler;
    }

    private static void seed(StandInState s) {
        s.createGuild(GUILD, "Sandbox")
                .role(MODS_ROLE, "Mods", MANAGE_MESSAGES | MANAGE_CHANNELS | MANAGE_GUILD | MENTION_EVERYONE)
                .role(HELPERS_ROLE, "Helpers", MANAGE_CHANNELS)
                .textChannel(GENERAL, "general")
                .textChannel(ANNOUNCEMENTS, "annonces")
                .announcementChannel(NEWS, "news")
                .voiceChannel(VOICE, "Vocal")
                .stageChannel(STAGE, "Scène")
                .category(CATEGORY, "Staff")
                .textChannel(IN_CATEGORY, "staff-chat", CATEGORY)
                .member(OWNER, "owner", false)
                .member(MODERATOR, "modo", false, MODS_ROLE)
                .member(MEMBER, "membre", false)
                .member(OTHER_BOT, "autre-bot", true)
                .member(HELPER, "aide", false, HELPERS_ROLE)
                .owner(OWNER);
        s.createGuild(OTHER_GUILD, "Elsewhere")
                .textChannel(OTHER_GUILD_CHANNEL, "elsewhere-general")
                .member(MEMBER, "membre", false);
    }

    /** A new text channel of {@link #GUILD}, once the adapter's cache has it. */
    long newTextChannel(String name) {
        long id = NEXT_CHANNEL.incrementAndGet();
        standIn.state().guild(GUILD).textChannel(id, name);
        eventually(() -> discord.jda().getTextChannelById(id) != null);
        return id;
    }

    ObjectNode run(String action, String payloadJson) {
        return run(GUILD, action, payloadJson, null);
    }

    ObjectNode run(String action, String payloadJson, Long requestedBy) {
        return run(GUILD, action, payloadJson, requestedBy);
    }

    ObjectNode run(long guild, String action, String payloadJson, Long requestedBy) {
        return run(handler, Long.toString(guild), action, payloadJson, requestedBy);
    }

    static ObjectNode run(CommandHandler handler, String guild, String action, String payloadJson, Long requestedBy) {
        QueuedCommand row = new QueuedCommand(
                UUID.randomUUID().toString(),
                guild,
                action,
                payloadJson,
                Optional.ofNullable(requestedBy).map(String::valueOf),
                Duration.ZERO);
        Completion completion = handler.handle(row);
        return CommandHandler.readResult(completion.resultJson());
    }

    List<RecordedRequest> requests(String route) {
        return standIn.requests(route);
    }

    /** Messages written at {@code at} by {@code author}; returns their ids, oldest first. */
    List<Long> messages(long channel, long author, int count, Instant at, boolean pinned) {
        return java.util.stream.IntStream.range(0, count)
                .mapToObj(i -> standIn.state().addMessage(channel, author, "message " + i, at.plusMillis(i), pinned))
                .toList();
    }

    static void eventually(BooleanSupplier condition) {
        Eventually.within(Duration.ofSeconds(10), "condition", condition);
    }

    @Override
    public void close() {
        if (discord != null) discord.close();
        server.close();
    }

    /** The ports {@code discord} serves, as the library sets them. */
    static com.valoratbot.core.run.Ports.Builder portsOf(DiscordGateway discord) {
        return com.valoratbot.core.run.Ports.builder().discord(discord);
    }
}
