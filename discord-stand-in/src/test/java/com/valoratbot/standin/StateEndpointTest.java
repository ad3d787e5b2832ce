package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The unauthenticated JSON views a human or another test can read. */
class StateEndpointTest {

    private static DiscordStandIn standIn;

    @BeforeAll
    static void start() {
        standIn = DiscordStandIn.builder().build().start();
        DemoGuild.seed(standIn.state());
        standIn.state().setVoiceState(DemoGuild.GUILD_ID, DemoGuild.BOB_ID, DemoGuild.VOCAL_ID, true);
    }

    @AfterAll
    static void stop() {
        standIn.close();
    }

    @Test
    void theStateShowsGuildsChannelsOverwritesMessagesMembersVoiceAndRequestCounts() {
        new RawHttp(standIn).get("users/@me");

        HttpResponse<String> response = RawHttp.getAbsolute(standIn.stateUrl());

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode state = RawHttp.json(response);
        JsonNode guild = state.path("guilds").get(0);
        assertThat(guild.path("name").asText()).isEqualTo("Valorat Sandbox");
        JsonNode general = channel(guild, DemoGuild.GENERAL_ID);
        assertThat(general.path("message_count").asInt()).isEqualTo(DemoGuild.GENERAL_MESSAGES);
        assertThat(general.path("messages")).hasSize(DemoGuild.GENERAL_MESSAGES);
        assertThat(channel(guild, DemoGuild.MODERATION_ID).path("permission_overwrites"))
                .hasSize(3);
        assertThat(guild.path("members")).hasSize(5);
        assertThat(guild.path("voice_states").get(0).path("user_id").asText())
                .isEqualTo(Long.toString(DemoGuild.BOB_ID));
        assertThat(guild.path("voice_states").get(0).path("self_deaf").asBoolean())
                .isTrue();
        assertThat(state.path("requests")
                        .path("by_route")
                        .path("GET /users/@me")
                        .asInt())
                .isEqualTo(1);
        assertThat(state.path("gateway").has("resumes")).isTrue();
    }

    @Test
    void messagesCanBeLeftOutOfTheState() {
        JsonNode state = RawHttp.json(RawHttp.getAbsolute(standIn.stateUrl() + "?messages=false"));

        assertThat(channel(state.path("guilds").get(0), DemoGuild.GENERAL_ID).has("messages"))
                .isFalse();
    }

    @Test
    void theRequestLogIsServedWithoutTheAuthorizationHeaderAndCanBeCleared() {
        new RawHttp(standIn).get("channels/" + DemoGuild.GENERAL_ID);

        JsonNode requests = RawHttp.json(RawHttp.getAbsolute(standIn.requestsUrl()));

        assertThat(requests).anySatisfy(r -> {
            assertThat(r.path("route").asText()).isEqualTo("GET /channels/{channel_id}");
            assertThat(r.path("status").asInt()).isEqualTo(200);
            assertThat(r.path("headers").has("authorization")).isFalse();
        });
        assertThat(standIn.requests())
                .allSatisfy(r -> assertThat(r.header("authorization")).isEmpty());

        HttpResponse<String> cleared = RawHttp.send(HttpRequest.newBuilder(URI.create(standIn.requestsUrl()))
                .DELETE()
                .build());

        assertThat(cleared.statusCode()).isEqualTo(204);
        assertThat(standIn.requests()).isEmpty();
    }

    private static JsonNode channel(JsonNode guild, long id) {
        for (JsonNode channel : guild.path("channels")) {
            if (channel.path("id").asText().equals(Long.toString(id))) {
                return channel;
            }
        }
        throw new AssertionError("No channel " + id);
    }
}
