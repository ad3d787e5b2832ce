package com.valoratbot.standin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.entities.channel.concrete.TextChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Configured buckets answer 429 the way Discord does, and JDA waits them out. */
class RateLimitTest {

    private static final String BULK_DELETE = "POST /channels/{channel_id}/messages/bulk-delete";
    private static final String GET_CHANNEL = "GET /channels/{channel_id}";

    private static DiscordStandIn standIn;
    private static JDA jda;
    private static RawHttp http;

    @BeforeAll
    static void connect() throws InterruptedException {
        standIn = DiscordStandIn.builder()
                .rateLimit(BULK_DELETE, 1, Duration.ofMillis(800))
                .rateLimit(GET_CHANNEL, 2, Duration.ofSeconds(5))
                .build()
                .start();
        DemoGuild.seed(standIn.state());
        jda = StandInJda.connect(standIn);
        http = new RawHttp(standIn);
    }

    @AfterAll
    static void disconnect() throws InterruptedException {
        StandInJda.shutdown(jda);
        standIn.close();
    }

    @Test
    void jdaWaitsOutA429AndItsBulkDeleteStillSucceeds() {
        TextChannel annonces = jda.getTextChannelById(DemoGuild.ANNONCES_ID);
        long a = standIn.state().addMessage(DemoGuild.ANNONCES_ID, DemoGuild.ALICE_ID, "a", Instant.now(), false);
        long b = standIn.state().addMessage(DemoGuild.ANNONCES_ID, DemoGuild.BOB_ID, "b", Instant.now(), false);
        standIn.clearRequests();
        // Someone else spends the bucket first (the body is invalid, but the call still counts).
        assertThat(http.call("POST", "channels/" + DemoGuild.ANNONCES_ID + "/messages/bulk-delete", "{\"messages\":[]}")
                        .statusCode())
                .isEqualTo(400);

        annonces.deleteMessagesByIds(List.of(Long.toString(a), Long.toString(b)))
                .complete();

        assertThat(standIn.requests(BULK_DELETE))
                .extracting(RecordedRequest::status)
                .containsExactly(400, 429, 204);
        assertThat(standIn.state().message(DemoGuild.ANNONCES_ID, a)).isEmpty();
        assertThat(standIn.state().message(DemoGuild.ANNONCES_ID, b)).isEmpty();
    }

    @Test
    void a429CarriesDiscordSHeadersAndBody() {
        String path = "channels/" + DemoGuild.GENERAL_ID;
        HttpResponse<String> last = null;
        for (int i = 0; i < 3; i++) {
            last = http.get(path);
        }

        assertThat(last.statusCode()).isEqualTo(429);
        assertThat(last.headers().firstValue("Retry-After"))
                .hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isBetween(1L, 5L));
        assertThat(last.headers().firstValue("X-RateLimit-Limit")).hasValue("2");
        assertThat(last.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
        assertThat(last.headers().firstValue("X-RateLimit-Reset-After")).isPresent();
        assertThat(last.headers().firstValue("X-RateLimit-Reset")).isPresent();
        assertThat(last.headers().firstValue("X-RateLimit-Bucket")).isPresent();
        assertThat(last.headers().firstValue("X-RateLimit-Scope")).hasValue("user");
        assertThat(last.headers().firstValue("Via")).hasValue("1.1 google");
        JsonNode body = RawHttp.json(last);
        assertThat(body.path("message").asText()).isEqualTo("You are being rate limited.");
        assertThat(body.path("retry_after").asDouble()).isPositive();
        assertThat(body.path("global").asBoolean(true)).isFalse();
    }

    @Test
    void bucketsArePerChannelLikeDiscordSMajorParameter() {
        HttpResponse<String> otherChannel = null;
        for (int i = 0; i < 2; i++) {
            http.get("channels/" + DemoGuild.MODERATION_ID);
            otherChannel = http.get("channels/" + DemoGuild.NEWS_ID);
        }
        assertThat(otherChannel.statusCode()).isEqualTo(200);
    }

    @Test
    void successfulAnswersCarryRateLimitHeadersToo() {
        HttpResponse<String> response = http.get("users/@me");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-RateLimit-Bucket")).isPresent();
        assertThat(response.headers().firstValue("X-RateLimit-Remaining")).isPresent();
        assertThat(response.headers().firstValue("X-RateLimit-Reset-After")).isPresent();
    }

    @Test
    void anUnknownRouteInTheConfigurationIsRejectedAtBuildTime() {
        assertThatThrownBy(() -> DiscordStandIn.builder()
                        .rateLimit("POST /channels/{id}/nope", 1, Duration.ofSeconds(1))
                        .build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Unknown route");
    }
}
