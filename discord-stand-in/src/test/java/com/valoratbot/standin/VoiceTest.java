package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.Guild;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceSelfDeafenEvent;
import net.dv8tion.jda.api.events.guild.voice.GuildVoiceUpdateEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Voice states set through the state API, and the bot's own op 4 with the hook a voice server plugs into. */
class VoiceTest {

    private static final List<String> hookCalls = new CopyOnWriteArrayList<>();
    private static DiscordStandIn standIn;
    private static JDA jda;
    private static final EventRecorder events = new EventRecorder();

    @BeforeAll
    static void connect() throws InterruptedException {
        standIn = DiscordStandIn.builder()
                .voiceHook((request, context) -> hookCalls.add(request.channelId() + "@" + context.sessionId()))
                .build()
                .start();
        DemoGuild.seed(standIn.state());
        jda = StandInJda.connect(standIn, events);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        StandInJda.shutdown(jda);
        standIn.close();
    }

    @Test
    void movingAMemberInAndOutOfVoiceReachesJda() throws InterruptedException {
        Guild guild = jda.getGuildById(DemoGuild.GUILD_ID);

        standIn.state().setVoiceState(DemoGuild.GUILD_ID, DemoGuild.ALICE_ID, DemoGuild.VOCAL_ID, false);
        events.await(
                GuildVoiceUpdateEvent.class,
                e -> e.getMember().getIdLong() == DemoGuild.ALICE_ID
                        && e.getChannelJoined() != null
                        && e.getChannelJoined().getIdLong() == DemoGuild.VOCAL_ID);
        assertThat(guild.getMemberById(DemoGuild.ALICE_ID)
                        .getVoiceState()
                        .getChannel()
                        .getIdLong())
                .isEqualTo(DemoGuild.VOCAL_ID);

        standIn.state().setVoiceState(DemoGuild.GUILD_ID, DemoGuild.ALICE_ID, DemoGuild.VOCAL_ID, true);
        events.await(
                GuildVoiceSelfDeafenEvent.class,
                e -> e.getMember().getIdLong() == DemoGuild.ALICE_ID && e.isSelfDeafened());

        standIn.state().setVoiceState(DemoGuild.GUILD_ID, DemoGuild.ALICE_ID, null, false);
        events.await(
                GuildVoiceUpdateEvent.class,
                e -> e.getMember().getIdLong() == DemoGuild.ALICE_ID && e.getChannelLeft() != null);
        assertThat(standIn.state().voiceState(DemoGuild.GUILD_ID, DemoGuild.ALICE_ID))
                .isEmpty();
    }

    @Test
    void theBotAskingToJoinVoiceIsRecordedAnsweredAndHandedToTheVoiceHook() throws InterruptedException {
        Guild guild = jda.getGuildById(DemoGuild.GUILD_ID);

        jda.getDirectAudioController().connect(guild.getVoiceChannelById(DemoGuild.VOCAL_ID));

        events.await(
                GuildVoiceUpdateEvent.class,
                e -> e.getMember().getIdLong() == standIn.botUserId() && e.getChannelJoined() != null);
        assertThat(standIn.state().voiceRequests()).last().satisfies(request -> {
            assertThat(request.channelId()).isEqualTo(DemoGuild.VOCAL_ID);
            assertThat(request.applied()).isTrue();
        });
        StandInVoiceState botVoice = standIn.state()
                .voiceState(DemoGuild.GUILD_ID, standIn.botUserId())
                .orElseThrow();
        // The hook runs right after the dispatch, so it may trail JDA's event by a moment.
        awaitHookCall(DemoGuild.VOCAL_ID + "@" + botVoice.sessionId());
        // JDA keeps its connect request open until a VOICE_SERVER_UPDATE, which only a voice server can give.
    }

    @Test
    void anOp4WithANullChannelTakesTheBotOutOfVoice() throws Exception {
        // A separate stand-in: the JDA above keeps re-asking to join Vocal, which would interleave here.
        try (DiscordStandIn standIn = DiscordStandIn.builder().build().start();
                RawGateway gateway = new RawGateway(seeded(standIn))) {
            gateway.next();
            gateway.send(RawGateway.identify(standIn.botToken(), 1 | (1 << 7)));
            gateway.nextDispatch("GUILD_CREATE");
            String guild = Long.toString(DemoGuild.GUILD_ID);

            gateway.send("{\"op\":4,\"d\":{\"guild_id\":\"" + guild + "\",\"channel_id\":\"" + DemoGuild.AFK_ID
                    + "\",\"self_mute\":false,\"self_deaf\":true}}");
            JsonNode joined = gateway.nextDispatch("VOICE_STATE_UPDATE").path("d");
            gateway.send("{\"op\":4,\"d\":{\"guild_id\":\"" + guild + "\",\"channel_id\":null,"
                    + "\"self_mute\":false,\"self_deaf\":false}}");
            JsonNode left = gateway.nextDispatch("VOICE_STATE_UPDATE").path("d");

            assertThat(joined.path("channel_id").asText()).isEqualTo(Long.toString(DemoGuild.AFK_ID));
            assertThat(joined.path("self_deaf").asBoolean()).isTrue();
            assertThat(joined.path("member").path("user").path("id").asText())
                    .isEqualTo(Long.toString(standIn.botUserId()));
            assertThat(joined.path("session_id").asText()).isNotEmpty();
            assertThat(left.path("channel_id").isNull()).isTrue();
            assertThat(standIn.state().voiceState(DemoGuild.GUILD_ID, standIn.botUserId()))
                    .isEmpty();
        }
    }

    private static DiscordStandIn seeded(DiscordStandIn standIn) {
        DemoGuild.seed(standIn.state());
        return standIn;
    }

    private static void awaitHookCall(String expected) throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!hookCalls.contains(expected) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(hookCalls).contains(expected);
    }
}
