package com.valoratbot.standin;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Jetty entry point for plain HTTP: Discord's API under {@code /api/v10}, the stand-in's own unauthenticated
 * views under {@code /_standin}, and uploaded files under {@code /attachments} (Discord's CDN role).
 */
final class HttpFront extends Handler.Abstract {

    static final String API_PREFIX = "/api/v10";
    static final String ATTACHMENTS_PREFIX = "/attachments/";

    private final RestApi api;
    private final StandInState state;
    private final RequestLog requestLog;
    private final GatewayHub gateway;

    HttpFront(RestApi api, StandInState state, RequestLog requestLog, GatewayHub gateway) {
        this.api = api;
        this.state = state;
        this.requestLog = requestLog;
        this.gateway = gateway;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        String method = request.getMethod();
        if (path.startsWith(API_PREFIX + "/")) {
            byte[] body = Content.Source.asInputStream(request).readAllBytes();
            RestApi.Reply reply = api.handle(
                    method,
                    path.substring(API_PREFIX.length()),
                    request.getHttpURI().getQuery(),
                    query(request),
                    headers(request),
                    body);
            reply.headers().forEach((name, value) -> response.getHeaders().put(name, value));
            // Discord's edge answers through Google's load balancer; JDA checks for this header on 429s.
            response.getHeaders().put("Via", "1.1 google");
            write(response, callback, reply.status(), "application/json", reply.body());
        } else if (path.equals("/_standin/state") && method.equals("GET")) {
            boolean withMessages = !"false".equals(query(request).get("messages"));
            var stateJson = StateJson.state(state, gateway.stats(), requestLog, withMessages);
            var voice = gateway.voiceHook() == null ? null : gateway.voiceHook().stateJson();
            if (voice != null) stateJson.set("voice", voice);
            String json = Json.write(stateJson);
            write(response, callback, 200, "application/json", json.getBytes(StandardCharsets.UTF_8));
        } else if (path.equals("/_standin/requests") && method.equals("GET")) {
            String json = Json.write(StateJson.requests(requestLog.snapshot()));
            write(response, callback, 200, "application/json", json.getBytes(StandardCharsets.UTF_8));
        } else if (path.equals("/_standin/requests") && method.equals("DELETE")) {
            requestLog.clear();
            write(response, callback, 204, null, new byte[0]);
        } else if (path.equals(SampleTrack.PATH) && method.equals("GET")) {
            write(response, callback, 200, "audio/wav", SampleTrack.wav());
        } else if (path.startsWith(ATTACHMENTS_PREFIX) && method.equals("GET")) {
            serveAttachment(path.substring(ATTACHMENTS_PREFIX.length()), response, callback);
        } else {
            byte[] body = "{\"message\":\"404: Not Found\",\"code\":0}".getBytes(StandardCharsets.UTF_8);
            write(response, callback, 404, "application/json", body);
        }
        return true;
    }

    private void serveAttachment(String rest, Response response, Callback callback) {
        String[] parts = rest.split("/");
        StandInAttachment found = null;
        if (parts.length >= 2) {
            try {
                long channelId = Long.parseUnsignedLong(parts[0]);
                long attachmentId = Long.parseUnsignedLong(parts[1]);
                found = state.read(() -> {
                    ChannelData channel = state.findChannel(channelId);
                    if (channel == null) {
                        return null;
                    }
                    return channel.messages().values().stream()
                            .flatMap(m -> m.attachments().stream())
                            .filter(a -> a.id() == attachmentId)
                            .findFirst()
                            .orElse(null);
                });
            } catch (NumberFormatException e) {
                found = null;
            }
        }
        if (found == null) {
            write(response, callback, 404, "text/plain", "Not Found".getBytes(StandardCharsets.UTF_8));
        } else {
            write(response, callback, 200, found.contentType(), found.bytes());
        }
    }

    private static void write(Response response, Callback callback, int status, String contentType, byte[] body) {
        response.setStatus(status);
        if (contentType != null && body.length > 0) {
            response.getHeaders().put("Content-Type", contentType);
        }
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static Map<String, String> query(Request request) {
        Map<String, String> query = new LinkedHashMap<>();
        Fields fields = Request.extractQueryParameters(request);
        for (Fields.Field field : fields) {
            query.put(field.getName(), field.getValue());
        }
        return query;
    }

    private static Map<String, List<String>> headers(Request request) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (HttpField field : request.getHeaders()) {
            headers.computeIfAbsent(field.getLowerCaseName(), name -> new ArrayList<>())
                    .add(field.getValue());
        }
        return headers;
    }
}
