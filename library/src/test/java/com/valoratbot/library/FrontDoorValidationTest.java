package com.valoratbot.library;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.core.config.QueueTiming;
import com.valoratbot.supabase.DatabaseSettings;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Set;
import javax.sql.DataSource;
import net.dv8tion.jda.api.JDABuilder;
import org.junit.jupiter.api.Test;

/** Mistakes an embedder can make are refused when they are made, before anything connects, and say what is wrong. */
class FrontDoorValidationTest {

    private static final JDABuilder JDA = JDABuilder.createLight("token-never-used");
    private static final DatabaseSettings NOWHERE = DatabaseSettings.builder()
            .url("jdbc:postgresql://127.0.0.1:1/nothing")
            .build();

    @Test
    void aMissingJdaBuilderOrDataSourceIsNamed() {
        assertThatThrownBy(() -> Valoratbot.create(null, NOWHERE))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("jda");
        assertThatThrownBy(() -> Valoratbot.create(JDA, (DataSource) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("dataSource");
        assertThatThrownBy(() -> Valoratbot.create(JDA, (DatabaseSettings) null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("database");
    }

    @Test
    void aLeaseUnderThreeSecondsOrAHeartbeatAsLongAsTheLeaseIsRefused() {
        assertThatThrownBy(() -> Valoratbot.create(JDA, NOWHERE)
                        .queueTiming(QueueTiming.of(Duration.ofSeconds(2), Duration.ofMillis(500))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("lease must be at least 3s");
        assertThatThrownBy(
                        () -> new QueueTiming(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heartbeat must be shorter than the lease");
    }

    @Test
    void aForeignActionThatIsOneOfOursOrNotAnActionNameIsRefused() {
        assertThatThrownBy(() -> Valoratbot.create(JDA, NOWHERE).foreignActions(Set.of("purge")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'purge' is one of this worker's own actions");
        assertThatThrownBy(() -> Valoratbot.create(JDA, NOWHERE).foreignActions(Set.of("two words")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an action name: 'two words'");
    }

    @Test
    void outOfRangeNumbersAndDurationsNameTheSetting() {
        Valoratbot.Builder b = Valoratbot.create(JDA, NOWHERE);
        assertThatThrownBy(() -> b.maxInFlight(0)).hasMessage("maxInFlight must be from 1 to 10000, was 0");
        assertThatThrownBy(() -> b.maxAge(Duration.ZERO)).hasMessageContaining("maxAge must be a positive duration");
        assertThatThrownBy(() -> b.schedules(10, Duration.ofDays(10_000)))
                .hasMessageContaining("scheduleHorizon must be from 1m to");
        assertThatThrownBy(() -> b.maxPayloadBytes(10)).hasMessageContaining("maxPayloadBytes must be from 1024");
    }

    /** A custom action that is never run: only its name matters here. */
    private static com.valoratbot.core.run.CustomAction<String, Named> named(String wireName) {
        return new com.valoratbot.core.run.CustomAction<>() {
            @Override
            public String wireName() {
                return wireName;
            }

            @Override
            public boolean idempotent() {
                return true;
            }

            @Override
            public java.util.Optional<String> read(com.valoratbot.core.command.PayloadReader in) {
                return java.util.Optional.of("");
            }

            @Override
            public com.valoratbot.core.result.Result<Named> run(com.valoratbot.core.port.CommandContext c, String p) {
                return com.valoratbot.core.result.Result.ok(new Named(wireName));
            }
        };
    }

    record Named(String name) {}

    @Test
    void aCustomActionWithABuiltInOrForeignNameOrRegisteredTwiceIsRefused() {
        assertThatThrownBy(() -> Valoratbot.create(JDA, NOWHERE).action(named("purge")))
                .hasMessage("custom action 'purge' is a built-in action's name");
        assertThatThrownBy(() ->
                        Valoratbot.create(JDA, NOWHERE).action(named("SPIN")).action(named("SPIN")))
                .hasMessage("custom action 'SPIN' is registered twice");
        assertThatThrownBy(() -> Valoratbot.create(JDA, NOWHERE)
                        .foreignActions(Set.of("SPIN"))
                        .action(named("SPIN")))
                .hasMessageContaining("is also a foreign action");
        assertThatThrownBy(() ->
                        Valoratbot.create(JDA, NOWHERE).action(named("SPIN")).foreignActions(Set.of("SPIN")))
                .hasMessageContaining("'SPIN' is a custom action registered here");
        assertThatThrownBy(() -> Valoratbot.create(JDA, NOWHERE).action(named("two words")))
                .hasMessageContaining("is not an action name");
    }

    @Test
    void anEndpointThatIsNotAUrlIsRefusedBeforeStart() {
        assertThatThrownBy(() -> Valoratbot.create(JDA, NOWHERE).discordEndpoints("not a url", "ws://127.0.0.1:1/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("restBaseUrl");
    }

    @Test
    void theDataSourceOnlySettingsAreRefusedWhenTheLibraryOpensTheDatabaseItself() {
        assertThatThrownBy(() -> Valoratbot.create(JDA, NOWHERE).commandTable("bot.commands"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("set in the DatabaseSettings given to create()");
    }

    @Test
    void aDatabaseThatCannotBeReachedEndsStartWithItsReasonBeforeDiscordIsTried() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        DatabaseSettings unreachable = DatabaseSettings.builder()
                .url("jdbc:postgresql://127.0.0.1:" + closedPort + "/x")
                .startWait(Duration.ZERO)
                .build();
        // The token is never sent: a Discord login would fail differently (and need a network).
        assertThatThrownBy(() -> Valoratbot.create(JDA, unreachable).start())
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("cannot use the database");
    }
}
