package com.valoratbot.standin;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Gateway WebSocket. Outgoing frames go through a queue drained by a single virtual thread, which keeps
 * them in sequence order and lets a slow client push back on the GUILD_CREATE stream.
 *
 * <p>Public only because Jetty invokes listener methods through a public lookup; not part of the stand-in's API.
 */
public final class GatewayConnection implements Session.Listener.AutoDemanding {

    private static final Logger log = LoggerFactory.getLogger(GatewayConnection.class);

    private sealed interface Outbound {}

    private record Text(String json) implements Outbound {}

    private record Close(int code, String reason) implements Outbound {}

    private record Stop() implements Outbound {}

    private final GatewayHub hub;
    private final LinkedBlockingQueue<Outbound> outbound = new LinkedBlockingQueue<>();
    private volatile Session socket;
    private volatile GatewaySession session;
    private volatile boolean closed;

    GatewayConnection(GatewayHub hub) {
        this.hub = hub;
    }

    @Override
    public void onWebSocketOpen(Session socket) {
        this.socket = socket;
        Thread.ofVirtual().name("standin-gateway-writer").start(this::drain);
        hub.opened(this);
    }

    @Override
    public void onWebSocketText(String text) {
        hub.onPayload(this, text);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason, Callback callback) {
        closed = true;
        outbound.offer(new Stop());
        hub.closed(this, statusCode);
        callback.succeed();
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        log.debug("Gateway socket error", cause);
    }

    GatewaySession session() {
        return session;
    }

    void bind(GatewaySession session) {
        this.session = session;
    }

    boolean isOpen() {
        return !closed;
    }

    int pendingFrames() {
        return outbound.size();
    }

    void send(String json) {
        if (!closed) {
            outbound.offer(new Text(json));
        }
    }

    /** Closes with a Gateway close code once the frames queued before it are out. */
    void close(int code, String reason) {
        if (!closed) {
            outbound.offer(new Close(code, reason));
        }
    }

    /** Cuts the TCP connection without a close frame, like a network failure. */
    void drop() {
        Session current = socket;
        if (current != null) {
            current.disconnect();
        }
    }

    private void drain() {
        try {
            while (true) {
                switch (outbound.take()) {
                    case Text text -> write(text.json());
                    case Close close -> {
                        socket.close(close.code(), close.reason(), Callback.NOOP);
                        return;
                    }
                    case Stop stop -> {
                        return;
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("Gateway write failed; dropping the connection", e);
            drop();
        }
    }

    private void write(String json) throws InterruptedException, ExecutionException, TimeoutException {
        if (closed) {
            return;
        }
        CompletableFuture<Void> written = new CompletableFuture<>();
        socket.sendText(json, Callback.from(() -> written.complete(null), written::completeExceptionally));
        written.get(30, TimeUnit.SECONDS);
    }
}
