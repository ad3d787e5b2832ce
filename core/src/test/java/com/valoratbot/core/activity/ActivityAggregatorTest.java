package com.valoratbot.core.activity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.valoratbot.core.activity.ActivityBatch.DailyActivity;
import com.valoratbot.core.activity.ActivityBatch.MemberName;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.activity.ActivityStore;
import com.valoratbot.core.port.schedule.GuildTimeZones;
import com.valoratbot.testing.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ActivityAggregatorTest {

    private static final ZoneId PARIS = ZoneId.of("Europe/Paris");
    private static final Snowflake GUILD = Snowflake.of(100000000000000001L);
    private static final Snowflake GENERAL_VOICE = Snowflake.of(200000000000000001L);
    private static final Snowflake OTHER_VOICE = Snowflake.of(200000000000000002L);
    private static final Snowflake AFK = Snowflake.of(200000000000000009L);
    private static final Snowflake ALICE = Snowflake.of(300000000000000001L);
    private static final Snowflake BOB = Snowflake.of(300000000000000002L);
    private static final Snowflake CAROL = Snowflake.of(300000000000000003L);
    private static final Snowflake MUSIC_BOT = Snowflake.of(300000000000000099L);
    /** 10:00 in Paris. */
    private static final Instant MORNING = Instant.parse("2025-12-10T09:00:00Z");

    private static final LocalDate DAY = LocalDate.parse("2025-12-10");

    private final TestClock clock = new TestClock(MORNING);
    private final List<ActivityBatch> stored = new CopyOnWriteArrayList<>();
    private final AtomicBoolean databaseDown = new AtomicBoolean();
    private final ActivityStore store = batch -> {
        if (databaseDown.get()) throw new IllegalStateException("database down");
        stored.add(batch);
    };
    private final ActivityAggregator aggregator = ActivityAggregator.builder(store, GuildTimeZones.fixed(PARIS), clock)
            .build();

    private static VoiceMember in(Snowflake user, Snowflake channel) {
        return VoiceMember.in(user, "user" + user.value() % 100, false, channel, false);
    }

    /** Every stored row, summed per (user, day). */
    private Map<String, long[]> totals() {
        return stored.stream()
                .flatMap(b -> b.days().stream())
                .collect(Collectors.toMap(
                        d -> d.userId() % 100 + "@" + d.day(),
                        d -> new long[] {d.messages(), d.voiceSeconds()},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]}));
    }

    private long voiceSeconds(Snowflake user, LocalDate day) {
        long[] t = totals().get(user.value() % 100 + "@" + day);
        return t == null ? 0 : t[1];
    }

    private long messages(Snowflake user, LocalDate day) {
        long[] t = totals().get(user.value() % 100 + "@" + day);
        return t == null ? 0 : t[0];
    }

    @Test
    void messagesAreCountedPerMemberAndBotsAreIgnored() {
        aggregator.message(GUILD, ALICE, "Alice", false);
        aggregator.message(GUILD, ALICE, "Alice", false);
        aggregator.message(GUILD, BOB, "Bob", false);
        aggregator.message(GUILD, MUSIC_BOT, "Jukebox", true);
        aggregator.flush();
        assertThat(messages(ALICE, DAY)).isEqualTo(2);
        assertThat(messages(BOB, DAY)).isEqualTo(1);
        assertThat(messages(MUSIC_BOT, DAY)).isZero();
        assertThat(stored.getFirst().names()).extracting(MemberName::name).containsExactlyInAnyOrder("Alice", "Bob");
    }

    @Test
    void aMessageIsCountedOnTheGuildsLocalDayNotTheUtcDay() {
        clock.set(Instant.parse("2025-12-31T23:30:00Z")); // already 00:30 on 1 January in Paris
        aggregator.message(GUILD, ALICE, "Alice", false);
        aggregator.flush();
        assertThat(messages(ALICE, LocalDate.parse("2026-01-01"))).isEqualTo(1);
        assertThat(messages(ALICE, LocalDate.parse("2025-12-31"))).isZero();
    }

    @Test
    void voiceTimeCountsOnlyWhileAnotherNonBotMemberIsInTheChannel() {
        aggregator.voiceState(GUILD, in(ALICE, GENERAL_VOICE));
        clock.advance(Duration.ofMinutes(10)); // alone: not counted
        aggregator.voiceState(GUILD, VoiceMember.in(MUSIC_BOT, "Jukebox", true, GENERAL_VOICE, false));
        clock.advance(Duration.ofMinutes(10)); // with a bot only: not counted
        aggregator.voiceState(GUILD, in(BOB, GENERAL_VOICE));
        clock.advance(Duration.ofMinutes(30)); // a conversation: counted for both
        aggregator.voiceState(GUILD, VoiceMember.left(BOB, "Bob", false));
        clock.advance(Duration.ofMinutes(10)); // alone again
        aggregator.flush();
        assertThat(voiceSeconds(ALICE, DAY)).isEqualTo(30 * 60);
        assertThat(voiceSeconds(BOB, DAY)).isEqualTo(30 * 60);
        assertThat(voiceSeconds(MUSIC_BOT, DAY)).isZero();
    }

    @Test
    void timeInTheAfkChannelIsNotCounted() {
        aggregator.voiceSnapshot(GUILD, Optional.of(AFK), List.of());
        aggregator.voiceState(GUILD, in(ALICE, AFK));
        aggregator.voiceState(GUILD, in(BOB, AFK));
        clock.advance(Duration.ofMinutes(20));
        aggregator.flush();
        assertThat(voiceSeconds(ALICE, DAY)).isZero();
        assertThat(voiceSeconds(BOB, DAY)).isZero();
    }

    @Test
    void movingToTheAfkChannelStopsTheCountForBothMembers() {
        aggregator.afkChannel(GUILD, Optional.of(AFK));
        aggregator.voiceState(GUILD, in(ALICE, GENERAL_VOICE));
        aggregator.voiceState(GUILD, in(BOB, GENERAL_VOICE));
        clock.advance(Duration.ofMinutes(5));
        aggregator.voiceState(GUILD, in(BOB, AFK));
        clock.advance(Duration.ofMinutes(20));
        aggregator.flush();
        assertThat(voiceSeconds(ALICE, DAY)).isEqualTo(5 * 60);
        assertThat(voiceSeconds(BOB, DAY)).isEqualTo(5 * 60);
    }

    @Test
    void aDeafenedMemberIsNotCountedButStillKeepsTheOtherCompany() {
        aggregator.voiceState(GUILD, in(ALICE, GENERAL_VOICE));
        aggregator.voiceState(GUILD, VoiceMember.in(BOB, "Bob", false, GENERAL_VOICE, true));
        clock.advance(Duration.ofMinutes(15));
        aggregator.voiceState(GUILD, in(BOB, GENERAL_VOICE)); // undeafens
        clock.advance(Duration.ofMinutes(5));
        aggregator.flush();
        assertThat(voiceSeconds(BOB, DAY)).isEqualTo(5 * 60);
        assertThat(voiceSeconds(ALICE, DAY)).isEqualTo(20 * 60);
    }

    @Test
    void membersInDifferentChannelsAreEachAlone() {
        aggregator.voiceState(GUILD, in(ALICE, GENERAL_VOICE));
        aggregator.voiceState(GUILD, in(BOB, OTHER_VOICE));
        clock.advance(Duration.ofMinutes(10));
        aggregator.voiceState(GUILD, in(CAROL, OTHER_VOICE));
        clock.advance(Duration.ofMinutes(10));
        aggregator.voiceState(GUILD, in(BOB, GENERAL_VOICE)); // Bob moves: Carol is alone, Alice has company
        clock.advance(Duration.ofMinutes(10));
        aggregator.flush();
        assertThat(voiceSeconds(ALICE, DAY)).isEqualTo(10 * 60);
        assertThat(voiceSeconds(BOB, DAY)).isEqualTo(20 * 60);
        assertThat(voiceSeconds(CAROL, DAY)).isEqualTo(10 * 60);
    }

    @Test
    void voiceTimeAcrossLocalMidnightIsSplitBetweenTheTwoDays() {
        clock.set(Instant.parse("2025-12-10T22:45:00Z")); // 23:45 in Paris
        aggregator.voiceState(GUILD, in(ALICE, GENERAL_VOICE));
        aggregator.voiceState(GUILD, in(BOB, GENERAL_VOICE));
        clock.advance(Duration.ofMinutes(30));
        aggregator.flush();
        assertThat(voiceSeconds(ALICE, DAY)).isEqualTo(15 * 60);
        assertThat(voiceSeconds(ALICE, DAY.plusDays(1))).isEqualTo(15 * 60);
    }

    @Test
    void membersAlreadyInVoiceAtStartUpAreCountedFromThen() {
        aggregator.voiceSnapshot(
                GUILD, Optional.of(AFK), List.of(in(ALICE, GENERAL_VOICE), in(BOB, GENERAL_VOICE), in(CAROL, AFK)));
        assertThat(aggregator.countingInVoice(GUILD)).containsExactlyInAnyOrder(ALICE, BOB);
        clock.advance(Duration.ofMinutes(7));
        aggregator.flush();
        assertThat(voiceSeconds(ALICE, DAY)).isEqualTo(7 * 60);
        assertThat(voiceSeconds(CAROL, DAY)).isZero();
    }

    @Test
    void aFlushCountsOngoingVoiceTimeWithoutLosingTheRestOfTheStretch() {
        aggregator.voiceState(GUILD, in(ALICE, GENERAL_VOICE));
        aggregator.voiceState(GUILD, in(BOB, GENERAL_VOICE));
        for (int i = 0; i < 10; i++) {
            clock.advance(Duration.ofMillis(4_700));
            aggregator.flush();
        }
        assertThat(voiceSeconds(ALICE, DAY)).isEqualTo(47);
        assertThat(stored).hasSizeGreaterThan(5);
    }

    @Test
    void aFailedFlushKeepsTheCountsForTheNextOne() {
        aggregator.message(GUILD, ALICE, "Alice", false);
        databaseDown.set(true);
        assertThatThrownBy(aggregator::flush).hasMessageContaining("database down");
        aggregator.message(GUILD, ALICE, "Alice", false);
        databaseDown.set(false);
        aggregator.flush();
        assertThat(messages(ALICE, DAY)).isEqualTo(2);
        assertThat(stored).hasSize(1);
        assertThat(stored.getFirst().names()).containsExactly(new MemberName(GUILD.value(), ALICE.value(), "Alice"));
    }

    @Test
    void aNameIsWrittenAgainOnlyWhenItChanges() {
        aggregator.message(GUILD, ALICE, "Alice", false);
        aggregator.flush();
        aggregator.message(GUILD, ALICE, "Alice", false);
        aggregator.flush();
        aggregator.message(GUILD, ALICE, "Alice ✨", false);
        aggregator.flush();
        assertThat(stored)
                .extracting(b -> b.names().stream().map(MemberName::name).toList())
                .containsExactly(List.of("Alice"), List.of(), List.of("Alice ✨"));
    }

    @Test
    void closingWritesWhatIsLeftWithVoiceCountedUpToNow() {
        aggregator.start();
        aggregator.voiceState(GUILD, in(ALICE, GENERAL_VOICE));
        aggregator.voiceState(GUILD, in(BOB, GENERAL_VOICE));
        clock.advance(Duration.ofSeconds(42));
        aggregator.close();
        assertThat(voiceSeconds(ALICE, DAY)).isEqualTo(42);
        assertThat(voiceSeconds(BOB, DAY)).isEqualTo(42);
    }

    @Test
    void onceStartedItFlushesOnItsOwnEveryInterval() throws InterruptedException {
        try (var periodic = ActivityAggregator.builder(store, GuildTimeZones.fixed(PARIS), clock)
                .flushInterval(Duration.ofMillis(50))
                .build()
                .start()) {
            periodic.message(GUILD, ALICE, "Alice", false);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (stored.isEmpty() && System.nanoTime() < deadline) Thread.sleep(10);
            assertThat(stored).isNotEmpty();
            assertThat(stored.getFirst().days())
                    .containsExactly(new DailyActivity(GUILD.value(), ALICE.value(), DAY, 1, 0));
        }
    }

    @Test
    void aFlushIntervalOfZeroIsRefusedAtOnce() {
        assertThatThrownBy(() -> ActivityAggregator.builder(store, GuildTimeZones.fixed(PARIS), clock)
                        .flushInterval(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
