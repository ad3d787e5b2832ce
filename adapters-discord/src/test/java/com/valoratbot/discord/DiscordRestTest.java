package com.valoratbot.discord;

import static com.valoratbot.discord.Sandbox.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.valoratbot.core.result.ErrorCode;
import com.valoratbot.standin.RecordedRequest;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.requests.ErrorResponse;
import net.dv8tion.jda.api.requests.Route;
import net.dv8tion.jda.api.utils.data.DataObject;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The requests JDA's public API cannot make (reading a channel from Discord, writing an overwrite,
 * bulk deleting with a reason) keep what JDA's requester gave them: Discord's rate limits, retries of
 * transient failures, the deadline, the token and the audit-log reason. Against the stand-in where it
 * can play the part, and against a scripted local HTTP server for the answers it never gives (5xx, a
 * server that never answers).
 */
class DiscordRestTest {

    static final String GET_CHANNEL = "GET /channels/{channel_id}";
    static final String PUT = "PUT /channels/{channel_id}/permissions/{overwrite_id}";
    static final Duration WINDOW = Duration.ofMillis(400);

    @RegisterExtension
    static final Sandbox sandbox = Sandbox.perClass(
            standIn -> standIn.rateLimit(GET_CHANNEL, 1, WINDOW).rateLimit(PUT, 1, WINDOW), adapter -> {});

    private Scripted server;

    @AfterEach
    void stopServer() {
        if (server != null) server.close();
    }

    private static List<RecordedRequest> on(String route) {
        return sandbox.requests(route);
    }

    @Test
    void lockAndUnlockUnderTightLimitsReachDiscordEveryTimeWithoutMeetingA429() {
        long channel = sandbox.newTextChannel("tight-limits");
        sandbox.standIn.clearRequests();

        for (int i = 0; i < 3; i++) {
            for (String action : List.of("lock", "unlock")) {
                ObjectNode result = sandbox.run(action, "{\"channelId\":\"" + channel + "\"}");
                assertThat(result.toString()).as(action + " " + i).isEqualTo("{\"ok\":true}");
            }
        }

        assertThat(on(GET_CHANNEL)).hasSize(6);
        assertThat(on(PUT)).hasSizeGreaterThanOrEqualTo(3);
        assertThat(sandbox.standIn.requests())
                .as("an empty bucket is waited out before the next request, not discovered by a 429")
                .allSatisfy(r -> assertThat(r.status()).as(r.toString()).isLessThan(400));
        assertThat(sandbox.standIn.state().channel(channel).overwrite(GUILD))
                .as("the last command was an unlock")
                .isEmpty();
    }

    @Test
    void a429TheAdapterDidNotSeeComingIsWaitedOutAndTheLockStillDecidesFromDiscord() throws Exception {
        long channel = sandbox.newTextChannel("surprise-429");
        sandbox.standIn.clearRequests();
        // Another process with the same token (a second worker) spends the channel's read budget.
        var request = java.net.http.HttpRequest.newBuilder(
                        URI.create(sandbox.standIn.restBaseUrl() + "channels/" + channel))
                .header("Authorization", "Bot " + sandbox.standIn.botToken())
                .GET()
                .build();
        try (var http = java.net.http.HttpClient.newHttpClient()) {
            http.send(request, java.net.http.HttpResponse.BodyHandlers.discarding());
        }

        ObjectNode result = sandbox.run("lock", "{\"channelId\":\"" + channel + "\"}");

        assertThat(result.toString()).isEqualTo("{\"ok\":true}");
        assertThat(on(GET_CHANNEL)).extracting(RecordedRequest::status).containsExactly(200, 429, 200);
        assertThat(sandbox.standIn.state().channel(channel).overwrite(GUILD)).isPresent();
    }

    @Test
    void theRequestCarriesTheBotsTokenAndTheAuditReasonUrlEncodedAsJdaSendsThem() {
        server = Scripted.answering(new Answer(204, "", Map.of()));
        String reason = "Dashboard lock by user 42 (commande « été »)";

        DataObject answer = server.rest().send(sandbox.discord.jda(), put(reason), deadline(Duration.ofSeconds(5)));

        assertThat(answer).isNull();
        Seen seen = server.seen().getFirst();
        assertThat(seen.method()).isEqualTo("PUT");
        assertThat(seen.path()).isEqualTo("/api/v10/channels/1/permissions/2");
        assertThat(seen.header("Authorization")).isEqualTo("Bot sandbox-token");
        assertThat(seen.header("User-Agent")).startsWith("DiscordBot (");
        assertThat(URLDecoder.decode(seen.header("X-Audit-Log-Reason"), StandardCharsets.UTF_8))
                .isEqualTo(reason);
        assertThat(DataObject.fromJson(seen.body()).toMap())
                .containsEntry("type", 0)
                .containsEntry("allow", "1024")
                .containsEntry("deny", "2048");
    }

    @Test
    void transientServerErrorsAreRetriedAndTheRequestThenSucceeds() {
        server = Scripted.answering(
                new Answer(502, "bad gateway", Map.of()),
                new Answer(503, "", Map.of()),
                new Answer(200, "{\"id\":\"1\",\"permission_overwrites\":[]}", Map.of()));

        DataObject answer = server.rest()
                .send(
                        sandbox.discord.jda(),
                        DiscordRest.Request.of(Route.Channels.GET_CHANNEL.compile("1")),
                        deadline(Duration.ofSeconds(10)));

        assertThat(answer.getString("id")).isEqualTo("1");
        assertThat(server.seen()).hasSize(3);
    }

    @Test
    void aServerThatKeepsFailingEndsAfterFourAttemptsAsDiscordsServerError() {
        server = Scripted.answering(new Answer(502, "", Map.of()));

        ErrorResponseException failed =
                catchError(() -> server.rest().send(sandbox.discord.jda(), put("r"), deadline(Duration.ofSeconds(20))));

        assertThat(failed.isServerError()).isTrue();
        assertThat(server.seen()).hasSize(4);
        assertThat(Connection.failureOf(failed, null).reason().key()).isEqualTo("discord_error");
    }

    @Test
    void aRefusalIsDiscordsErrorAsJdaRaisesIt() {
        server = Scripted.answering(new Answer(403, "{\"code\":50013,\"message\":\"Missing Permissions\"}", Map.of()));

        ErrorResponseException refused =
                catchError(() -> server.rest().send(sandbox.discord.jda(), put("r"), deadline(Duration.ofSeconds(5))));

        assertThat(refused.getErrorResponse()).isEqualTo(ErrorResponse.MISSING_PERMISSIONS);
        assertThat(Connection.failureOf(refused, null).code()).isEqualTo(ErrorCode.MISSING_PERMISSIONS);
        assertThat(server.seen()).hasSize(1);
    }

    @Test
    void aRetryAfterBeyondTheDeadlineEndsTheRequestAsATimeoutWithoutWaitingForIt() {
        server = Scripted.answering(new Answer(
                429,
                "{\"message\":\"You are being rate limited.\",\"retry_after\":30.0,\"global\":false}",
                Map.of("Retry-After", "30")));

        assertThatThrownBy(() -> server.rest().send(sandbox.discord.jda(), put("r"), deadline(Duration.ofSeconds(3))))
                .isInstanceOfSatisfying(
                        DiscordFailure.class,
                        f -> assertThat(f.failure().reason().key()).isEqualTo("discord_timeout"));
        assertThat(server.seen()).hasSize(1);
    }

    @Test
    void aServerThatNeverAnswersEndsTheRequestAtTheDeadline() {
        server = Scripted.answering(new Answer(-1, "", Map.of()));

        assertThatThrownBy(() -> server.rest().send(sandbox.discord.jda(), put("r"), deadline(Duration.ofMillis(500))))
                .isInstanceOfSatisfying(
                        DiscordFailure.class,
                        f -> assertThat(f.failure().reason().key()).isEqualTo("discord_timeout"));
    }

    private static DiscordRest.Request put(String reason) {
        return new DiscordRest.Request(
                Route.Channels.MODIFY_PERM_OVERRIDE.compile("1", "2"),
                DataObject.empty().put("type", 0).put("allow", "1024").put("deny", "2048"),
                reason);
    }

    private static Connection.Deadline deadline(Duration in) {
        return new Connection.Deadline(System.nanoTime() + in.toNanos());
    }

    private static ErrorResponseException catchError(Runnable call) {
        try {
            call.run();
        } catch (ErrorResponseException e) {
            return e;
        }
        throw new AssertionError("no ErrorResponseException");
    }

    /** One scripted answer; status -1 never answers (the exchange is held until the server stops). */
    record Answer(int status, String body, Map<String, String> headers) {}

    record Seen(String method, String path, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst()
                    .orElse(null);
        }
    }

    /** A local HTTP server giving its answers in order, the last one for every request after it. */
    static final class Scripted implements AutoCloseable {
        private final HttpServer http;
        private final Deque<Answer> answers;
        private final List<Seen> seen = Collections.synchronizedList(new ArrayList<>());

        private Scripted(List<Answer> answers) throws IOException {
            this.answers = new ArrayDeque<>(answers);
            this.http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            http.createContext("/", this::answer);
            http.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
            http.start();
        }

        static Scripted answering(Answer... answers) {
            try {
                return new Scripted(List.of(answers));
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }

        DiscordRest rest() {
            return new DiscordRest(
                    URI.create("http://127.0.0.1:" + http.getAddress().getPort() + "/api/v10/"));
        }

        List<Seen> seen() {
            return List.copyOf(seen);
        }

        private void answer(HttpExchange exchange) throws IOException {
            byte[] body = exchange.getRequestBody().readAllBytes();
            seen.add(new Seen(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    Map.copyOf(exchange.getRequestHeaders()),
                    body));
            Answer answer;
            synchronized (answers) {
                answer = answers.size() > 1 ? answers.poll() : answers.peek();
            }
            if (answer.status() < 0) {
                try {
                    Thread.sleep(Duration.ofSeconds(30));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                exchange.close();
                return;
            }
            answer.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
            if (answer.body().startsWith("{")) exchange.getResponseHeaders().add("Content-Type", "application/json");
            byte[] out = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(
                    answer.status(), answer.status() == 204 ? -1 : out.length == 0 ? -1 : out.length);
            if (out.length > 0 && answer.status() != 204)
                exchange.getResponseBody().write(out);
            exchange.close();
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }
}
