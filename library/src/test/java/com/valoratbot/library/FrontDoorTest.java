package com.valoratbot.library;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.command.PayloadReader;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.result.Result;
import com.valoratbot.core.run.CustomAction;
import com.valoratbot.discord.music.VoiceMode;
import com.valoratbot.standin.DemoGuild;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.supabase.CommandAdmin;
import com.valoratbot.supabase.CommandRow;
import com.valoratbot.supabase.Database;
import com.valoratbot.supabase.TestDatabase;
import com.valoratbot.testing.TestStandIn;
import com.zaxxer.hikari.HikariDataSource;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.JDABuilder;
import net.dv8tion.jda.api.events.guild.GuildReadyEvent;
import net.dv8tion.jda.api.events.session.ShutdownEvent;
import net.dv8tion.jda.api.hooks.ListenerAdapter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The front door as an embedder uses it: its own JDA builder with its own listener, its own
 * DataSource on a real PostgreSQL, the Discord stand-in with the demo guild, and a row the
 * dashboard would insert.
 */
class FrontDoorTest {

    @RegisterExtension
    static final TestDatabase db = new TestDatabase();

    @RegisterExtension
    static final TestStandIn discord =
            TestStandIn.with(b -> b.botToken("front-door-token")).seeded(DemoGuild::seed);

    private static DiscordStandIn standIn;
    private static Database embedders;

    @BeforeAll
    static void standInWithTheDemoGuild() {
        standIn = discord.standIn();
        embedders = db.open();
    }

    /** The embedder's own listener: it must keep hearing the session the library built. */
    static final class GuildsSeen extends ListenerAdapter {
        final Set<Long> ready = ConcurrentHashMap.newKeySet();
        volatile boolean shutDown;

        @Override
        public void onGuildReady(GuildReadyEvent event) {
            ready.add(event.getGuild().getIdLong());
        }

        @Override
        public void onShutdown(ShutdownEvent event) {
            shutDown = true;
        }
    }

    record Progress(String questId, long progress) {}

    record Grant(String questId, int amount) {}

    /** The dashboard's casino pages insert ADD_QUEST_PROGRESS rows: this bot serves them. Granting twice is not harmless. */
    static final class AddQuestProgress implements CustomAction<Grant, Progress> {
        final Map<String, Long> progress = new ConcurrentHashMap<>();

        @Override
        public String wireName() {
            return "ADD_QUEST_PROGRESS";
        }

        @Override
        public boolean idempotent() {
            return false;
        }

        @Override
        public Optional<Grant> read(PayloadReader in) {
            var quest = in.requiredText("questId", 64);
            var amount = in.requiredInt("amount", 1, 1000);
            return quest.isPresent() && amount.isPresent()
                    ? Optional.of(new Grant(quest.get(), amount.get()))
                    : Optional.empty();
        }

        @Override
        public Result<Progress> run(CommandContext context, Grant g) {
            return Result.ok(new Progress(
                    g.questId(), progress.merge(context.guildId() + "/" + g.questId(), (long) g.amount(), Long::sum)));
        }
    }

    record Seen(String discord) {}

    /** A command that is still running when close() is called: it waits to be released, then looks at the session. */
    static final class HoldOn implements CustomAction<String, Seen> {
        final CountDownLatch running = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile JDA jda;
        volatile JDA.Status discordAtEnd;

        @Override
        public String wireName() {
            return "HOLD_ON";
        }

        @Override
        public boolean idempotent() {
            return true;
        }

        @Override
        public Optional<String> read(PayloadReader in) {
            return Optional.of("held");
        }

        @Override
        public Result<Seen> run(CommandContext context, String payload) {
            running.countDown();
            try {
                release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            discordAtEnd = jda.getStatus();
            return Result.ok(new Seen(discordAtEnd.name()));
        }
    }

    private static Valoratbot.Builder embedding(JDABuilder jda, javax.sql.DataSource dataSource) {
        return Valoratbot.create(jda, dataSource)
                .discordEndpoints(standIn.restBaseUrl(), standIn.gatewayUrl())
                .voiceMode(VoiceMode.PASSTHROUGH); // the stand-in speaks DAVE version 0 only
    }

    @Test
    void aBotEmbeddingTheBackendRunsBuiltInAndCustomActionsAndKeepsItsOwnListener() throws Exception {
        GuildsSeen listener = new GuildsSeen();
        AddQuestProgress quests = new AddQuestProgress();
        JDABuilder jda = JDABuilder.createDefault(standIn.botToken()).addEventListeners(listener);
        try (Valoratbot bot =
                embedding(jda, embedders.dataSource()).action(quests).start()) {
            assertThat(listener.ready).contains(DemoGuild.GUILD_ID);
            assertThat(bot.jda().getStatus()).isEqualTo(JDA.Status.CONNECTED);

            CommandAdmin admin = CommandAdmin.on(embedders);
            String id = admin.enqueue(
                    Long.toString(DemoGuild.GUILD_ID),
                    "slowmode",
                    "{\"channelId\":\"" + DemoGuild.GENERAL_ID + "\",\"duration\":15}",
                    null);
            CommandRow row = admin.awaitResult(id, Duration.ofSeconds(20)).orElseThrow();

            assertThat(row.status()).as(row.resultJson()).isEqualTo("done");
            assertThat(standIn.state().channel(DemoGuild.GENERAL_ID).rateLimitPerUser())
                    .isEqualTo(15);

            // The custom action, twice in the guild's order, then a payload it refuses.
            String guild = Long.toString(DemoGuild.GUILD_ID);
            String first =
                    admin.enqueue(guild, "ADD_QUEST_PROGRESS", "{\"questId\":\"daily-spin\",\"amount\":3}", null);
            String second =
                    admin.enqueue(guild, "ADD_QUEST_PROGRESS", "{\"questId\":\"daily-spin\",\"amount\":4}", null);
            String bad = admin.enqueue(guild, "ADD_QUEST_PROGRESS", "{\"questId\":\"daily-spin\",\"amount\":0}", null);
            assertThat(admin.awaitResult(first, Duration.ofSeconds(20))
                            .orElseThrow()
                            .resultJson())
                    .contains("\"progress\": 3");
            assertThat(admin.awaitResult(second, Duration.ofSeconds(20))
                            .orElseThrow()
                            .resultJson())
                    .contains("\"progress\": 7");
            CommandRow refused = admin.awaitResult(bad, Duration.ofSeconds(20)).orElseThrow();
            assertThat(refused.status()).isEqualTo("error");
            assertThat(refused.resultJson())
                    .contains("\"code\": \"invalid_payload\"")
                    .contains("amount");
            assertThat(quests.progress).containsEntry(guild + "/daily-spin", 7L);
        }
        assertThat(listener.shutDown).isTrue();
    }

    @Test
    void rowsForGuildsTheSessionDoesNotHoldAreAnsweredByTheClaimFromTheSessionsGuildList() throws Exception {
        try (Valoratbot bot = embedding(JDABuilder.createDefault(standIn.botToken()), embedders.dataSource())
                .start()) {
            CommandAdmin admin = CommandAdmin.on(embedders);
            String first = admin.enqueue(Long.toString(DemoGuild.GUILD_ID), "listTextChannels", "{}", null);
            assertThat(admin.awaitResult(first, Duration.ofSeconds(20))
                            .orElseThrow()
                            .status())
                    .isEqualTo("done");
            // The claim looked at the session: its guilds are listed under the worker's id.
            assertThat(db.count(
                            "SELECT count(*) FROM valoratbot.gateway_guilds WHERE guild_id = ?",
                            Long.toString(DemoGuild.GUILD_ID)))
                    .isEqualTo(1);

            // Written before that look, as a flood already waiting would be.
            db.execute("""
                    INSERT INTO commands (guild_id, action, payload, created_at)
                    SELECT (1350000000000000000 + g)::text, 'listTextChannels', '{}'::jsonb,
                           (SELECT min(listed_at) FROM valoratbot.gateway_lists) - interval '1 ms'
                    FROM generate_series(1, 300) g""");
            String after = admin.enqueue(Long.toString(DemoGuild.GUILD_ID), "listTextChannels", "{}", null);
            assertThat(admin.awaitResult(after, Duration.ofSeconds(20))
                            .orElseThrow()
                            .status())
                    .isEqualTo("done");
            com.valoratbot.testing.Eventually.within(
                    Duration.ofSeconds(20),
                    "the junk answered",
                    () -> db.count("SELECT count(*) FROM commands WHERE status = 'pending'") == 0);

            assertThat(db.count("""
                            SELECT count(*) FROM commands WHERE guild_id LIKE '135%' AND status = 'error'
                              AND result->>'code' = 'guild_not_found' AND result->>'reason' LIKE 'Le bot%'""")).isEqualTo(300);
            assertThat(db.count("SELECT count(*) FROM valoratbot.command_runs WHERE command_id IN "
                            + "(SELECT id::text FROM commands WHERE guild_id LIKE '135%')"))
                    .isZero();
        }
    }

    @Test
    void closingLetsTheCommandInFlightFinishOnALiveSessionThenStopsDiscordAndLeavesTheEmbeddersDataSourceOpen()
            throws Exception {
        GuildsSeen listener = new GuildsSeen();
        HoldOn hold = new HoldOn();
        Valoratbot bot = embedding(
                        JDABuilder.createDefault(standIn.botToken()).addEventListeners(listener),
                        embedders.dataSource())
                .action(hold)
                .start();
        JDA jda = bot.jda();
        hold.jda = jda;
        List<String> order = bot.closeOrder();
        assertThat(order.getFirst()).isEqualTo("command worker");
        assertThat(order.getLast()).isEqualTo("database");
        assertThat(order.indexOf("music")).isLessThan(order.indexOf("discord"));
        assertThat(order.indexOf("scheduled announcements")).isLessThan(order.indexOf("discord"));
        assertThat(order.indexOf("discord")).isLessThan(order.indexOf("queue"));

        CommandAdmin admin = CommandAdmin.on(embedders);
        String held = admin.enqueue(Long.toString(DemoGuild.GUILD_ID), "HOLD_ON", "{}", null);
        assertThat(hold.running.await(20, TimeUnit.SECONDS))
                .as("the command is running")
                .isTrue();
        Thread closing = Thread.ofPlatform().start(bot::close);
        Thread.sleep(500);
        // close() has begun and waits for the worker: the session is still up while the command finishes.
        assertThat(closing.isAlive()).isTrue();
        assertThat(jda.getStatus()).isEqualTo(JDA.Status.CONNECTED);
        hold.release.countDown();
        closing.join(Duration.ofSeconds(30));
        assertThat(closing.isAlive()).isFalse();

        assertThat(hold.discordAtEnd).isEqualTo(JDA.Status.CONNECTED);
        assertThat(admin.find(held).orElseThrow().status())
                .as("its outcome was written before the queue closed")
                .isEqualTo("done");
        assertThat(jda.getStatus()).isEqualTo(JDA.Status.SHUTDOWN);
        assertThat(listener.shutDown).isTrue();
        bot.close(); // idempotent

        // Nobody claims any more: a row inserted now stays pending. The DataSource is the embedder's, still open.
        String id = admin.enqueue(Long.toString(DemoGuild.GUILD_ID), "listTextChannels", "{}", null);
        Thread.sleep(1500);
        assertThat(admin.find(id).orElseThrow().status()).isEqualTo("pending");
        assertThat(((HikariDataSource) embedders.dataSource()).isClosed()).isFalse();
        db.execute("DELETE FROM public.commands WHERE id = ?::uuid", id);
    }

    @Test
    void aDatabaseTheLibraryOpensItselfIsClosedWithIt() {
        Valoratbot bot = Valoratbot.create(
                        JDABuilder.createDefault(standIn.botToken()),
                        db.settings().build())
                .discordEndpoints(standIn.restBaseUrl(), standIn.gatewayUrl())
                .voiceMode(VoiceMode.PASSTHROUGH)
                .start();
        HikariDataSource own = (HikariDataSource) bot.database().dataSource();
        assertThat(own).isNotSameAs(embedders.dataSource());

        bot.close();

        assertThat(own.isClosed()).isTrue();
    }
}
