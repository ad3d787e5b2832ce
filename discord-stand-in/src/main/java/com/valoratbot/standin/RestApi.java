package com.valoratbot.standin;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discord's HTTP API under {@code /api/v10}: routing, bot-token auth, rate-limit buckets and headers, JSON
 * errors, and the request log.
 */
final class RestApi {

    private static final Logger log = LoggerFactory.getLogger(RestApi.class);

    /** What the HTTP layer writes back. */
    record Reply(int status, Map<String, String> headers, byte[] body) {}

    private volatile byte[] expectedAuthorization;
    private final RateLimiter rateLimiter;
    private final RequestLog requestLog;
    private final GuildEndpoints guilds;
    private final ChannelEndpoints channels;
    private final MessageEndpoints messages;

    RestApi(
            StandInState state,
            String botToken,
            java.util.function.Supplier<String> gatewayUrl,
            RateLimiter rateLimiter,
            RequestLog requestLog,
            java.util.function.Supplier<? extends JsonNode> gatewayBot) {
        this.expectedAuthorization = ("Bot " + botToken).getBytes(StandardCharsets.UTF_8);
        this.rateLimiter = rateLimiter;
        this.requestLog = requestLog;
        this.guilds = new GuildEndpoints(state, gatewayUrl, gatewayBot);
        this.channels = new ChannelEndpoints(state);
        this.messages = new MessageEndpoints(state);
    }

    /** From now on only {@code newToken} is accepted (the old one answers 401). */
    void resetToken(String newToken) {
        this.expectedAuthorization = ("Bot " + newToken).getBytes(StandardCharsets.UTF_8);
    }

    /** {@code path} is below {@code /api/v10}, e.g. {@code /channels/1/messages}. */
    Reply handle(
            String method,
            String path,
            String rawQuery,
            Map<String, String> query,
            Map<String, List<String>> headers,
            byte[] body) {
        Instant at = Instant.now();
        Map<String, String> firstHeaders = new LinkedHashMap<>();
        headers.forEach((name, values) -> firstHeaders.put(name, values.getFirst()));
        Endpoint.Match match = Endpoint.match(method, path);
        String route = match instanceof Endpoint.Found found ? found.endpoint().key() : method + " ?";
        Reply reply = switch (match) {
            case Endpoint.NoRoute none -> error(ApiException.notFound(), Map.of());
            case Endpoint.WrongMethod wrong -> error(ApiException.methodNotAllowed(), Map.of());
            case Endpoint.Found found -> answer(found, query, firstHeaders, body, at);
        };
        Map<String, List<String>> recordedHeaders = new LinkedHashMap<>(headers);
        recordedHeaders.remove("authorization");
        requestLog.add(new RecordedRequest(
                at,
                method,
                path,
                rawQuery == null ? "" : rawQuery,
                route,
                reply.status(),
                Map.copyOf(recordedHeaders),
                body));
        return reply;
    }

    // The limiter decides at the instant the request is recorded: tests check the pacing on the
    // recorded times, which under load drifted from a later clock reading (a flaky ResilienceTest).
    private Reply answer(
            Endpoint.Found found, Map<String, String> query, Map<String, String> headers, byte[] body, Instant at) {
        Endpoint endpoint = found.endpoint();
        if (!authorized(headers.get("authorization"))) {
            return error(ApiException.unauthorized(), Map.of());
        }
        String major = endpoint.majorParameter();
        RateLimiter.Verdict verdict = rateLimiter.acquire(
                endpoint.key(), major == null ? "" : found.params().get(major), at.toEpochMilli());
        Map<String, String> limitHeaders = rateLimitHeaders(verdict);
        if (!verdict.allowed()) {
            return rateLimited(verdict, limitHeaders);
        }
        RestRequest request = new RestRequest(endpoint, found.params(), query, headers, body);
        try {
            JsonNode result = dispatch(request);
            if (result == null) {
                return new Reply(204, limitHeaders, new byte[0]);
            }
            return new Reply(200, limitHeaders, Json.write(result).getBytes(StandardCharsets.UTF_8));
        } catch (ApiException e) {
            return error(e, limitHeaders);
        } catch (RuntimeException e) {
            log.error("Stand-in failed on {}", endpoint.key(), e);
            return error(ApiException.of(500, 0, "500: Internal Server Error"), limitHeaders);
        }
    }

    private JsonNode dispatch(RestRequest request) {
        return switch (request.endpoint()) {
            case GET_GATEWAY -> guilds.gateway(request);
            case GET_GATEWAY_BOT -> guilds.gatewayBot(request);
            case GET_SELF -> guilds.self(request);
            case GET_USER -> guilds.user(request);
            case GET_GUILD -> guilds.guild(request);
            case GET_GUILD_CHANNELS -> guilds.channels(request);
            case GET_GUILD_ROLES -> guilds.roles(request);
            case LIST_MEMBERS -> guilds.members(request);
            case GET_MEMBER -> guilds.member(request);
            case GET_CHANNEL -> channels.get(request);
            case MODIFY_CHANNEL -> channels.modify(request);
            case EDIT_PERMISSIONS -> channels.putOverwrite(request);
            case DELETE_PERMISSIONS -> channels.deleteOverwrite(request);
            case GET_MESSAGES -> messages.history(request);
            case CREATE_MESSAGE -> messages.create(request);
            case BULK_DELETE -> messages.bulkDelete(request);
            case GET_MESSAGE -> messages.get(request);
            case DELETE_MESSAGE -> messages.delete(request);
        };
    }

    private boolean authorized(String authorization) {
        return authorization != null
                && MessageDigest.isEqual(expectedAuthorization, authorization.getBytes(StandardCharsets.UTF_8));
    }

    // JDA reads these on every response to pace each bucket; times are seconds with millisecond decimals.
    private static Map<String, String> rateLimitHeaders(RateLimiter.Verdict verdict) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-RateLimit-Limit", Integer.toString(verdict.limit()));
        headers.put("X-RateLimit-Remaining", Integer.toString(verdict.remaining()));
        headers.put("X-RateLimit-Reset", seconds(verdict.resetAtMs()));
        headers.put("X-RateLimit-Reset-After", seconds(verdict.retryAfterMs()));
        headers.put("X-RateLimit-Bucket", verdict.bucket());
        return headers;
    }

    /**
     * A bucket 429. Retry-After is whole seconds (JDA parses it as an integer) while the body's retry_after
     * keeps the fraction. The Via header matters: JDA takes a 429 without it for a Cloudflare ban.
     */
    private static Reply rateLimited(RateLimiter.Verdict verdict, Map<String, String> limitHeaders) {
        double retryAfter = verdict.retryAfterMs() / 1000.0;
        Map<String, String> headers = new LinkedHashMap<>(limitHeaders);
        headers.put("Retry-After", Long.toString(Math.max(1, (long) Math.ceil(retryAfter))));
        headers.put("X-RateLimit-Scope", "user");
        String body = "{\"message\":\"You are being rate limited.\",\"retry_after\":"
                + String.format(Locale.ROOT, "%.3f", retryAfter) + ",\"global\":false}";
        return new Reply(429, headers, body.getBytes(StandardCharsets.UTF_8));
    }

    private static Reply error(ApiException e, Map<String, String> limitHeaders) {
        Map<String, String> headers = new LinkedHashMap<>(limitHeaders);
        if (e.status == 429) {
            headers.put("Retry-After", Long.toString(Math.max(1, (long) Math.ceil(e.retryAfter))));
            headers.put("X-RateLimit-Scope", "user");
        }
        return new Reply(e.status, headers, Json.write(e.body()).getBytes(StandardCharsets.UTF_8));
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%d.%03d", millis / 1000, millis % 1000);
    }
}
