package com.valoratbot.standin.voice;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away TLS identity for the voice gateway: {@code CN=localhost} with the subject alternative names
 * {@code DNS:localhost} and {@code IP:127.0.0.1}, generated once per JVM in process (Bouncy Castle's
 * certificate builder; the JDK has no public API to sign a certificate), or kept in a file between
 * starts ({@link #keptIn}). Clients trust it through {@link #clientContext()} or, for another JVM,
 * through {@link #trustStore()} as {@code -Djavax.net.ssl.trustStore} (temporary PKCS#12 files,
 * written when first asked for: each costs key derivations a start does not need).
 */
public final class SelfSignedCertificate {

    /** Password of both generated stores; they protect nothing but a test key. */
    public static final String PASSWORD = "stand-in";

    private static volatile SelfSignedCertificate shared;

    private static final String KEY_ALIAS = "voice";
    /** A kept certificate with less validity left than this is made again. */
    private static final Duration RENEW_BEFORE = Duration.ofDays(1);

    private final KeyStore keys;
    private final X509Certificate certificate;
    private final SSLContext serverContext;
    private final SSLContext clientContext;
    private Path keyStore;
    private Path trustStore;

    private SelfSignedCertificate(KeyStore keys, X509Certificate certificate) throws GeneralSecurityException {
        this.keys = keys;
        this.certificate = certificate;
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, PASSWORD.toCharArray());
        this.serverContext = SSLContext.getInstance("TLS");
        serverContext.init(kmf.getKeyManagers(), null, null);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trustOnly(certificate));
        this.clientContext = SSLContext.getInstance("TLS");
        clientContext.init(null, tmf.getTrustManagers(), null);
    }

    private static KeyStore trustOnly(Certificate certificate) throws GeneralSecurityException {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry(KEY_ALIAS, certificate);
            return trust;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The identity kept in {@code file} (a PKCS#12 key store, owner-only) when it is there and valid
     * for at least another day, else a new one written there. Loading it needs only the JDK: Bouncy
     * Castle (a signed jar, verified as it loads and left out of the AOT cache) is loaded only when a
     * certificate is made, which took most of a second of every sandbox start.
     */
    public static SelfSignedCertificate keptIn(Path file) {
        try {
            if (Files.isRegularFile(file)) {
                KeyStore keys = load(file);
                if (keys.getCertificate(KEY_ALIAS) instanceof X509Certificate kept
                        && keys.isKeyEntry(KEY_ALIAS)
                        && kept.getNotAfter().toInstant().isAfter(Instant.now().plus(RENEW_BEFORE))) {
                    return new SelfSignedCertificate(keys, kept);
                }
            }
        } catch (IOException | GeneralSecurityException | RuntimeException unreadable) {
            // A damaged or foreign file: made again below, and replaced.
        }
        SelfSignedCertificate made = generate();
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path partial = file.resolveSibling(file.getFileName() + ".partial");
            Files.deleteIfExists(partial);
            Files.createFile(
                    partial,
                    java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                            java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
            try (OutputStream out = Files.newOutputStream(partial)) {
                made.keys.store(out, PASSWORD.toCharArray());
            }
            Files.move(
                    partial,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException | GeneralSecurityException | UnsupportedOperationException e) {
            // Not kept: the next start makes one again, as before.
        }
        return made;
    }

    /** The JVM-wide instance, generated on first use (milliseconds). */
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

    /**
     * A fresh identity, made in process with Bouncy Castle's certificate builder over the JDK's own
     * EC keys and signature: a few milliseconds once its classes are loaded, where three
     * {@code keytool} child JVMs took seconds of every sandbox start.
     */
    public static SelfSignedCertificate generate() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            // Bouncy Castle only in that class, so that loading this one (a kept certificate) does not load it.
            X509Certificate certificate =
                    CertificateSigner.selfSigned(pair, "localhost", "127.0.0.1", Duration.ofDays(7));

            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry(KEY_ALIAS, pair.getPrivate(), PASSWORD.toCharArray(), new Certificate[] {certificate});
            return new SelfSignedCertificate(keys, certificate);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make the voice gateway's certificate", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate the voice gateway's certificate", e);
        }
    }

    /** Both stores as temporary files (deleted when the JVM exits), for another JVM; written once, when first asked for. */
    private synchronized void writeFiles() {
        if (keyStore != null) return;
        try {
            Path dir = Files.createTempDirectory("standin-voice-tls");
            dir.toFile().deleteOnExit();
            Path key = dir.resolve("voice-server.p12");
            Path trust = dir.resolve("voice-trust.p12");
            store(keys, key);
            store(trustOnly(certificate), trust);
            keyStore = key;
            trustStore = trust;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the voice gateway's certificate", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot write the voice gateway's certificate", e);
        }
    }

    private static void store(KeyStore store, Path file) throws IOException, GeneralSecurityException {
        try (OutputStream out = Files.newOutputStream(file)) {
            store.store(out, PASSWORD.toCharArray());
        }
        file.toFile().deleteOnExit();
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
    public synchronized Path trustStore() {
        writeFiles();
        return trustStore;
    }

    public synchronized Path keyStore() {
        writeFiles();
        return keyStore;
    }

    public Certificate certificate() {
        return certificate;
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            store.load(in, PASSWORD.toCharArray());
        }
        return store;
    }
}
