package com.valoratbot.discord.music;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.sound.sampled.AudioFileFormat;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;

/**
 * Serves WAV sine tones generated here (48 kHz, 16-bit stereo: Discord's rate, so Lavaplayer only encodes) from
 * 127.0.0.1, with HTTP range requests as Lavaplayer's seekable HTTP stream expects.
 */
final class ToneServer implements AutoCloseable {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

    private final HttpServer server;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();

    ToneServer() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/", this::serve);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.start();
    }

    /** A {@code seconds}-long tone at {@code hertz}; returns its URL. */
    String tone(String name, double seconds, double hertz) {
        files.put("/" + name + ".wav", wav(seconds, hertz));
        return url(name + ".wav");
    }

    /** Serves {@code body} as {@code name}; returns its URL. */
    String file(String name, byte[] body) {
        files.put("/" + name, body);
        return url(name);
    }

    /** How many requests reached this server, so a test can show a URL was refused before any fetch. */
    int requests() {
        return requests.get();
    }

    String url(String file) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + file;
    }

    static byte[] wav(double seconds, double hertz) {
        float rate = 48_000f;
        int frames = (int) (seconds * rate);
        byte[] pcm = new byte[frames * 4];
        for (int i = 0; i < frames; i++) {
            short sample = (short) (Math.sin(2 * Math.PI * hertz * i / rate) * 0.3 * Short.MAX_VALUE);
            for (int channel = 0; channel < 2; channel++) {
                pcm[i * 4 + channel * 2] = (byte) sample;
                pcm[i * 4 + channel * 2 + 1] = (byte) (sample >> 8);
            }
        }
        AudioFormat format = new AudioFormat(rate, 16, 2, true, false);
        try (AudioInputStream in = new AudioInputStream(new ByteArrayInputStream(pcm), format, frames)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(pcm.length + 64);
            AudioSystem.write(in, AudioFileFormat.Type.WAVE, out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            byte[] body = files.get(exchange.getRequestURI().getPath());
            if (body == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            exchange.getResponseHeaders().set("Content-Type", "audio/wav");
            exchange.getResponseHeaders().set("Accept-Ranges", "bytes");
            int start = 0;
            int end = body.length - 1;
            int status = 200;
            String range = exchange.getRequestHeaders().getFirst("Range");
            if (range != null) {
                Matcher m = RANGE.matcher(range.trim());
                if (m.matches()) {
                    start = Integer.parseInt(m.group(1));
                    if (!m.group(2).isEmpty()) end = Math.min(end, Integer.parseInt(m.group(2)));
                    if (start > end) {
                        exchange.getResponseHeaders().set("Content-Range", "bytes */" + body.length);
                        exchange.sendResponseHeaders(416, -1);
                        return;
                    }
                    status = 206;
                    exchange.getResponseHeaders()
                            .set("Content-Range", "bytes " + start + "-" + end + "/" + body.length);
                }
            }
            int length = end - start + 1;
            if (exchange.getRequestMethod().equals("HEAD")) {
                exchange.getResponseHeaders().set("Content-Length", Integer.toString(length));
                exchange.sendResponseHeaders(status, -1);
                return;
            }
            exchange.sendResponseHeaders(status, length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body, start, length);
            } catch (IOException clientWentAway) {
                // Lavaplayer closes streams it no longer needs (seek, skip, stop).
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
