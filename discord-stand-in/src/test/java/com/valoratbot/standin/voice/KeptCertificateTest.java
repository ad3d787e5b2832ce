package com.valoratbot.standin.voice;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox keeps its voice certificate between starts (issue 10: making one loads Bouncy Castle,
 * most of a second of every start): kept owner-only, reused while valid, made again when damaged.
 */
class KeptCertificateTest {

    @Test
    void aSecondStartReusesTheKeptCertificateAndTlsWorksWithIt(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pgdata.voice.p12");

        SelfSignedCertificate first = SelfSignedCertificate.keptIn(file);
        SelfSignedCertificate second = SelfSignedCertificate.keptIn(file);

        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        assertThat(second.certificate()).isEqualTo(first.certificate());
        assertThat(handshake(second, first)).isEqualTo("pong");
    }

    @Test
    void aDamagedKeptCertificateIsMadeAgainAndReplaced(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("pgdata.voice.p12");
        Files.writeString(file, "not a key store");

        SelfSignedCertificate made = SelfSignedCertificate.keptIn(file);

        assertThat(SelfSignedCertificate.keptIn(file).certificate()).isEqualTo(made.certificate());
        assertThat(handshake(made, made)).isEqualTo("pong");
    }

    /** One TLS exchange on loopback: {@code server}'s key, a client trusting {@code client}'s certificate. */
    private static String handshake(SelfSignedCertificate server, SelfSignedCertificate client) throws Exception {
        try (SSLServerSocket listening = (SSLServerSocket) server.serverContext()
                .getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket s = (SSLSocket) listening.accept();
                        OutputStream out = s.getOutputStream()) {
                    out.write("pong".getBytes());
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            try (SSLSocket s = (SSLSocket) client.clientContext()
                    .getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listening.getLocalPort())) {
                s.startHandshake();
                InputStream in = s.getInputStream();
                String answer = new String(in.readNBytes(4));
                served.get(10, TimeUnit.SECONDS);
                return answer;
            }
        }
    }
}
