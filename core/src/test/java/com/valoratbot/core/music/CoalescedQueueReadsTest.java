package com.valoratbot.core.music;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.command.Command.Play;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.CommandContext;
import com.valoratbot.core.port.PlayMusic;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Result;
import com.valoratbot.testing.TestClock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class CoalescedQueueReadsTest {

    private static final Snowflake GUILD = Snowflake.of(1_000_000_000_000_000_001L);
    private static final Snowflake OTHER = Snowflake.of(1_000_000_000_000_000_002L);
    private static final PlayMusic.Track SONG = new PlayMusic.Track("Song", "Artist", 180_000, null, null);

    private final TestClock clock = TestClock.at("2026-03-02T10:00:00Z");
    private final Player player = new Player();
    private final CoalescedQueueReads reads = CoalescedQueueReads.over(player, clock);

    @Test
    void aGuildTheBotLeftHasNoEntryLeftAndIsReadAfreshIfAskedAgain() {
        reads.queue(context(GUILD));
        reads.queue(context(OTHER));
        assertThat(reads.trackedGuilds()).isEqualTo(2);
        reads.guildLeft(GUILD);
        assertThat(reads.trackedGuilds()).isEqualTo(1);
        reads.queue(context(GUILD));
        assertThat(player.reads.get()).isEqualTo(3);
    }

    @Test
    void aBurstOfGetQueueForOneGuildReadsThePlayerOnce() {
        for (int i = 0; i < 5; i++) reads.queue(context(GUILD));
        assertThat(player.reads.get()).isEqualTo(1);
        reads.queue(context(OTHER));
        assertThat(player.reads.get()).isEqualTo(2);
    }

    @Test
    void aServedViewMovesThePositionOnByTheTimeElapsedWhilePlaying() {
        reads.queue(context(GUILD));
        clock.advance(Duration.ofMillis(400));
        PlayMusic.QueueView later = ok(reads.queue(context(GUILD)));
        assertThat(later.nowPlaying().orElseThrow().positionMs()).isEqualTo(10_400);
        assertThat(player.reads.get()).isEqualTo(1);
    }

    @Test
    void anyChangeThroughThePortMakesTheNextGetQueueReadAgain() {
        reads.queue(context(GUILD));
        reads.pause(context(GUILD));
        PlayMusic.QueueView after = ok(reads.queue(context(GUILD)));
        assertThat(player.reads.get()).isEqualTo(2);
        assertThat(after.nowPlaying().orElseThrow().paused()).isTrue();
    }

    @Test
    void aViewOlderThanTheMaximumAgeIsReadAgain() {
        reads.queue(context(GUILD));
        clock.advance(CoalescedQueueReads.DEFAULT_MAX_AGE);
        reads.queue(context(GUILD));
        assertThat(player.reads.get()).isEqualTo(2);
    }

    private static PlayMusic.QueueView ok(Result<PlayMusic.QueueView> r) {
        return ((Result.Ok<PlayMusic.QueueView>) r).value();
    }

    private static CommandContext context(Snowflake guild) {
        return new CommandContext("c", guild, Optional.empty());
    }

    /** A player that counts its reads; pause really pauses what it reports. */
    private static final class Player implements PlayMusic {
        final AtomicInteger reads = new AtomicInteger();
        volatile boolean paused;

        @Override
        public Result<QueueView> queue(CommandContext c) {
            reads.incrementAndGet();
            return Result.ok(new QueueView(Optional.of(new NowPlaying(SONG, 10_000, paused)), java.util.List.of()));
        }

        @Override
        public Result<QueuedTrack> play(CommandContext c, Play p) {
            return Result.ok(new QueuedTrack(SONG, 0));
        }

        @Override
        public Result<Done> pause(CommandContext c) {
            paused = true;
            return Result.ok(Done.DONE);
        }

        @Override
        public Result<Done> resume(CommandContext c) {
            paused = false;
            return Result.ok(Done.DONE);
        }

        @Override
        public Result<Done> skip(CommandContext c) {
            return Result.ok(Done.DONE);
        }

        @Override
        public Result<Done> stop(CommandContext c) {
            return Result.ok(Done.DONE);
        }

        @Override
        public Result<Done> removeFromQueue(CommandContext c, int index) {
            return Result.ok(Done.DONE);
        }
    }
}
