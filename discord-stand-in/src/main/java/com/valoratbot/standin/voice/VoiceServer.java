package com.valoratbot.standin.voice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.valoratbot.standin.VoiceGatewayContext;
import com.valoratbot.standin.VoiceHook;
import com.valoratbot.standin.VoiceStateRequest;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Discord's voice side for the stand-in: the voice gateway (a websocket over TLS, as JDA only speaks
 * {@code wss://} to voice servers) and the UDP media server, on 127.0.0.1.
 *
 * <p>Registered as the stand-in's {@link VoiceHook}, it answers the bot's Gateway op 4 with
 * {@code VOICE_SERVER_UPDATE} ({@code token}, {@code guild_id}, {@code endpoint = localhost:port}). The voice
 * gateway then speaks version 8: HELLO (8), IDENTIFY (0) → READY (2) with an SSRC, the UDP address and the
 * modes, SELECT_PROTOCOL (1) → SESSION_DESCRIPTION (4) with a random 32-byte key and
 * {@code dave_protocol_version 0} (this stand-in implements the transport encryption, not DAVE), HEARTBEAT (3)
 * → HEARTBEAT_ACK (6), SPEAKING (5), RESUME (7) → RESUMED (9). The UDP side answers IP discovery and decrypts
 * {@code aead_aes256_gcm_rtpsize} RTP packets, counting each guild's Opus frames ({@link #stats(long)}) and the
 * jitter of their arrival ({@link #jitter(long)}).
 *
 * <p>Clients must trust {@link #certificate()}: see {@link SelfSignedCertificate#clientContext()}.
 */
public final class VoiceServer implements VoiceHook, AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger log = LoggerFactory.getLogger(VoiceServer.class);

    static final int OP_IDENTIFY = 0;
    static final int OP_SELECT_PROTOCOL = 1;
    static final int OP_READY = 2;
    static final int OP_HEARTBEAT = 3;
    static final int OP_SESSION_DESCRIPTION = 4;
    static final int OP_SPEAKING = 5;
    static final int OP_HEARTBEAT_ACK = 6;
    static final int OP_RESUME = 7;
    static final int OP_HELLO = 8;
    static final int OP_RESUMED = 9;

    /** Close codes of Discord's voice gateway this server uses. */
    public static final int CLOSE_UNKNOWN_OPCODE = 4001;

    public static final int CLOSE_NOT_AUTHENTICATED = 4003;
    public static final int CLOSE_AUTHENTICATION_FAILED = 4004;
    public static final int CLOSE_SESSION_NO_LONGER_VALID = 4006;
    public static final int CLOSE_DISCONNECTED = 4014;
    public static final int CLOSE_VOICE_SERVER_CRASHED = 4015;
    public static final int CLOSE_UNKNOWN_ENCRYPTION_MODE = 4016;
    /** Discord's answer, since March 2026, to a client that does not offer DAVE; see {@link Builder#requireDave}. */
    public static final int CLOSE_E2EE_REQUIRED = 4017;

    private static final int UDP_DISCOVERY_LENGTH = 74;

    private final SelfSignedCertificate certificate;
    private final String host;
    private final Duration heartbeatInterval;
    private final boolean requireDave;
    private final Map<Long, GuildVoice> guilds = new ConcurrentHashMap<>();
    private final Map<Integer, VoiceSession> bySsrc = new ConcurrentHashMap<>();
    private final AtomicInteger nextSsrc = new AtomicInteger(1000);
    private final SecureRandom random = new SecureRandom();

    private Server jetty;
    private ServerConnector connector;
    private DatagramSocket udp;
    private Thread receiver;
    private volatile boolean running;

    private VoiceServer(Builder b) {
        this.certificate = b.certificate != null ? b.certificate : SelfSignedCertificate.shared();
        this.host = b.host;
        this.heartbeatInterval = b.heartbeatInterval;
        this.requireDave = b.requireDave;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Starts a voice server on ephemeral ports of 127.0.0.1 with the JVM's shared certificate. */
    public static VoiceServer start() {
        return builder().build().startServer();
    }

    public static final class Builder {
        private SelfSignedCertificate certificate;
        private String host = "localhost";
        private Duration heartbeatInterval = Duration.ofMillis(13_750);
        private boolean requireDave;

        private Builder() {}

        public Builder certificate(SelfSignedCertificate v) {
            certificate = Objects.requireNonNull(v);
            return this;
        }

        /** The host name put in {@code endpoint}; it must match the certificate (default {@code localhost}). */
        public Builder host(String v) {
            host = Objects.requireNonNull(v);
            return this;
        }

        public Builder heartbeatInterval(Duration v) {
            heartbeatInterval = Objects.requireNonNull(v);
            return this;
        }

        /**
         * Behaves like Discord since 1 March 2026: an IDENTIFY with {@code max_dave_protocol_version 0} is closed
         * with {@link #CLOSE_E2EE_REQUIRED}. Off by default (the stand-in cannot do DAVE itself).
         */
        public Builder requireDave(boolean v) {
            requireDave = v;
            return this;
        }

        public VoiceServer build() {
            return new VoiceServer(this);
        }
    }

    /** Binds both sockets; returns this. */
    public synchronized VoiceServer startServer() {
        if (running) return this;
        try {
            udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            udp.setReceiveBufferSize(1 << 20);

            QueuedThreadPool threads = new QueuedThreadPool(16, 2);
            threads.setName("standin-voice-gateway");
            jetty = new Server(threads);
            SslContextFactory.Server tls = new SslContextFactory.Server();
            tls.setSslContext(certificate.serverContext());
            connector = new ServerConnector(jetty, tls);
            connector.setHost("127.0.0.1");
            connector.setPort(0);
            jetty.addConnector(connector);
            jetty.setHandler(WebSocketUpgradeHandler.from(jetty, container -> {
                container.setIdleTimeout(heartbeatInterval.multipliedBy(3));
                container.addMapping("/*", (request, response, callback) -> new VoiceSocket(this));
            }));
            jetty.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("cannot start the voice server", e);
        }
        running = true;
        receiver = Thread.ofPlatform().daemon().name("standin-voice-udp").start(this::receive);
        log.info(
                "Voice stand-in: gateway wss://{}:{} , media udp 127.0.0.1:{}",
                host,
                connector.getLocalPort(),
                udp.getLocalPort());
        return this;
    }

    /** The {@code endpoint} of VOICE_SERVER_UPDATE: {@code localhost:port}, without a scheme, as Discord sends it. */
    public String endpoint() {
        return host + ":" + connector.getLocalPort();
    }

    public int gatewayPort() {
        return connector.getLocalPort();
    }

    public int udpPort() {
        return udp.getLocalPort();
    }

    public SelfSignedCertificate certificate() {
        return certificate;
    }

    // ---------------------------------------------------------------- the stand-in's hook

    @Override
    public void onBotVoiceRequest(VoiceStateRequest request, VoiceGatewayContext context) {
        GuildVoice guild = guild(request.guildId());
        VoiceSession toClose = null;
        String token;
        synchronized (guild) {
            guild.channelId = request.channelId();
            guild.botUserId = context.botUserId();
            if (request.channelId() == null) {
                guild.pendingToken = null;
                guild.pendingSessionId = null;
                toClose = guild.session;
                guild.session = null;
                token = null;
            } else {
                byte[] bytes = new byte[12];
                random.nextBytes(bytes);
                token = HexFormat.of().formatHex(bytes);
                guild.pendingToken = token;
                guild.pendingSessionId = context.sessionId();
            }
        }
        if (toClose != null) {
            forget(toClose);
            toClose.socket.close(CLOSE_DISCONNECTED, "Disconnected");
        }
        if (token != null) {
            ObjectNode data = JSON.createObjectNode()
                    .put("token", token)
                    .put("guild_id", Long.toUnsignedString(request.guildId()))
                    .put("endpoint", endpoint());
            context.dispatch("VOICE_SERVER_UPDATE", data);
        }
    }

    // ---------------------------------------------------------------- voice gateway

    void opened(VoiceSocket socket) {
        socket.send(OP_HELLO, Map.of("heartbeat_interval", heartbeatInterval.toMillis(), "v", 8));
    }

    void closed(VoiceSocket socket, int code) {
        VoiceSession session = socket.session;
        log.debug(
                "voice socket closed ({}) for {}",
                code,
                session == null ? "an unidentified client" : session.guild.guildId);
    }

    void onPayload(VoiceSocket socket, String text) {
        JsonNode payload;
        try {
            payload = JSON.readTree(text);
        } catch (IOException e) {
            socket.close(4002, "Failed to decode payload");
            return;
        }
        int op = payload.path("op").asInt(-1);
        JsonNode d = payload.path("d");
        switch (op) {
            case OP_IDENTIFY -> identify(socket, d);
            case OP_SELECT_PROTOCOL -> selectProtocol(socket, d);
            case OP_HEARTBEAT ->
                socket.send(
                        OP_HEARTBEAT_ACK, Map.of("t", d.isObject() ? d.path("t").asLong() : d.asLong()));
            case OP_SPEAKING -> {
                VoiceSession s = socket.session;
                if (s == null) socket.close(CLOSE_NOT_AUTHENTICATED, "Not authenticated");
                else s.speaking = d.path("speaking").asInt();
            }
            case OP_RESUME -> resume(socket, d);
            // DAVE's transition ready / invalid commit: nothing to do at protocol version 0.
            case 23, 31 -> {}
            default -> socket.close(CLOSE_UNKNOWN_OPCODE, "Unknown opcode " + op);
        }
    }

    private void identify(VoiceSocket socket, JsonNode d) {
        long guildId = Long.parseUnsignedLong(d.path("server_id").asText("0"));
        GuildVoice guild = guilds.get(guildId);
        if (guild == null) {
            socket.close(CLOSE_AUTHENTICATION_FAILED, "Authentication failed");
            return;
        }
        if (requireDave && d.path("max_dave_protocol_version").asInt(0) < 1) {
            socket.close(CLOSE_E2EE_REQUIRED, "E2EE/DAVE protocol required");
            return;
        }
        VoiceSession session;
        VoiceSession replaced;
        synchronized (guild) {
            String token = d.path("token").asText();
            if (guild.pendingToken == null
                    || !guild.pendingToken.equals(token)
                    || !Objects.equals(
                            guild.pendingSessionId, d.path("session_id").asText())) {
                socket.close(CLOSE_AUTHENTICATION_FAILED, "Authentication failed");
                return;
            }
            replaced = guild.session;
            session = new VoiceSession(guild, nextSsrc.getAndIncrement(), guild.pendingSessionId, token, socket);
            guild.session = session;
            guild.sessions++;
        }
        if (replaced != null) {
            forget(replaced);
            if (replaced.socket != socket) replaced.socket.close(CLOSE_DISCONNECTED, "Replaced by a new session");
        }
        socket.session = session;
        bySsrc.put(session.ssrc, session);
        ArrayNode modes = JSON.createArrayNode().add(VoiceSession.MODE_AES_GCM).add("aead_xchacha20_poly1305_rtpsize");
        ObjectNode ready = JSON.createObjectNode()
                .put("ssrc", session.ssrc)
                .put("ip", "127.0.0.1")
                .put("port", udp.getLocalPort())
                .put("heartbeat_interval", heartbeatInterval.toMillis());
        ready.set("modes", modes);
        socket.send(OP_READY, ready);
    }

    private void selectProtocol(VoiceSocket socket, JsonNode d) {
        VoiceSession session = socket.session;
        if (session == null) {
            socket.close(CLOSE_NOT_AUTHENTICATED, "Not authenticated");
            return;
        }
        String mode = d.path("data").path("mode").asText();
        if (!VoiceSession.MODE_AES_GCM.equals(mode)) {
            // Advertised like Discord does, but this stand-in only decrypts AES-GCM.
            socket.close(CLOSE_UNKNOWN_ENCRYPTION_MODE, "Unknown encryption mode " + mode);
            return;
        }
        byte[] key = new byte[32];
        random.nextBytes(key);
        session.secretKey = key;
        ArrayNode keyArray = JSON.createArrayNode();
        for (byte b : key) keyArray.add(b & 0xFF);
        ObjectNode description = JSON.createObjectNode()
                .put("mode", mode)
                .put("dave_protocol_version", 0)
                .put("audio_codec", "opus")
                .put("media_session_id", HexFormat.of().formatHex(key, 0, 8));
        description.set("secret_key", keyArray);
        socket.send(OP_SESSION_DESCRIPTION, description);
    }

    private void resume(VoiceSocket socket, JsonNode d) {
        long guildId = Long.parseUnsignedLong(d.path("server_id").asText("0"));
        GuildVoice guild = guilds.get(guildId);
        VoiceSession previous = null;
        if (guild != null) {
            synchronized (guild) {
                VoiceSession live = guild.session;
                if (live != null
                        && live.token.equals(d.path("token").asText())
                        && live.sessionId.equals(d.path("session_id").asText())) {
                    previous = live;
                    guild.resumes++;
                }
            }
        }
        if (previous == null) {
            socket.close(CLOSE_SESSION_NO_LONGER_VALID, "Session is no longer valid");
            return;
        }
        // The session (SSRC, key, counters) moves to the new socket; the media keeps flowing over UDP.
        VoiceSession moved =
                new VoiceSession(previous.guild, previous.ssrc, previous.sessionId, previous.token, socket);
        moved.secretKey = previous.secretKey;
        moved.speaking = previous.speaking;
        synchronized (previous.guild) {
            previous.guild.session = moved;
        }
        socket.session = moved;
        bySsrc.put(moved.ssrc, moved);
        socket.send(OP_RESUMED, null);
    }

    private void forget(VoiceSession session) {
        bySsrc.remove(session.ssrc, session);
    }

    // ---------------------------------------------------------------- UDP

    private void receive() {
        byte[] buffer = new byte[4096];
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        while (running) {
            try {
                packet.setLength(buffer.length);
                udp.receive(packet);
            } catch (SocketException closed) {
                return;
            } catch (IOException e) {
                log.debug("voice UDP receive failed", e);
                continue;
            }
            long now = System.nanoTime();
            int length = packet.getLength();
            try {
                if (length == UDP_DISCOVERY_LENGTH && buffer[0] == 0 && buffer[1] == 1) {
                    discover(buffer, packet);
                } else if (length >= 12 && (buffer[0] & 0xC0) == 0x80 && (buffer[1] & 0x7F) == 0x78) {
                    int ssrc = ByteBuffer.wrap(buffer, 8, 4).getInt();
                    VoiceSession session = bySsrc.get(ssrc);
                    if (session != null) session.open(buffer, length, now);
                }
                // Anything else (JDA's 9-byte keep-alive, RTCP) is ignored.
            } catch (IOException | RuntimeException e) {
                log.warn("voice UDP packet could not be handled", e);
            }
        }
    }

    /** IP discovery: type 2, length 70, the SSRC, the sender's address (64 bytes, NUL-padded) and port. */
    private void discover(byte[] request, DatagramPacket from) throws IOException {
        ByteBuffer response = ByteBuffer.allocate(UDP_DISCOVERY_LENGTH);
        response.putShort((short) 2).putShort((short) 70).put(request, 4, 4);
        byte[] address = from.getAddress().getHostAddress().getBytes(StandardCharsets.US_ASCII);
        response.put(address, 0, Math.min(address.length, 63));
        response.position(8 + 64);
        response.putShort((short) from.getPort());
        udp.send(new DatagramPacket(response.array(), UDP_DISCOVERY_LENGTH, from.getSocketAddress()));
    }

    // ---------------------------------------------------------------- what tests read

    private GuildVoice guild(long guildId) {
        return guilds.computeIfAbsent(guildId, GuildVoice::new);
    }

    /** This guild's counters; all zero if the bot never asked to join voice there. */
    public VoiceStats stats(long guildId) {
        GuildVoice guild = guilds.get(guildId);
        return guild == null ? VoiceStats.none(guildId) : guild.stats();
    }

    public Map<Long, VoiceStats> stats() {
        Map<Long, VoiceStats> out = new TreeMap<>();
        guilds.forEach((id, g) -> out.put(id, g.stats()));
        return out;
    }

    /** Decrypted Opus frames of the guild that carried sound (silence frames excluded). */
    public long audioFrames(long guildId) {
        return stats(guildId).audioFrames();
    }

    /** A copy of the guild's arrival-jitter histogram. */
    public JitterHistogram jitter(long guildId) {
        GuildVoice guild = guilds.get(guildId);
        return guild == null ? new JitterHistogram() : guild.jitter.snapshot();
    }

    /** All guilds' jitter histograms merged. */
    public JitterHistogram jitter() {
        JitterHistogram all = new JitterHistogram();
        guilds.values().forEach(g -> g.jitter.addTo(all));
        return all;
    }

    public void resetJitter() {
        guilds.values().forEach(g -> g.jitter.reset());
    }

    /**
     * Ends the guild's voice websocket as Discord would on a voice server failure: {@code closeCode} 4015 makes
     * JDA start over with a new voice connection; a code outside Discord's list (e.g. 4000) makes it RESUME;
     * {@code closeCode} 0 drops the connection without a close frame. Returns false when nothing was connected.
     */
    public boolean disconnect(long guildId, int closeCode) {
        GuildVoice guild = guilds.get(guildId);
        VoiceSession session;
        if (guild == null) return false;
        synchronized (guild) {
            session = guild.session;
        }
        if (session == null) return false;
        if (closeCode == 0) session.socket.drop();
        else session.socket.close(closeCode, "Closed by the stand-in");
        return true;
    }

    /** The voice side of the stand-in's state, for its state JSON. */
    public ObjectNode toJson() {
        ObjectNode out = JSON.createObjectNode();
        out.put("endpoint", running ? endpoint() : null);
        out.put("udpPort", running ? udp.getLocalPort() : 0);
        ObjectNode byGuild = out.putObject("guilds");
        stats().forEach((id, s) -> {
            ObjectNode g = byGuild.putObject(Long.toUnsignedString(id));
            g.put("connected", s.connected());
            g.put("channelId", s.channelId() == null ? null : Long.toUnsignedString(s.channelId()));
            g.put("sessions", s.sessions());
            g.put("resumes", s.resumes());
            g.put("speaking", s.speaking());
            g.put("opusFrames", s.opusFrames());
            g.put("silenceFrames", s.silenceFrames());
            g.put("audioFrames", s.audioFrames());
            g.put("decryptFailures", s.decryptFailures());
            g.put("jitterP99Ms", s.jitterP99Ms());
        });
        return out;
    }

    /** Shown under {@code "voice"} in the stand-in's {@code /_standin/state}. */
    @Override
    public JsonNode stateJson() {
        return toJson();
    }

    /** Same as {@link #toJson()}, as a map for embedding in another JSON document. */
    public Map<String, Object> toMap() {
        @SuppressWarnings("unchecked")
        Map<String, Object> map = JSON.convertValue(toJson(), LinkedHashMap.class);
        return map;
    }

    @Override
    public synchronized void close() {
        running = false;
        if (udp != null) udp.close();
        if (jetty != null) {
            try {
                jetty.stop();
            } catch (Exception e) {
                log.debug("voice gateway did not stop cleanly", e);
            }
        }
        if (receiver != null) {
            try {
                receiver.join(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
