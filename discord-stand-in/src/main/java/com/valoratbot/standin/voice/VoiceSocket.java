package com.valoratbot.standin.voice;

import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One voice websocket, as Jetty sees it; the protocol lives in {@link VoiceServer}. Public only because Jetty
 * binds its callbacks by reflection; not for use outside this package.
 */
public final class VoiceSocket implements Session.Listener.AutoDemanding {

    private static final Logger log = LoggerFactory.getLogger(VoiceSocket.class);

    private final VoiceServer server;
    private volatile Session socket;
    private volatile boolean closed;
    private int sequence;

    // Set by the server once IDENTIFY or RESUME named the guild.
    volatile VoiceSession session;

    VoiceSocket(VoiceServer server) {
        this.server = server;
    }

    @Override
    public void onWebSocketOpen(Session socket) {
        this.socket = socket;
        server.opened(this);
    }

    @Override
    public void onWebSocketText(String text) {
        server.onPayload(this, text);
    }

    @Override
    public void onWebSocketClose(int statusCode, String reason) {
        closed = true;
        server.closed(this, statusCode);
    }

    @Override
    public void onWebSocketError(Throwable cause) {
        log.debug("voice socket error", cause);
    }

    boolean isOpen() {
        return !closed && socket != null && socket.isOpen();
    }

    /** Sends {@code {"op": op, "d": data, "seq": n}}; the sequence numbers server messages as Discord's v8 does. */
    synchronized void send(int op, Object data) {
        Session s = socket;
        if (s == null || closed) return;
        String json = VoiceServer.JSON
                .createObjectNode()
                .put("op", op)
                .put("seq", ++sequence)
                .set("d", VoiceServer.JSON.valueToTree(data))
                .toString();
        s.sendText(json, Callback.NOOP);
    }

    synchronized int sequence() {
        return sequence;
    }

    void close(int code, String reason) {
        Session s = socket;
        if (s != null && !closed) s.close(code, reason, Callback.NOOP);
    }

    /** Drops the TCP connection without a close frame, like a network failure. */
    void drop() {
        Session s = socket;
        if (s != null) s.disconnect();
    }
}
