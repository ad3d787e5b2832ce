package com.valoratbot.discord;

import com.valoratbot.core.result.ErrorCode;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;
import net.dv8tion.jda.api.JDA;
import net.dv8tion.jda.api.exceptions.ErrorResponseException;
import net.dv8tion.jda.api.requests.ErrorResponse;
import net.dv8tion.jda.api.requests.Response;
import net.dv8tion.jda.api.requests.RestConfig;
import net.dv8tion.jda.api.requests.RestRateLimiter;
import net.dv8tion.jda.api.requests.Route;
import net.dv8tion.jda.api.utils.data.DataObject;
import okhttp3.Call;
import okhttp3.HttpUrl;
import okhttp3.MediaType;
import okhttp3.RequestBody;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The few Discord requests JDA's public API cannot make, sent on JDA's own HTTP client
 * ({@link JDA#getHttpClient()}) with its token, to the REST base the session was given: reading one
 * channel from Discord rather than from JDA's cache (lock and unlock decide from Discord's current
 * state, issue 10), writing or deleting one overwrite with exact bits and an audit-log reason without
 * JDA's cache-based checks, and a bulk delete with an audit-log reason ({@code deleteMessagesByIds}
 * carries none). JDA builds such requests only with its internal {@code RestActionImpl} classes,
 * which the architecture rules keep out (they change without notice between JDA versions).
 *
 * <p>What JDA's requester does for its own requests is done here the same way, so that a request
 * behaves as before: Discord's rate limits are honoured (a bucket with nothing remaining is waited
 * out before the next request on it; a 429 is waited out for its {@code retry_after} and retried),
 * Discord's transient 5xx answers are retried 3 times (0.5, 1, 2 s apart, JDA's
 * {@code Requester} list of codes), a dropped socket is retried once, and whatever is still failing
 * becomes the {@link ErrorResponseException} JDA would have raised, so {@link Connection} maps it to
 * the same result. Nothing waits past the command's deadline: a wait that would end after it ends
 * the request {@code discord_timeout} at once, as JDA's {@code RestAction#deadline} does. No header
 * is ever logged (the token is one).
 *
 * <p>Limit: the base URL is the one this adapter was given ({@code restBaseUrl}, Discord's by default);
 * an embedder whose own JDA builder sends REST through a proxy of its own ({@code RestConfig}) must
 * give the same URL as {@code restBaseUrl} for these requests to take that way too (JDA does not
 * tell a built session's base URL).
 */
final class DiscordRest {

    private static final Logger LOG = LoggerFactory.getLogger(DiscordRest.class);
    private static final MediaType JSON = MediaType.get("application/json");
    /** The answers JDA's {@code Requester} retries: Discord's or Cloudflare's transient failures. */
    private static final Set<Integer> TRANSIENT = Set.of(502, 503, 504, 520, 521, 522, 523, 524, 529);

    private static final int ATTEMPTS = 4;
    private static final long FIRST_BACKOFF_MILLIS = 500;

    /** One request: a JDA route, its JSON body (none for GET and DELETE) and its audit-log reason (or none). */
    record Request(Route.CompiledRoute route, DataObject body, String reason) {
        static Request of(Route.CompiledRoute route) {
            return new Request(route, null, null);
        }
    }

    private final HttpUrl baseUrl;
    /** Per rate-limit bucket (method, route, major parameter): when the next request on it may go, in nanoTime. */
    private final ConcurrentMap<String, Long> notBefore = new ConcurrentHashMap<>();

    DiscordRest(URI restBaseUrl) {
        this.baseUrl = HttpUrl.get(restBaseUrl == null ? RestConfig.DEFAULT_BASE_URL : restBaseUrl.toString());
    }

    /**
     * Sends the request on {@code jda}'s HTTP client and waits for Discord's answer, within the deadline.
     *
     * @return the answer's JSON object, or null for an answer without a body (204)
     * @throws ErrorResponseException what Discord refused, as JDA would raise it
     * @throws DiscordFailure {@code discord_timeout} when the deadline passes first
     */
    DataObject send(JDA jda, Request request, Connection.Deadline deadline) {
        okhttp3.Request http = http(jda, request);
        String bucket = request.route().getMethod() + " "
                + request.route().getBaseRoute().getRoute() + " "
                + request.route().getMajorParameters();
        int transientFailures = 0;
        boolean socketRetried = false;
        while (true) {
            waitForBucket(bucket, deadline);
            Call call = jda.getHttpClient().newCall(http);
            call.timeout().timeout(Math.max(1, deadline.remainingMillis()), TimeUnit.MILLISECONDS);
            try (okhttp3.Response answer = call.execute()) {
                int code = answer.code();
                rememberBucket(bucket, answer);
                if (code == 429) {
                    long wait = retryAfterMillis(answer);
                    LOG.debug("429 on {}: retrying in {} ms", bucket, wait);
                    notBefore.merge(bucket, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait), Math::max);
                    continue;
                }
                if (TRANSIENT.contains(code) && ++transientFailures < ATTEMPTS) {
                    LOG.debug("HTTP {} on {}: retrying (attempt {})", code, bucket, transientFailures);
                    sleep(FIRST_BACKOFF_MILLIS << (transientFailures - 1), deadline);
                    continue;
                }
                if (answer.isSuccessful()) return body(answer);
                Response refused = new Response(answer, -1, Set.of());
                throw ErrorResponseException.create(
                        ErrorResponse.fromJSON(refused.optObject().orElse(null)), refused);
            } catch (IOException e) {
                // OkHttp ends a call at its timeout (the deadline) or on interruption with a bare
                // InterruptedIOException.
                if (deadline.passed()
                        || Thread.currentThread().isInterrupted()
                        || e.getClass() == InterruptedIOException.class)
                    throw DiscordFailure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
                if (!socketRetried && (e instanceof SocketException || e instanceof SocketTimeoutException)) {
                    socketRetried = true;
                    continue;
                }
                LOG.warn("I/O error on a Discord request ({}): {}", bucket, e.toString());
                throw ErrorResponseException.create(ErrorResponse.SERVER_ERROR, new Response(e, Set.of()));
            }
        }
    }

    private okhttp3.Request http(JDA jda, Request request) {
        Route.CompiledRoute route = request.route();
        RequestBody body = request.body() != null
                ? RequestBody.create(request.body().toJson(), JSON)
                : route.getMethod().requiresRequestBody() ? RequestBody.create(new byte[0]) : null;
        okhttp3.Request.Builder http = new okhttp3.Request.Builder()
                .url(route.toHttpUrl(baseUrl))
                .method(route.getMethod().name(), body)
                .header("User-Agent", RestConfig.USER_AGENT)
                .header("Authorization", jda.getToken());
        if (request.reason() != null && !request.reason().isEmpty()) {
            // Discord reads the header URL-encoded (UTF-8), as JDA sends it.
            http.header("X-Audit-Log-Reason", URLEncoder.encode(request.reason(), StandardCharsets.UTF_8));
        }
        return http.build();
    }

    private static DataObject body(okhttp3.Response answer) throws IOException {
        byte[] bytes = answer.body() == null ? new byte[0] : answer.body().bytes();
        return bytes.length == 0 ? null : DataObject.fromJson(bytes);
    }

    /** Waits until the bucket may be used again, or fails at once when that is after the deadline. */
    private void waitForBucket(String bucket, Connection.Deadline deadline) {
        Long until = notBefore.get(bucket);
        if (until == null) return;
        long wait = TimeUnit.NANOSECONDS.toMillis(until - System.nanoTime());
        if (wait <= 0) {
            notBefore.remove(bucket, until); // spent: keeps the map as small as the buckets in use
            return;
        }
        sleep(wait, deadline);
    }

    /** A bucket Discord says is empty is waited out before its next request rather than answered 429. */
    private void rememberBucket(String bucket, okhttp3.Response answer) {
        String remaining = answer.header(RestRateLimiter.REMAINING_HEADER);
        String resetAfter = answer.header(RestRateLimiter.RESET_AFTER_HEADER);
        if (!"0".equals(remaining) || resetAfter == null) return;
        try {
            long millis = (long) Math.ceil(Double.parseDouble(resetAfter) * 1000);
            notBefore.merge(bucket, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis), Math::max);
        } catch (NumberFormatException ignored) {
            // no usable reset: a 429, if it comes, says how long to wait
        }
    }

    /** Discord's precise {@code retry_after} (seconds, in the JSON body), else the {@code Retry-After} header. */
    private static long retryAfterMillis(okhttp3.Response answer) {
        try {
            if (answer.body() != null
                    && String.valueOf(answer.header("Content-Type")).startsWith("application/json")) {
                double seconds = DataObject.fromJson(answer.body().byteStream()).getDouble("retry_after", -1);
                if (seconds >= 0) return (long) Math.ceil(seconds * 1000);
            }
        } catch (RuntimeException ignored) {
            // not Discord's JSON (Cloudflare's 429 page): the header says it
        }
        try {
            return (long) Math.ceil(Double.parseDouble(answer.header(RestRateLimiter.RETRY_AFTER_HEADER, "1")) * 1000);
        } catch (NumberFormatException e) {
            return 1000;
        }
    }

    private static void sleep(long millis, Connection.Deadline deadline) {
        if (millis >= deadline.remainingMillis()) throw DiscordFailure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw DiscordFailure.of(ErrorCode.DISCORD_ERROR, "discord_timeout");
        }
    }
}
