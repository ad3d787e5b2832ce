package com.valoratbot.core.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.valoratbot.core.command.Announcement;
import com.valoratbot.core.command.Command;
import com.valoratbot.core.command.Snowflake;
import com.valoratbot.core.port.*;
import com.valoratbot.core.port.CompleteCommands.Completion;
import com.valoratbot.core.result.Done;
import com.valoratbot.core.result.Result;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The exact text every built-in action writes to {@code result}, byte for byte: the dashboard's
 * contract reads these keys, and the typed result records must write what the key/value maps wrote
 * before them (captured from the code before the records, issue 8).
 */
class ResultShapesTest {

    private static final String GUILD = "111111111111111111";
    private static final String CHANNEL = "222222222222222222";
    private static final String VOICE = "333333333333333333";

    /** Every port at once, answering fixed values (nulls where the contract allows them). */
    static class Everything
            implements ListChannels,
                    PurgeMessages,
                    ModerateChannels,
                    PostAnnouncements,
                    ScheduleAnnouncements,
                    Leaderboards,
                    PlayMusic {
        static final Track SONG = new Track("Song", "Band", 215_000, null, "https://example.org/song");
        static final Track NEXT = new Track("Next", "Other", 1_000, "https://example.org/art.png", null);

        public Result<List<ChannelSummary>> textChannels(CommandContext c) {
            return Result.ok(List.of(new ChannelSummary("1", "général", 0)));
        }

        public Result<List<ChannelSummary>> voiceChannels(CommandContext c) {
            return Result.ok(List.of(new ChannelSummary("2", "vocal", 2)));
        }

        public Result<PurgeReport> purge(CommandContext c, Command.Purge p) {
            return Result.ok(new PurgeReport(17, 3));
        }

        public Result<Done> slowmode(CommandContext c, Command.Slowmode s) {
            return Result.ok(Done.DONE);
        }

        public Result<Done> lock(CommandContext c, Command.Lock l) {
            return Result.ok(Done.DONE);
        }

        public Result<Done> unlock(CommandContext c, Command.Unlock u) {
            return Result.ok(Done.DONE);
        }

        public Result<Snowflake> announce(CommandContext c, Announcement a) {
            return Result.ok(Snowflake.of(Long.parseLong(CHANNEL)));
        }

        public Result<String> schedule(CommandContext c, Command.ScheduleAnnounce s) {
            return Result.ok("sch-1");
        }

        public Result<List<ScheduledAnnouncement>> pending(CommandContext c) {
            return Result.ok(List.of(new ScheduledAnnouncement(
                    "sch-1",
                    CHANNEL,
                    Instant.parse("2026-12-24T18:00:00Z"),
                    "Joyeux Noël \"!\"",
                    true,
                    "pending",
                    null,
                    null)));
        }

        public Result<Done> cancel(CommandContext c, String id) {
            return Result.ok(Done.DONE);
        }

        public Result<Instant> schedule(CommandContext c, Command.ScheduleLeaderboard s) {
            return Result.ok(Instant.parse("2026-12-06T19:00:00Z"));
        }

        public Result<Done> post(CommandContext c, Command.PostLeaderboard p) {
            return Result.ok(Done.DONE);
        }

        public Result<Standings> standings(CommandContext c, Optional<Integer> days) {
            return Result.ok(
                    new Standings(List.of(new MessageEntry("5", "Ana", 42)), List.of(new VoiceEntry("6", "Bo", 3600))));
        }

        public Result<QueuedTrack> play(CommandContext c, Command.Play p) {
            return Result.ok(new QueuedTrack(SONG, 2));
        }

        public Result<Done> pause(CommandContext c) {
            return Result.ok(Done.DONE);
        }

        public Result<Done> resume(CommandContext c) {
            return Result.ok(Done.DONE);
        }

        public Result<Done> skip(CommandContext c) {
            return Result.ok(Done.DONE);
        }

        public Result<Done> stop(CommandContext c) {
            return Result.ok(Done.DONE);
        }

        public Result<QueueView> queue(CommandContext c) {
            return Result.ok(new QueueView(Optional.of(new NowPlaying(SONG, 12_345, true)), List.of(NEXT)));
        }

        public Result<Done> removeFromQueue(CommandContext c, int index) {
            return Result.ok(Done.DONE);
        }
    }

    /** One payload per action, and the result text written before the typed records. */
    static final Map<String, String[]> CASES = new LinkedHashMap<>();

    static {
        String ch = "{\"channelId\":\"" + CHANNEL + "\"";
        CASES.put(
                "listTextChannels",
                new String[] {"{}", "{\"ok\":true,\"channels\":[{\"id\":\"1\",\"name\":\"général\",\"type\":0}]}"});
        CASES.put(
                "listVoiceChannels",
                new String[] {"{}", "{\"ok\":true,\"channels\":[{\"id\":\"2\",\"name\":\"vocal\",\"type\":2}]}"});
        CASES.put("purge", new String[] {ch + ",\"amount\":20}", "{\"ok\":true,\"deleted\":17,\"skipped\":3}"});
        CASES.put("slowmode", new String[] {ch + ",\"duration\":10}", "{\"ok\":true}"});
        CASES.put("lock", new String[] {ch + "}", "{\"ok\":true}"});
        CASES.put("unlock", new String[] {ch + "}", "{\"ok\":true}"});
        CASES.put(
                "announce",
                new String[] {ch + ",\"message\":\"hi\"}", "{\"ok\":true,\"messageId\":\"" + CHANNEL + "\"}"});
        CASES.put("schedule_announce", new String[] {
            ch + ",\"message\":\"hi\",\"scheduledFor\":\"2026-12-24T19:00\"}", "{\"ok\":true,\"scheduledId\":\"sch-1\"}"
        });
        CASES.put("list_scheduled", new String[] {
            "{}",
            "{\"ok\":true,\"scheduled\":[{\"scheduledId\":\"sch-1\",\"channelId\":\"" + CHANNEL
                    + "\",\"scheduledFor\":\"2026-12-24T18:00:00Z\",\"message\":\"Joyeux Noël \\\"!\\\"\",\"hasEmbed\":true,\"status\":\"pending\","
                    + "\"messageId\":null,\"reason\":null}]}"
        });
        CASES.put("cancel_scheduled", new String[] {"{\"scheduledId\":\"sch-1\"}", "{\"ok\":true}"});
        CASES.put("schedule_leaderboard", new String[] {ch + "}", "{\"ok\":true,\"nextRunAt\":\"2026-12-06T19:00:00Z\"}"
        });
        CASES.put("post_leaderboard", new String[] {ch + "}", "{\"ok\":true}"});
        CASES.put("getLeaderboard", new String[] {
            "{}",
            "{\"ok\":true,\"messages\":[{\"userId\":\"5\",\"name\":\"Ana\",\"total\":42}],"
                    + "\"voice\":[{\"userId\":\"6\",\"name\":\"Bo\",\"seconds\":3600}]}"
        });
        CASES.put("play", new String[] {
            "{\"query\":\"song\",\"voiceChannelId\":\"" + VOICE + "\"}",
            "{\"ok\":true,\"track\":{\"title\":\"Song\",\"artist\":\"Band\",\"thumbnail\":null},\"position\":2}"
        });
        CASES.put("pause", new String[] {"{}", "{\"ok\":true}"});
        CASES.put("resume", new String[] {"{}", "{\"ok\":true}"});
        CASES.put("skip", new String[] {"{}", "{\"ok\":true}"});
        CASES.put("stop", new String[] {"{}", "{\"ok\":true}"});
        CASES.put("getQueue", new String[] {
            "{}",
            "{\"ok\":true,\"nowPlaying\":{\"title\":\"Song\",\"author\":\"Band\",\"length\":215000,"
                    + "\"artworkUrl\":null,\"uri\":\"https://example.org/song\",\"position\":12345,\"paused\":true},"
                    + "\"queue\":[{\"title\":\"Next\",\"author\":\"Other\",\"length\":1000,\"artworkUrl\":\"https://example.org/art.png\",\"uri\":null}]}"
        });
        CASES.put("removeFromQueue", new String[] {"{\"trackId\":0}", "{\"ok\":true}"});
    }

    @Test
    void everyBuiltInActionWritesTheSameResultTextAsBeforeTheTypedRecords() {
        Everything e = new Everything();
        CommandHandler handler = CommandHandler.builder(Ports.builder()
                        .channels(e)
                        .purge(e)
                        .moderation(e)
                        .announcements(e)
                        .scheduling(e)
                        .leaderboards(e)
                        .music(e)
                        .build())
                .build();
        Map<String, String> written = new LinkedHashMap<>();
        Map<String, String> expected = new LinkedHashMap<>();
        CASES.forEach((action, c) -> {
            Completion done = handler.handle(
                    new QueuedCommand("c", GUILD, action, c[0], Optional.of("444444444444444444"), Duration.ZERO));
            written.put(action, done.resultJson());
            expected.put(action, c[1]);
        });
        assertThat(written).containsExactlyEntriesOf(expected);
    }

    @Test
    void everyBuiltInActionHasItsResultTextPinnedHere() {
        assertThat(CASES.keySet())
                .containsExactlyInAnyOrderElementsOf(
                        java.util.Arrays.stream(com.valoratbot.core.command.Action.values())
                                .map(com.valoratbot.core.command.Action::wireName)
                                .toList());
    }

    @Test
    void getQueueWithNothingPlayingWritesNowPlayingAsNull() {
        PlayMusic idle = new Everything() {
            @Override
            public Result<QueueView> queue(CommandContext c) {
                return Result.ok(new QueueView(Optional.empty(), List.of()));
            }
        };
        CommandHandler handler =
                CommandHandler.builder(Ports.builder().music(idle).build()).build();
        Completion done =
                handler.handle(new QueuedCommand("c", GUILD, "getQueue", "{}", Optional.empty(), Duration.ZERO));
        assertThat(done.resultJson()).isEqualTo("{\"ok\":true,\"nowPlaying\":null,\"queue\":[]}");
    }
}
