package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.events.guild.member.GuildMemberJoinEvent;
import net.dv8tion.jda.api.events.guild.member.GuildMemberRemoveEvent;
import net.dv8tion.jda.api.events.guild.member.update.GuildMemberUpdateNicknameEvent;
import net.dv8tion.jda.api.events.message.MessageReceivedEvent;
import net.dv8tion.jda.api.events.session.SessionResumeEvent;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Gateway behaviour: resume after a drop, replay, member events, and protocol answers seen raw. */
class GatewayTest {

    private static final int GUILDS_AND_MESSAGES = 1 | (1 << 9) | (1 << 15);

    private static DiscordStandIn standIn;
    private static JDA jda;
    private static final EventRecorder events = new EventRecorder();

    @BeforeAll
    static void connect() throws InterruptedException {
        standIn = DiscordStandIn.builder().build().start();
        DemoGuild.seed(standIn.state());
        jda = StandInJda.connect(standIn, events);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        StandInJda.shutdown(jda);
        standIn.close();
    }

    @Test
    void afterADroppedConnectionJdaResumesGetsWhatItMissedAndKeepsReceiving() throws InterruptedException {
        int identifiesBefore = standIn.gatewayStats().identifies();
        int resumesBefore = standIn.gatewayStats().resumes();

        standIn.dropGatewayConnections();
        long missed = standIn.state()
                .addMessage(DemoGuild.GENERAL_ID, DemoGuild.ALICE_ID, "pendant la coupure", Instant.now(), false);

        events.await(SessionResumeEvent.class, e -> true, Duration.ofSeconds(20));
        events.await(MessageReceivedEvent.class, e -> e.getMessageIdLong() == missed);
        long after = standIn.state().addMessage(DemoGuild.GENERAL_ID, DemoGuild.BOB_ID, "après", Instant.now(), false);
        MessageReceivedEvent received = events.await(MessageReceivedEvent.class, e -> e.getMessageIdLong() == after);

        assertThat(received.getMessage().getContentRaw()).isEqualTo("après");
        assertThat(jda.getStatus()).isEqualTo(JDA.Status.CONNECTED);
        assertThat(standIn.gatewayStats().resumes()).isEqualTo(resumesBefore + 1);
        assertThat(standIn.gatewayStats().identifies()).isEqualTo(identifiesBefore);
    }

    @Test
    void memberChangesInTheStateReachJdaAsMemberEvents() throws InterruptedException {
        long carolId = 1_100_000_000_000_000_399L;

        standIn.state().addMember(DemoGuild.GUILD_ID, carolId, "carol", false, DemoGuild.MEMBRES_ROLE_ID);
        events.await(GuildMemberJoinEvent.class, e -> e.getMember().getIdLong() == carolId);
        standIn.state().renameMember(DemoGuild.GUILD_ID, carolId, "Caro");
        events.await(GuildMemberUpdateNicknameEvent.class, e -> "Caro".equals(e.getNewNickname()));
        standIn.state().removeMember(DemoGuild.GUILD_ID, carolId);
        events.await(GuildMemberRemoveEvent.class, e -> e.getUser().getIdLong() == carolId);

        assertThat(jda.getGuildById(DemoGuild.GUILD_ID).getMemberById(carolId)).isNull();
    }

    @Test
    void theFirstFrameIsHelloAndHeartbeatsAreAcknowledged() throws InterruptedException {
        try (RawGateway gateway = new RawGateway(standIn)) {
            JsonNode hello = gateway.next();
            assertThat(hello.path("op").asInt()).isEqualTo(10);
            assertThat(hello.path("d").path("heartbeat_interval").asInt()).isPositive();

            gateway.send("{\"op\":1,\"d\":null}");

            assertThat(gateway.next().path("op").asInt()).isEqualTo(11);
        }
    }

    @Test
    void readyListsGuildsAsUnavailableThenEachArrivesInGuildCreate() throws InterruptedException {
        try (RawGateway gateway = new RawGateway(standIn)) {
            gateway.next();
            gateway.send(RawGateway.identify(standIn.botToken(), GUILDS_AND_MESSAGES));

            JsonNode ready = gateway.nextDispatch("READY");
            JsonNode guildCreate = gateway.nextDispatch("GUILD_CREATE");

            assertThat(ready.path("s").asLong()).isEqualTo(1);
            assertThat(ready.path("d").path("guilds").get(0).path("unavailable").asBoolean())
                    .isTrue();
            assertThat(ready.path("d").path("resume_gateway_url").asText()).isEqualTo(standIn.gatewayUrl());
            assertThat(guildCreate.path("s").asLong()).isEqualTo(2);
            JsonNode guild = guildCreate.path("d");
            assertThat(guild.path("afk_timeout").asInt()).isEqualTo(300);
            assertThat(guild.path("roles").get(0).path("colors").has("primary_color"))
                    .isTrue();
            // Without GUILD_MEMBERS only the bot (and anyone in voice) is sent, while member_count counts everyone.
            assertThat(guild.path("members")).hasSize(1);
            assertThat(guild.path("member_count").asInt()).isEqualTo(5);
        }
    }

    @Test
    void withoutMessageContentIntentOtherPeopleSMessagesArriveBlank() throws InterruptedException {
        try (RawGateway gateway = new RawGateway(standIn)) {
            gateway.next();
            gateway.send(RawGateway.identify(standIn.botToken(), 1 | (1 << 9)));
            gateway.nextDispatch("GUILD_CREATE");

            standIn.state().addMessage(DemoGuild.GENERAL_ID, DemoGuild.ALICE_ID, "secret", Instant.now(), false);

            JsonNode message = gateway.nextDispatch("MESSAGE_CREATE").path("d");
            assertThat(message.path("content").asText()).isEmpty();
            assertThat(message.path("author").path("id").asText()).isEqualTo(Long.toString(DemoGuild.ALICE_ID));
        }
    }

    @Test
    void aBulkDeleteIsDispatchedAsOneMessageDeleteBulk() throws InterruptedException {
        long a = standIn.state().addMessage(DemoGuild.ANNONCES_ID, DemoGuild.ALICE_ID, "a", Instant.now(), false);
        long b = standIn.state().addMessage(DemoGuild.ANNONCES_ID, DemoGuild.BOB_ID, "b", Instant.now(), false);
        try (RawGateway gateway = new RawGateway(standIn)) {
            gateway.next();
            gateway.send(RawGateway.identify(standIn.botToken(), GUILDS_AND_MESSAGES));
            gateway.nextDispatch("GUILD_CREATE");

            new RawHttp(standIn)
                    .call(
                            "POST",
                            "channels/" + DemoGuild.ANNONCES_ID + "/messages/bulk-delete",
                            "{\"messages\":[\"" + a + "\",\"" + b + "\"]}");

            JsonNode bulk = gateway.nextDispatch("MESSAGE_DELETE_BULK").path("d");
            assertThat(bulk.path("ids"))
                    .extracting(JsonNode::asText)
                    .containsExactlyInAnyOrder(Long.toString(a), Long.toString(b));
            assertThat(bulk.path("guild_id").asText()).isEqualTo(Long.toString(DemoGuild.GUILD_ID));
        }
    }

    @Test
    void resumingAnUnknownSessionIsAnsweredWithInvalidSession() throws InterruptedException {
        try (RawGateway gateway = new RawGateway(standIn)) {
            gateway.next();
            gateway.send(
                    "{\"op\":6,\"d\":{\"token\":\"" + standIn.botToken() + "\",\"session_id\":\"nope\",\"seq\":3}}");

            JsonNode answer = gateway.next();

            assertThat(answer.path("op").asInt()).isEqualTo(9);
            assertThat(answer.path("d").asBoolean(true)).isFalse();
        }
    }

    @Test
    void identifyingWithAWrongTokenClosesWith4004() throws Exception {
        try (RawGateway gateway = new RawGateway(standIn)) {
            gateway.next();
            gateway.send(RawGateway.identify("wrong-token", 1));

            assertThat(gateway.awaitCloseCode()).isEqualTo(4004);
        }
    }

    @Test
    void sendingAnythingButIdentifyFirstClosesWith4003() throws Exception {
        try (RawGateway gateway = new RawGateway(standIn)) {
            gateway.next();
            gateway.send("{\"op\":8,\"d\":{\"guild_id\":\"1\"}}");

            assertThat(gateway.awaitCloseCode()).isEqualTo(4003);
        }
    }
}
