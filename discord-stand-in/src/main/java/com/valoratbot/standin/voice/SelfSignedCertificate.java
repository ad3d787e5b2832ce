package com.valoratbot.standin.voice;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away TLS identity for the voice gateway: {@code CN=localhost} with the subject alternative names
 * {@code DNS:localhost} and {@code IP:127.0.0.1}, generated once per JVM by the JDK's own {@code keytool}
 * into a temporary PKCS#12 file (no extra crypto library). Clients trust it through {@link #clientContext()}
 * or, for another JVM, through {@link #trustStore()} as {@code -Djavax.net.ssl.trustStore}.
 */
public final class SelfSignedCertificate {

    /** Password of both generated stores; they protect nothing but a test key. */
    public static final String PASSWORD = "stand-in";

    private static volatile SelfSignedCertificate shared;

    private final Path keyStore;
    private final Path trustStore;
    private final SSLContext serverContext;
    private final SSLContext clientContext;

    private SelfSignedCertificate(Path keyStore, Path trustStore, SSLContext serverContext, SSLContext clientContext) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
        this.serverContext = serverContext;
        this.clientContext = clientContext;
    }

    /** The JVM-wide instance, generated on first use (about a second: keytool runs in a child process). */
    public static SelfSignedCertificate shared() {
        SelfSignedCertificate current = shared;
        if (current == null) {
            synchronized (SelfSignedCertificate.class) {
                current = shared;
                if (current == null) {
                    current = generate();
                    shared = current;
                }
            }
        }
        return current;
    }

    /** A fresh identity in a new temporary directory (deleted when the JVM exits). */
    public static SelfSignedCertificate generate() {
        try {
            Path dir = Files.createTempDirectory("standin-voice-tls");
            dir.toFile().deleteOnExit();
            Path keyStore = dir.resolve("voice-server.p12");
            Path certificate = dir.resolve("voice-server.cer");
            Path trustStore = dir.resolve("voice-trust.p12");
            keytool("-genkeypair", "-alias", "voice", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-sigalg", "SHA256withECDSA", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                    "-validity", "7", "-storetype", "PKCS12", "-keystore", keyStore.toString(),
                    "-storepass", PASSWORD, "-keypass", PASSWORD);
            keytool("-exportcert", "-alias", "voice", "-keystore", keyStore.toString(), "-storepass", PASSWORD,
                    "-file", certificate.toString());
            keytool("-importcert", "-noprompt", "-alias", "voice", "-file", certificate.toString(),
                    "-storetype", "PKCS12", "-keystore", trustStore.toString(), "-storepass", PASSWORD);
            for (Path p : List.of(keyStore, certificate, trustStore)) p.toFile().deleteOnExit();

            KeyStore keys = load(keyStore);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, PASSWORD.toCharArray());
            SSLContext server = SSLContext.getInstance("TLS");
            server.init(kmf.getKeyManagers(), null, null);

            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(trustStore));
            SSLContext client = SSLContext.getInstance("TLS");
            client.init(null, tmf.getTrustManagers(), null);
            return new SelfSignedCertificate(keyStore, trustStore, server, client);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot generate the voice gateway's certificate", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot load the voice gateway's certificate", e);
        }
    }

    /** The server side: the private key and its certificate. */
    public SSLContext serverContext() {
        return serverContext;
    }

    /**
     * A client context trusting only this certificate. For JDA:
     * {@code JDABuilder#setWebsocketFactory(new WebSocketFactory().setSSLContext(cert.clientContext()))};
     * JDA copies that factory for every voice websocket.
     */
    public SSLContext clientContext() {
        return clientContext;
    }

    /** PKCS#12 trust store holding the certificate, password {@link #PASSWORD}, for {@code javax.net.ssl.trustStore}. */
    public Path trustStore() {
        return trustStore;
    }

    public Path keyStore() {
        return keyStore;
    }

    public Certificate certificate() {
        try {
            return load(trustStore).getCertificate("voice");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }

    private static void keytool(String... args) throws IOException {
        Path tool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>();
        command.add(tool.toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s");
            }
            if (process.exitValue() != 0) {
                throw new IOException("keytool " + args[0] + " failed (" + process.exitValue() + "): "
                        + new String(output, StandardCharsets.UTF_8).strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
            throw new IOException("interrupted while running keytool", e);
        }
    }
}
