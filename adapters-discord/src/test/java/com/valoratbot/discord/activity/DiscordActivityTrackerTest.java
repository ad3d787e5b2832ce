package com.valoratbot.discord.activity;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.activity.ActivityAggregator;
import com.valoratbot.core.activity.ActivityBatch;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import com.valoratbot.discord.DiscordGateway;
import com.valoratbot.discord.Sandbox;
import com.valoratbot.standin.DiscordStandIn;
import com.valoratbot.testing.Eventually;
import com.valoratbot.testing.TestClock;
import com.valoratbot.testing.TestStandIn;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Real gateway events, end to end: the stand-in dispatches MESSAGE_CREATE and VOICE_STATE_UPDATE,
 * unmodified JDA turns them into events, the tracker feeds the aggregator.
 */
class DiscordActivityTrackerTest {

    private static final long GUILD = 3_100_000_000_000_000_001L;
    private static final long GENERAL = 3_100_000_000_000_000_101L;
    private static final long LOUNGE = 3_100_000_000_000_000_201L;
    private static final long GAMING = 3_100_000_000_000_000_202L;
    private static final long AFK = 3_100_000_000_000_000_209L;
    private static final long ALICE = 3_100_000_000_000_000_901L;
    private static final long BOB = 3_100_000_000_000_000_902L;
    private static final long CAROL = 3_100_000_000_000_000_903L;
    private static final long DAVE = 3_100_000_000_000_000_904L;
    private static final long JUKEBOX = 3_100_000_000_000_000_999L;
    private static final Instant START = Instant.parse("2025-12-10T09:00:00Z");

    private final TestClock clock = new TestClock(START);
    private final List<ActivityBatch> stored = new CopyOnWriteArrayList<>();
    private ActivityAggregator aggregator;
    private DiscordStandIn standIn;
    private DiscordGateway discord;

    /** One per test: each starts with Alice and Bob already talking before the bot logs in. */
    @RegisterExtension
    final TestStandIn discordServer = TestStandIn.with(b -> b.botToken("activity-token"))
            .seeded(state -> state.createGuild(GUILD, "Activité")
                    .textChannel(GENERAL, "general")
                    .voiceChannel(LOUNGE, "Salon")
                    .voiceChannel(GAMING, "Jeux")
                    .voiceChannel(AFK, "AFK")
                    .afkChannel(AFK)
                    .member(ALICE, "alice", false)
                    .member(BOB, "bob", false)
                    .member(CAROL, "carol", false)
                    .member(DAVE, "dave", false)
                    .member(JUKEBOX, "jukebox", true)
                    .voiceState(ALICE, GAMING, false)
                    .voiceState(BOB, GAMING, false));

    @BeforeEach
    void connect() {
        standIn = discordServer.standIn();
        discord = discordServer.closeAfter(Sandbox.gatewayTo(standIn).build().start());
        aggregator = ActivityAggregator.builder(stored::add, GuildTimeZones.fixed(ZoneId.of("Europe/Paris")), clock)
                .build();
        DiscordActivityTracker.create(aggregator).attachTo(discord.jda());
    }

    private Set<Snowflake> counting() {
        return aggregator.countingInVoice(Snowflake.of(GUILD));
    }

    private static Set<Snowflake> ids(long... users) {
        java.util.HashSet<Snowflake> out = new java.util.HashSet<>();
        for (long u : users) out.add(Snowflake.of(u));
        return out;
    }

    private static void eventually(String what, BooleanSupplier condition) {
        Eventually.within(Duration.ofSeconds(10), what, condition);
    }

    private long total(long user, boolean voice) {
        return stored.stream()
                .flatMap(b -> b.days().stream())
                .filter(d -> d.userId() == user)
                .mapToLong(d -> voice ? d.voiceSeconds() : d.messages())
                .sum();
    }

    @Test
    void membersAlreadyTalkingWhenTheBotStartsAreCountedFromThen() {
        assertThat(counting()).isEqualTo(ids(ALICE, BOB));
        clock.advance(Duration.ofMinutes(4));
        aggregator.flush();
        assertThat(total(ALICE, true)).isEqualTo(240);
        assertThat(total(BOB, true)).isEqualTo(240);
    }

    @Test
    void messagesOfMembersAreCountedAndThoseOfBotsAreNot() {
        standIn.state().addMessage(GENERAL, ALICE, "salut", START, false);
        standIn.state().addMessage(GENERAL, JUKEBOX, "now playing", START, false);
        standIn.state().addMessage(GENERAL, ALICE, "ça va ?", START, false);
        standIn.state().addMessage(GENERAL, BOB, "oui", START, false);
        eventually("three member messages counted", () -> {
            aggregator.flush();
            return total(ALICE, false) + total(BOB, false) == 3;
        });
        assertThat(total(ALICE, false)).isEqualTo(2);
        assertThat(total(JUKEBOX, false)).isZero();
        assertThat(stored.stream().flatMap(b -> b.names().stream()).map(n -> n.name()))
                .contains("alice", "bob");
    }

    @Test
    void aloneWithABotInTheAfkChannelOrDeafenedIsNotCounted() {
        // Carol alone with the music bot: nothing.
        standIn.state().setVoiceState(GUILD, JUKEBOX, LOUNGE, false);
        standIn.state().setVoiceState(GUILD, CAROL, LOUNGE, false);
        // Dave parks in the AFK channel, Bob joins him there: nothing for either.
        standIn.state().setVoiceState(GUILD, DAVE, AFK, false);
        standIn.state().setVoiceState(GUILD, BOB, AFK, false);
        eventually(
                "Bob reached the AFK channel",
                () -> counting().equals(Set.of())
                        && discord.jda().getGuildById(GUILD).getMemberById(BOB) != null
                        && discord.jda()
                                        .getGuildById(GUILD)
                                        .getMemberById(BOB)
                                        .getVoiceState()
                                        .getChannel()
                                != null
                        && discord.jda()
                                        .getGuildById(GUILD)
                                        .getMemberById(BOB)
                                        .getVoiceState()
                                        .getChannel()
                                        .getIdLong()
                                == AFK);
        assertThat(counting()).isEmpty(); // Alice is now alone in Gaming
        clock.advance(Duration.ofMinutes(10));

        // Dave joins Carol: a conversation, then Dave deafens himself: only Carol still counts.
        standIn.state().setVoiceState(GUILD, DAVE, LOUNGE, false);
        eventually("Carol and Dave count", () -> counting().equals(ids(CAROL, DAVE)));
        clock.advance(Duration.ofMinutes(3));
        standIn.state().setVoiceState(GUILD, DAVE, LOUNGE, true);
        eventually("deafened Dave stops counting", () -> counting().equals(ids(CAROL)));
        clock.advance(Duration.ofMinutes(2));
        aggregator.flush();

        assertThat(total(CAROL, true)).isEqualTo(5 * 60);
        assertThat(total(DAVE, true)).isEqualTo(3 * 60);
        assertThat(total(BOB, true)).isZero();
        assertThat(total(JUKEBOX, true)).isZero();
    }
}
